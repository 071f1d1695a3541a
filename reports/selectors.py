"""Reads for scores: the plan turned into the scoring rule's plain inputs, and
the stored snapshots shaped for pages and the API."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, F, Prefetch, Q, Value, When, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    ActivityUpdate,
    Category,
    DisaggregatedValue,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
    TargetRevision,
    cell_categories,
)
from indicators.selectors import plan_expected_reporters
from plans.access import user_is_secretariat
from plans.models import Organisation, Plan, ReportingPeriod, ScoreState
from reports import scoring
from reports.models import ScoreSnapshot
from strategies.models import Activity, Objective, Pillar


@dataclass(frozen=True)
class Leaf:
    kind: str  # "indicator" or "activity"
    id: int
    code: str
    objective_id: int
    weight: float
    lead_id: int
    contributor_ids: frozenset[int]
    input: scoring.IndicatorInput | scoring.ActivityInput | None  # None: targets missing


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    parent_id: int | None
    weight: float


@dataclass(frozen=True)
class PlanInputs:
    """Everything the rule needs to score a plan, read in a fixed number of queries."""

    plan: Plan
    plan_years: scoring.PlanYears
    thresholds: scoring.Thresholds
    periods: list[tuple[ReportingPeriod, scoring.PeriodRef]]
    pillars: list[Node]
    objectives: list[Node]
    leaves: list[Leaf]


def plan_thresholds(plan: Plan) -> scoring.Thresholds:
    return scoring.Thresholds(on_track=float(plan.on_track), at_risk=float(plan.at_risk))


def plan_scoring_inputs(*, plan: Plan) -> PlanInputs:
    """Only APPROVED figures are read: drafts, submitted and returned reports
    never change a score."""
    periods = [
        (period, scoring.PeriodRef(period.year, period.quarter, period.index))
        for period in plan.periods.order_by("index")
    ]
    pillars = [Node(p.pk, p.code, None, float(p.weight)) for p in Pillar.objects.filter(plan=plan)]
    objectives = [
        Node(o.pk, o.code, o.pillar_id, float(o.weight)) for o in Objective.objects.filter(plan=plan)
    ]
    return PlanInputs(
        plan=plan,
        plan_years=scoring.PlanYears(plan.start_year, plan.end_year),
        thresholds=plan_thresholds(plan),
        periods=periods,
        pillars=pillars,
        objectives=objectives,
        leaves=indicator_leaves(plan) + activity_leaves(plan),
    )


def indicator_leaves(plan: Plan) -> list[Leaf]:
    targets = defaultdict(dict)
    # Scores are measured against the targets in force: revised where a review revised them.
    for indicator_id, year, value in (
        Target.objects.with_in_force()
        .filter(indicator__plan=plan)
        .values_list("indicator_id", "year", "in_force")
    ):
        targets[indicator_id][year] = float(value)
    contributors = defaultdict(set)
    for indicator_id, organisation_id in Indicator.contributors.through.objects.filter(
        indicator__plan=plan
    ).values_list("indicator_id", "organisation_id"):
        contributors[indicator_id].add(organisation_id)

    indicators = list(
        Indicator.objects.filter(plan=plan).values(
            "id",
            "code",
            "objective_id",
            "weight",
            "lead_id",
            "measure",
            "aggregation",
            "direction",
            "frequency",
            "baseline",
        )
    )
    values = approved_indicator_values(plan, {row["id"]: row for row in indicators})
    years = range(plan.start_year, plan.end_year + 1)
    leaves = []
    for row in indicators:
        has_targets = all(year in targets[row["id"]] for year in years)
        leaves.append(
            Leaf(
                kind="indicator",
                id=row["id"],
                code=row["code"],
                objective_id=row["objective_id"],
                weight=float(row["weight"]),
                lead_id=row["lead_id"],
                contributor_ids=frozenset(contributors[row["id"]]),
                input=scoring.IndicatorInput(
                    measure=row["measure"],
                    aggregation=row["aggregation"],
                    direction=row["direction"],
                    frequency=row["frequency"],
                    baseline=float(row["baseline"]),
                    targets=targets[row["id"]],
                    values=values[row["id"]],
                )
                if has_targets
                else None,
            )
        )
    return leaves


def approved_indicator_values(plan: Plan, indicators: dict[int, dict]) -> dict[int, dict[int, float]]:
    """``V_p`` per indicator and period index: SUM adds every organisation's
    approved value; LATEST takes the lead organisation's."""
    values: dict[int, dict[int, float]] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(
        indicator__plan=plan, report__state=ReportState.APPROVED
    ).values_list("indicator_id", "report__period__index", "report__organisation_id", "value")
    for indicator_id, index, organisation_id, value in rows:
        indicator = indicators[indicator_id]
        value_count(
            values[indicator_id],
            indicator["aggregation"],
            indicator["lead_id"],
            index,
            organisation_id,
            value,
        )
    return values


def value_count(
    values: dict[int, float], aggregation: str, lead_id: int, index: int, organisation_id: int, value
):
    """Count one organisation's approved value into ``V_p``: a flow adds every
    organisation's; a level is the lead organisation's alone."""
    if aggregation == scoring.SUM:
        values[index] = values.get(index, 0.0) + float(value)
    elif organisation_id == lead_id:
        values[index] = float(value)


