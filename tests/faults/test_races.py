"""Two people doing the same thing to the same report or period at the same
moment (PostgreSQL: real threads, each with its own connection, lined up by a
barrier). One wins; the other is told, clearly, and nothing is half-written.
Each race is run a few rounds so that the two really overlap; the assertions
are on the outcome, never on timings."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from indicators.models import IndicatorValue, QuarterlyReport, ReportEvent
from indicators.quarterly_report.validation import submission_errors
from plans.models import AuditEvent, Role
from plans.publication import period_publish, period_withdraw
from tests.conftest import token_client
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    approved_report,
    publish_through,
)
from tests.faults.conftest import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5
APPROVE = {"action": "approve", "approve-comment": ""}
QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]


@pytest.fixture
def nsp(ministry):
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2026)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[40, 40, 40])
    referred = IndicatorFactory(objective=objective, code="REFERRED", lead=ministry, targets=[20, 20, 20])
    return {"plan": plan, "trained": trained, "referred": referred}


@pytest.fixture
def second_reviewer(secretariat):
    return UserFactory(username="reviewer-2", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat)


def reports_in(nsp, ministry, state):
    """One report of the ministry per quarter, complete, in ``state``."""
    return [
        approved_report(
            ministry,
            nsp["plan"].periods.get(code=code),
            values={nsp["trained"]: 10, nsp["referred"]: 5},
            state=state,
        )
        for code in QUARTERS[:ROUNDS]
    ]


def api(user):
    return token_client(Client(), user)


def post_json(client, url, body=None):
    return lambda: client.post(url, json.dumps(body or {}), content_type="application/json")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- Two reviewers approve the same report -------------------------------------------


def test_of_two_reviewers_approving_the_same_report_through_the_api_one_wins_and_the_other_gets_409(
    nsp, ministry, reviewer, second_reviewer
):
    for report in reports_in(nsp, ministry, "SUBMITTED"):
        url = f"/api/v1/reports/{report.pk}/approve/"
        first, second = at_once(post_json(api(reviewer), url), post_json(api(second_reviewer), url))

        assert sorted([first.status_code, second.status_code]) == [200, 409]
        loser = first if first.status_code == 409 else second
        assert "Approved" in loser.json()["detail"]
        report.refresh_from_db()
        assert report.state == "APPROVED"
        # Approved once: one step in the history, one audit record.
        assert report.events.filter(to_state="APPROVED").count() == 1
        assert AuditEvent.objects.filter(action="report.approved", object_id=str(report.pk)).count() == 1
        winner = reviewer if first.status_code == 200 else second_reviewer
        assert report.approved_by == winner


def test_of_two_reviewers_approving_the_same_report_on_the_page_the_other_is_told_someone_else_did(
    nsp, ministry, reviewer, second_reviewer
):
    for report in reports_in(nsp, ministry, "SUBMITTED"):
        url = f"/review/reports/{report.pk}/"
        clients = signed_in(reviewer), signed_in(second_reviewer)
        first, second = at_once(*(lambda c=c, url=url: c.post(url, APPROVE) for c in clients))

        assert sorted([first.status_code, second.status_code]) == [302, 409]
        loser = first if first.status_code == 409 else second
        page = loser.content.decode()
        assert "Someone else already moved this report on; nothing was changed." in page
        assert "Traceback" not in page
        assert report.events.filter(to_state="APPROVED").count() == 1


# --- Two reviewers publish the same period -------------------------------------------


def test_of_two_reviewers_publishing_the_same_period_one_wins_and_the_other_gets_409(
    nsp, reviewer, second_reviewer
):
    for code in QUARTERS[:4]:
        url = f"/api/v1/plans/NSP/periods/{code}/publish/"
        first, second = at_once(post_json(api(reviewer), url), post_json(api(second_reviewer), url))

        assert sorted([first.status_code, second.status_code]) == [200, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["detail"] == f"{code} is already published."
        period = nsp["plan"].periods.get(code=code)
        assert period.is_published
        assert AuditEvent.objects.filter(action="period.publish", object_id=str(period.pk)).count() == 1


def test_of_two_reviewers_publishing_on_the_page_the_other_is_told_it_is_published_already(
    nsp, reviewer, second_reviewer
):
    for code in QUARTERS[:4]:
        url = f"/review/status/NSP/{code}/publish/"
        clients = signed_in(reviewer), signed_in(second_reviewer)
        answers = at_once(*(lambda c=c, url=url: c.post(url, follow=True) for c in clients))

        assert [a.status_code for a in answers] == [200, 200]
        pages = sorted(a.content.decode() for a in answers)
        told = [page for page in pages if f"{code} is already published." in page]
        assert len(told) == 1
        period = nsp["plan"].periods.get(code=code)
        assert AuditEvent.objects.filter(action="period.publish", object_id=str(period.pk)).count() == 1


# --- A save racing a submit ------------------------------------------------------------


def test_a_save_racing_a_submit_of_the_same_report_never_lands_in_a_submitted_report(
    nsp, ministry, focal_point
):
    """The save clears TRAINED, which the report needs to be submitted. Whoever
    wins, a submitted report holds every figure its submission checked, and a
    save that answered 200 is in the report."""
    colleague = UserFactory(username="focal-2", role=Role.FOCAL_POINT, organisation=ministry)
    outcomes = set()
    for report in reports_in(nsp, ministry, "DRAFT"):
        body = {"version": report.version, "indicator_values": {"TRAINED": {"value": None}}}
        client = api(colleague)
        save = lambda client=client, pk=report.pk, body=body: client.patch(  # noqa: E731
            f"/api/v1/reports/{pk}/", json.dumps(body), content_type="application/json"
        )
        submit = post_json(api(focal_point), f"/api/v1/reports/{report.pk}/submit/")
        saved, submitted = at_once(save, submit)

        report.refresh_from_db()
        trained = IndicatorValue.objects.filter(report=report, indicator=nsp["trained"])
        outcomes.add((saved.status_code, submitted.status_code))
        if saved.status_code == 200:
            # The save won: the figure is gone, and the report was not submitted
            # without it (409 while the save held it; 400 if it came after).
            assert not trained.exists()
            assert report.state == "DRAFT"
            assert submitted.status_code in (400, 409)
        else:
            # The submit won: the save was refused and wrote nothing.
            assert saved.status_code == 409, saved.content
            assert submitted.status_code == 200, submitted.content
            assert "can no longer be edited" in saved.json()["detail"]
            assert report.state == "SUBMITTED"
            assert trained.get().value == Decimal(10)
            assert submission_errors(report) == {}
        assert ReportEvent.objects.filter(report=report, to_state="SUBMITTED").count() == (
            report.state == "SUBMITTED"
        )
    assert outcomes <= {(200, 409), (409, 200), (200, 400)}


def test_a_save_racing_a_submit_gets_a_409_that_says_why(nsp, ministry, focal_point):
    """When the save got in first the submit is refused with a reason; when the
    submit got in first, the save is. Either way one of them is a 409."""
    colleague = UserFactory(username="focal-3", role=Role.FOCAL_POINT, organisation=ministry)
    conflicts = 0
    for report in reports_in(nsp, ministry, "DRAFT"):
        client = api(colleague)
        body = {"version": report.version, "indicator_values": {"REFERRED": {"value": 7}}}
        save = lambda client=client, pk=report.pk, body=body: client.patch(  # noqa: E731
            f"/api/v1/reports/{pk}/", json.dumps(body), content_type="application/json"
        )
        saved, submitted = at_once(save, post_json(api(focal_point), f"/api/v1/reports/{report.pk}/submit/"))
        report.refresh_from_db()
        referred = IndicatorValue.objects.get(report=report, indicator=nsp["referred"]).value
        if 409 in (saved.status_code, submitted.status_code):
            conflicts += 1
            loser = saved if saved.status_code == 409 else submitted
            assert loser.json()["detail"], loser.content
        # No figure lost: a save that answered 200 is in the report, one refused is not.
        assert referred == (Decimal(7) if saved.status_code == 200 else Decimal(5))
        assert QuarterlyReport.objects.filter(pk=report.pk, state="SUBMITTED").exists() == (
            submitted.status_code == 200
        )
    # Lined up by the barrier, they overlap in most rounds.
    assert conflicts >= 1


def test_a_withdrawal_racing_the_next_publication_never_leaves_a_gap(nsp, reviewer, second_reviewer):
    """Published up to 2024-Q2; one reviewer withdraws 2024-Q2 while another
    publishes 2024-Q3 (the services, called as the pages and the API call
    them). One of them is refused; what is published is still a whole run of
    quarters from the first."""
    plan = nsp["plan"]
    q2, q3 = plan.periods.get(code="2024-Q2"), plan.periods.get(code="2024-Q3")
    for _ in range(ROUNDS * 2):
        plan.periods.update(published_at=None, published_by=None)
        publish_through(plan, "2024-Q2")
        withdrawn, published = at_once(
            lambda: period_withdraw(actor=reviewer, period=q2, reason="Re-check"),
            lambda: period_publish(actor=second_reviewer, period=q3),
        )

        refused = [outcome for outcome in (withdrawn, published) if isinstance(outcome, Exception)]
        assert len(refused) == 1 and isinstance(refused[0], ValidationError), (withdrawn, published)
        indexes = list(plan.periods.filter(published_at__isnull=False).values_list("index", flat=True))
        assert indexes == list(range(1, len(indexes) + 1)), f"published {indexes}: a gap"
