"""The objective page: one objective's indicators and activities."""

from dataclasses import dataclass

from django.db.models import Q

from indicators.models import (
    Indicator,
)
from plans.models import Plan, ReportingPeriod
from reports.dashboards.score_rows import ScoreRow, nodes_filter, score_row, snapshots_at, with_last_reported
from strategies.models import Activity, Objective


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
    snapshots = snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="objective", node_id=objective.pk)
        | nodes_filter("indicator", (i.pk for i in indicators))
        | nodes_filter("activity", (a.pk for a in activities)),
    )
    return ObjectivePage(
        objective=objective,
        score=score_row("objective", objective, snapshots.get(("objective", objective.pk))),
        indicators=with_last_reported(
            [
                score_row(
                    "indicator", i, snapshots.get(("indicator", i.pk)), lead=i.lead.code, unit=i.display_unit
                )
                for i in indicators
            ],
            plan=plan,
            period=period,
        ),
        activities=with_last_reported(
            [
                score_row("activity", a, snapshots.get(("activity", a.pk)), lead=a.lead.code)
                for a in activities
            ],
            plan=plan,
            period=period,
        ),
    )