def activity_leaves(plan: Plan) -> list[Leaf]:
    updates = defaultdict(dict)
    rows = ActivityUpdate.objects.filter(
        activity__plan=plan,
        report__state=ReportState.APPROVED,
        # The lead organisation reports on its activity.
        report__organisation_id=F("activity__lead_id"),
    ).values_list("activity_id", "report__period__index", "status", "percent_complete")
    for activity_id, index, status, percent in rows:
        updates[activity_id][index] = scoring.ActivityUpdateInput(status, float(percent))
    supporting = defaultdict(set)
    for activity_id, organisation_id in Activity.supporting.through.objects.filter(
        activity__plan=plan
    ).values_list("activity_id", "organisation_id"):
        supporting[activity_id].add(organisation_id)
    return [
        Leaf(
            kind="activity",
            id=row["id"],
            code=row["code"],
            objective_id=row["objective_id"],
            weight=float(row["weight"]),
            lead_id=row["lead_id"],
            contributor_ids=frozenset(),
            input=scoring.ActivityInput(
                start_index=row["start_period__index"],
                end_index=row["end_period__index"],
                updates=updates[row["id"]],
            ),
        )
        for row in Activity.objects.filter(plan=plan).values(
            "id", "code", "objective_id", "weight", "lead_id", "start_period__index", "end_period__index"
        )
    ]


def latest_closed_period(periods: list[ReportingPeriod], today) -> ReportingPeriod | None:
    """The default "as of" period: the latest of ``periods`` (in order) that has
    closed (its end has passed), or the first when none has yet."""
    closed = [p for p in periods if p.end < today]
    return closed[-1] if closed else (periods[0] if periods else None)


@dataclass(frozen=True)
class OrganisationCompleteness:
    organisation_id: int
    code: str
    name: str
    expected: bool
    received: bool
    on_time: bool
    report_state: str | None
    first_submitted_at: object


def organisations_expected(*, plan: Plan, period: ReportingPeriod) -> set[int]:
    """Organisations that owe a report for the period: the same rule as the
    report form and the reminders (indicators.selectors.plan_expected_reporters).

    It changes only with the plan's structure or an approval, both of which
    mark the plan's scores stale, so it is kept with them (see scores_cached)."""

    def read() -> set[int]:
        owed = plan_expected_reporters(plan, [period])
        return {organisation_id for organisation_id, periods in owed.items() if period.pk in periods}

    return scores_cached(plan=plan, parts=("expected", period.pk), read=read)


# How long a read of stored scores is kept; its key changes as soon as the
# scores do, so this only bounds memory, not freshness.
SCORES_CACHE_SECONDS = 600


def scores_cache_key(*, plan: Plan, parts: tuple) -> str | None:
    """The cache key of ``parts`` of the plan's scores, valid until they change
    (see scores_cached); None for a plan whose scores were never computed,
    which has nothing to keep."""
    try:
        state = plan.score_state
    except ScoreState.DoesNotExist:
        return None
    computed = state.computed_at.timestamp() if state.computed_at else 0
    return ":".join(map(str, ("ntip-scores", plan.pk, state.version, computed, get_language(), *parts)))


def scores_cached(*, plan: Plan, parts: tuple, read):
    """``read()``, kept until the plan's scores change.

    The key holds the plan's ScoreState version (raised by every approval,
    reopening and change of structure) and the time its scores were last
    computed, so a new approval or recompute is never hidden. Language is in
    the key too: names come in English or Khmer.
    """
    key = scores_cache_key(plan=plan, parts=parts)
    if key is None:
        return read()
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, SCORES_CACHE_SECONDS)
    return value


def period_completeness(*, plan: Plan, period: ReportingPeriod):
    """Who was expected to report for the period, who did, and who was on time.

    Read live from the reports (a submission changes it, an approval is not
    needed), in a fixed number of queries.
    """
    expected = organisations_expected(plan=plan, period=period)
    # Plain rows, not model instances: a large plan has hundreds of organisations.
    # Unordered: the model's default order joins the period, plan and
    # organisation only to sort.
    reports = {
        organisation_id: (state, first_submitted_at)
        for organisation_id, state, first_submitted_at in QuarterlyReport.objects.filter(period=period)
        .order_by()
        .values_list("organisation_id", "state", "first_submitted_at")
    }
    received = {
        org for org, (state, _) in reports.items() if state in (ReportState.SUBMITTED, ReportState.APPROVED)
    }
    # On time: first submitted by the end of the deadline's day, local time.
    # One instant to compare with, in UTC as the database gives times, rather
    # than a conversion to local time per report.
    end_of_deadline = datetime.combine(period.deadline + timedelta(days=1), time.min)
    due_before = timezone.make_aware(end_of_deadline).astimezone(UTC)
    on_time = {org for org, (_, first) in reports.items() if first is not None and first < due_before}
    summary = scoring.reporting_completeness(expected=expected, received=received, on_time=on_time)
    khmer = (get_language() or "").startswith("km")
    # Every organisation, unfiltered: matching a list of hundreds of ids costs
    # more than reading the few organisations that owe this plan nothing.
    organisations = {
        pk: (code, (name_km if khmer and name_km else name))
        for pk, code, name, name_km in Organisation.objects.order_by().values_list(
            "pk", "code", "name", "name_km"
        )
    }
    rows = []
    for org_id, c in summary.by_organisation.items():
        code, name = organisations[org_id]
        state, first_submitted_at = reports.get(org_id, (None, None))
        rows.append(
            OrganisationCompleteness(
                organisation_id=org_id,
                code=code,
                name=name,
                expected=bool(c.expected),
                received=bool(c.received),
                on_time=bool(c.on_time),
                report_state=state,
                first_submitted_at=first_submitted_at,
            )
        )
    rows.sort(key=lambda row: row.code)
    return summary.overall, rows


# --- Dashboards ------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPeriod:
    """The "as of" period a dashboard shows, the periods to choose from, and
    how fresh the plan's stored scores are."""

    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    computed_at: object
    stale: bool


