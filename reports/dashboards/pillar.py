"""The pillar page: one pillar's objectives."""

from dataclasses import dataclass

from django.db.models import Q

from plans.models import Plan, ReportingPeriod
from reports.dashboards.score_rows import ScoreRow, nodes_filter, score_row, snapshots_at
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
    snapshots = snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="pillar", node_id=pillar.pk)
        | nodes_filter("objective", (o.pk for o in objectives)),
    )
    return PillarPage(
        pillar=pillar,
        score=score_row("pillar", pillar, snapshots.get(("pillar", pillar.pk))),
        objectives=[score_row("objective", o, snapshots.get(("objective", o.pk))) for o in objectives],
    )
