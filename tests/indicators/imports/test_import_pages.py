"""The import pages: a focal point works offline on a workbook of their report
(download → fill in → upload → preview → confirm), the secretariat imports
historical figures as approved, a large file goes through the task and its
job page; nobody imports for an organisation not theirs."""

# ruff: noqa: F811 (``plan``: the fixture of test_values.py, imported)

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.imports.selectors import organisation_approved_workbook
from indicators.imports.tasks import import_job_run
from indicators.imports.values import values_import
from indicators.models import ActivityUpdate, ImportJob, Indicator, IndicatorValue, QuarterlyReport
from indicators.quarterly_report.services import IMPORT_REASON, report_open
from plans.models import AuditEvent, Organisation, ReportingPeriod
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    approved_report,
)
from tests.indicators.imports.test_values import plan  # noqa: F401

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def committed(request, monkeypatch):
    """The pages' work runs once the job is committed (transaction.on_commit);
    a test runs in a transaction that is never committed, so run it at once,
    unless the test captures the callbacks itself."""
    if "django_capture_on_commit_callbacks" in request.fixturenames:
        return
    from indicators.imports import services

    monkeypatch.setattr(services.transaction, "on_commit", lambda work, using=None, robust=False: work())


@pytest.fixture
def draft(plan, ministry, focal_point):
    period = ReportingPeriod.objects.get(plan=plan, code="2025-Q2")
    return report_open(actor=focal_point, organisation=ministry, period=period)


def report_kwargs(report) -> dict:
    return {
        "org_code": report.organisation.code,
        "plan_code": report.period.plan.code,
        "period_code": report.period.code,
    }


def download(client, report):
    response = client.get(reverse("imports:report_workbook", kwargs=report_kwargs(report)))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def filled_in(workbook, values: dict, updates: dict | None = None, cells: dict | None = None) -> io.BytesIO:
    """The workbook with ``values`` {indicator code: value} typed into the
    rows of indicators that are not split, ``cells`` {(code, sex, age): value}
    into those that are, and ``updates`` {activity: (status, percent)}."""
    sheet = workbook["indicator_values"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cell = dict(zip(header, row, strict=False))
        code = cell["indicator"].value
        if code in values:
            cell["value"].value = values[code]
        key = (
            code,
            cell["sex"].value if "sex" in cell else None,
            cell["age_group"].value if "age_group" in cell else None,
        )
        if cells and key in cells:
            cell["value"].value = cells[key]
    sheet = workbook["activity_updates"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cell = dict(zip(header, row, strict=False))
        if updates and cell["activity"].value in updates:
            cell["status"].value, cell["percent_complete"].value = updates[cell["activity"].value]
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    output.name = "filled.xlsx"
    return output


def upload(client, report, file):
    return client.post(reverse("imports:report_upload", kwargs=report_kwargs(report)), {"file": file})


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_a_focal_point_fills_in_the_downloaded_workbook_and_the_figures_land_in_the_draft(
    client, draft, focal_point
):
    client.force_login(focal_point)
    workbook = download(client, draft)
    codes = [row[0] for row in workbook["indicator_values"].iter_rows(min_row=2, values_only=True)]
    # Every line of the report: a row per cell of the split indicator (2 × 2), one for each other.
    assert sorted(set(codes)) == ["I-DIS", "I-PCT", "I-SUM"] and codes.count("I-DIS") == 4

    file = filled_in(
        workbook,
        {"I-SUM": 12, "I-PCT": 55},
        {"A1": ("IN_PROGRESS", 40)},
        cells={("I-DIS", "F", "U18"): 3, ("I-DIS", "M", "A18"): 2},
    )
    job = job_of(upload(client, draft, file))

    # The preview: nothing saved yet, what would change line by line.
    assert job.state == ImportJob.State.CHECKED
    assert not IndicatorValue.objects.exists()
    page = client.get(reverse("imports:import_job", kwargs={"pk": job.pk}))
    assert page.status_code == 200
    changes = {(c["what"], c["old"], c["new"]) for c in page.context["page"].changes}
    assert ("I-SUM · MOI · 2025-Q2", "", "12") in changes
    assert ("I-DIS · MOI · 2025-Q2", "", "5") in changes
    assert "Import these figures" in page.content.decode()

    response = client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    draft.refresh_from_db()
    assert draft.state == "DRAFT"
    values = dict(IndicatorValue.objects.filter(report=draft).values_list("indicator__code", "value"))
    assert values == {"I-SUM": Decimal(12), "I-PCT": Decimal(55), "I-DIS": Decimal(5)}
    update = ActivityUpdate.objects.get(report=draft)
    assert (update.status, update.percent_complete) == ("IN_PROGRESS", Decimal(40))
    history = IndicatorValue.history.filter(indicator__code="I-SUM").get()
    assert history.history_user == focal_point and history.history_change_reason == IMPORT_REASON


def test_the_downloaded_workbook_holds_the_drafts_figures_and_imports_as_unchanged(
    client, draft, focal_point
):
    client.force_login(focal_point)
    job = job_of(upload(client, draft, filled_in(download(client, draft), {"I-SUM": 7})))
    client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk}))

    again = job_of(upload(client, draft, filled_in(download(client, draft), {})))

    assert again.state == ImportJob.State.CHECKED
    assert again.result["counts"]["indicator_values"] == {"created": 0, "updated": 0, "unchanged": 1}
    page = client.get(reverse("imports:import_job", kwargs={"pk": again.pk}))
    assert "changes nothing" in page.content.decode()