def dashboard_period(*, plan: Plan, code: str | None, today) -> DashboardPeriod:
    """``?period=2025-Q2`` if it is a period of the plan, else the latest closed one."""
    periods = list(plan.periods.order_by("index"))
    chosen = next((p for p in periods if p.code == code), None) if code else None
    if chosen is None:
        chosen = latest_closed_period(periods, today)
    try:
        state = plan.score_state  # loaded with the plan by plans_for_user
    except ScoreState.DoesNotExist:
        state = None
    return DashboardPeriod(
        period=chosen,
        periods=periods,
        computed_at=state.computed_at if state else None,
        stale=bool(state and state.stale_from is not None),
    )


# --- Dashboard pages ---------------------------------------------------------------
# Each read below returns plain dataclasses for one page, in a fixed number of
# queries whatever the plan's size. Scores come from the stored snapshots; only
# approved figures are read, so no user sees another organisation's unapproved
# figures on a dashboard.

# Counts of victims below this are shown to the public as "<5" (product.md,
# "Protecting survivors"). The one place the threshold is set.
SUPPRESSION_THRESHOLD = 5


def suppress_small(value, threshold: int = SUPPRESSION_THRESHOLD):
    """A count of victims as the public may see it: ``"<5"`` when below the
    threshold (0 included: "none" is as telling as "one" in a small province),
    else the count unchanged. ``None`` (no figure) stays ``None``."""
    if value is None:
        return None
    if value < threshold:
        return f"<{threshold}"
    return value


@dataclass(frozen=True)
class ScoreRow:
    """A node of the plan with its stored score at one period (None: not computed)."""

    kind: str
    id: int
    code: str
    name: str
    status: str | None = None
    progress: float | None = None
    achieved: float | None = None
    expected: float | None = None
    coverage: float | None = None
    counts: dict | None = None
    actual_value: float | None = None
    expected_value: float | None = None
    cancelled: bool = False
    lead: str = ""
    unit: str = ""
    role: str = ""


SNAPSHOT_FIELDS = (
    "node_id",
    "status",
    "progress",
    "achieved",
    "expected",
    "coverage",
    "counts",
    "actual_value",
    "expected_value",
    "cancelled",
)


def _snapshots_at(*, plan: Plan, period: ReportingPeriod, filters: Q) -> dict[tuple[str, int], dict]:
    rows = ScoreSnapshot.objects.filter(filters, plan=plan, period=period).values(
        "node_type", *SNAPSHOT_FIELDS
    )
    return {(row["node_type"], row["node_id"]): row for row in rows}


def _score_row(kind: str, node, snapshot: dict | None, **extra) -> ScoreRow:
    scored = {}
    if snapshot is not None:
        scored = {name: snapshot[name] for name in SNAPSHOT_FIELDS if name in snapshot and name != "node_id"}
    return ScoreRow(kind=kind, id=node.pk, code=node.code, name=node.display_name, **scored, **extra)


def _nodes_filter(node_type: str, ids) -> Q:
    return Q(node_type=node_type, node_id__in=list(ids))


@dataclass(frozen=True)
class TrendSeries:
    code: str
    name: str
    achieved: list  # P* per period, None where no score is stored
    expected: list


@dataclass(frozen=True)
class AttentionRow:
    """An indicator AT_RISK or OFF_TRACK, with what its lead organisation said
    in its latest approved report ("Explain the gap")."""

    score: ScoreRow
    pillar_code: str
    lead_code: str
    lead_name: str
    reported_in: str  # the period of the value the reason comes from
    gap_reason: str
    corrective_action: str
    note: str


@dataclass(frozen=True)
class PlanOverview:
    plan: ScoreRow
    pillars: list[ScoreRow]
    trend_periods: list[str]
    trend: list[TrendSeries]  # the plan first, then each pillar
    attention: "AttentionList"  # defined below

    @property
    def trend_table(self) -> list[tuple[str, list[tuple]]]:
        """The trend as rows: a period and (achieved, expected) per node."""
        return [
            (code, [(series.achieved[i], series.expected[i]) for series in self.trend])
            for i, code in enumerate(self.trend_periods)
        ]


ATTENTION_ORDER = {"OFF_TRACK": 0, "AT_RISK": 1}


def plan_overview(
    *, plan: Plan, period: ReportingPeriod, periods: list[ReportingPeriod], attention_limit: int | None
) -> PlanOverview:
    """The plan and its pillars at the period, their trend over the periods up
    to it (``periods``: the plan's, in order), and the worst ``attention_limit``
    indicators that need attention (all of them with None). Five queries."""
    pillars = list(plan.pillars.order_by("position", "code"))
    # The trend: plan and pillar scores of every period up to the chosen one.
    history = defaultdict(dict)
    for row in ScoreSnapshot.objects.filter(
        plan=plan, node_type__in=["plan", "pillar"], period__plan=plan, period__index__lte=period.index
    ).values("node_type", "node_id", "period__index", *SNAPSHOT_FIELDS[1:]):
        history[(row["node_type"], row["node_id"])][row["period__index"]] = row
    periods = [(p.index, p.code) for p in periods if p.index <= period.index]

    def series(node_type, node) -> TrendSeries:
        points = history.get((node_type, node.pk), {})
        return TrendSeries(
            code=node.code,
            name=node.display_name,
            achieved=[points[i]["achieved"] if i in points else None for i, _code in periods],
            expected=[points[i]["expected"] if i in points else None for i, _code in periods],
        )

    def now(node_type, node):
        return history.get((node_type, node.pk), {}).get(period.index)

    return PlanOverview(
        plan=_score_row("plan", plan, now("plan", plan)),
        pillars=[_score_row("pillar", pillar, now("pillar", pillar)) for pillar in pillars],
        trend_periods=[code for _index, code in periods],
        trend=[series("plan", plan)] + [series("pillar", pillar) for pillar in pillars],
        attention=indicators_needing_attention(plan=plan, period=period, limit=attention_limit),
    )


