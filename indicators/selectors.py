"""Reads of indicators and the plan tree, shaped for pages and the API."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from indicators.models import Indicator, Target
from plans.models import Plan
from strategies.models import Activity, Objective, Pillar


@dataclass
class ObjectiveNode:
    objective: Objective
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


@dataclass
class PillarNode:
    pillar: Pillar
    objectives: list[ObjectiveNode] = field(default_factory=list)


def plan_tree(*, plan: Plan) -> list[PillarNode]:
    """The plan's pillars → objectives → indicators and activities, in order,
    in a fixed number of queries whatever the plan's size."""
    pillars = {p.pk: PillarNode(p) for p in plan.pillars.all()}
    objectives = {}
    for objective in plan.objectives.all():
        node = ObjectiveNode(objective)
        objectives[objective.pk] = node
        pillars[objective.pillar_id].objectives.append(node)
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            "contributors",
            "disaggregation",
        )
    )
    for indicator in indicators:
        objectives[indicator.objective_id].indicators.append(indicator)
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("lead", "start_period", "end_period")
        .prefetch_related("supporting")
    )
    for activity in activities:
        objectives[activity.objective_id].activities.append(activity)
    return list(pillars.values())
