"""The reporting status grid: every organisation that owes a report, by period."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from indicators.access import reports_for_user
from indicators.models import (
    QuarterlyReport,
)
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod


@dataclass
class StatusCell:
    """One organisation's report for one period, or its absence."""

    period: ReportingPeriod
    report: QuarterlyReport | None
    expected: bool
    overdue: bool = False  # the period's deadline has passed

    @property
    def missing(self) -> bool:
        return self.expected and self.report is None


@dataclass
class StatusRow:
    organisation: Organisation
    cells: list[StatusCell]


@dataclass
class ReportingStatus:
    plan: Plan
    periods: list[ReportingPeriod]
    rows: list[StatusRow]


def reporting_status(*, user, plan: Plan, today: datetime.date | None = None) -> ReportingStatus:
    """Organisations × periods up to the current one: each report (state, late)
    or its absence, and whether one is expected. A fixed number of queries."""
    today = today or timezone.localdate()
    periods = list(plan.periods.filter(start__lte=today).order_by("index"))
    expected = plan_expected_reporters(plan, periods)
    reports = {
        (r.organisation_id, r.period_id): r
        for r in reports_for_user(user).filter(period__in=[p.pk for p in periods])
    }
    organisation_ids = {org for org, ids in expected.items() if ids} | {org for org, _p in reports}
    rows = [
        StatusRow(
            organisation,
            [
                StatusCell(
                    period,
                    reports.get((organisation.pk, period.pk)),
                    period.pk in expected.get(organisation.pk, ()),
                    overdue=today > period.deadline,
                )
                for period in periods
            ],
        )
        for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("kind", "code")
    ]
    return ReportingStatus(plan=plan, periods=periods, rows=rows)