@dataclass(frozen=True)
class AttentionList:
    rows: list[AttentionRow]
    total: int  # how many need attention, shown or not

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def indicators_needing_attention(
    *, plan: Plan, period: ReportingPeriod, limit: int | None = None
) -> AttentionList:
    """AT_RISK and OFF_TRACK indicators at the period, worst first (the first
    ``limit`` of them), each with the gap reason, corrective action and note of
    its lead organisation's latest approved value at or before the period.
    Three queries, whatever the plan's size."""
    needing = ScoreSnapshot.objects.filter(
        plan=plan, period=period, node_type="indicator", status__in=list(ATTENTION_ORDER)
    )
    # Worst first, sorted by the database: off track before at risk, then the
    # widest gap between expected and achieved.
    ranked = needing.annotate(
        rank=Case(When(status="OFF_TRACK", then=Value(0)), default=Value(1)),
        gap=Coalesce(F("expected"), Value(0.0)) - Coalesce(F("achieved"), Value(0.0)),
        # How many need attention in all, on every row: no second query to count them.
        total=Window(Count("id")),
    ).order_by("rank", "-gap", "code")
    # Not the counts: a leaf's are its own status.
    fields = [name for name in SNAPSHOT_FIELDS if name != "counts"]
    shown_rows = list((ranked if limit is None else ranked[:limit]).values(*fields, "code", "total"))
    total = shown_rows[0]["total"] if shown_rows else 0
    shown = {row["node_id"]: row for row in shown_rows}
    if not shown:
        return AttentionList(rows=[], total=total)
    indicators = Indicator.objects.filter(plan=plan, pk__in=list(shown)).select_related(
        "lead", "objective__pillar"
    )
    latest = {}
    # Ordered by period: the last value seen for an indicator is its latest.
    for row in (
        IndicatorValue.objects.filter(
            indicator_id__in=list(shown),
            report__state=ReportState.APPROVED,
            report__organisation_id=F("indicator__lead_id"),
            report__period__plan=plan,
            report__period__index__lte=period.index,
        )
        .order_by("indicator_id", "report__period__index")
        .values("indicator_id", "report__period__code", "gap_reason", "corrective_action", "note")
    ):
        latest[row["indicator_id"]] = row
    by_id = {indicator.pk: indicator for indicator in indicators}
    rows = []
    for node_id, snapshot in shown.items():
        indicator = by_id[node_id]
        value = latest.get(indicator.pk, {})
        rows.append(
            AttentionRow(
                score=_score_row("indicator", indicator, snapshot, unit=indicator.unit),
                pillar_code=indicator.objective.pillar.code,
                lead_code=indicator.lead.code,
                lead_name=indicator.lead.display_name,
                reported_in=value.get("report__period__code", ""),
                gap_reason=value.get("gap_reason", ""),
                corrective_action=value.get("corrective_action", ""),
                note=value.get("note", ""),
            )
        )
    return AttentionList(rows=rows, total=total)


@dataclass(frozen=True)
class PillarPage:
    pillar: Pillar
    score: ScoreRow
    objectives: list[ScoreRow]


def pillar_dashboard(*, plan: Plan, code: str, period: ReportingPeriod) -> PillarPage:
    """A pillar and its objectives at the period; Pillar.DoesNotExist for an
    unknown code. Three queries."""
    pillar = plan.pillars.get(code=code)
    objectives = list(pillar.objectives.filter(plan=plan).order_by("position", "code"))
    snapshots = _snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="pillar", node_id=pillar.pk)
        | _nodes_filter("objective", (o.pk for o in objectives)),
    )
    return PillarPage(
        pillar=pillar,
        score=_score_row("pillar", pillar, snapshots.get(("pillar", pillar.pk))),
        objectives=[_score_row("objective", o, snapshots.get(("objective", o.pk))) for o in objectives],
    )


@dataclass(frozen=True)
class ObjectivePage:
    objective: Objective
    score: ScoreRow
    indicators: list[ScoreRow]
    activities: list[ScoreRow]


def objective_dashboard(*, plan: Plan, code: str, period: ReportingPeriod) -> ObjectivePage:
    """An objective, its indicators and activities at the period;
    Objective.DoesNotExist for an unknown code. Four queries."""
    objective = plan.objectives.select_related("pillar").get(code=code)
    indicators = list(
        Indicator.objects.filter(plan=plan, objective=objective)
        .select_related("lead")
        .order_by("position", "code")
    )
    activities = list(
        Activity.objects.filter(plan=plan, objective=objective)
        .select_related("lead")
        .order_by("position", "code")
    )
    snapshots = _snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="objective", node_id=objective.pk)
        | _nodes_filter("indicator", (i.pk for i in indicators))
        | _nodes_filter("activity", (a.pk for a in activities)),
    )
    return ObjectivePage(
        objective=objective,
        score=_score_row("objective", objective, snapshots.get(("objective", objective.pk))),
        indicators=[
            _score_row("indicator", i, snapshots.get(("indicator", i.pk)), lead=i.lead.code, unit=i.unit)
            for i in indicators
        ],
        activities=[
            _score_row("activity", a, snapshots.get(("activity", a.pk)), lead=a.lead.code) for a in activities
        ],
    )


