"""Publishing a period: the service, the API steps, and the reporting status page."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plans.models import AuditEvent
from plans.publication import PublicationConflict, period_publish, period_withdraw
from plans.services import scores_mark_stale
from tests.conftest import token_client
from tests.factories import ActivityFactory, IndicatorFactory, ObjectiveFactory, PlanFactory, approved_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(ministry):
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    IndicatorFactory(objective=objective, code="I1", lead=ministry, targets=[100] * 5)
    ActivityFactory(objective=objective, code="A1", lead=ministry)
    return plan


def period(plan, code):
    return plan.periods.get(code=code)


# --- The service -------------------------------------------------------------------------


def test_a_reviewer_publishes_a_period_and_it_is_recorded_with_who_and_when(plan, reviewer):
    published = period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    assert published.is_published and published.published_by == reviewer
    assert timezone.now() - published.published_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action="period.publish")
    assert (event.actor, event.plan, event.object_repr) == (reviewer, plan, "2024-Q1")


@pytest.mark.parametrize("who", ["focal_point", "partner"])
def test_only_the_secretariat_publishes(plan, request, who):
    with pytest.raises(PermissionDenied):
        period_publish(actor=request.getfixturevalue(who), period=period(plan, "2024-Q1"))
    assert not period(plan, "2024-Q1").is_published


def test_a_period_is_published_only_once_its_deadline_has_passed(plan, reviewer):
    q1 = period(plan, "2024-Q1")
    with pytest.raises(ValidationError) as refused:
        period_publish(actor=reviewer, period=q1, today=q1.deadline)
    assert "once its report deadline (2024-04-15) has passed" in str(refused.value)
    assert period_publish(actor=reviewer, period=q1, today=q1.deadline + datetime.timedelta(days=1))


def test_periods_are_published_in_order(plan, reviewer):
    with pytest.raises(ValidationError) as refused:
        period_publish(actor=reviewer, period=period(plan, "2024-Q2"))
    assert "Publish 2024-Q1 first" in str(refused.value)
    assert not AuditEvent.objects.filter(action="period.publish").exists()


def test_publishing_twice_is_a_conflict_not_a_second_record(plan, reviewer, admin_user):
    period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    with pytest.raises(PublicationConflict):
        period_publish(actor=admin_user, period=period(plan, "2024-Q1"))
    assert AuditEvent.objects.filter(action="period.publish").count() == 1
    assert period(plan, "2024-Q1").published_by == reviewer


def test_withdrawing_needs_a_reason_and_records_it(plan, reviewer):
    q1 = period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    with pytest.raises(ValidationError) as refused:
        period_withdraw(actor=reviewer, period=q1, reason="  ")
    assert "reason" in refused.value.message_dict
    assert period(plan, "2024-Q1").is_published
    period_withdraw(actor=reviewer, period=q1, reason="MOSVY's figures were entered twice")
    assert not period(plan, "2024-Q1").is_published
    event = AuditEvent.objects.get(action="period.withdraw")
    assert event.details["reason"] == "MOSVY's figures were entered twice"


def test_the_newest_publication_is_withdrawn_first(plan, reviewer):
    period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    period_publish(actor=reviewer, period=period(plan, "2024-Q2"))
    with pytest.raises(ValidationError) as refused:
        period_withdraw(actor=reviewer, period=period(plan, "2024-Q1"), reason="wrong")
    assert "Withdraw 2024-Q2 first" in str(refused.value)
    with pytest.raises(PublicationConflict):
        period_withdraw(actor=reviewer, period=period(plan, "2024-Q3"), reason="never published")


def test_an_approval_after_publication_marks_that_period_and_later_published_ones_revised(plan, reviewer):
    for code in ("2024-Q1", "2024-Q2"):
        period_publish(actor=reviewer, period=period(plan, code))
    scores_mark_stale(plan_id=plan.pk, from_index=2)  # what approving a 2024-Q2 report does
    assert period(plan, "2024-Q1").revised_at is None
    assert period(plan, "2024-Q2").revised_at is not None
    scores_mark_stale(plan_id=plan.pk, from_index=3)  # an open period: no published score changes
    assert period(plan, "2024-Q3").revised_at is None


# --- The API -----------------------------------------------------------------------------


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


PUBLISH = "/api/v1/plans/NSP/periods/2024-Q1/publish/"
WITHDRAW = "/api/v1/plans/NSP/periods/2024-Q1/withdraw/"


@pytest.mark.parametrize(
    ("who", "status"), [("reviewer", 200), ("admin_user", 200), ("focal_point", 403), ("partner", 403)]
)
def test_publishing_through_the_api_is_for_the_secretariat(client, plan, request, who, status):
    api = token_client(client, request.getfixturevalue(who))
    response = post(api, PUBLISH)
    assert response.status_code == status
    assert period(plan, "2024-Q1").is_published == (status == 200)
    if status == 200:
        assert response.json()["published"] is True and response.json()["published_by"] == who.split("_")[0]


def test_the_api_answers_409_to_a_second_publication_and_400_to_a_withdrawal_without_reason(
    client, plan, reviewer
):
    api = token_client(client, reviewer)
    assert post(api, PUBLISH).status_code == 200
    assert post(api, PUBLISH).status_code == 409
    response = post(api, WITHDRAW, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    assert post(api, WITHDRAW, {"reason": "Figures re-checked"}).status_code == 200
    assert not period(plan, "2024-Q1").is_published


def test_publishing_out_of_order_or_a_future_period_is_refused(client, plan, reviewer):
    api = token_client(client, reviewer)
    response = post(api, "/api/v1/plans/NSP/periods/2024-Q3/publish/")
    assert response.status_code == 400 and "Publish 2024-Q1 first" in response.json()["period"][0]
    # A quarter that has not begun is not offered at all; a bad code neither.
    assert post(api, "/api/v1/plans/NSP/periods/2028-Q4/publish/").status_code == 404
    assert post(api, "/api/v1/plans/NSP/periods/%00/publish/").status_code == 404


def test_the_periods_list_shows_partners_published_periods_only_and_nobody_a_future_one(
    client, plan, reviewer, partner
):
    period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    today = timezone.localdate()
    begun = [p.code for p in plan.periods.filter(start__lte=today)]

    body = token_client(client, reviewer).get("/api/v1/plans/NSP/periods/").json()
    assert [row["code"] for row in body["results"]] == begun
    assert body["results"][0]["published"] and not body["results"][1]["published"]

    body = token_client(client, partner).get("/api/v1/plans/NSP/periods/").json()
    assert [row["code"] for row in body["results"]] == ["2024-Q1"]


# --- The reporting status page -----------------------------------------------------------


def test_the_status_page_offers_to_publish_the_next_period_and_shows_its_reports_first(
    client, plan, reviewer, ministry
):
    approved_report(ministry, period(plan, "2024-Q1"))
    client.force_login(reviewer)
    grid = client.get("/review/status/", {"plan": "NSP", "quarters": "all"}).content.decode()
    assert grid.count("Publish…") == 1 and "/review/status/NSP/2024-Q1/publish/" in grid

    page = client.get("/review/status/NSP/2024-Q1/publish/")
    assert page.status_code == 200
    rows = dict(page.context["rows"])
    assert rows["approved"] == 1 and rows["not started"] == 0
    assert not period(plan, "2024-Q1").is_published  # a GET only asks

    response = client.post("/review/status/NSP/2024-Q1/publish/")
    assert response.status_code == 302
    assert period(plan, "2024-Q1").is_published
    grid = client.get("/review/status/", {"plan": "NSP", "quarters": "all"}).content.decode()
    assert "/review/status/NSP/2024-Q2/publish/" in grid and "/review/status/NSP/2024-Q1/withdraw/" in grid


def test_withdrawing_on_the_page_puts_the_missing_reason_next_to_its_field(client, plan, reviewer):
    period_publish(actor=reviewer, period=period(plan, "2024-Q1"))
    client.force_login(reviewer)
    response = client.post("/review/status/NSP/2024-Q1/withdraw/", {"reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert 'id="reason-errors"' in response.content.decode()
    assert client.post("/review/status/NSP/2024-Q1/withdraw/", {"reason": "Re-check"}).status_code == 302
    assert not period(plan, "2024-Q1").is_published


@pytest.mark.parametrize("who", ["focal_point", "partner"])
def test_only_the_secretariat_opens_the_publishing_pages(client, plan, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/review/status/NSP/2024-Q1/publish/").status_code == 403
    assert client.post("/review/status/NSP/2024-Q1/publish/").status_code == 403
    assert not period(plan, "2024-Q1").is_published
