"""PlanExpectations (many reports at once, for the values import) gives what
report_expected_indicators and report_expected_activities give one report."""

import io

import pytest
from django.core.management import call_command

from indicators.models import QuarterlyReport
from indicators.quarterly_report.expected import (
    PlanExpectations,
    report_expected_activities,
    report_expected_indicators,
)
from plans.models import Organisation, Plan


@pytest.mark.django_db
def test_plan_expectations_agree_with_the_per_report_rule_on_every_organisation_and_quarter():
    call_command("seed_demo", stdout=io.StringIO())
    plan = Plan.objects.get(code="NSP-2024-2028")
    expectations = PlanExpectations(plan.pk)
    periods = list(plan.periods.order_by("index"))
    compared = 0
    for organisation in Organisation.objects.exclude(kind__in=["PARTNER", "SECRETARIAT"]):
        for period in periods:
            report = QuarterlyReport(organisation=organisation, period=period)
            want_indicators = report_expected_indicators(report)
            want_activities = report_expected_activities(report)
            got_indicators = expectations.indicators_for(organisation.pk, period)
            got_activities = expectations.activities_for(organisation.pk, period)
            # The same ones, in the same (plan's) order.
            assert list(got_indicators) == list(want_indicators), (organisation.code, period.code)
            assert list(got_activities) == list(want_activities), (organisation.code, period.code)
            compared += bool(want_indicators or want_activities)
    assert compared > 100
    # The rule's every branch is met: finished activities, annual indicators, contributions.
    assert expectations.finished_from
    assert any(i.frequency == "ANNUAL" for i in expectations.indicators)
    assert any(expectations.contributors.values())