# --- The indicator page --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorPoint:
    """One period of an indicator's history, in its own unit."""

    period: str
    actual: float | None
    expected: float | None
    target: float | None  # the target to reach by the end of the period's year
    status: str | None
    original_target: float | None = None  # the same, by the targets adopted with the plan


@dataclass(frozen=True)
class TargetYear:
    """A year's target: as adopted with the plan, and as in force after revisions."""

    year: int
    original: float
    in_force: float
    revisions: list  # TargetRevision rows, oldest first

    @property
    def revised(self) -> bool:
        return bool(self.revisions)


@dataclass(frozen=True)
class ReportStep:
    at: object
    actor: str
    from_state: str
    to_state: str
    comment: str


@dataclass(frozen=True)
class ValueRow:
    """One approved figure with who submitted and approved it, and when."""

    period: str
    organisation_code: str
    organisation_name: str
    value: float
    note: str
    gap_reason: str
    corrective_action: str
    submitted_at: object
    submitted_by: str
    approved_at: object
    approved_by: str
    history: list[ReportStep]


@dataclass(frozen=True)
class CategoryTotal:
    code: str
    name: str
    value: float


@dataclass(frozen=True)
class DimensionBreakdown:
    code: str
    name: str
    categories: list[CategoryTotal]


@dataclass(frozen=True)
class OrganisationSeries:
    code: str
    name: str
    values: list  # one per period of IndicatorPage.value_periods, None where none approved


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    score: ScoreRow
    contributors: list[Organisation]
    targets: list[TargetYear]
    # "revised": the stored scores, against the targets in force; "original":
    # computed here against the targets adopted with the plan.
    basis: str
    points: list[IndicatorPoint]
    value_periods: list[str]
    by_organisation: list[OrganisationSeries]
    by_category: list[DimensionBreakdown]
    values: list[ValueRow]  # the newest, with their history (see values_total)
    values_total: int  # approved values to date, listed or not


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _target_to_date(aggregation: str, targets: dict[int, float], year: int) -> float | None:
    """What the year's target means on the same scale as actual to date: a SUM
    indicator's targets add up over the years; a level's is the year's own."""
    if year not in targets:
        return None
    if aggregation == scoring.SUM:
        return sum(value for y, value in targets.items() if y <= year)
    return targets[year]


BASIS_REVISED, BASIS_ORIGINAL = "revised", "original"


def indicator_dashboard(
    *,
    plan: Plan,
    code: str,
    period: ReportingPeriod,
    user,
    basis: str = BASIS_REVISED,
    values_limit: int | None = None,
) -> IndicatorPage:
    """An indicator's history up to the period: actual, expected and target;
    approved values by organisation and by disaggregation category; the
    newest ``values_limit`` approved values (None: all) with their report's
    history; its targets, original and revised. Indicator.DoesNotExist for an
    unknown code. Eleven queries.

    With ``basis="original"`` and revised targets, the scores are worked out
    here by the scoring rule against the original targets (one indicator: no
    stored snapshot is needed); otherwise they are the stored ones.

    Review comments are shown to the secretariat and to the organisation whose
    report it was: a reviewer's comment may quote figures that were never approved.
    """
    indicator = plan.indicators.select_related("lead", "objective__pillar").get(code=code)
    contributors = list(indicator.contributors.order_by("code"))
    target_years = indicator_targets(indicator)
    targets = {t.year: t.in_force for t in target_years}
    originals = {t.year: t.original for t in target_years}
    revised = any(t.revised for t in target_years)
    basis = BASIS_ORIGINAL if basis == BASIS_ORIGINAL and revised else BASIS_REVISED
    dimensions = list(
        indicator.disaggregation.order_by("code").prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "code"))
        )
    )
    periods = list(plan.periods.filter(index__lte=period.index).order_by("index"))
    snapshots = {
        row["period_id"]: row
        for row in ScoreSnapshot.objects.filter(
            plan=plan, node_type="indicator", node_id=indicator.pk, period__in=[p.pk for p in periods]
        ).values("period_id", *SNAPSHOT_FIELDS)
    }
    points = [
        IndicatorPoint(
            period=p.code,
            actual=snapshots[p.pk]["actual_value"] if p.pk in snapshots else None,
            expected=snapshots[p.pk]["expected_value"] if p.pk in snapshots else None,
            target=_target_to_date(indicator.aggregation, targets, p.year),
            status=snapshots[p.pk]["status"] if p.pk in snapshots else None,
            original_target=_target_to_date(indicator.aggregation, originals, p.year) if revised else None,
        )
        for p in periods
    ]
    approved = Q(
        report__state=ReportState.APPROVED,
        report__period__plan=plan,
        report__period__index__lte=period.index,
    )
    values = list(
        IndicatorValue.objects.filter(approved, indicator=indicator)
        .select_related(
            "report__organisation", "report__period", "report__submitted_by", "report__approved_by"
        )
        .order_by("-report__period__index", "report__organisation__code")
    )
    # Values are newest first: the rows listed with their history are the newest.
    listed = values if values_limit is None else values[:values_limit]
    events = defaultdict(list)
    for event in (
        ReportEvent.objects.filter(report_id__in=[v.report_id for v in listed])
        .select_related("actor")
        .order_by("at", "id")
    ):
        events[event.report_id].append(event)
    cells = defaultdict(list)
    for value_id, cell, number in DisaggregatedValue.objects.filter(
        indicator_value__indicator=indicator,
        indicator_value__report__state=ReportState.APPROVED,
        indicator_value__report__period__plan=plan,
        indicator_value__report__period__index__lte=period.index,
    ).values_list("indicator_value_id", "cell", "value"):
        cells[value_id].append((cell, float(number)))

    sees_comments = user_is_secretariat(user)
    rows = [
        ValueRow(
            period=v.report.period.code,
            organisation_code=v.report.organisation.code,
            organisation_name=v.report.organisation.display_name,
            value=float(v.value),
            note=v.note,
            gap_reason=v.gap_reason,
            corrective_action=v.corrective_action,
            submitted_at=v.report.first_submitted_at,
            submitted_by=_person(v.report.submitted_by),
            approved_at=v.report.approved_at,
            approved_by=_person(v.report.approved_by),
            history=[
                ReportStep(
                    at=e.at,
                    actor=_person(e.actor),
                    from_state=e.from_state,
                    to_state=e.to_state,
                    comment=e.comment
                    if sees_comments or user.organisation_id == v.report.organisation_id
                    else "",
                )
                for e in events[v.report_id]
            ],
        )
        for v in listed
    ]
    # By organisation: the periods that have an approved value, oldest first.
    value_periods = sorted({(v.report.period.index, v.report.period.code) for v in values})
    column = {index: i for i, (index, _code) in enumerate(value_periods)}
    by_org: dict[int, OrganisationSeries] = {}
    for v in sorted(values, key=lambda v: v.report.organisation.code):
        organisation = v.report.organisation
        series = by_org.setdefault(
            organisation.pk,
            OrganisationSeries(organisation.code, organisation.display_name, [None] * len(value_periods)),
        )
        series.values[column[v.report.period.index]] = float(v.value)
    # By category: a flow adds up every approved cell to date; a level shows
    # the lead organisation's latest disaggregated value.
    if indicator.aggregation == scoring.SUM:
        counted = [v for v in values if v.pk in cells]
    else:
        lead_values = [v for v in values if v.report.organisation_id == indicator.lead_id and v.pk in cells]
        counted = lead_values[:1]  # values are newest first
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for v in counted:
        for cell, number in cells[v.pk]:
            for dimension, category in cell_categories(cell).items():
                totals[(dimension, category)] += number
    by_category = [
        DimensionBreakdown(
            code=d.code,
            name=d.display_name,
            categories=[
                CategoryTotal(c.code, c.display_name, totals.get((d.code, c.code), 0.0))
                for c in d.categories.all()
            ],
        )
        for d in dimensions
    ]
    score = _score_row(
        "indicator", indicator, snapshots.get(period.pk), lead=indicator.lead.code, unit=indicator.unit
    )
    if basis == BASIS_ORIGINAL:
        score, points = _scores_against_original(plan, indicator, periods, originals, values, score, points)
    return IndicatorPage(
        indicator=indicator,
        score=score,
        contributors=contributors,
        targets=target_years,
        basis=basis,
        points=points,
        value_periods=[code for _index, code in value_periods],
        by_organisation=list(by_org.values()),
        by_category=by_category if counted else [],
        values=rows,
        values_total=len(values),
    )


