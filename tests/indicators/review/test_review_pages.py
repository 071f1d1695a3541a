"""The secretariat's review pages: the queue, one report's review, the reporting status grid."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from indicators.models import QuarterlyReport, ReportEvent
from indicators.quarterly_report.services import ActivityLine, IndicatorLine, report_open, report_save
from indicators.quarterly_report.workflow import report_approve, report_return, report_submit
from indicators.review.changes import Change, report_changes_since_last_version
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_for_moi(ministry, other_ministry):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, pillar__code="PREV", code="O-PREV")
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry)
    referred = IndicatorFactory(
        objective=objective, code="REFERRED", lead=ministry, measure="PERCENT", aggregation="LATEST"
    )
    cases = IndicatorFactory(objective=objective, code="CASES", lead=other_ministry)
    cases.contributors.add(ministry)
    activity = ActivityFactory(objective=objective, code="ACT", lead=ministry)
    return {
        "plan": plan,
        "objective": objective,
        "trained": trained,
        "referred": referred,
        "cases": cases,
        "activity": activity,
        "period": plan.periods.get(code="2024-Q2"),
    }


def lines(p, trained=10, referred=45, cases=3, percent=40):
    return {
        "indicator_lines": [
            IndicatorLine(p["trained"].pk, value=Decimal(trained)),
            IndicatorLine(p["referred"].pk, value=Decimal(referred)),
            IndicatorLine(p["cases"].pk, value=None if cases is None else Decimal(cases)),
        ],
        "activity_lines": [
            ActivityLine(p["activity"].pk, status="IN_PROGRESS", percent_complete=Decimal(percent))
        ],
    }


def submitted(p, focal_point, ministry, **figures):
    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    report_save(actor=focal_point, report=report, version=report.version, **lines(p, **figures))
    return report_submit(actor=focal_point, report=report)


def review_url(report):
    return reverse("review:review_report", args=[report.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may open the pages -----------------------------------------------------------


@pytest.mark.parametrize("page", ["review:review_queue", "review:review_report", "review:reporting_status"])
@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 200), ("admin_user", 200), ("focal_point", 403), ("partner", 403)]
)
def test_only_the_secretariat_opens_the_review_pages(
    client, request, plan_for_moi, ministry, page, who, status
):
    report = approved_report(ministry, plan_for_moi["period"], state="SUBMITTED")
    client.force_login(request.getfixturevalue(who))
    url = review_url(report) if page == "review:review_report" else reverse(page)
    assert client.get(url).status_code == status


@pytest.mark.parametrize("page", ["review:review_queue", "review:review_report", "review:reporting_status"])
def test_anonymous_visitors_are_asked_to_sign_in(client, plan_for_moi, ministry, page):
    report = approved_report(ministry, plan_for_moi["period"], state="SUBMITTED")
    url = review_url(report) if page == "review:review_report" else reverse(page)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_focal_point_cannot_approve_through_the_page(client, plan_for_moi, ministry, focal_point):
    report = approved_report(ministry, plan_for_moi["period"], state="SUBMITTED")
    client.force_login(focal_point)
    assert client.post(review_url(report), {"action": "approve"}).status_code == 403
    assert client.post(reverse("review:review_queue"), {"reports": [report.pk]}).status_code == 403
    report.refresh_from_db()
    assert report.state == "SUBMITTED"


def test_the_secretariat_sees_the_review_links_in_the_menu(client, reviewer, focal_point):
    client.force_login(reviewer)
    assert reverse("review:review_queue").encode() in client.get("/").content
    client.force_login(focal_point)
    assert reverse("review:review_queue").encode() not in client.get("/").content


# --- The queue ----------------------------------------------------------------------


def queue(client, **params):
    response = client.get(reverse("review:review_queue"), params)
    assert response.status_code == 200
    return {(r.organisation.code, r.period.code, r.state) for r in response.context["page"]}


@pytest.fixture
def mixed_reports(plan_for_moi, ministry, other_ministry):
    q1, q2 = plan_for_moi["plan"].periods.get(code="2024-Q1"), plan_for_moi["period"]
    approved_report(ministry, q1, values={plan_for_moi["trained"]: 8})
    approved_report(ministry, q2, state="SUBMITTED", values={plan_for_moi["trained"]: 9})
    approved_report(other_ministry, q1, state="SUBMITTED", values={plan_for_moi["cases"]: 2})
    approved_report(other_ministry, q2, state="DRAFT")


def test_the_queue_shows_submitted_reports_by_default(client, reviewer, mixed_reports):
    client.force_login(reviewer)
    assert queue(client) == {("MOI", "2024-Q2", "SUBMITTED"), ("MOJ", "2024-Q1", "SUBMITTED")}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "APPROVED"}, {("MOI", "2024-Q1", "APPROVED")}),
        ({"state": "DRAFT"}, {("MOJ", "2024-Q2", "DRAFT")}),
        (
            {"state": "ALL", "period": "2024-Q2"},
            {("MOI", "2024-Q2", "SUBMITTED"), ("MOJ", "2024-Q2", "DRAFT")},
        ),
        (
            {"state": "ALL", "organisation": "MOJ"},
            {("MOJ", "2024-Q1", "SUBMITTED"), ("MOJ", "2024-Q2", "DRAFT")},
        ),
        ({"period": "2024-Q1", "organisation": "MOJ"}, {("MOJ", "2024-Q1", "SUBMITTED")}),
        ({"plan": "NSP", "organisation": "MOI"}, {("MOI", "2024-Q2", "SUBMITTED")}),
    ],
)
def test_the_queue_filters_by_state_period_and_organisation(
    client, reviewer, mixed_reports, params, expected
):
    client.force_login(reviewer)
    assert queue(client, **params) == expected


def test_the_queue_filters_by_pillar_through_the_reports_lines(client, reviewer, plan_for_moi, ministry):
    plan = plan_for_moi["plan"]
    protection = ObjectiveFactory(plan=plan, pillar=PillarFactory(plan=plan, code="PROT"))
    shelter = ActivityFactory(objective=protection, code="SHELTER", lead=OrganisationFactory(code="MOSVY"))
    q1 = plan.periods.get(code="2024-Q1")
    approved_report(ministry, q1, state="SUBMITTED", values={plan_for_moi["trained"]: 4})
    approved_report(shelter.lead, q1, state="SUBMITTED", updates={shelter: ("IN_PROGRESS", 10)})
    client.force_login(reviewer)
    prevention = plan_for_moi["objective"].pillar
    assert queue(client, pillar=prevention.pk) == {("MOI", "2024-Q1", "SUBMITTED")}
    assert queue(client, pillar=protection.pillar.pk) == {("MOSVY", "2024-Q1", "SUBMITTED")}


def test_the_queue_marks_reports_first_submitted_after_the_deadline(client, reviewer, plan_for_moi, ministry):
    period = plan_for_moi["period"]
    late = approved_report(ministry, period, state="SUBMITTED")
    on_time = approved_report(OrganisationFactory(code="MOSVY"), period, state="SUBMITTED")
    QuarterlyReport.objects.filter(pk=on_time.pk).update(
        first_submitted_at=datetime.datetime.combine(period.deadline, datetime.time(9), tzinfo=datetime.UTC)
    )
    client.force_login(reviewer)
    response = client.get(reverse("review:review_queue"))
    rows = {r.organisation.code: r.is_late for r in response.context["page"]}
    assert rows == {late.organisation.code: True, "MOSVY": False}
    assert response.content.count(b">late</span>") == 1


def test_the_queue_is_paginated(client, reviewer, plan_for_moi):
    for n in range(55):
        approved_report(OrganisationFactory(code=f"PC{n:02}"), plan_for_moi["period"], state="SUBMITTED")
    client.force_login(reviewer)
    first = client.get(reverse("review:review_queue"))
    second = client.get(reverse("review:review_queue"), {"page": 2})
    assert (len(first.context["page"]), len(second.context["page"])) == (50, 5)
    assert b"Page 1 of 2" in first.content


def test_bulk_approval_approves_only_submitted_reports_and_lists_the_skipped(
    client, reviewer, plan_for_moi, ministry, other_ministry
):
    q1, q2 = plan_for_moi["plan"].periods.get(code="2024-Q1"), plan_for_moi["period"]
    one = approved_report(ministry, q2, state="SUBMITTED")
    two = approved_report(other_ministry, q2, state="SUBMITTED")
    draft = approved_report(other_ministry, q1, state="DRAFT")
    done = approved_report(ministry, q1)
    client.force_login(reviewer)
    response = client.post(
        reverse("review:review_queue"),
        {"reports": [one.pk, two.pk, draft.pk, done.pk], "next": "/review/?state=ALL"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/review/?state=ALL"
    states = dict(QuarterlyReport.objects.values_list("pk", "state"))
    assert [states[r.pk] for r in (one, two, draft, done)] == ["APPROVED", "APPROVED", "DRAFT", "APPROVED"]
    assert ReportEvent.objects.filter(to_state="APPROVED", actor=reviewer).count() == 2
    shown = messages_of(response)
    assert "2 reports approved." in shown
    assert any(m.startswith("Not approved: MOJ 2024-Q1.") and "cannot be approved" in m for m in shown)
    assert any(m.startswith("Not approved: MOI 2024-Q1.") for m in shown)


def test_bulk_approval_with_nothing_selected_says_so(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("review:review_queue"), {}, follow=True)
    assert messages_of(response) == ["Select at least one report to approve."]


def test_bulk_approval_never_redirects_off_site(client, reviewer, plan_for_moi, ministry):
    report = approved_report(ministry, plan_for_moi["period"], state="SUBMITTED")
    client.force_login(reviewer)
    response = client.post(
        reverse("review:review_queue"), {"reports": [report.pk], "next": "https://evil.example/"}
    )
    assert response.url == reverse("review:review_queue")


# --- One report's review ---------------------------------------------------------------


def test_the_reviewer_approves_a_report_with_a_comment(client, reviewer, plan_for_moi, ministry, focal_point):
    report = submitted(plan_for_moi, focal_point, ministry)
    client.force_login(reviewer)
    response = client.post(
        review_url(report),
        {"action": "approve", "approve-comment": "Figures match the registers"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("review:review_queue")
    assert "MOI 2024-Q2 approved." in messages_of(response)
    report.refresh_from_db()
    assert (report.state, report.approved_by) == ("APPROVED", reviewer)
    event = report.events.last()
    assert (event.from_state, event.to_state, event.actor, event.comment) == (
        "SUBMITTED",
        "APPROVED",
        reviewer,
        "Figures match the registers",
    )


def test_the_reviewer_returns_a_report_with_a_comment(client, reviewer, plan_for_moi, ministry, focal_point):
    report = submitted(plan_for_moi, focal_point, ministry)
    client.force_login(reviewer)
    response = client.post(
        review_url(report), {"action": "return", "return-comment": "Q2 training figure looks doubled"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("RETURNED", "Q2 training figure looks doubled")
    assert report.events.last().to_state == "RETURNED"


def test_returning_without_a_comment_shows_the_error_and_changes_nothing(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    report = submitted(plan_for_moi, focal_point, ministry)
    events = report.events.count()
    client.force_login(reviewer)
    response = client.post(review_url(report), {"action": "return", "return-comment": "   "})
    assert response.status_code == 400
    assert b"Say what needs correcting, so the ministry can fix it." in response.content
    assert b'id="id_return-comment-error"' in response.content
    assert b'aria-invalid="true"' in response.content
    report.refresh_from_db()
    assert report.state == "SUBMITTED"
    assert report.events.count() == events


def test_the_reviewer_reopens_an_approved_report_with_a_reason(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    report = submitted(plan_for_moi, focal_point, ministry)
    report_approve(actor=reviewer, report=report)
    client.force_login(reviewer)
    page = client.get(review_url(report))
    assert b'name="action" value="reopen"' in page.content
    assert b'name="action" value="approve"' not in page.content
    refused = client.post(review_url(report), {"action": "reopen", "reopen-comment": ""})
    assert refused.status_code == 400
    assert b"Give the reason for reopening an approved report." in refused.content
    response = client.post(
        review_url(report), {"action": "reopen", "reopen-comment": "MOJ corrected its figures"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.approved_by) == ("RETURNED", None)
    event = report.events.last()
    assert (event.from_state, event.to_state, event.comment) == (
        "APPROVED",
        "RETURNED",
        "MOJ corrected its figures",
    )


def test_a_step_someone_else_already_took_is_refused_with_a_message(
    client, reviewer, admin_user, plan_for_moi, ministry, focal_point
):
    report = submitted(plan_for_moi, focal_point, ministry)
    report_approve(actor=admin_user, report=report)
    client.force_login(reviewer)
    response = client.post(review_url(report), {"action": "return", "return-comment": "too late"})
    assert response.status_code == 409
    assert b"Someone else already moved this report on" in response.content
    report.refresh_from_db()
    assert (report.state, report.approved_by) == ("APPROVED", admin_user)


def test_the_review_page_shows_every_line_grouped_by_pillar_and_the_history(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    figures = lines(plan_for_moi)
    figures["indicator_lines"][0].note = "Two trainings in Siem Reap"
    figures["indicator_lines"][0].gap_reason = "Trainers were late"
    figures["indicator_lines"][0].corrective_action = "Hire two more trainers"
    report_save(actor=focal_point, report=report, version=report.version, **figures)
    report_submit(actor=focal_point, report=report)
    client.force_login(reviewer)
    response = client.get(review_url(report))
    content = response.content.decode()
    review = response.context["review"]
    [pillar] = review.pillars
    [objective] = pillar.objectives
    # Plan order: position, then code.
    assert [line.indicator.code for line in objective.indicators] == ["CASES", "REFERRED", "TRAINED"]
    assert [line.activity.code for line in objective.activities] == ["ACT"]
    for text in ("Two trainings in Siem Reap", "Trainers were late", "Hire two more trainers", "In progress"):
        assert text in content
    assert "First version: there is no earlier submission to compare with." in content
    assert [(e.from_state, e.to_state, e.actor) for e in review.events] == [
        ("", "DRAFT", focal_point),
        ("DRAFT", "SUBMITTED", focal_point),
    ]
    assert "Draft → Submitted" in content


# --- Changes since the last version ------------------------------------------------------


def test_a_resubmission_shows_what_was_added_changed_and_removed(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    p = plan_for_moi
    report = submitted(p, focal_point, ministry)
    report_return(actor=reviewer, report=report, comment="Check the training figure")
    # The ministry corrects the training figure, moves the activity on and clears its court figure;
    # meanwhile the secretariat adds an indicator and drops the ministry's contribution to CASES.
    report_save(
        actor=focal_point,
        report=report,
        version=report.version,
        **lines(p, trained=5, cases=None, percent=60),
    )
    victims = IndicatorFactory(objective=p["objective"], code="VICTIMS", lead=ministry)
    p["cases"].contributors.remove(ministry)
    report_save(
        actor=focal_point,
        report=report,
        version=report.version,
        indicator_lines=[IndicatorLine(victims.pk, value=Decimal(7))],
        activity_lines=[],
    )
    report_submit(actor=focal_point, report=report)

    changes = report_changes_since_last_version(report)
    assert not changes.first_version
    assert {code: changes.indicators[p[code].pk].change for code in ("trained", "referred", "cases")} == {
        "trained": Change.CHANGED,
        "referred": Change.UNCHANGED,
        "cases": Change.REMOVED,
    }
    assert changes.indicators[victims.pk].change == Change.ADDED
    assert [(str(f.label), f.old, f.new) for f in changes.indicators[p["trained"].pk].fields] == [
        ("value", "10", "5")
    ]
    assert [(str(f.label), f.old) for f in changes.indicators[p["cases"].pk].fields] == [
        ("value", "3"),
        ("note", ""),
    ]
    activity = changes.activities[p["activity"].pk]
    assert (activity.change, [(str(f.label), f.old, f.new) for f in activity.fields]) == (
        Change.CHANGED,
        [("percent complete", "40", "60")],
    )
    assert (changes.added, changes.changed, changes.removed) == (1, 2, 1)

    client.force_login(reviewer)
    response = client.get(review_url(report))
    content = response.content.decode()
    assert "1 added, 2 changed, 1 removed." in content
    lines_by_code = {
        line.indicator.code: line
        for pillar in response.context["review"].pillars
        for objective in pillar.objectives
        for line in objective.indicators
    }
    assert lines_by_code["CASES"].value is None  # removed, still listed
    assert lines_by_code["VICTIMS"].change.change == "added"
    assert ">removed</span>" in content and ">added</span>" in content and ">changed</span>" in content


def test_changes_of_a_disaggregated_figure_are_shown_cell_by_cell(
    reviewer, plan_for_moi, ministry, focal_point
):
    sex = DimensionFactory(code="sex", name="Sex")
    CategoryFactory(dimension=sex, code="F", name="Female")
    CategoryFactory(dimension=sex, code="M", name="Male")
    victims = IndicatorFactory(objective=plan_for_moi["objective"], code="VICTIMS", lead=ministry)
    victims.disaggregation.add(sex)

    def save_cells(report, female, male):
        figures = lines(plan_for_moi)
        figures["indicator_lines"].append(
            IndicatorLine(victims.pk, cells={"sex=F": Decimal(female), "sex=M": male and Decimal(male)})
        )
        report_save(actor=focal_point, report=report, version=report.version, **figures)

    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    save_cells(report, 7, 4)
    report_submit(actor=focal_point, report=report)
    report_return(actor=reviewer, report=report, comment="Split by sex looks wrong")
    save_cells(report, 8, None)
    report_submit(actor=focal_point, report=report)

    change = report_changes_since_last_version(report).indicators[victims.pk]
    assert change.change == Change.CHANGED
    assert [(str(f.label), f.old, f.new) for f in change.fields] == [
        ("value", "11", "8"),
        ("Sex: Female", "7", "8"),
        ("Sex: Male", "4", ""),
    ]


def test_work_in_progress_on_a_returned_report_is_compared_with_its_last_submission(
    reviewer, plan_for_moi, ministry, focal_point
):
    report = submitted(plan_for_moi, focal_point, ministry)
    report_return(actor=reviewer, report=report, comment="Check the training figure")
    report_save(actor=focal_point, report=report, version=report.version, **lines(plan_for_moi, trained=12))
    changes = report_changes_since_last_version(report)
    assert changes.indicators[plan_for_moi["trained"].pk].change == Change.CHANGED
    assert not changes.since_approved


def test_a_report_reopened_after_approval_is_compared_with_the_approved_version(
    reviewer, plan_for_moi, ministry, focal_point
):
    from indicators.quarterly_report.workflow import report_reopen

    report = submitted(plan_for_moi, focal_point, ministry)
    report_approve(actor=reviewer, report=report)
    report_reopen(actor=reviewer, report=report, reason="MOJ corrected court figures")
    report_save(actor=focal_point, report=report, version=report.version, **lines(plan_for_moi, cases=4))
    report_submit(actor=focal_point, report=report)
    changes = report_changes_since_last_version(report)
    assert changes.since_approved
    assert [
        (line_id, c.change) for line_id, c in changes.indicators.items() if c.change != Change.UNCHANGED
    ] == [(plan_for_moi["cases"].pk, Change.CHANGED)]


def test_lines_written_without_history_count_as_unchanged(plan_for_moi, ministry, reviewer):
    from indicators.models import IndicatorValue

    report = approved_report(ministry, plan_for_moi["period"], state="SUBMITTED")
    for to_state in ("SUBMITTED", "RETURNED", "SUBMITTED"):
        ReportEvent.objects.create(report=report, to_state=to_state)
    # A bulk import writes no history; a later save records the new figure, not the old one.
    trained, referred = plan_for_moi["trained"], plan_for_moi["referred"]
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(report=report, indicator=trained, value=3),
            IndicatorValue(report=report, indicator=referred, value=5),
        ]
    )
    saved = IndicatorValue.objects.get(indicator=referred)
    saved.value = 6
    saved.save()
    changes = report_changes_since_last_version(report)
    assert {i: c.change for i, c in changes.indicators.items()} == {
        trained.pk: Change.UNCHANGED,
        referred.pk: Change.UNCHANGED,
    }
    assert changes.untracked == 2


def test_evidence_files_are_listed_with_their_names(client, reviewer, plan_for_moi, ministry, focal_point):
    from django.core.files.base import ContentFile

    from indicators.models import Evidence

    report = submitted(plan_for_moi, focal_point, ministry)
    evidence = Evidence(
        report=report,
        indicator=plan_for_moi["trained"],
        original_name="training-register.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=focal_point,
    )
    evidence.file.save("register.pdf", ContentFile(b"%PDF-1.4"), save=False)
    evidence.save()
    try:
        client.force_login(reviewer)
        response = client.get(review_url(report))
        assert b"training-register.pdf" in response.content
        [line] = [
            line
            for line in response.context["review"].pillars[0].objectives[0].indicators
            if line.indicator.code == "TRAINED"
        ]
        assert [e.original_name for e in line.evidence] == ["training-register.pdf"]
        try:
            download = reverse("quarterly_report:evidence_download", args=[evidence.pk])
        except NoReverseMatch:  # the report pages provide downloads; without them, names only
            download = None
        if download:
            assert f'href="{download}"'.encode() in response.content
    finally:
        evidence.file.delete(save=False)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def changed_fields(change) -> list[tuple[str, str, str]]:
    return [(str(f.label), f.old, f.new) for f in change.fields]


def test_every_kind_of_change_since_the_last_version_is_shown(
    client, reviewer, plan_for_moi, ministry, focal_point, media_in_tmp
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.quarterly_report.evidence import evidence_attach, evidence_remove

    p = plan_for_moi
    sex = DimensionFactory(code="sex", name="Sex")
    CategoryFactory(dimension=sex, code="F", name="Female", position=1)
    CategoryFactory(dimension=sex, code="M", name="Male", position=2)
    victims = IndicatorFactory(objective=p["objective"], code="VICTIMS", lead=ministry)
    victims.disaggregation.add(sex)

    def save(trained_note="", reason="", action="", status="IN_PROGRESS", percent=40, note="", female=7):
        figures = lines(p, percent=percent)
        figures["indicator_lines"][0].note = trained_note
        figures["indicator_lines"][0].gap_reason = reason
        figures["indicator_lines"][0].corrective_action = action
        figures["indicator_lines"].append(
            IndicatorLine(victims.pk, cells={"sex=F": Decimal(female), "sex=M": Decimal(4)})
        )
        figures["activity_lines"] = [
            ActivityLine(p["activity"].pk, status=status, percent_complete=Decimal(percent), note=note)
        ]
        report_save(actor=focal_point, report=report, version=report.version, **figures)

    def upload(name):
        return SimpleUploadedFile(name, PDF, content_type="application/pdf")

    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    save()
    old = evidence_attach(
        actor=focal_point, report=report, indicator=p["trained"], uploaded_file=upload("old.pdf")
    )
    report_submit(actor=focal_point, report=report)
    report_return(actor=reviewer, report=report, comment="Explain the training figure")
    save(
        trained_note="From the register",
        reason="Trainers were late",
        action="Two more trainers",
        status="DELAYED",
        percent=30,
        note="Rains",
        female=8,
    )
    evidence_remove(actor=focal_point, evidence=old)
    evidence_attach(
        actor=focal_point, report=report, indicator=p["trained"], uploaded_file=upload("register.pdf")
    )
    report_submit(actor=focal_point, report=report)

    changes = report_changes_since_last_version(report)

    assert changed_fields(changes.indicators[p["trained"].pk]) == [
        ("note", "", "From the register"),
        ("reason for the gap", "", "Trainers were late"),
        ("corrective action", "", "Two more trainers"),
        ("evidence file", "", "register.pdf"),
        ("evidence file", "old.pdf", ""),
    ]
    assert changed_fields(changes.indicators[victims.pk]) == [
        ("value", "11", "12"),
        ("Sex: Female", "7", "8"),
    ]
    assert changed_fields(changes.activities[p["activity"].pk]) == [
        ("status", "In progress", "Delayed"),
        ("percent complete", "40", "30"),
        ("note", "", "Rains"),
    ]
    client.force_login(reviewer)
    content = client.get(review_url(report)).content.decode()
    assert "Nothing has changed" not in content
    assert "0 added, 3 changed, 0 removed." in content


def test_a_note_added_to_a_line_written_without_history_is_shown_as_changed(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    """The demo's lines, and an early import's, were written in bulk without
    history: the first change to one records what it held before."""
    from indicators.models import ActivityUpdate, IndicatorValue

    p = plan_for_moi
    report = approved_report(ministry, p["period"], state="DRAFT")
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(report=report, indicator=p["trained"], value=10),
            IndicatorValue(report=report, indicator=p["referred"], value=45),
            IndicatorValue(report=report, indicator=p["cases"], value=3),
        ]
    )
    ActivityUpdate.objects.bulk_create(
        [ActivityUpdate(report=report, activity=p["activity"], status="IN_PROGRESS", percent_complete=40)]
    )
    report_submit(actor=focal_point, report=report)
    report_return(actor=reviewer, report=report, comment="Say where the trainings were")
    figures = lines(p)
    figures["indicator_lines"][0].note = "Siem Reap and Battambang"
    report_save(actor=focal_point, report=report, version=report.version, **figures)
    report_submit(actor=focal_point, report=report)

    changes = report_changes_since_last_version(report)

    assert changes.indicators[p["trained"].pk].change == Change.CHANGED
    assert changed_fields(changes.indicators[p["trained"].pk]) == [("note", "", "Siem Reap and Battambang")]
    assert changes.indicators[p["referred"].pk].change == Change.UNCHANGED
    assert changes.untracked == 0
    client.force_login(reviewer)
    content = client.get(review_url(report)).content.decode()
    assert "0 added, 1 changed, 0 removed." in content and "Nothing has changed" not in content


def test_an_import_into_a_returned_report_is_compared_and_names_who_imported(
    client, tmp_path, reviewer, plan_for_moi, ministry, focal_point
):
    from openpyxl import Workbook

    from indicators.imports.values import values_import

    p = plan_for_moi
    report = submitted(p, focal_point, ministry)
    report_return(actor=reviewer, report=report, comment="TRAINED looks doubled")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indicator_values"
    sheet.append(["indicator", "organisation", "period", "value", "note"])
    sheet.append(["TRAINED", "MOI", "2024-Q2", 5, "corrected from the register"])
    workbook.save(tmp_path / "values.xlsx")
    assert values_import(actor=focal_point, path_or_file=tmp_path / "values.xlsx").ok
    report_submit(actor=focal_point, report=report)

    client.force_login(reviewer)
    response = client.get(review_url(report))

    changes = response.context["review"].changes
    assert changed_fields(changes.indicators[p["trained"].pk]) == [
        ("value", "10", "5"),
        ("note", "", "corrected from the register"),
    ]
    [line] = [
        line
        for line in response.context["review"].pillars[0].objectives[0].indicators
        if line.indicator.code == "TRAINED"
    ]
    assert (line.author.user, line.author.reason) == (focal_point, "values import")
    assert "Last written by focal" in response.content.decode()


def test_beside_each_figure_the_target_the_last_approved_value_and_the_outlier_flag(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    from indicators.models import Target

    p = plan_for_moi
    Target.objects.create(indicator=p["trained"], year=2024, value=100)
    approved_report(
        ministry, p["plan"].periods.get(code="2024-Q1"), values={p["trained"]: 2, p["referred"]: 44}
    )
    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    figures = lines(p, trained=10)  # five times 2: an outlier, explained
    figures["indicator_lines"][0].note = "A second training centre opened"
    report_save(actor=focal_point, report=report, version=report.version, **figures)
    report_submit(actor=focal_point, report=report)

    client.force_login(reviewer)
    response = client.get(review_url(report))

    by_code = {
        line.indicator.code: line for line in response.context["review"].pillars[0].objectives[0].indicators
    }
    assert (by_code["TRAINED"].target, by_code["TRAINED"].previous, by_code["TRAINED"].outlier) == (
        Decimal(100),
        Decimal(2),
        True,
    )
    assert (by_code["REFERRED"].target, by_code["REFERRED"].previous, by_code["REFERRED"].outlier) == (
        None,
        Decimal(44),
        False,
    )
    content = response.content.decode()
    row = content[content.index(f'id="indicator-{p["trained"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Target 2024:</span>" not in row  # the label is for phones; the figure follows it
    assert "Target 2024: 100" in row and "Last approved: 2" in row and ">outlier</span>" in row


def test_the_reviewer_returns_with_comments_on_lines_and_sees_them_on_resubmission(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    p = plan_for_moi
    report = submitted(p, focal_point, ministry)
    client.force_login(reviewer)
    page = client.get(review_url(report)).content.decode()
    box = f"return-line-indicator-{p['trained'].pk}"
    assert f'name="{box}"' in page and 'form="review-return"' in page

    response = client.post(
        review_url(report),
        {
            "action": "return",
            "return-comment": "Two lines to check",
            box: "The register shows 8",
            f"return-line-activity-{p['activity'].pk}": "Which provinces?",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "RETURNED"
    assert {(c.indicator_id, c.activity_id, c.comment, c.written_by) for c in report.line_comments.all()} == {
        (p["trained"].pk, None, "The register shows 8", reviewer),
        (None, p["activity"].pk, "Which provinces?", reviewer),
    }
    report_save(actor=focal_point, report=report, version=report.version, **lines(p, trained=8))
    report_submit(actor=focal_point, report=report)
    content = client.get(review_url(report)).content.decode()
    row = content[content.index(f'id="indicator-{p["trained"].pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Your comment when it was returned:" in row and "The register shows 8" in row
    # Approved, the comments are done with.
    report_approve(actor=reviewer, report=report)
    assert not report.line_comments.exists()


def test_a_return_without_its_comment_keeps_the_line_comments_typed(
    client, reviewer, plan_for_moi, ministry, focal_point
):
    p = plan_for_moi
    report = submitted(p, focal_point, ministry)
    client.force_login(reviewer)
    box = f"return-line-indicator-{p['trained'].pk}"
    response = client.post(review_url(report), {"action": "return", "return-comment": "", box: "Check 8"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Say what needs correcting" in content
    assert "Check 8</textarea>" in content
    report.refresh_from_db()
    assert report.state == "SUBMITTED" and not report.line_comments.exists()


# --- Reporting status --------------------------------------------------------------------


def test_the_status_grid_shows_states_late_and_missing_reports(client, reviewer, plan_for_moi, ministry):
    plan = plan_for_moi["plan"]
    q1, q2 = plan.periods.get(code="2024-Q1"), plan.periods.get(code="2024-Q2")
    on_time = approved_report(ministry, q1)
    QuarterlyReport.objects.filter(pk=on_time.pk).update(
        first_submitted_at=datetime.datetime.combine(q1.deadline, datetime.time(9), tzinfo=datetime.UTC)
    )
    late = approved_report(ministry, q2, state="SUBMITTED")
    # An organisation that leads only an annual indicator reports in Q4 only.
    annual_lead = OrganisationFactory(code="MOT")
    IndicatorFactory(objective=plan_for_moi["objective"], lead=annual_lead, frequency="ANNUAL")
    # An activity lead reports from the activity's planned start.
    activity_lead = OrganisationFactory(code="MOSVY")
    ActivityFactory(
        objective=plan_for_moi["objective"], lead=activity_lead, start_period=plan.periods.get(index=3)
    )

    client.force_login(reviewer)
    response = client.get(reverse("review:reporting_status"), {"plan": "NSP", "quarters": "all"})
    status = response.context["status"]
    today = timezone.localdate()
    assert [p.code for p in status.periods] == [p.code for p in plan.periods.filter(start__lte=today)]
    grid = {
        row.organisation.code: {
            c.period.code: (c.report.state if c.report else ("missing" if c.missing else "-"))
            for c in row.cells
        }
        for row in status.rows
    }
    assert set(grid) == {"MOI", "MOJ", "MOT", "MOSVY"}
    assert (grid["MOI"]["2024-Q1"], grid["MOI"]["2024-Q2"], grid["MOI"]["2024-Q3"]) == (
        "APPROVED",
        "SUBMITTED",
        "missing",
    )
    assert (grid["MOT"]["2024-Q1"], grid["MOT"]["2024-Q3"], grid["MOT"]["2024-Q4"]) == ("-", "-", "missing")
    assert (grid["MOSVY"]["2024-Q2"], grid["MOSVY"]["2024-Q3"]) == ("-", "missing")
    content = response.content.decode()
    assert f'href="{review_url(late)}"' in content and f'href="{review_url(on_time)}"' in content
    late_cells = [c for row in status.rows for c in row.cells if c.report and c.report.is_late]
    assert [c.report.pk for c in late_cells] == [late.pk]
    assert "<caption>" in content and 'scope="row"' in content and "ntip-sticky" in content
    # The current quarter's report is not due yet: "not started", not "missing".
    [moi] = [row for row in status.rows if row.organisation.code == "MOI"]
    current = moi.cells[-1]
    if current.period.end >= today:
        assert (current.missing, current.overdue) == (True, False)
        assert "not started" in content


def test_an_activity_lead_is_not_expected_after_the_activity_was_reported_completed(
    client, reviewer, plan_for_moi
):
    plan = plan_for_moi["plan"]
    lead = OrganisationFactory(code="MOSVY")
    activity = ActivityFactory(objective=plan_for_moi["objective"], lead=lead)
    approved_report(lead, plan.periods.get(index=2), updates={activity: ("COMPLETED", 100)})
    client.force_login(reviewer)
    status = client.get(reverse("review:reporting_status"), {"plan": "NSP", "quarters": "all"}).context[
        "status"
    ]
    [row] = [row for row in status.rows if row.organisation == lead]
    assert [c.missing for c in row.cells[:4]] == [True, False, False, False]


def test_an_unknown_plan_is_not_found(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("review:reporting_status"), {"plan": "NOPE"}).status_code == 404


# --- A fixed number of queries, whatever the size ----------------------------------------


def build(plan_for_moi, focal_point, reviewer, size):
    """``size`` organisations with a submitted report, and for MOI a report of ``size``
    extra disaggregated indicators and activities, returned once and resubmitted."""
    p = plan_for_moi
    ministry = focal_point.organisation
    sex = DimensionFactory(code="sex")
    CategoryFactory(dimension=sex, code="F")
    CategoryFactory(dimension=sex, code="M")
    extra = []
    for n in range(size):
        indicator = IndicatorFactory(objective=p["objective"], code=f"X{n}", lead=ministry)
        indicator.disaggregation.add(sex)
        extra.append(indicator)
        ActivityFactory(objective=p["objective"], code=f"XA{n}", lead=ministry)
        org = OrganisationFactory(code=f"PC{n:02}")
        IndicatorFactory(objective=p["objective"], code=f"Y{n}", lead=org)
        approved_report(org, p["period"], state="SUBMITTED")
    activities = p["plan"].activities.filter(lead=ministry)

    def save(report, bump):
        figures = lines(p)
        figures["indicator_lines"] += [
            IndicatorLine(i.pk, cells={"sex=F": Decimal(1 + bump), "sex=M": Decimal(2)}) for i in extra
        ]
        figures["activity_lines"] = [
            ActivityLine(a.pk, status="IN_PROGRESS", percent_complete=Decimal(10 + bump)) for a in activities
        ]
        report_save(actor=focal_point, report=report, version=report.version, **figures)

    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    save(report, 0)
    report_submit(actor=focal_point, report=report)
    report_return(actor=reviewer, report=report, comment="again")
    save(report, 1)
    report_submit(actor=focal_point, report=report)
    return report


@pytest.mark.parametrize("size", [1, 12])
def test_the_review_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, plan_for_moi, focal_point, reviewer, size
):
    report = build(plan_for_moi, focal_point, reviewer, size)
    client.force_login(reviewer)
    # Queue: session, user, the user's organisation (menu), the chosen plan, the choices of
    # plan, period, pillar and organisation, the count, the page.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("review:review_queue"), {"plan": "NSP", "state": "SUBMITTED"})
    assert len(response.context["page"]) == size + 1
    # Review page: session, user, report, events, values, cells, updates, evidence, the history
    # of values, cells, updates and evidence (4), categories, the comments on lines,
    # indicators, their targets in force, the previous approved values, activities.
    with django_assert_max_num_queries(18):
        response = client.get(review_url(report))
    assert response.context["review"].changes.changed == 2 * size + 1
    # Status page: session, user, plans, periods, four for who is expected (lead, contributors,
    # finished activities, activities), reports, organisations, the user's organisation (menu).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("review:reporting_status"), {"plan": "NSP"})
    assert len(response.context["status"].rows) == size + 2
