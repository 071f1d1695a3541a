"""Recomputing a plan's stored scores.

One worker fills one plan at a time (a lease on its ScoreState row, taken
with a conditional UPDATE). Work is idempotent: the snapshots of the periods
recomputed are replaced whole, so running it twice gives the same rows.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plans.models import Plan, ScoreState
from reports import scoring
from reports.models import NodeType, ScoreSnapshot
from reports.selectors import PlanInputs, plan_scoring_inputs

logger = logging.getLogger(__name__)

# Long enough for the largest plan; a crashed worker's lease runs out after it.
LEASE = datetime.timedelta(minutes=10)
# A recompute that keeps being overtaken by new approvals gives up after this
# many rounds and leaves the plan stale for the next task.
MAX_ROUNDS = 5


@dataclass(frozen=True)
class RecomputeResult:
    plan_id: int
    rounds: int = 0
    snapshots: int = 0
    busy: bool = False


def plan_scores_recompute(*, plan_id: int, everything: bool = False) -> RecomputeResult:
    """Recompute the plan's stale scores (or, with ``everything``, all of them)."""
    ScoreState.objects.get_or_create(plan_id=plan_id)
    if not scores_take_lease(plan_id=plan_id):
        # Another worker holds the plan; it re-reads the staleness mark before it
        # finishes, so what made us run is not lost.
        return RecomputeResult(plan_id=plan_id, busy=True)
    written = rounds = 0
    try:
        while rounds < MAX_ROUNDS:
            state = ScoreState.objects.get(plan_id=plan_id)
            from_index = 1 if everything else state.stale_from
            if from_index is None:
                break
            rounds += 1
            written += plan_scores_write(plan=Plan.objects.get(pk=plan_id), from_index=from_index)
            everything = False
            # Clear the mark only if nobody marked the plan again meanwhile.
            if ScoreState.objects.filter(plan_id=plan_id, version=state.version).update(
                stale_from=None, computed_at=timezone.now()
            ):
                break
    finally:
        ScoreState.objects.filter(plan_id=plan_id).update(lease_until=None)
    return RecomputeResult(plan_id=plan_id, rounds=rounds, snapshots=written)


def scores_take_lease(*, plan_id: int) -> bool:
    now = timezone.now()
    return bool(
        ScoreState.objects.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now), plan_id=plan_id
        ).update(lease_until=now + LEASE)
    )


@transaction.atomic
def plan_scores_write(*, plan: Plan, from_index: int) -> int:
    """Replace the plan's snapshots of every period from ``from_index`` on."""
    inputs = plan_scoring_inputs(plan=plan)
    computed_at = timezone.now()
    rows = [
        snapshot
        for period, ref in inputs.periods
        if ref.index >= from_index
        for snapshot in period_snapshots(inputs, period, ref, computed_at)
    ]
    ScoreSnapshot.objects.filter(plan=plan, period__index__gte=from_index).delete()
    ScoreSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def period_snapshots(inputs: PlanInputs, period, ref: scoring.PeriodRef, computed_at) -> list[ScoreSnapshot]:
    """Score every leaf at the period, then roll up objectives, pillars and the plan."""

    def snapshot(node_type, node_id, code, score, **extra):
        return ScoreSnapshot(
            plan=inputs.plan,
            period=period,
            node_type=node_type,
            node_id=node_id,
            code=code,
            progress=score.progress,
            achieved=score.achieved,
            expected=score.expected,
            status=score.status,
            coverage=score.coverage,
            counts=dict(score.counts),
            computed_at=computed_at,
            **extra,
        )

    rows = []
    by_objective = {o.id: [] for o in inputs.objectives}
    for leaf in inputs.leaves:
        score = leaf_score(leaf, ref, inputs)
        if score is None:
            continue
        by_objective[leaf.objective_id].append((leaf.weight, score))
        if leaf.kind == "indicator":
            rows.append(
                snapshot(
                    NodeType.INDICATOR,
                    leaf.id,
                    leaf.code,
                    score,
                    actual_value=score.actual,
                    expected_value=score.expected_value,
                )
            )
        else:
            rows.append(snapshot(NodeType.ACTIVITY, leaf.id, leaf.code, score, cancelled=score.cancelled))
    by_pillar = {p.id: [] for p in inputs.pillars}
    for objective in inputs.objectives:
        score = scoring.rollup(by_objective[objective.id], thresholds=inputs.thresholds)
        by_pillar[objective.parent_id].append((objective.weight, score))
        rows.append(snapshot(NodeType.OBJECTIVE, objective.id, objective.code, score))
    plan_children = []
    for pillar in inputs.pillars:
        score = scoring.rollup(by_pillar[pillar.id], thresholds=inputs.thresholds)
        plan_children.append((pillar.weight, score))
        rows.append(snapshot(NodeType.PILLAR, pillar.id, pillar.code, score))
    score = scoring.rollup(plan_children, thresholds=inputs.thresholds)
    rows.append(snapshot(NodeType.PLAN, inputs.plan.pk, inputs.plan.code, score))
    return rows


def leaf_score(leaf, ref: scoring.PeriodRef, inputs: PlanInputs) -> scoring.LeafScore | None:
    """None for an indicator whose targets are not all set: it cannot be
    scored, and the plan page flags it ("no targets")."""
    if leaf.input is None:
        return None
    if leaf.kind == "indicator":
        return scoring.indicator_score(
            leaf.input, ref, plan_years=inputs.plan_years, thresholds=inputs.thresholds
        )
    return scoring.activity_score(leaf.input, ref, thresholds=inputs.thresholds)