def indicator_targets(indicator: Indicator) -> list[TargetYear]:
    """The indicator's targets by year, each with its revisions: one query,
    and one more where a target was revised."""
    targets = list(indicator.targets.with_in_force().order_by("year"))
    revisions = defaultdict(list)
    if any(target.revised for target in targets):
        for revision in TargetRevision.objects.filter(target__indicator=indicator).select_related(
            "revised_by"
        ):
            revisions[revision.target_id].append(revision)
    return [
        TargetYear(
            year=target.year,
            original=float(target.value),
            in_force=float(target.in_force),
            revisions=revisions[target.pk],
        )
        for target in targets
    ]


def _scores_against_original(plan, indicator, periods, originals, values, score, points):
    """The headline score and the points by the scoring rule against the
    targets adopted with the plan, from the approved values already read."""
    if not all(year in originals for year in plan.years):
        return score, points
    by_period: dict[int, float] = {}
    for v in values:
        value_count(
            by_period,
            indicator.aggregation,
            indicator.lead_id,
            v.report.period.index,
            v.report.organisation_id,
            v.value,
        )
    given = scoring.IndicatorInput(
        measure=indicator.measure,
        aggregation=indicator.aggregation,
        direction=indicator.direction,
        frequency=indicator.frequency,
        baseline=float(indicator.baseline),
        targets=originals,
        values=by_period,
    )
    plan_years, thresholds = scoring.PlanYears(plan.start_year, plan.end_year), plan_thresholds(plan)
    scored = {
        p.code: scoring.indicator_score(
            given, scoring.PeriodRef(p.year, p.quarter, p.index), plan_years=plan_years, thresholds=thresholds
        )
        for p in periods
    }
    points = [
        replace(
            point,
            actual=scored[point.period].actual,
            expected=scored[point.period].expected_value,
            status=scored[point.period].status,
        )
        for point in points
    ]
    last = scored[periods[-1].code]
    score = replace(
        score,
        status=last.status,
        progress=last.progress,
        achieved=last.achieved,
        expected=last.expected,
        coverage=last.coverage,
        actual_value=last.actual,
        expected_value=last.expected_value,
    )
    return score, points


