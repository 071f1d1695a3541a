"""The organisation scorecard: its leaves and its reports' timeliness."""

import datetime

import pytest
from django.utils import timezone

from reports.dashboards.scorecard import LATE, MISSING, NOT_EXPECTED, ON_TIME, PENDING, report_timeliness
from tests.factories import (
    approved_report,
)
from tests.reports.dashboards.builders import AS_OF

pytestmark = pytest.mark.django_db


def test_scorecard_shows_the_organisations_leaves_and_report_timeliness(client, plan, ministry, focal_point):
    for report in ministry.reports.select_related("period"):
        submitted = datetime.datetime.combine(
            report.period.end + datetime.timedelta(days=5), datetime.time(9)
        )
        report.first_submitted_at = timezone.make_aware(submitted)
        report.save()
    late = ministry.reports.get(period__code="2024-Q3")
    late.first_submitted_at = timezone.make_aware(datetime.datetime(2024, 11, 30, 10))
    late.save()
    ministry.reports.filter(period__code="2024-Q2").delete()
    client.force_login(focal_point)
    response = client.get("/dashboards/NSP/organisations/MOI/" + AS_OF)
    card = response.context["card"]
    assert [r.code for r in card.indicators] == ["I1.1.1", "I1.1.2", "I1.2.1", "I1.2.2"]
    assert {r.role for r in card.indicators} == {"lead"}
    assert [r.code for r in card.activities] == ["A1.1", "A1.2"]
    assert {r.period: r.timeliness for r in card.timeliness} == {
        "2024-Q1": ON_TIME,
        "2024-Q2": MISSING,
        "2024-Q3": LATE,
        "2024-Q4": ON_TIME,
    }
    body = response.content.decode()
    assert "Late" in body and "Missing" in body


def test_a_contributor_sees_its_role_on_the_scorecard(client, plan, reviewer):
    client.force_login(reviewer)
    card = client.get("/dashboards/NSP/organisations/MOJ/" + AS_OF).context["card"]
    assert {r.role for r in card.indicators} == {"contributor"}
    assert card.activities == []


def test_report_timeliness_compares_the_first_submission_with_the_deadline():
    deadline = datetime.date(2025, 4, 15)
    before, on, after = deadline - datetime.timedelta(days=1), deadline, deadline + datetime.timedelta(days=1)
    check = report_timeliness
    assert check(expected=True, first_submitted_on=on, deadline=deadline, today=after) == ON_TIME
    assert check(expected=True, first_submitted_on=after, deadline=deadline, today=after) == LATE
    assert check(expected=False, first_submitted_on=after, deadline=deadline, today=after) == LATE
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=after) == MISSING
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=before) == PENDING
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=on) == PENDING
    assert check(expected=False, first_submitted_on=None, deadline=deadline, today=after) == NOT_EXPECTED


def test_the_scorecard_shows_a_report_submitted_after_it_was_first_read(client, plan, ministry, focal_point):
    # Scores are kept until they change; report states are read live.
    client.force_login(focal_point)
    url = "/dashboards/NSP/organisations/MOI/?period=2025-Q1"
    states = {row.period: row.state for row in client.get(url).context["card"].timeliness}
    assert states["2025-Q1"] is None
    approved_report(ministry, plan.periods.get(code="2025-Q1"), state="SUBMITTED")
    states = {row.period: row.state for row in client.get(url).context["card"].timeliness}
    assert states["2025-Q1"] == "SUBMITTED"
