"""The plan turned into the scoring rule's plain inputs (reports/scoring.py):
its leaves (indicators and activities) with their approved figures, and the
tree they roll up through.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from indicators.models import (
    ActivityUpdate,
    Indicator,
    IndicatorValue,
    ReportState,
    Target,
)
from plans.models import Plan, ReportingPeriod
from reports import scoring
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