# --- The organisation scorecard -------------------------------------------------------

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
    snapshots = _snapshots_at(
        plan=plan,
        period=period,
        filters=_nodes_filter("indicator", (i.pk for i in indicators))
        | _nodes_filter("activity", (a.pk for a in activities)),
    )
    indicator_rows = [
        _score_row(
            "indicator",
            i,
            snapshots.get(("indicator", i.pk)),
            unit=i.unit,
            role="lead" if i.lead_id == organisation.pk else "contributor",
        )
        for i in indicators
    ]
    activity_rows = [
        _score_row("activity", a, snapshots.get(("activity", a.pk)), role="lead") for a in activities
    ]
    counts = dict.fromkeys(scoring.STATUSES, 0)
    for row in indicator_rows + activity_rows:
        if row.status and not row.cancelled:
            counts[row.status] += 1
    # Which periods it had to report for: the same rule as the report form,
    # the reminders and the completeness figures.
    owed = plan_expected_reporters(plan, periods).get(organisation.pk, set())
    return ScorecardLeaves(indicator_rows, activity_rows, counts, set(owed))


# --- The justice chain ---------------------------------------------------------------


@dataclass(frozen=True)
class ChainStep:
    """A step of the justice chain and the indicator (by code) that measures it.

    ``at_most``: the earlier step this one cannot exceed in a year (a warning
    when it does). ``share_of``: when the indicator is a PERCENT, the step whose
    count it is a share of, to estimate a count. ``victims``: a count of people
    to suppress on public pages when small.
    """

    key: str
    label: str
    code: str
    at_most: str = ""
    share_of: str = ""
    victims: bool = False


@dataclass(frozen=True)
class Chain:
    key: str
    title: str
    steps: tuple[ChainStep, ...]


# The indicators that measure the justice chain and the public headline
# figures, by code (the demo plan's codes, reports/demo.py): the one place to
# change when a plan numbers them differently. A code the plan lacks shows as
# "no indicator"; an indicator measured as a PERCENT (the demo's "identified
# victims referred to services") is shown as a share, with the count it implies.
JUSTICE_INDICATOR_CODES = {
    "identified": "I4.1.1",  # victims identified (NUMBER, SUM)
    "referred": "I4.1.2",  # identified victims referred to services (the demo: PERCENT, LATEST)
    "assisted": "I4.2.2",  # survivors receiving psychosocial counselling (NUMBER, SUM)
    "repatriated": "I4.3.1",  # survivors repatriated (NUMBER, SUM): public page only
    "investigated": "I3.2.1",  # trafficking and sexual-exploitation cases investigated (cases)
    "sent_to_court": "I3.2.2",  # suspects sent to court (people)
    "convicted": "I3.3.1",  # defendants convicted (people)
}
_codes = JUSTICE_INDICATOR_CODES

# Only like is compared with like: victims referred cannot exceed victims
# identified, defendants convicted cannot exceed suspects sent to court in the
# same year. Cases (investigated) and people (sent to court) are not compared,
# nor are survivors assisted, who include people identified in earlier years.
JUSTICE_CHAINS = (
    Chain(
        "victims",
        _("Victims"),
        (
            ChainStep("identified", _("Identified"), _codes["identified"], victims=True),
            ChainStep(
                "referred",
                _("Referred to services"),
                _codes["referred"],
                at_most="identified",
                share_of="identified",
                victims=True,
            ),
            ChainStep("assisted", _("Assisted (psychosocial counselling)"), _codes["assisted"], victims=True),
        ),
    ),
    Chain(
        "cases",
        _("Cases"),
        (
            ChainStep("investigated", _("Cases investigated"), _codes["investigated"]),
            ChainStep("sent_to_court", _("Suspects sent to court"), _codes["sent_to_court"]),
            ChainStep("convicted", _("Defendants convicted"), _codes["convicted"], at_most="sent_to_court"),
        ),
    ),
)
# The public summary's headline figures. Counts of victims (``victims=True``)
# go through suppress_small.
PUBLIC_HEADLINES = (
    ChainStep("identified", _("Victims identified"), _codes["identified"], victims=True),
    ChainStep("repatriated", _("Survivors repatriated"), _codes["repatriated"], victims=True),
    ChainStep("investigated", _("Cases investigated"), _codes["investigated"]),
    ChainStep("sent_to_court", _("Suspects sent to court"), _codes["sent_to_court"]),
    ChainStep("convicted", _("Defendants convicted"), _codes["convicted"]),
)


@dataclass(frozen=True)
class ChainIndicator:
    id: int
    code: str
    name: str
    unit: str
    measure: str
    lead_code: str


@dataclass(frozen=True)
class ChainCell:
    value: float | None  # in the indicator's unit; None: nothing approved that year
    count: float | None  # the number of people or cases (estimated from a share when ``estimated``)
    estimated: bool = False


@dataclass(frozen=True)
class ChainYear:
    year: int
    partial: bool  # the chosen period is not the year's last quarter
    cells: list[ChainCell]  # one per step
    warnings: list[str]


@dataclass(frozen=True)
class ChainTable:
    chain: Chain
    indicators: list[ChainIndicator | None]  # one per step; None: the plan has no such indicator
    years: list[ChainYear]


def _year_figures(
    aggregation: str, lead_id: int, rows: list[tuple[int, int, int, float]]
) -> dict[int, float]:
    """An indicator's figure per year: a flow adds every approved value of the
    year; a level takes the lead organisation's value of the year's latest period."""
    figures: dict[int, float] = {}
    latest: dict[int, int] = {}
    for year, index, organisation_id, value in rows:
        if aggregation == scoring.SUM:
            figures[year] = figures.get(year, 0.0) + value
        elif organisation_id == lead_id and index >= latest.get(year, 0):
            latest[year] = index
            figures[year] = value
    return figures