def test_every_bad_row_of_an_upload_is_shown_and_nothing_is_saved(client, draft, focal_point):
    client.force_login(focal_point)
    job = job_of(upload(client, draft, filled_in(download(client, draft), {"I-SUM": -3, "I-PCT": 140})))

    assert job.state == ImportJob.State.REFUSED
    errors = {(e["sheet"], e["column"], e["message"]) for e in job.result["errors"]}
    assert ("indicator_values", "value", "Enter a number of 0 or more.") in errors
    assert ("indicator_values", "value", "A percentage must lie between 0 and 100.") in errors
    page = client.get(reverse("imports:import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Nothing was saved" in page and "A percentage must lie between 0 and 100." in page
    assert not IndicatorValue.objects.exists()
    assert client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk})).status_code != 500
    assert not IndicatorValue.objects.exists()


def test_a_focal_point_cannot_import_figures_of_another_organisation(
    client,
    plan,
    draft,
    focal_point,
    other_ministry,
):
    client.force_login(focal_point)
    workbook = download(client, draft)
    sheet = workbook["indicator_values"]
    sheet.append(["I-SUM", "", "MOJ", "2025-Q2", "", "", 9, ""])
    job = job_of(upload(client, draft, filled_in(workbook, {"I-SUM": 4})))

    assert job.state == ImportJob.State.REFUSED
    messages = [e["message"] for e in job.result["errors"]]
    assert "You may import the figures of your own organisation only, not those of MOJ." in messages
    assert not IndicatorValue.objects.exists()

    # Nor through the upload of the other organisation's report.
    period = ReportingPeriod.objects.get(plan=plan, code="2025-Q2")
    theirs = QuarterlyReport.objects.create(organisation=other_ministry, period=period)
    assert client.get(reverse("imports:report_workbook", kwargs=report_kwargs(theirs))).status_code == 404
    assert upload(client, theirs, filled_in(download(client, draft), {"I-SUM": 4})).status_code == 404
    assert not ImportJob.objects.filter(report=theirs).exists()


def test_a_partner_cannot_download_or_upload_figures(client, draft, partner, focal_point):
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 4})
    client.force_login(partner)

    assert client.get(reverse("imports:report_workbook", kwargs=report_kwargs(draft))).status_code == 404
    assert upload(client, draft, file).status_code == 404
    historical = reverse("imports:historical_upload", kwargs={"plan_code": draft.period.plan.code})
    assert client.get(historical).status_code == 403
    assert not ImportJob.objects.exists() and not IndicatorValue.objects.exists()


def test_a_submitted_report_takes_no_upload(client, draft, focal_point):
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 4})
    QuarterlyReport.objects.filter(pk=draft.pk).update(state="SUBMITTED")

    response = upload(client, draft, file)

    assert response.status_code == 302 and not ImportJob.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "figures can be imported into a draft or returned report only" in page


