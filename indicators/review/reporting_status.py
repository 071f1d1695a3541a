"""The reporting status grid: every organisation that owes a report, by period."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from indicators.access import reports_for_user
from indicators.models import QuarterlyReport, ReportState
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod

# An expected report no one has opened yet, beside the report states.
NOT_STARTED = "NOT_STARTED"


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


@dataclass(frozen=True)
class PeriodSummary:
    """How far one period's reports have got: what the secretariat reads
    before publishing it."""

    period: ReportingPeriod
    expected: int
    counts: dict[str, int]  # by report state, "NOT_STARTED" for an expected report never opened
    late: int
    publishable: bool  # the next period to publish (docs/publication.md)
    withdrawable: bool  # the newest published one

    @property
    def approved(self) -> int:
        return self.counts.get(ReportState.APPROVED, 0)


@dataclass
class ReportingStatus:
    plan: Plan
    periods: list[ReportingPeriod]
    rows: list[StatusRow]
    summaries: list[PeriodSummary]
    hidden_periods: int = 0  # earlier quarters left out of the grid


# The grid opens at the latest quarters; "every quarter" shows the rest.
QUARTERS_SHOWN = 6


def period_summary(
    period: ReportingPeriod, cells: list[StatusCell], *, publishable: bool, withdrawable: bool
) -> PeriodSummary:
    counts = dict.fromkeys((NOT_STARTED, *ReportState.values), 0)
    late = 0
    expected = 0
    for cell in cells:
        if not cell.expected:
            continue
        expected += 1
        counts[cell.report.state if cell.report else NOT_STARTED] += 1
        late += bool(cell.report.is_late if cell.report else cell.overdue)
    return PeriodSummary(period, expected, counts, late, publishable, withdrawable)


def reporting_status(
    *, user, plan: Plan, today: datetime.date | None = None, every_quarter: bool = False
) -> ReportingStatus:
    """Organisations × periods up to the current one (the latest QUARTERS_SHOWN
    unless ``every_quarter``): each report (state, late) or its absence, whether
    one is expected, and each period's summary and publication. A fixed number
    of queries."""
    today = today or timezone.localdate()
    begun = list(plan.periods.begun(today).select_related("published_by").order_by("index"))
    periods = begun if every_quarter else begun[-QUARTERS_SHOWN:]
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
    unpublished = [p for p in begun if not p.is_published]
    published = [p for p in begun if p.is_published]
    next_to_publish = unpublished[0] if unpublished and unpublished[0].deadline < today else None
    newest_published = published[-1] if published else None
    summaries = [
        period_summary(
            period,
            [row.cells[i] for row in rows],
            publishable=period == next_to_publish,
            withdrawable=period == newest_published,
        )
        for i, period in enumerate(periods)
    ]
    return ReportingStatus(
        plan=plan, periods=periods, rows=rows, summaries=summaries, hidden_periods=len(begun) - len(periods)
    )