def _approved_by_code(*, plan: Plan, period: ReportingPeriod, codes):
    """The indicators with these codes and their approved values up to the
    period. Two queries."""
    indicators = {
        i.code: i for i in Indicator.objects.filter(plan=plan, code__in=set(codes)).select_related("lead")
    }
    rows = defaultdict(list)
    for indicator_id, year, index, organisation_id, value in IndicatorValue.objects.filter(
        indicator__in=[i.pk for i in indicators.values()],
        report__state=ReportState.APPROVED,
        report__period__plan=plan,
        report__period__index__lte=period.index,
    ).values_list(
        "indicator_id", "report__period__year", "report__period__index", "report__organisation_id", "value"
    ):
        rows[indicator_id].append((year, index, organisation_id, float(value)))
    return indicators, rows


def _chain_indicator(indicator: Indicator) -> ChainIndicator:
    return ChainIndicator(
        id=indicator.pk,
        code=indicator.code,
        name=indicator.display_name,
        unit=indicator.unit,
        measure=indicator.measure,
        lead_code=indicator.lead.code,
    )


def justice_chain(*, plan: Plan, period: ReportingPeriod) -> list[ChainTable]:
    """Victims identified → referred → assisted and cases investigated → sent to
    court → convicted, per plan year up to the period, from approved values,
    with a warning where the figures do not add up. Two queries."""
    codes = [step.code for chain in JUSTICE_CHAINS for step in chain.steps]
    indicators, rows = _approved_by_code(plan=plan, period=period, codes=codes)
    years = [y for y in plan.years if y <= period.year]
    tables = []
    for chain in JUSTICE_CHAINS:
        found = [indicators.get(step.code) for step in chain.steps]
        figures = [_year_figures(i.aggregation, i.lead_id, rows[i.pk]) if i else {} for i in found]
        year_rows = []
        for year in years:
            counts: dict[str, ChainCell] = {}
            cells = []
            for step, indicator, by_year in zip(chain.steps, found, figures, strict=True):
                value = by_year.get(year)
                cell = ChainCell(value=value, count=value)
                if indicator is not None and indicator.measure == "PERCENT":
                    base = counts.get(step.share_of)
                    estimate = (
                        round(base.count * value / 100)
                        if value is not None and base and base.count is not None
                        else None
                    )
                    cell = ChainCell(value=value, count=estimate, estimated=True)
                counts[step.key] = cell
                cells.append(cell)
            warnings = []
            for step, indicator in zip(chain.steps, found, strict=True):
                if not step.at_most:
                    continue
                later, earlier = counts[step.key], counts[step.at_most]
                if (
                    later.count is not None
                    and earlier.count is not None
                    and not (later.estimated or earlier.estimated)
                    and later.count > earlier.count + scoring.TOLERANCE
                ):
                    base_step = next(s for s in chain.steps if s.key == step.at_most)
                    base_indicator = indicators[base_step.code]
                    warnings.append(
                        gettext(
                            "%(later)s (%(later_count)s, reported by %(later_lead)s) is more than "
                            "%(earlier)s (%(earlier_count)s, reported by %(earlier_lead)s)."
                        )
                        % {
                            "later": step.label,
                            "later_count": f"{later.count:g}",
                            "later_lead": indicator.lead.code,
                            "earlier": base_step.label,
                            "earlier_count": f"{earlier.count:g}",
                            "earlier_lead": base_indicator.lead.code,
                        }
                    )
            year_rows.append(
                ChainYear(
                    year=year,
                    partial=year == period.year and period.quarter != 4,
                    cells=cells,
                    warnings=warnings,
                )
            )
        tables.append(
            ChainTable(
                chain=chain,
                indicators=[_chain_indicator(i) if i else None for i in found],
                years=year_rows,
            )
        )
    return tables


# --- The public summary --------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    label: str
    unit: str
    this_year: object  # a number, or "<5" for a small count of victims; None: no figure
    to_date: object
    found: bool  # False: the plan has no indicator for it


@dataclass(frozen=True)
class PublicSummary:
    plan: ScoreRow
    pillars: list[ScoreRow]
    headlines: list[Headline]
    year: int


def public_summary(
    *, plan: Plan, period: ReportingPeriod, threshold: int = SUPPRESSION_THRESHOLD
) -> PublicSummary:
    """What the public sees of a public plan at a period: overall and per-pillar
    progress and a few headline figures from approved values, small counts of
    victims suppressed. Four queries."""
    pillars = list(plan.pillars.order_by("position", "code"))
    snapshots = _snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="plan", node_id=plan.pk) | _nodes_filter("pillar", (p.pk for p in pillars)),
    )
    indicators, rows = _approved_by_code(plan=plan, period=period, codes=[h.code for h in PUBLIC_HEADLINES])
    headlines = []
    for step in PUBLIC_HEADLINES:
        indicator = indicators.get(step.code)
        if indicator is None or indicator.measure != "NUMBER":
            headlines.append(Headline(step.label, "", None, None, found=False))
            continue
        by_year = _year_figures(indicator.aggregation, indicator.lead_id, rows[indicator.pk])
        this_year = by_year.get(period.year)
        # A level's "to date" is its latest figure; a flow's is the sum of the years.
        if indicator.aggregation == scoring.SUM:
            to_date = sum(by_year.values()) if by_year else None
        else:
            to_date = by_year[max(by_year)] if by_year else None
        if step.victims:
            this_year, to_date = suppress_small(this_year, threshold), suppress_small(to_date, threshold)
        headlines.append(Headline(step.label, indicator.unit, this_year, to_date, found=True))
    return PublicSummary(
        plan=_score_row("plan", plan, snapshots.get(("plan", plan.pk))),
        pillars=[_score_row("pillar", p, snapshots.get(("pillar", p.pk))) for p in pillars],
        headlines=headlines,
        year=period.year,
    )