def test_the_report_page_offers_the_workbook_to_its_focal_point_only(client, draft, focal_point, reviewer):
    url = reverse("quarterly_report:report_form", kwargs=report_kwargs(draft))
    client.force_login(focal_point)
    assert "Work offline with a workbook" in client.get(url).content.decode()
    client.force_login(reviewer)
    assert "Work offline with a workbook" not in client.get(url).content.decode()


def historical_file(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indicator_values"
    sheet.append(["indicator", "organisation", "period", "value", "note"])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    output.name = "history.xlsx"
    return output


def test_the_secretariat_imports_historical_figures_as_approved_in_its_name(
    client,
    plan,
    admin_user,
    ministry,
):
    client.force_login(admin_user)
    url = reverse("imports:historical_upload", kwargs={"plan_code": plan.code})
    assert client.get(url).status_code == 200
    status_page = client.get(reverse("review:reporting_status")).content.decode()
    assert url in status_page

    job = job_of(client.post(url, {"file": historical_file([["I-SUM", "MOI", "2024-Q3", 30, "archive"]])}))
    assert job.state == ImportJob.State.CHECKED and not QuarterlyReport.objects.exists()
    client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk}))

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    report = QuarterlyReport.objects.get(organisation=ministry, period__code="2024-Q3")
    assert report.state == "APPROVED" and report.approved_by == admin_user
    assert IndicatorValue.objects.get(report=report).value == 30
    assert AuditEvent.objects.filter(action="values.import", actor=admin_user).exists()


def test_a_focal_point_cannot_import_historical_figures(client, plan, focal_point):
    client.force_login(focal_point)
    url = reverse("imports:historical_upload", kwargs={"plan_code": plan.code})
    response = client.post(url, {"file": historical_file([["I-SUM", "MOI", "2024-Q3", 30, ""]])})
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and not QuarterlyReport.objects.exists()


def test_a_large_file_is_checked_and_imported_by_the_task_with_its_progress_on_the_job_page(
    client, draft, focal_point, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 12})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = job_of(upload(client, draft, file))
    assert len(queued) == 1  # the task, sent once the job is committed

    page = client.get(reverse("imports:import_job", kwargs={"pk": job.pk}))
    assert job.state == ImportJob.State.CHECKING
    assert '<meta http-equiv="refresh"' in page.content.decode() and "<progress" in page.content.decode()

    assert import_job_run(job.pk) == ImportJob.State.CHECKED
    assert import_job_run(job.pk) == ImportJob.State.CHECKED  # twice: the same job, nothing more
    page = client.get(reverse("imports:import_job", kwargs={"pk": job.pk})).content.decode()
    assert "refresh" not in page and "I-SUM · MOI · 2025-Q2" in page

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk}))
    assert len(queued) == 1
    assert import_job_run(job.pk) == ImportJob.State.DONE
    assert IndicatorValue.objects.get(report=draft, indicator__code="I-SUM").value == 12


def test_a_second_upload_into_a_report_with_an_import_running_is_refused(
    client, draft, focal_point, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 12})
    with django_capture_on_commit_callbacks(execute=False):
        job_of(upload(client, draft, file))
        file.seek(0)
        response = upload(client, draft, file)

    assert ImportJob.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "An import of this report is already running" in page


