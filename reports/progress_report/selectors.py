"""The partners' quarterly progress report: one plan at one period, gathered
from what the dashboards already read (docs/dashboards.md, "Quarterly progress
report"). The workbook (workbook.py) and the printable page (views.py) show
the same ProgressReport.

Which periods a reader may ask for is the dashboards' rule (reports/as_of.py):
partners published ones only, nobody one that has not begun. Figures are
stored scores and approved values only. For a reader who may not see small
counts (plans.access.user_sees_small_counts), counts of victims and survivors
are as the dashboards show them to that reader (docs/privacy.md): an
indicator's through reports/dashboards/people_counts.py, the justice chain's
by its own ``protect``, both on reports/privacy.py.
"""

from dataclasses import dataclass, replace

from django.db.models import F, Q

from indicators.models import ActivityStatus, ActivityUpdate, Indicator, ReportState, Target
from indicators.plan_tree import PLAN_ORDER
from plans.access import user_sees_small_counts
from plans.models import Plan, ReportingPeriod
from reports.completeness import OrganisationCompleteness, PeriodCompleteness, period_completeness
from reports.dashboards import justice_chain as chain_read
from reports.dashboards import people_counts
from reports.dashboards import plan_overview as overview_read
from reports.dashboards.indicator import target_to_date
from reports.dashboards.score_rows import ScoreRow, score_row, snapshots_at, with_last_reported
from reports.privacy import SUPPRESSION_THRESHOLD
from reports.publication import PeriodPublication, period_publication
from reports.scores.cache import scores_cached
from strategies.models import Activity


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator at the period: its stored score, the target to reach by
    the end of the period's year, and, where it was at risk or off track, what
    its lead organisation said in its latest approved report ("Explain the gap").

    For a reader who may not see small counts, the score of an indicator
    counting people is as the dashboards show it to them
    (reports.dashboards.people_counts.protected_score): actual to date
    rounded, "<5" when small, progress worked out from the rounded figure.
    """

    pillar_code: str
    pillar_name: str
    objective_code: str
    score: ScoreRow
    target: float | None
    gap_reason: str = ""
    corrective_action: str = ""
    note: str = ""
    reason_from: str = ""  # the period of the report the reason comes from
    protected: bool = False  # a count of people, rounded or hidden for this reader


@dataclass(frozen=True)
class ActivityLine:
    """An activity at the period: its stored score and its lead organisation's
    latest approved update up to the period (implementation status, percent complete)."""

    pillar_code: str
    pillar_name: str
    objective_code: str
    score: ScoreRow
    implementation: str = ""  # ActivityStatus, "" when nothing approved yet
    percent_complete: float | None = None  # 0–100
    updated_in: str = ""  # the period of that update

    @property
    def implementation_label(self) -> str:
        return str(ActivityStatus(self.implementation).label) if self.implementation else ""


@dataclass(frozen=True)
class ProgressReport:
    plan: Plan
    period: ReportingPeriod
    publication: PeriodPublication
    computed_at: object
    overall: ScoreRow
    pillars: list[ScoreRow]
    indicators: list[IndicatorLine]
    activities: list[ActivityLine]
    completeness: PeriodCompleteness
    organisations: list[OrganisationCompleteness]
    justice_chain: list  # ChainTable (reports/dashboards/justice_chain.py), as the reader may see it
    suppressed: bool  # the reader sees counts of people rounded, small ones as "<5"
    threshold: int = SUPPRESSION_THRESHOLD

    @property
    def has_chain_warnings(self) -> bool:
        return any(year.warnings for table in self.justice_chain for year in table.years)


@dataclass(frozen=True)
class _Leaves:
    """What the report reads beyond the dashboards' own reads: every leaf of
    the plan at the period. The same for every reader, so kept with the scores."""

    indicators: list[IndicatorLine]
    activities: list[ActivityLine]


def progress_report(
    *, plan: Plan, period: ReportingPeriod, periods: list[ReportingPeriod], user, computed_at=None
) -> ProgressReport:
    """The quarterly progress report of ``plan`` at ``period``, as ``user``
    may read it. ``period`` must be one of ``periods``, the periods the user may
    see (reports.as_of.dashboard_period gives both).

    The summary, the reasons for the gaps and the justice chain are the
    dashboards' own reads under the dashboards' own cache keys; the leaves are
    kept with the scores too; completeness is read live, as on the plan overview."""
    overview = scores_cached(
        plan=plan,
        # The plan overview's key with "show all": the same read, shared.
        parts=("overview", period.pk, True),
        read=lambda: overview_read.plan_overview(
            plan=plan, period=period, periods=periods, attention_limit=None
        ),
    )
    leaves = scores_cached(
        plan=plan,
        parts=("progress-report-leaves", period.pk),
        read=lambda: report_leaves(plan=plan, period=period),
    )
    exact = user_sees_small_counts(user)
    # The justice chain page's read and key (reports/dashboards/views.py): for
    # a reader who may not see small counts, counts of people rounded.
    chain = scores_cached(
        plan=plan,
        parts=("justice-chain", not exact, period.pk),
        read=lambda: chain_read.justice_chain(plan=plan, period=period, protect=not exact),
    )
    completeness, organisations = period_completeness(plan=plan, period=period)
    reasons = {row.score.code: row for row in overview.attention}
    return ProgressReport(
        plan=plan,
        period=period,
        publication=period_publication(plan=plan, period=period),
        computed_at=computed_at,
        overall=overview.plan,
        pillars=overview.pillars,
        indicators=[
            indicator_line_for_reader(line, reasons.get(line.score.code), exact=exact)
            for line in leaves.indicators
        ],
        activities=leaves.activities,
        completeness=completeness,
        organisations=organisations,
        justice_chain=chain,
        suppressed=not exact,
    )


def report_leaves(*, plan: Plan, period: ReportingPeriod) -> _Leaves:
    """Every indicator and activity of the plan, in the plan's order, with its
    stored score at the period, its target and its latest approved update.
    Five queries, and one more where a leaf has no report for the period."""
    indicators = list(
        Indicator.objects.filter(plan=plan).select_related("lead", "objective__pillar").order_by(*PLAN_ORDER)
    )
    activities = list(
        Activity.objects.filter(plan=plan).select_related("lead", "objective__pillar").order_by(*PLAN_ORDER)
    )
    snapshots = snapshots_at(plan=plan, period=period, filters=Q(node_type__in=["indicator", "activity"]))
    targets: dict[int, dict[int, float]] = {i.pk: {} for i in indicators}
    for target in Target.objects.filter(indicator__plan=plan).with_in_force().order_by():
        targets[target.indicator_id][target.year] = float(target.in_force)
    rows = with_last_reported(
        [
            score_row(
                "indicator", i, snapshots.get(("indicator", i.pk)), lead=i.lead.code, unit=i.display_unit
            )
            for i in indicators
        ]
        + [score_row("activity", a, snapshots.get(("activity", a.pk)), lead=a.lead.code) for a in activities],
        plan=plan,
        period=period,
    )
    updates = latest_activity_updates(plan=plan, period=period)
    indicator_lines = [
        IndicatorLine(
            pillar_code=i.objective.pillar.code,
            pillar_name=i.objective.pillar.display_name,
            objective_code=i.objective.code,
            score=row,
            target=target_to_date(i.aggregation, targets[i.pk], period.year),
        )
        for i, row in zip(indicators, rows[: len(indicators)], strict=True)
    ]
    activity_lines = [
        ActivityLine(
            pillar_code=a.objective.pillar.code,
            pillar_name=a.objective.pillar.display_name,
            objective_code=a.objective.code,
            score=row,
            **updates.get(a.pk, {}),
        )
        for a, row in zip(activities, rows[len(indicators) :], strict=True)
    ]
    return _Leaves(indicator_lines, activity_lines)


def latest_activity_updates(*, plan: Plan, period: ReportingPeriod) -> dict[int, dict]:
    """Per activity, its lead organisation's latest approved update up to the
    period (the one the scores count): status, percent complete, period. One query."""
    latest = {}
    # Ordered by period: the last update seen for an activity is its latest.
    for activity_id, code, status, percent in (
        ActivityUpdate.objects.filter(
            activity__plan=plan,
            report__state=ReportState.APPROVED,
            report__organisation_id=F("activity__lead_id"),
            report__period__plan=plan,
            report__period__index__lte=period.index,
        )
        .order_by("activity_id", "report__period__index")
        .values_list("activity_id", "report__period__code", "status", "percent_complete")
    ):
        latest[activity_id] = {
            "implementation": status,
            "percent_complete": float(percent),
            "updated_in": code,
        }
    return latest


def indicator_line_for_reader(line: IndicatorLine, reason, *, exact: bool) -> IndicatorLine:
    """The line with its gap explained (``reason``: the plan overview's
    AttentionRow, for an indicator at risk or off track), and its counts of
    people as the reader may see them (``exact``: user_sees_small_counts)."""
    if reason is not None:
        line = replace(
            line,
            gap_reason=reason.gap_reason,
            corrective_action=reason.corrective_action,
            note=reason.note,
            reason_from=reason.reported_in,
        )
    if not exact and line.score.counts_people:
        line = replace(line, score=people_counts.protected_score(line.score), protected=True)
    return line
