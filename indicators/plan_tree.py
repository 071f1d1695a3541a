"""The plan as pillars and objectives: the order every page lists lines in
(plan page, report form, review page).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from indicators.models import (
    Indicator,
    Target,
)
from plans.models import Plan
from strategies.models import Activity, Objective, Pillar

# Plan order for indicators and activities: pillar, objective, then the item itself.
PLAN_ORDER = [
    "objective__pillar__position",
    "objective__pillar__code",
    "objective__position",
    "objective__code",
    "position",
    "code",
]


@dataclass
class ObjectiveNode:
    """An objective and its lines: the indicators and activities themselves
    (plan_tree), or what a page shows of each (the report form's blocks, the
    review's lines)."""

    objective: Objective
    indicators: list = field(default_factory=list)
    activities: list = field(default_factory=list)


@dataclass
class PillarNode:
    pillar: Pillar
    objectives: list[ObjectiveNode] = field(default_factory=list)


def plan_position(node: Pillar | Objective) -> tuple:
    return (node.position, node.code)


def group_by_pillar_and_objective(
    indicators: Iterable[tuple[Objective, Any]],
    activities: Iterable[tuple[Objective, Any]],
    *,
    pillars: Iterable[Pillar] = (),
    objectives: Iterable[Objective] = (),
) -> list[PillarNode]:
    """Indicator and activity lines, each given with its objective, grouped by
    pillar then objective in the plan's order; within an objective the lines
    keep the order they came in.

    The ``pillars`` and ``objectives`` given are shown even when no line falls
    under them. Any other objective's pillar is read from the objective, so
    select_related it: then this makes no query."""
    pillar_nodes = {pillar.pk: PillarNode(pillar) for pillar in pillars}
    objective_nodes: dict[int, ObjectiveNode] = {}

    def objective_node(objective: Objective) -> ObjectiveNode:
        if objective.pk not in objective_nodes:
            if objective.pillar_id not in pillar_nodes:
                pillar_nodes[objective.pillar_id] = PillarNode(objective.pillar)
            objective_nodes[objective.pk] = ObjectiveNode(objective)
            pillar_nodes[objective.pillar_id].objectives.append(objective_nodes[objective.pk])
        return objective_nodes[objective.pk]

    for objective in objectives:
        objective_node(objective)
    for objective, line in indicators:
        objective_node(objective).indicators.append(line)
    for objective, line in activities:
        objective_node(objective).activities.append(line)
    # Activities may bring objectives and pillars that no indicator line had.
    ordered = sorted(pillar_nodes.values(), key=lambda node: plan_position(node.pillar))
    for node in ordered:
        node.objectives.sort(key=lambda node: plan_position(node.objective))
    return ordered


def plan_tree(*, plan: Plan) -> list[PillarNode]:
    """The plan's pillars → objectives → indicators and activities, in order,
    in a fixed number of queries whatever the plan's size."""
    pillars = list(plan.pillars.all())
    objectives = {objective.pk: objective for objective in plan.objectives.all()}
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.with_in_force().order_by("year")),
            "contributors",
            "disaggregation",
        )
    )
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("lead", "start_period", "end_period")
        .prefetch_related("supporting")
    )
    return group_by_pillar_and_objective(
        [(objectives[indicator.objective_id], indicator) for indicator in indicators],
        [(objectives[activity.objective_id], activity) for activity in activities],
        pillars=pillars,
        objectives=objectives.values(),
    )