def test_only_its_uploader_opens_a_job(client, draft, focal_point, ministry):
    client.force_login(focal_point)
    job = job_of(upload(client, draft, filled_in(download(client, draft), {"I-SUM": 12})))
    colleague = UserFactory(username="colleague", role="focal_point", organisation=ministry)
    client.force_login(colleague)
    assert client.get(reverse("imports:import_job", kwargs={"pk": job.pk})).status_code == 404
    assert client.post(reverse("imports:import_job_confirm", kwargs={"pk": job.pk})).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_an_organisations_approved_figures_exported_and_imported_into_a_plan_copy_are_the_same(
    tmp_path,
    plan,
    ministry,
    admin_user,
):
    periods = {p.code: p for p in plan.periods.all()}
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    approved_report(ministry, periods["2024-Q3"], values={indicators["I-SUM"]: 4, indicators["I-PCT"]: 45})
    approved_report(ministry, periods["2024-Q4"], values={indicators["I-SUM"]: 6, indicators["I-ANN"]: 20})
    split = approved_report(ministry, periods["2025-Q1"], values={indicators["I-DIS"]: 7})
    value = split.indicator_values.get()
    value.cells.create(cell="age_group=U18;sex=F", value=3)
    value.cells.create(cell="age_group=A18;sex=M", value=4)
    copy = plan_copy(plan)

    workbook = organisation_approved_workbook(plan=plan, organisation=ministry)
    path = tmp_path / "export.xlsx"
    path.write_bytes(workbook.xlsx())
    result = values_import(actor=admin_user, path_or_file=path, approve=True, plan=copy.code)

    assert result.ok, result.errors

    def figures(of):
        return sorted(
            IndicatorValue.objects.filter(report__period__plan=of).values_list(
                "indicator__code", "report__period__code", "value"
            )
        )

    assert figures(copy) == figures(plan)
    cells = IndicatorValue.objects.get(report__period__plan=copy, indicator__code="I-DIS").cells
    assert dict(cells.values_list("cell", "value")) == {"age_group=U18;sex=F": 3, "age_group=A18;sex=M": 4}


def plan_copy(plan):
    """An empty plan with the same indicators, codes and organisations."""
    copy = PlanFactory(code="NSP-COPY", start_year=plan.start_year, end_year=plan.end_year)
    objective = ObjectiveFactory(plan=copy, pillar__plan=copy, code="O1")
    for indicator in Indicator.objects.filter(plan=plan).prefetch_related("contributors", "disaggregation"):
        twin = IndicatorFactory(
            objective=objective,
            code=indicator.code,
            lead=indicator.lead,
            measure=indicator.measure,
            aggregation=indicator.aggregation,
            frequency=indicator.frequency,
            targets=[100] * 5 if indicator.measure != "PERCENT" else [50, 60, 70, 80, 90],
        )
        twin.contributors.set(indicator.contributors.all())
        twin.disaggregation.set(indicator.disaggregation.all())
    ActivityFactory(objective=objective, code="A1", lead=Organisation.objects.get(code="MOI"))
    return copy


def test_an_upload_abandoned_by_a_dead_worker_does_not_block_the_report_for_ever(
    client, draft, focal_point, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 12})
    with django_capture_on_commit_callbacks(execute=False):
        stuck = job_of(upload(client, draft, file))
    two_hours_ago = stuck.created_at - datetime.timedelta(hours=2)
    ImportJob.objects.filter(pk=stuck.pk).update(started_at=two_hours_ago)

    file.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, draft, file)
    job = job_of(response)

    stuck.refresh_from_db()
    assert stuck.state == ImportJob.State.FAILED
    assert job.pk != stuck.pk and job.state == ImportJob.State.CHECKED


def test_an_uploaded_file_is_deleted_a_week_after_its_import_and_its_result_kept(
    client, draft, focal_point, settings, tmp_path
):
    """A values file holds survivors' figures: it is kept while its import
    needs it (a checked file waits to be confirmed), then deleted."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(focal_point)
    file = filled_in(download(client, draft), {"I-SUM": 12})
    done = job_of(upload(client, draft, file))
    client.post(reverse("imports:import_job_confirm", kwargs={"pk": done.pk}))
    done.refresh_from_db()
    uploaded, result = Path(done.file.path), done.result
    assert done.state == ImportJob.State.DONE and uploaded.exists()

    eight_days_ago = done.finished_at - datetime.timedelta(days=settings.IMPORT_FILES_KEPT_DAYS + 1)
    ImportJob.objects.filter(pk=done.pk).update(finished_at=eight_days_ago)
    file.seek(0)
    waiting = job_of(upload(client, draft, file))

    done.refresh_from_db()
    assert not done.file and not uploaded.exists()
    assert done.result == result
    page = client.get(reverse("imports:import_job", kwargs={"pk": done.pk}))
    assert page.status_code == 200 and done.original_name in page.content.decode()
    assert waiting.state == ImportJob.State.CHECKED and Path(waiting.file.path).exists()
