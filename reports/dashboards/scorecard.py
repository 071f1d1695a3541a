"""The organisation scorecard: what one organisation leads, how it is doing,
and whether its reports came on time.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from indicators.models import (
    Indicator,
    QuarterlyReport,
)
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod
from reports import scoring
from reports.dashboards.score_rows import ScoreRow, nodes_filter, score_row, snapshots_at, with_last_reported
from reports.scores.cache import scores_cached
from strategies.models import Activity

ON_TIME, LATE, MISSING, PENDING, NOT_EXPECTED = "ON_TIME", "LATE", "MISSING", "PENDING", "NOT_EXPECTED"


def report_timeliness(*, expected: bool, first_submitted_on, deadline, today) -> str:
    """Whether an organisation's report for a period came in by the deadline.

    ON_TIME or LATE once submitted (whatever happened after); otherwise MISSING
    when it was expected and the deadline has passed, PENDING before the
    deadline, NOT_EXPECTED when nothing was due.
    """
    if first_submitted_on is not None:
        return ON_TIME if first_submitted_on <= deadline else LATE
    if not expected:
        return NOT_EXPECTED
    return MISSING if today > deadline else PENDING


@dataclass(frozen=True)
class TimelinessRow:
    period: str
    deadline: object
    expected: bool
    state: str | None
    first_submitted_at: object
    timeliness: str


@dataclass(frozen=True)
class Scorecard:
    organisation: Organisation
    indicators: list[ScoreRow]
    activities: list[ScoreRow]
    counts: dict[str, int]
    timeliness: list[TimelinessRow]


def organisation_scorecard(
    *, plan: Plan, organisation: Organisation, period: ReportingPeriod, today
) -> Scorecard:
    """The indicators an organisation leads or contributes to and the
    activities it leads, with their scores at the period, and its reports'
    timeliness for every period up to it. Scores only (approved data) and
    report states: never a figure of a report that is not approved.

    The scores and the quarters it owed a report (kept until the plan's scores
    change) come from scorecard_leaves; its reports are read live, since a
    submission changes them."""
    periods = [p for p in plan.periods.order_by("index") if p.index <= period.index]
    leaves = scores_cached(
        plan=plan,
        parts=("scorecard", organisation.pk, period.pk),
        read=lambda: scorecard_leaves(plan=plan, organisation=organisation, period=period, periods=periods),
    )
    reports = {
        r.period_id: r
        for r in QuarterlyReport.objects.filter(
            organisation=organisation, period__plan=plan, period__index__lte=period.index
        )
    }
    timeliness = []
    for p in periods:
        expected = p.pk in leaves.owed_periods
        report = reports.get(p.pk)
        first = report.first_submitted_at if report else None
        timeliness.append(
            TimelinessRow(
                period=p.code,
                deadline=p.deadline,
                expected=expected,
                state=report.state if report else None,
                first_submitted_at=first,
                timeliness=report_timeliness(
                    expected=expected,
                    first_submitted_on=timezone.localdate(first) if first else None,
                    deadline=p.deadline,
                    today=today,
                ),
            )
        )
    return Scorecard(
        organisation=organisation,
        indicators=leaves.indicators,
        activities=leaves.activities,
        counts=leaves.counts,
        timeliness=timeliness,
    )


@dataclass(frozen=True)
class ScorecardLeaves:
    indicators: list[ScoreRow]
    activities: list[ScoreRow]
    counts: dict[str, int]
    owed_periods: set[int]  # ids of the periods it had to report for


def scorecard_leaves(
    *, plan: Plan, organisation: Organisation, period: ReportingPeriod, periods: list[ReportingPeriod]
) -> ScorecardLeaves:
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .filter(Q(lead=organisation) | Q(contributors=organisation))
        .distinct()
        .order_by("position", "code")
    )
    activities = list(Activity.objects.filter(plan=plan, lead=organisation).order_by("position", "code"))
    snapshots = snapshots_at(
        plan=plan,
        period=period,
        filters=nodes_filter("indicator", (i.pk for i in indicators))
        | nodes_filter("activity", (a.pk for a in activities)),
    )
    indicator_rows = [
        score_row(
            "indicator",
            i,
            snapshots.get(("indicator", i.pk)),
            unit=i.display_unit,
            role="lead" if i.lead_id == organisation.pk else "contributor",
        )
        for i in indicators
    ]
    activity_rows = [
        score_row("activity", a, snapshots.get(("activity", a.pk)), role="lead") for a in activities
    ]
    counts = dict.fromkeys(scoring.STATUSES, 0)
    for row in indicator_rows + activity_rows:
        if row.status and not row.cancelled:
            counts[row.status] += 1
    leaves = with_last_reported(indicator_rows + activity_rows, plan=plan, period=period)
    indicator_rows, activity_rows = leaves[: len(indicator_rows)], leaves[len(indicator_rows) :]
    # Which periods it had to report for: the same rule as the report form,
    # the reminders and the completeness figures.
    owed = plan_expected_reporters(plan, periods).get(organisation.pk, set())
    return ScorecardLeaves(indicator_rows, activity_rows, counts, set(owed))
