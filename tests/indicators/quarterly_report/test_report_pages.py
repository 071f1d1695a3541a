"""The focal point's pages: "My reports", the quarterly report form and evidence files."""

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import Evidence, IndicatorValue, QuarterlyReport
from indicators.quarterly_report.services import report_open
from indicators.quarterly_report.workflow import report_approve, report_return, report_submit
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    approved_report,
    publish_through,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(ministry, other_ministry):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1.1", pillar__code="P1")
    trained = IndicatorFactory(
        objective=objective,
        code="TRAINED",
        lead=ministry,
        unit="officials",
        targets=[100, 120, 140, 160, 180],
    )
    referred = IndicatorFactory(
        objective=objective,
        code="REFERRED",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        targets=[50] * 5,
    )
    sex = DimensionFactory(code="sex", name="Sex")
    CategoryFactory(dimension=sex, code="F", name="Female", position=1)
    CategoryFactory(dimension=sex, code="M", name="Male", position=2)
    age = DimensionFactory(code="age_group", name="Age group")
    CategoryFactory(dimension=age, code="U18", name="Under 18", position=1)
    CategoryFactory(dimension=age, code="A18", name="18 and over", position=2)
    victims = IndicatorFactory(objective=objective, code="VICTIMS", lead=ministry, targets=[200] * 5)
    victims.disaggregation.add(sex, age)
    activity = ActivityFactory(objective=objective, code="ACT", lead=ministry)
    moj_only = IndicatorFactory(objective=objective, code="CASES", lead=other_ministry, targets=[10] * 5)
    return {
        "plan": plan,
        "trained": trained,
        "referred": referred,
        "victims": victims,
        "activity": activity,
        "cases": moj_only,
        "period": plan.periods.get(code="2024-Q2"),
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_url(org_code="MOI", period_code="2024-Q2", plan_code="NSP") -> str:
    return reverse(
        "quarterly_report:report_form",
        kwargs={"org_code": org_code, "plan_code": plan_code, "period_code": period_code},
    )


def f(kind, obj, name):
    return f"{kind}-{obj.pk}-{name}"


def full_post(p, report, action="save", **overrides):
    data = {
        "version": report.version,
        "action": action,
        f("indicator", p["trained"], "value"): "10",
        f("indicator", p["referred"], "value"): "45",
        f("indicator", p["victims"], "cell-age_group=U18;sex=F"): "3",
        f("indicator", p["victims"], "cell-age_group=U18;sex=M"): "2",
        f("indicator", p["victims"], "cell-age_group=A18;sex=F"): "5",
        f("indicator", p["victims"], "cell-age_group=A18;sex=M"): "1",
        f("activity", p["activity"], "status"): "IN_PROGRESS",
        f("activity", p["activity"], "percent_complete"): "40",
    }
    data.update(overrides)
    return data


def error_next_to(content: str, field_name: str) -> str:
    """The message shown under the field named ``field_name``."""
    match = re.search(rf'id="id_{re.escape(field_name)}-error">([^<]*)<', content)
    return match.group(1).strip() if match else ""


@pytest.fixture
def draft(plan, ministry, focal_point):
    return report_open(actor=focal_point, organisation=ministry, period=plan["period"])


# --- Who may open what -------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, plan, draft):
    for url in (
        reverse("quarterly_report:my_reports"),
        form_url(),
        reverse("quarterly_report:evidence_download", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_focal_point_sees_their_organisations_reports_with_what_is_due(plan, ministry, focal_point, reviewer):
    approved_report(ministry, plan["plan"].periods.get(code="2024-Q1"), values={plan["trained"]: 8})
    returned = approved_report(ministry, plan["period"], state="SUBMITTED")
    report_return(actor=reviewer, report=returned, comment="The training figure looks doubled")
    response = signed_in(focal_point).get(reverse("quarterly_report:my_reports"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "returned:</strong> The training figure looks doubled" in content
    assert "Approved" in content and "Returned" in content
    # Periods not started yet, up to today's quarter, can be started.
    assert "Start report" in content
    assert form_url(period_code="2024-Q3") in content
    # Quarters that have not begun are not listed (the plan runs to 2028).
    assert "2028-Q4" not in content


def test_focal_point_does_not_see_another_ministrys_reports(plan, other_ministry, focal_point):
    approved_report(other_ministry, plan["period"], state="DRAFT")
    content = signed_in(focal_point).get(reverse("quarterly_report:my_reports")).content.decode()
    assert form_url(org_code="MOJ") not in content


@pytest.mark.parametrize("who", ["reviewer", "partner"])
def test_reviewers_and_partners_have_no_my_reports_page(plan, request, who):
    assert (
        signed_in(request.getfixturevalue(who)).get(reverse("quarterly_report:my_reports")).status_code == 403
    )


def test_admin_chooses_an_organisation_then_sees_its_reports(plan, admin_user, draft):
    client = signed_in(admin_user)
    chooser = client.get(reverse("quarterly_report:my_reports")).content.decode()
    assert 'value="MOI"' in chooser and 'value="MOJ"' in chooser
    assert form_url() not in chooser
    content = client.get(reverse("quarterly_report:my_reports"), {"organisation": "MOI"}).content.decode()
    assert form_url() in content
    assert client.get(reverse("quarterly_report:my_reports"), {"organisation": "NOPE"}).status_code == 404


def test_opening_a_report_does_not_create_it_starting_does(plan, ministry, focal_point):
    client = signed_in(focal_point)
    response = client.get(form_url())
    assert response.status_code == 200
    assert b"Start report" in response.content
    assert not QuarterlyReport.objects.exists()
    response = client.post(form_url(), {"action": "start"})
    assert response.status_code == 302
    report = QuarterlyReport.objects.get(organisation=ministry, period=plan["period"])
    assert report.state == "DRAFT"
    page = client.get(form_url()).content.decode()
    for code in ("TRAINED", "REFERRED", "VICTIMS", "ACT"):
        assert code in page
    assert "CASES" not in page  # another ministry's indicator
    assert 'name="version"' in page and "Save draft" in page


def test_a_quarter_that_has_not_begun_cannot_be_started(plan, focal_point):
    response = signed_in(focal_point).post(form_url(period_code="2028-Q4"), {"action": "start"})
    assert response.status_code == 200
    assert not QuarterlyReport.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_focal_point_cannot_open_another_ministrys_report(plan, other_ministry, focal_point, method):
    approved_report(other_ministry, plan["period"], state="DRAFT")
    client = signed_in(focal_point)
    response = getattr(client, method)(form_url(org_code="MOJ"), {"action": "start"})
    assert response.status_code in (403, 404)
    assert not QuarterlyReport.objects.filter(organisation__code="MOJ").exclude(state="DRAFT").exists()
    assert QuarterlyReport.objects.count() == 1


def test_focal_point_cannot_start_another_ministrys_report(plan, focal_point):
    response = signed_in(focal_point).post(form_url(org_code="MOJ"), {"action": "start"})
    assert response.status_code == 404
    assert not QuarterlyReport.objects.exists()


def test_reviewer_reads_a_draft_but_cannot_edit_it(plan, draft, reviewer):
    client = signed_in(reviewer)
    response = client.get(form_url())
    assert response.status_code == 200
    assert b"Save draft" not in response.content
    assert b"read-only" in response.content
    response = client.post(form_url(), full_post(plan, draft))
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_reviewer_opening_a_report_not_started_does_not_create_it(plan, reviewer):
    assert signed_in(reviewer).get(form_url()).status_code == 404
    assert not QuarterlyReport.objects.exists()


def test_partner_sees_only_approved_reports_and_never_edits(plan, ministry, partner, draft):
    client = signed_in(partner)
    assert client.get(form_url()).status_code == 404
    approved_report(ministry, plan["plan"].periods.get(code="2024-Q1"), values={plan["trained"]: 8})
    # Approved but not published: still the secretariat's.
    assert client.get(form_url(period_code="2024-Q1")).status_code == 404
    publish_through(plan["plan"], "2024-Q1")
    response = client.get(form_url(period_code="2024-Q1"))
    assert response.status_code == 200
    assert b"Save draft" not in response.content
    assert client.post(form_url(period_code="2024-Q1"), {"action": "save"}).status_code == 403


def test_admin_fills_in_a_report_on_behalf_of_a_ministry(plan, ministry, admin_user):
    client = signed_in(admin_user)
    client.post(form_url(), {"action": "start"})
    report = QuarterlyReport.objects.get(organisation=ministry)
    response = client.post(form_url(), full_post(plan, report))
    assert response.status_code == 302
    assert IndicatorValue.objects.get(report=report, indicator=plan["trained"]).value == 10
    assert report.events.get().actor == admin_user


# --- Saving and submitting ---------------------------------------------------------


def test_saving_a_draft_keeps_the_values(plan, draft, focal_point):
    client = signed_in(focal_point)
    post = full_post(plan, draft, **{f("indicator", plan["trained"], "note"): "Two sessions in Kampot"})
    response = client.post(form_url(), post, follow=True)
    assert "Your draft is saved" in response.content.decode()
    values = {v.indicator.code: v.value for v in draft.indicator_values.all()}
    assert values == {"TRAINED": 10, "REFERRED": 45, "VICTIMS": 11}
    draft.refresh_from_db()
    assert draft.state == "DRAFT"
    page = client.get(form_url()).content.decode()
    assert f'name="{f("indicator", plan["trained"], "value")}" value="10"' in page
    assert "Two sessions in Kampot" in page
    assert 'IN_PROGRESS" selected' in page


def test_submitting_a_complete_report(plan, draft, focal_point):
    response = signed_in(focal_point).post(form_url(), full_post(plan, draft, action="submit"), follow=True)
    draft.refresh_from_db()
    assert draft.state == "SUBMITTED"
    content = response.content.decode()
    assert "Your report is submitted" in content
    # Read-only now, with its history.
    assert "Save draft" not in content
    assert "Draft → Submitted" in content
    assert "focal" in content


def test_submit_with_missing_values_shows_messages_next_to_fields_and_keeps_input(plan, draft, focal_point):
    post = full_post(plan, draft, action="submit")
    post[f("indicator", plan["referred"], "value")] = ""
    post[f("activity", plan["activity"], "status")] = ""
    post[f("activity", plan["activity"], "percent_complete")] = ""
    post[f("indicator", plan["trained"], "note")] = "A note I typed"
    response = signed_in(focal_point).post(form_url(), post)
    assert response.status_code == 422
    content = response.content.decode()
    assert (
        error_next_to(content, f("indicator", plan["referred"], "value"))
        == "Enter a value before submitting."
    )
    assert (
        error_next_to(content, f("activity", plan["activity"], "status"))
        == "Give this activity&#x27;s status before submitting."
    )
    # The summary at the top links to the field.
    assert f'href="#id_{f("indicator", plan["referred"], "value")}"' in content
    # What was typed is still there (and was saved as a draft).
    assert f'name="{f("indicator", plan["trained"], "value")}" value="10"' in content
    assert "A note I typed" in content
    assert "saved, but it is not submitted" in content
    draft.refresh_from_db()
    assert draft.state == "DRAFT"
    # The page carries the new version, so saving again is not a conflict.
    assert f'name="version" value="{draft.version}"' in content


def test_a_percentage_of_120_is_refused_next_to_its_field(plan, draft, focal_point):
    post = full_post(plan, draft, **{f("indicator", plan["referred"], "value"): "120"})
    response = signed_in(focal_point).post(form_url(), post)
    assert response.status_code == 422
    content = response.content.decode()
    field = f("indicator", plan["referred"], "value")
    assert error_next_to(content, field) == "A percentage must lie between 0 and 100."
    assert f'name="{field}" value="120"' in content
    assert "is-invalid" in content
    assert not draft.indicator_values.exists()


def test_a_figure_that_is_not_a_number_is_refused_and_nothing_is_saved(plan, draft, focal_point):
    field = f("indicator", plan["trained"], "value")
    response = signed_in(focal_point).post(form_url(), full_post(plan, draft, **{field: "ten"}))
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), field) == "Enter a number."
    assert not draft.indicator_values.exists()


def test_a_note_without_a_value_is_not_silently_dropped(plan, draft, focal_point):
    post = full_post(plan, draft, **{f("indicator", plan["trained"], "value"): ""})
    post[f("indicator", plan["trained"], "note")] = "Figures come next week"
    response = signed_in(focal_point).post(form_url(), post)
    assert response.status_code == 422
    assert "a note is kept only with a value" in error_next_to(
        response.content.decode(), f("indicator", plan["trained"], "value")
    )


def test_the_later_of_two_saves_is_refused_and_the_first_is_kept(plan, draft, ministry, focal_point):
    colleague = UserFactory(
        username="sokha", first_name="Sokha", last_name="Chan", role="focal_point", organisation=ministry
    )
    field = f("indicator", plan["trained"], "value")
    first, second = signed_in(colleague), signed_in(focal_point)
    opened_at = draft.version  # both opened the form at this version
    assert first.post(form_url(), full_post(plan, draft, **{field: "12"})).status_code == 302
    response = second.post(form_url(), {**full_post(plan, draft, **{field: "99"}), "version": opened_at})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Sokha Chan saved this report at" in content
    assert "Nothing of yours was saved" in content
    assert f'name="{field}" value="99"' in content  # their input is kept on the page
    assert IndicatorValue.objects.get(report=draft, indicator=plan["trained"]).value == 12
    # Saving again from the same page is refused again, until they reload.
    again = second.post(form_url(), {**full_post(plan, draft, **{field: "99"}), "version": opened_at})
    assert "Sokha Chan saved this report at" in again.content.decode()


def test_the_disaggregated_grid_saves_cells_and_their_total(plan, draft, focal_point):
    client = signed_in(focal_point)
    client.post(form_url(), full_post(plan, draft))
    value = IndicatorValue.objects.get(report=draft, indicator=plan["victims"])
    assert value.value == 11
    assert dict(value.cells.values_list("cell", "value")) == {
        "age_group=U18;sex=F": 3,
        "age_group=U18;sex=M": 2,
        "age_group=A18;sex=F": 5,
        "age_group=A18;sex=M": 1,
    }
    page = client.get(form_url()).content.decode()
    # Rows are the first dimension's categories (age group), columns the second's (sex).
    assert re.search(r"<th scope=\"col\">Female</th>\s*<th scope=\"col\">Male</th>", page)
    assert '<th scope="row">Under 18</th>' in page
    assert "Saved total: <strong>11</strong>" in page
    assert f'data-total-for="{plan["victims"].pk}"' in page


def test_a_negative_cell_is_refused_next_to_the_cell(plan, draft, focal_point):
    field = f("indicator", plan["victims"], "cell-age_group=U18;sex=F")
    response = signed_in(focal_point).post(form_url(), full_post(plan, draft, **{field: "-3"}))
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), field) == "Enter a number of 0 or more."


def test_milestones_are_chosen_from_reached_or_not(plan, draft, ministry, focal_point):
    law = IndicatorFactory(
        objective=plan["trained"].objective,
        code="LAW",
        lead=ministry,
        measure="MILESTONE",
        aggregation="LATEST",
    )
    client = signed_in(focal_point)
    page = client.get(form_url()).content.decode()
    assert f'<select name="{f("indicator", law, "value")}"' in page
    client.post(form_url(), full_post(plan, draft, **{f("indicator", law, "value"): "1"}))
    assert IndicatorValue.objects.get(report=draft, indicator=law).value == 1


def test_a_submitted_report_cannot_be_saved_any_more(plan, draft, focal_point):
    client = signed_in(focal_point)
    client.post(form_url(), full_post(plan, draft, action="submit"))
    draft.refresh_from_db()
    response = client.post(
        form_url(), full_post(plan, draft, **{f("indicator", plan["trained"], "value"): "1"})
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(report=draft, indicator=plan["trained"]).value == 10
    assert "can no longer be edited" in client.get(form_url()).content.decode()


def test_a_returned_report_shows_the_reviewers_comment_and_can_be_corrected(
    plan, draft, focal_point, reviewer
):
    client = signed_in(focal_point)
    client.post(form_url(), full_post(plan, draft, action="submit"))
    draft.refresh_from_db()
    report_return(actor=reviewer, report=draft, comment="Check the referral rate")
    page = client.get(form_url()).content.decode()
    assert "Check the referral rate" in page and "Save draft" in page
    draft.refresh_from_db()
    response = client.post(
        form_url(),
        full_post(plan, draft, action="submit", **{f("indicator", plan["referred"], "value"): "40"}),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "SUBMITTED"


# --- Evidence files ----------------------------------------------------------------


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_pdf_is_attached_and_downloadable_by_those_who_may_see_the_report(
    plan, draft, ministry, other_ministry, focal_point, reviewer, partner
):
    field = f("indicator", plan["trained"], "evidence")
    response = signed_in(focal_point).post(
        form_url(), {**full_post(plan, draft), field: upload("training register.pdf", PDF)}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "training register.pdf",
        "application/pdf",
        len(PDF),
    )
    assert evidence.indicator == plan["trained"]
    assert "training register" not in evidence.file.name  # stored under a random name
    url = reverse("quarterly_report:evidence_download", args=[evidence.pk])
    assert url in signed_in(focal_point).get(form_url()).content.decode()
    for user in (focal_point, reviewer):
        download = signed_in(user).get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
    other = UserFactory(username="moj-focal", role="focal_point", organisation=other_ministry)
    assert signed_in(other).get(url).status_code == 404
    assert signed_in(partner).get(url).status_code == 404  # the report is not approved


def test_several_files_can_be_attached_at_once(plan, draft, focal_point):
    field = f("indicator", plan["referred"], "evidence")
    signed_in(focal_point).post(
        form_url(),
        {
            **full_post(plan, draft),
            field: [upload("a.pdf", PDF), upload("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)],
        },
    )
    assert sorted(Evidence.objects.values_list("original_name", "content_type")) == [
        ("a.pdf", "application/pdf"),
        ("b.png", "image/png"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "setup.exe: this kind of file cannot be attached."),
        ("invoice.pdf", EXE, "invoice.pdf is not really a PDF file."),
        ("table.xlsx", PDF, "table.xlsx is not really a XLSX file."),
        (
            "big.pdf",
            PDF + b"0" * 200,
            f"big.pdf is {len(PDF) + 200}\xa0bytes; a file may be at most 100\xa0bytes.",
        ),
    ],
)
def test_a_file_of_the_wrong_kind_or_too_large_is_refused_with_a_message(
    plan, draft, focal_point, settings, name, content, message
):
    settings.EVIDENCE_MAX_BYTES = 100
    field = f("indicator", plan["trained"], "evidence")
    response = signed_in(focal_point).post(
        form_url(), {**full_post(plan, draft), field: upload(name, content)}
    )
    assert response.status_code == 422
    assert error_next_to(response.content.decode(), field).startswith(message)
    assert not Evidence.objects.exists()
    assert not draft.indicator_values.exists()  # nothing saved


def test_a_real_office_file_is_accepted(plan, draft, focal_point, tmp_path):
    path = tmp_path / "minutes.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    field = f("indicator", plan["trained"], "evidence")
    response = signed_in(focal_point).post(
        form_url(), {**full_post(plan, draft), field: upload("minutes.docx", path.read_bytes())}
    )
    assert response.status_code == 302
    assert Evidence.objects.get().content_type.endswith("wordprocessingml.document")


def test_evidence_is_removed_by_the_focal_point_while_the_report_is_a_draft(
    plan, draft, focal_point, reviewer, django_capture_on_commit_callbacks
):
    field = f("indicator", plan["trained"], "evidence")
    client = signed_in(focal_point)
    client.post(form_url(), {**full_post(plan, draft), field: upload("a.pdf", PDF)})
    evidence = Evidence.objects.get()
    stored = evidence.file.path
    remove = reverse("quarterly_report:evidence_remove", args=[evidence.pk])
    assert signed_in(reviewer).post(remove).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    assert not Evidence.objects.exists()
    assert not Path(stored).exists()  # the file goes with the row


def test_evidence_of_a_submitted_report_cannot_be_removed(plan, draft, focal_point):
    field = f("indicator", plan["trained"], "evidence")
    client = signed_in(focal_point)
    client.post(form_url(), {**full_post(plan, draft, action="submit"), field: upload("a.pdf", PDF)})
    evidence = Evidence.objects.get()
    client.post(reverse("quarterly_report:evidence_remove", args=[evidence.pk]))
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- Queries -----------------------------------------------------------------------


def grow(plan, ministry, n):
    """Add ``n`` more indicators (every third disaggregated) and activities, and an approved quarter."""
    objective = ObjectiveFactory(plan=plan["plan"], pillar__plan=plan["plan"], code="O9.9", pillar__code="P9")
    sex = plan["victims"].disaggregation.get(code="sex")
    for i in range(n):
        indicator = IndicatorFactory(objective=objective, code=f"EXTRA{i}", lead=ministry, targets=[5] * 5)
        if i % 3 == 0:
            indicator.disaggregation.add(sex)
        ActivityFactory(objective=objective, code=f"XACT{i}", lead=ministry)
    approved_report(ministry, plan["plan"].periods.get(code="2024-Q1"), values={plan["trained"]: 8})


# The form: session, user, plan, organisation, period, report; expected indicators,
# their dimensions, their categories; expected activities; saved values, their
# cells, activity updates, this year's targets, evidence files, last approved
# values, the gaps to explain (the previous quarter's scores), the comments on
# lines; the history.
FORM_QUERIES = 19
# My reports: session, user, the user's organisation, plans, reports, periods.
MY_REPORTS_QUERIES = 6
# The administrator's: session, user, the chooser's organisations, the chosen one,
# plans, reports, periods; the user's organisation (navigation bar).
ADMIN_MY_REPORTS_QUERIES = 8


@pytest.mark.parametrize("extra", [0, 12])
def test_pages_run_a_fixed_number_of_queries_whatever_the_plans_size(
    plan, draft, ministry, focal_point, admin_user, django_assert_max_num_queries, extra
):
    grow(plan, ministry, extra)
    client = signed_in(focal_point)
    client.post(form_url(), full_post(plan, draft))
    with django_assert_max_num_queries(FORM_QUERIES):
        assert client.get(form_url()).status_code == 200
    with django_assert_max_num_queries(MY_REPORTS_QUERIES):
        assert client.get(reverse("quarterly_report:my_reports")).status_code == 200
    admin = signed_in(admin_user)
    with django_assert_max_num_queries(ADMIN_MY_REPORTS_QUERIES):
        assert admin.get(reverse("quarterly_report:my_reports"), {"organisation": "MOI"}).status_code == 200


def test_the_form_page_shows_what_helps_to_answer(plan, draft, ministry, focal_point):
    approved_report(ministry, plan["plan"].periods.get(code="2024-Q1"), values={plan["trained"]: Decimal(8)})
    page = signed_in(focal_point).get(form_url()).content.decode()
    trained = page[page.index(f'id="indicator-{plan["trained"].pk}"') :]
    trained = trained[: trained.index("</details>")]
    assert "Unit: officials" in trained
    assert "Last approved value: <strong>8</strong>" in trained
    assert "Target for 2024: <strong>100</strong>" in trained
    assert "Reason for a gap and corrective action" in trained


def test_partners_never_download_evidence_even_of_an_approved_report(
    plan, draft, focal_point, reviewer, partner
):
    field = f("indicator", plan["trained"], "evidence")
    signed_in(focal_point).post(form_url(), {**full_post(plan, draft), field: upload("register.pdf", PDF)})
    evidence = Evidence.objects.get()
    draft.refresh_from_db()
    report_submit(actor=focal_point, report=draft)
    report_approve(actor=reviewer, report=draft)
    url = reverse("quarterly_report:evidence_download", args=[evidence.pk])
    assert signed_in(reviewer).get(url).status_code == 200
    # Registers and court lists may name survivors: partners get aggregate figures only.
    assert signed_in(partner).get(url).status_code == 404


# --- Every problem at once -----------------------------------------------------------


def test_every_problem_of_a_mixed_bad_submission_is_shown_at_once_and_nothing_is_saved(
    plan, draft, ministry, focal_point
):
    objective = plan["trained"].objective
    more = IndicatorFactory(objective=objective, code="MORE", lead=ministry, targets=[5] * 5)
    share = IndicatorFactory(
        objective=objective, code="SHARE", lead=ministry, measure="PERCENT", aggregation="LATEST"
    )
    missing = IndicatorFactory(objective=objective, code="MISSING", lead=ministry, targets=[5] * 5)
    over, under = (
        ActivityFactory(objective=objective, code=code, lead=ministry) for code in ("OVER", "UNDER")
    )
    victims, activity = plan["victims"], plan["activity"]
    typed = {
        # What the form cannot read ...
        f("indicator", plan["trained"], "value"): "twelve",
        f("indicator", victims, "cell-age_group=U18;sex=F"): "1,250",
        f("indicator", plan["referred"], "value"): "45%",
        f("activity", activity, "percent_complete"): "abc",
        # ... and what the rules refuse, in the same answer.
        f("indicator", more, "value"): "-5",
        f("indicator", share, "value"): "150",
        f("indicator", victims, "cell-age_group=A18;sex=M"): "-3",
        f("activity", over, "status"): "IN_PROGRESS",
        f("activity", over, "percent_complete"): "150",
        f("activity", under, "status"): "DELAYED",
        f("activity", under, "percent_complete"): "-10",
        # ... and what submitting needs: a value for every indicator.
        f("indicator", missing, "value"): "",
    }

    response = signed_in(focal_point).post(form_url(), full_post(plan, draft, action="submit", **typed))

    assert response.status_code == 422
    content = response.content.decode()
    expected = {
        f("indicator", plan["trained"], "value"): "Enter a number.",
        f("indicator", victims, "cell-age_group=U18;sex=F"): "Enter a number.",
        f("indicator", plan["referred"], "value"): "Enter a number.",
        f("activity", activity, "percent_complete"): "Enter a number.",
        f("indicator", more, "value"): "Enter a number of 0 or more.",
        f("indicator", share, "value"): "A percentage must lie between 0 and 100.",
        f("indicator", victims, "cell-age_group=A18;sex=M"): "Enter a number of 0 or more.",
        f("activity", over, "percent_complete"): "Percent complete must lie between 0 and 100.",
        f("activity", under, "percent_complete"): "Percent complete must lie between 0 and 100.",
        f("indicator", missing, "value"): "Enter a value before submitting.",
    }
    assert {name: error_next_to(content, name) for name in expected} == expected
    assert "There are 10 problems to correct" in content
    # What was typed stays on the page; nothing was written.
    assert 'value="1,250"' in content and 'value="45%"' in content
    assert not draft.indicator_values.exists() and not draft.activity_updates.exists()
    draft.refresh_from_db()
    assert (draft.state, draft.version) == ("DRAFT", 1)


def test_a_figure_that_cannot_be_read_does_not_also_count_as_missing(plan, draft, focal_point):
    post = full_post(plan, draft, action="submit", **{f("indicator", plan["trained"], "value"): "ten"})
    post[f("indicator", plan["trained"], "note")] = "from the register"
    content = signed_in(focal_point).post(form_url(), post).content.decode()
    field = f("indicator", plan["trained"], "value")
    # One message, the true one: not also "enter a value" or "a note needs a value".
    assert error_next_to(content, field) == "Enter a number."
    assert "There is 1 problem to correct" in content


# --- The secretariat's comments on lines ----------------------------------------------


def test_the_focal_point_sees_each_line_comment_next_to_its_field(plan, draft, focal_point, reviewer):
    report_save_from(plan, draft, focal_point)
    report_submit(actor=focal_point, report=draft)
    report_return(
        actor=reviewer,
        report=draft,
        comment="Two lines need a look",
        indicator_comments={plan["trained"].pk: "The register shows 8, not 10"},
        activity_comments={plan["activity"].pk: "Say which provinces were trained"},
    )

    content = signed_in(focal_point).get(form_url()).content.decode()

    trained = content[content.index(f'id="indicator-{plan["trained"].pk}"') :]
    assert (
        "The register shows 8, not 10"
        in trained[: trained.index('name="' + f("indicator", plan["trained"], "value"))]
    )
    activity = content[content.index(f'id="activity-{plan["activity"].pk}"') :]
    assert "Say which provinces were trained" in activity[: activity.index("</div>\n</div>")]
    # The notice at the top links to each commented line.
    assert f'href="#indicator-{plan["trained"].pk}"' in content
    assert "It also commented on 2 lines" in content


def report_save_from(plan, report, user, **overrides):
    """Save the full form's figures through the page, as the focal point would."""
    response = signed_in(user).post(form_url(), full_post(plan, report, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()


# --- Activities reported early -------------------------------------------------------


@pytest.fixture
def early_activity(plan, ministry):
    """An activity planned from 2024-Q4, two quarters after the report's."""
    periods = plan["plan"].periods
    return ActivityFactory(
        objective=plan["trained"].objective,
        code="EARLY",
        lead=ministry,
        start_period=periods.get(code="2024-Q4"),
        end_period=periods.get(code="2025-Q2"),
    )


def test_an_activity_not_due_yet_is_listed_apart_and_not_required(plan, draft, focal_point, early_activity):
    client = signed_in(focal_point)
    page = client.get(form_url()).content.decode()
    early = page[page.index('id="early-activities"') :]
    assert "Activities not due yet (optional)" in early and "EARLY" in early
    assert "not due before 2024-Q4" in early

    # Submitting without it is fine: it is not due.
    response = client.post(form_url(), full_post(plan, draft, action="submit"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "SUBMITTED"


def test_an_early_update_is_saved_like_any_other(plan, draft, focal_point, early_activity):
    report_save_from(
        plan,
        draft,
        focal_point,
        **{
            f("activity", early_activity, "status"): "IN_PROGRESS",
            f("activity", early_activity, "percent_complete"): "15",
        },
    )
    update = draft.activity_updates.get(activity=early_activity)
    assert (update.status, update.percent_complete) == ("IN_PROGRESS", Decimal(15))


# --- Where the report stands ----------------------------------------------------------


def test_before_the_deadline_the_focal_point_sees_how_many_lines_are_left(plan, ministry, focal_point):
    # Today's quarter, whose deadline is still ahead.
    period = plan["plan"].periods.get(start__lte=timezone.localdate(), end__gte=timezone.localdate())
    report = report_open(actor=focal_point, organisation=ministry, period=period)
    client = signed_in(focal_point)
    url = form_url(period_code=period.code)

    # Three indicators and one activity (the fourth indicator is MOJ's).
    assert (
        "<strong>4 of 4 lines</strong> left to fill before the deadline" in client.get(url).content.decode()
    )
    client.post(
        url,
        {
            "version": report.version,
            "action": "save",
            f("indicator", plan["trained"], "value"): "3",
            f("activity", plan["activity"], "status"): "NOT_STARTED",
            f("activity", plan["activity"], "percent_complete"): "0",
        },
    )
    assert (
        "<strong>2 of 4 lines</strong> left to fill before the deadline" in client.get(url).content.decode()
    )


def test_a_save_opens_the_form_again_where_the_focal_point_was(plan, draft, focal_point):
    client = signed_in(focal_point)
    place = f"activity-{plan['activity'].pk}"
    response = client.post(form_url(), {**full_post(plan, draft), "place": place})
    assert response.status_code == 302
    assert response.url == f"{form_url()}#{place}"
    # Only a line, a pillar or the early activities: nothing else is echoed into the URL.
    draft.refresh_from_db()
    response = client.post(form_url(), {**full_post(plan, draft), "place": 'x"><script>'})
    assert response.url == form_url()
