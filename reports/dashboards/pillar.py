"""The pillar page: one pillar's objectives."""

from dataclasses import dataclass

from django.db.models import Q

from plans.models import Plan, ReportingPeriod
from reports.dashboards.score_rows import ScoreRow, _nodes_filter, _score_row, _snapshots_at
from strategies.models import Pillar


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
