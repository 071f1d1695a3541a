"""Who is expected to report for a period (scoring.md, "Reporting completeness")."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import QuarterlyReport
from plans.models import Organisation
from reports.completeness import organisations_expected, period_completeness
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    quarterly = IndicatorFactory(objective=objective, lead=OrganisationFactory(code="QLEAD"))
    quarterly.contributors.add(OrganisationFactory(code="QHELP"))
    IndicatorFactory(objective=objective, lead=OrganisationFactory(code="ALEAD"), frequency="ANNUAL")
    later = plan.periods.get(code="2025-Q1")
    ActivityFactory(
        objective=objective,
        lead=OrganisationFactory(code="LATER"),
        start_period=later,
        end_period=plan.periods.get(code="2025-Q4"),
    )
    done = ActivityFactory(objective=objective, lead=OrganisationFactory(code="DONE"))
    approved_report(done.lead, plan.periods.get(code="2024-Q2"), updates={done: ("COMPLETED", 100)})
    return plan


def codes(plan, period_code):
    ids = organisations_expected(plan=plan, period=plan.periods.get(code=period_code))
    return set(Organisation.objects.filter(pk__in=ids).values_list("code", flat=True))


def test_leads_and_contributors_of_quarterly_indicators_report_every_quarter(plan):
    assert codes(plan, "2024-Q2") == {"QLEAD", "QHELP", "DONE"}


def test_annual_indicators_are_expected_in_q4_only(plan):
    assert "ALEAD" in codes(plan, "2024-Q4")
    assert "ALEAD" not in codes(plan, "2024-Q3")


def test_an_activity_is_expected_from_its_start_until_it_is_completed(plan):
    assert "LATER" not in codes(plan, "2024-Q4")
    assert "LATER" in codes(plan, "2025-Q1")
    # Completed in 2024-Q2 (the update itself was due), so not expected after.
    assert "DONE" in codes(plan, "2024-Q2")
    assert "DONE" not in codes(plan, "2024-Q3")


def test_completeness_counts_received_reports_among_the_expected(plan):
    period = plan.periods.get(code="2024-Q2")
    overall, rows = period_completeness(plan=plan, period=period)
    assert (overall.expected, overall.received) == (3, 1)
    assert {row.code: row.report_state for row in rows}["DONE"] == "APPROVED"


def test_a_report_first_submitted_on_the_deadline_is_on_time_until_midnight_in_phnom_penh(plan):
    period = plan.periods.get(code="2024-Q2")
    submitted_at = {
        # 23:59 on the deadline in Phnom Penh (UTC+7) is 16:59 UTC that day ...
        "QLEAD": datetime.datetime.combine(period.deadline, datetime.time(23, 59)),
        # ... and 00:01 the day after is still the deadline's date in UTC.
        "QHELP": datetime.datetime.combine(period.deadline + datetime.timedelta(days=1), datetime.time(0, 1)),
    }
    for code, at in submitted_at.items():
        report = approved_report(Organisation.objects.get(code=code), period, state="SUBMITTED")
        QuarterlyReport.objects.filter(pk=report.pk).update(first_submitted_at=timezone.make_aware(at))
    overall, rows = period_completeness(plan=plan, period=period)
    assert {row.code: row.on_time for row in rows if row.code in submitted_at} == {
        "QLEAD": True,
        "QHELP": False,
    }
    assert (overall.received, overall.on_time) == (3, 1)


def test_reports_not_received_are_counted_as_not_started_drafts_and_returned(plan):
    period = plan.periods.get(code="2024-Q2")
    objective = plan.objectives.get()
    for code in ("NEWLEAD", "DRAFTER"):
        IndicatorFactory(objective=objective, lead=OrganisationFactory(code=code))
    by_code = {org.code: org for org in Organisation.objects.all()}
    approved_report(by_code["QLEAD"], period, state="DRAFT")
    approved_report(by_code["DRAFTER"], period, state="DRAFT")
    approved_report(by_code["QHELP"], period, state="RETURNED")
    # A report nobody expected (an annual indicator's lead, in Q2) counts for nothing.
    approved_report(by_code["ALEAD"], period, state="DRAFT")

    overall, rows = period_completeness(plan=plan, period=period)

    states = {row.code: row.state_label for row in rows}
    assert states == {
        "DONE": "Approved",
        "DRAFTER": "Draft",
        "NEWLEAD": "Not started",
        "QHELP": "Returned",
        "QLEAD": "Draft",
    }
    assert [part.text for part in overall.not_received] == ["1 not started", "2 drafts", "1 returned"]
    assert overall.not_received_count == overall.expected - overall.received == 4
    assert {row.code: row.state for row in rows}["NEWLEAD"] == "NOT_STARTED"
    assert {row.code: row.report_state for row in rows}["NEWLEAD"] is None, "the API's field is unchanged"


def test_a_state_no_report_is_in_is_left_out_of_the_summary(plan):
    period = plan.periods.get(code="2024-Q2")

    overall, _rows = period_completeness(plan=plan, period=period)

    # DONE is approved; QLEAD and QHELP have not started theirs.
    assert [(part.state, part.count) for part in overall.not_received] == [("NOT_STARTED", 2)]


def test_reports_not_received_are_late_once_the_deadline_has_passed(plan):
    period = plan.periods.get(code="2024-Q2")

    on_the_day, _rows = period_completeness(plan=plan, period=period, today=period.deadline)
    the_day_after, _rows = period_completeness(
        plan=plan, period=period, today=period.deadline + datetime.timedelta(days=1)
    )

    assert (on_the_day.deadline_passed, the_day_after.deadline_passed) == (False, True)
