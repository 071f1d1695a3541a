"""Reads for scores: the plan turned into the scoring rule's plain inputs, and
the stored snapshots shaped for pages and the API."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from indicators.models import ActivityUpdate, Indicator, IndicatorValue, QuarterlyReport, ReportState, Target
from plans.models import Organisation, Plan, ReportingPeriod
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
    for indicator_id, year, value in Target.objects.filter(indicator__plan=plan).values_list(
        "indicator_id", "year", "value"
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
        if indicator["aggregation"] == scoring.SUM:
            values[indicator_id][index] = values[indicator_id].get(index, 0.0) + float(value)
        elif organisation_id == indicator["lead_id"]:
            values[indicator_id][index] = float(value)
    return values


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


def latest_scored_period(*, plan: Plan, today) -> ReportingPeriod | None:
    """The default "as of" period: the latest period that has closed (its end
    has passed), or the plan's first when none has yet."""
    closed = plan.periods.filter(end__lt=today).order_by("-index").first()
    return closed or plan.periods.order_by("index").first()


def plan_scores(*, plan: Plan, period: ReportingPeriod):
    """Every stored score of the plan at a period, plan first, then pillars,
    objectives, indicators and activities."""
    order = {"plan": 0, "pillar": 1, "objective": 2, "indicator": 3, "activity": 4}
    rows = list(ScoreSnapshot.objects.filter(plan=plan, period=period))
    return sorted(rows, key=lambda s: (order[s.node_type], s.code))


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


def period_completeness(*, plan: Plan, period: ReportingPeriod):
    """Who was expected to report for the period, who did, and who was on time.

    Read live from the reports (a submission changes it, an approval is not
    needed), in a fixed number of queries.
    """
    inputs = plan_scoring_inputs(plan=plan)
    ref = next(ref for p, ref in inputs.periods if p.pk == period.pk)
    expected = set()
    for leaf in inputs.leaves:
        if leaf.input is None:
            due = leaf.kind == "indicator"  # an indicator without targets is still reported
        elif leaf.kind == "indicator":
            due = scoring.indicator_due(leaf.input, ref)
        else:
            due = scoring.activity_due(leaf.input, ref)
        if due:
            expected.add(leaf.lead_id)
            expected |= leaf.contributor_ids
    reports = {
        r.organisation_id: r
        for r in QuarterlyReport.objects.filter(period=period).select_related("organisation")
    }
    received = {org for org, r in reports.items() if r.state in (ReportState.SUBMITTED, ReportState.APPROVED)}
    on_time = {
        org
        for org, r in reports.items()
        if r.first_submitted_at is not None and timezone.localdate(r.first_submitted_at) <= period.deadline
    }
    summary = scoring.reporting_completeness(expected=expected, received=received, on_time=on_time)
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=summary.by_organisation.keys())}
    rows = [
        OrganisationCompleteness(
            organisation_id=org_id,
            code=organisations[org_id].code,
            name=organisations[org_id].display_name,
            expected=bool(c.expected),
            received=bool(c.received),
            on_time=bool(c.on_time),
            report_state=reports[org_id].state if org_id in reports else None,
            first_submitted_at=reports[org_id].first_submitted_at if org_id in reports else None,
        )
        for org_id, c in summary.by_organisation.items()
    ]
    rows.sort(key=lambda row: row.code)
    return summary.overall, rows
