"""Recomputing a plan's stored scores.

One worker fills one plan at a time (a lease on its ScoreState row, taken
with a conditional UPDATE). Work is idempotent: the snapshots of the periods
recomputed are replaced whole, so running it twice gives the same rows.

A worker killed half-way (SIGKILL, the machine lost) leaves nothing
half-written: the scores are written in one transaction, which the database
rolls back, and the plan's staleness mark is cleared only after it commits.
Its lease runs out after SCORES_LEASE_SECONDS; then the task's message, acked
only once done (acks_late), comes back from the broker (visibility timeout)
or the reconcile task finds the plan still stale, and the recompute is done
again (docs/operations.md, "Background work").
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plans.models import Plan, ScoreState
from reports import scoring
from reports.models import NodeType, ScoreSnapshot
from reports.scores.inputs import PlanInputs, plan_scoring_inputs

logger = logging.getLogger(__name__)

# A recompute that keeps being overtaken by new approvals gives up after this
# many rounds and leaves the plan stale for the next task.
MAX_ROUNDS = 5


@dataclass(frozen=True)
class RecomputeResult:
    plan_id: int
    rounds: int = 0
    snapshots: int = 0
    busy: bool = False
    # When busy: when the other worker's lease runs out, if it never finishes.
    busy_until: datetime.datetime | None = None


def plan_scores_recompute(*, plan_id: int, everything: bool = False) -> RecomputeResult:
    """Recompute the plan's stale scores (or, with ``everything``, all of them)."""
    ScoreState.objects.get_or_create(plan_id=plan_id)
    lease = scores_take_lease(plan_id=plan_id)
    if lease is None:
        # Another worker holds the plan; it re-reads the staleness mark before it
        # finishes, so what made us run is not lost. If it died, its lease ends
        # at busy_until (the task tries again then).
        busy_until = ScoreState.objects.filter(plan_id=plan_id).values_list("lease_until", flat=True).first()
        return RecomputeResult(plan_id=plan_id, busy=True, busy_until=busy_until)
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
            # Another round: hold the plan for a whole lease again, or stop if a
            # slow round let the lease run out and another worker took the plan.
            lease = scores_renew_lease(plan_id=plan_id, lease=lease)
            if lease is None:
                break
    finally:
        if lease is not None:
            scores_release_lease(plan_id=plan_id, lease=lease)
    return RecomputeResult(plan_id=plan_id, rounds=rounds, snapshots=written)


def lease_length() -> datetime.timedelta:
    """Long enough for the largest plan's round; a worker killed mid-way holds
    the plan this long at most."""
    return datetime.timedelta(seconds=settings.SCORES_LEASE_SECONDS)


def scores_take_lease(*, plan_id: int) -> datetime.datetime | None:
    """The plan's lease, if no other worker holds one that is still running:
    its end, which also names it (see scores_release_lease); else None."""
    now = timezone.now()
    until = now + lease_length()
    taken = ScoreState.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), plan_id=plan_id
    ).update(lease_until=until)
    return until if taken else None


def scores_renew_lease(*, plan_id: int, lease: datetime.datetime) -> datetime.datetime | None:
    until = timezone.now() + lease_length()
    renewed = ScoreState.objects.filter(plan_id=plan_id, lease_until=lease).update(lease_until=until)
    return until if renewed else None


def scores_release_lease(*, plan_id: int, lease: datetime.datetime) -> None:
    """Give the plan back, only if it is still ours: a worker whose lease ran
    out while it worked must not end the lease of the one that took over."""
    ScoreState.objects.filter(plan_id=plan_id, lease_until=lease).update(lease_until=None)


# What a snapshot says, in the order ScoreRow carries it after its key.
SCORE_FIELDS = (
    "code",
    "progress",
    "achieved",
    "expected",
    "status",
    "coverage",
    "counts",
    "actual_value",
    "expected_value",
    "cancelled",
)


class ScoreRow(NamedTuple):
    """One snapshot as plain values: cheap to build, compare and write."""

    period_id: int
    node_type: str
    node_id: int
    values: tuple

    @property
    def digest(self) -> str:
        # repr() of floats is exact and the counts keep the rule's order of
        # statuses, so equal scores always give equal fingerprints.
        return hashlib.blake2b(repr(self.values).encode(), digest_size=16).hexdigest()


@transaction.atomic
def plan_scores_write(*, plan: Plan, from_index: int) -> int:
    """Recompute every score of the plan from period ``from_index`` on.

    Only the snapshots whose score changed are rewritten (with the new
    ``computed_at``); the others stay as they are, still true. One approval
    changes a few hundred rows of a large plan, not all of them. The plan's
    ScoreState.computed_at says when all its scores were last brought up to
    date. Returns how many scores were computed.
    """
    inputs = plan_scoring_inputs(plan=plan)
    computed_at = timezone.now()
    new = {
        (row.period_id, row.node_type, row.node_id): row
        for period, ref in inputs.periods
        if ref.index >= from_index
        for row in period_rows(inputs, period, ref)
    }
    stored = ScoreSnapshot.objects.filter(plan=plan, period__index__gte=from_index)
    old = {
        (period_id, node_type, node_id): (pk, digest)
        for pk, period_id, node_type, node_id, digest in stored.values_list(
            "pk", "period_id", "node_type", "node_id", "digest"
        )
    }
    outdated = {key: pk for key, (pk, digest) in old.items() if key not in new or new[key].digest != digest}
    pks = list(outdated.values())
    for start in range(0, len(pks), 5000):
        ScoreSnapshot.objects.filter(pk__in=pks[start : start + 5000]).delete()
    ScoreSnapshot.objects.bulk_create(
        [
            ScoreSnapshot(
                plan=plan,
                period_id=row.period_id,
                node_type=row.node_type,
                node_id=row.node_id,
                computed_at=computed_at,
                digest=row.digest,
                **dict(zip(SCORE_FIELDS, row.values, strict=True)),
            )
            for key, row in new.items()
            if key not in old or key in outdated
        ],
        batch_size=2000,
    )
    return len(new)


def period_rows(inputs: PlanInputs, period, ref: scoring.PeriodRef) -> list[ScoreRow]:
    """Score every leaf at the period, then roll up objectives, pillars and the plan."""

    def row(node_type, node_id, code, score, actual=None, expected_value=None, cancelled=False):
        values = (
            code,
            score.progress,
            score.achieved,
            score.expected,
            score.status,
            score.coverage,
            dict(score.counts),
            actual,
            expected_value,
            cancelled,
        )
        return ScoreRow(period.pk, node_type, node_id, values)

    rows = []
    by_objective = {o.id: [] for o in inputs.objectives}
    for leaf in inputs.leaves:
        score = leaf_score(leaf, ref, inputs)
        if score is None:
            continue
        by_objective[leaf.objective_id].append((leaf.weight, score))
        if leaf.kind == "indicator":
            rows.append(
                row(NodeType.INDICATOR, leaf.id, leaf.code, score, score.actual, score.expected_value)
            )
        else:
            rows.append(row(NodeType.ACTIVITY, leaf.id, leaf.code, score, cancelled=score.cancelled))
    by_pillar = {p.id: [] for p in inputs.pillars}
    for objective in inputs.objectives:
        score = scoring.rollup(by_objective[objective.id], thresholds=inputs.thresholds)
        by_pillar[objective.parent_id].append((objective.weight, score))
        rows.append(row(NodeType.OBJECTIVE, objective.id, objective.code, score))
    plan_children = []
    for pillar in inputs.pillars:
        score = scoring.rollup(by_pillar[pillar.id], thresholds=inputs.thresholds)
        plan_children.append((pillar.weight, score))
        rows.append(row(NodeType.PILLAR, pillar.id, pillar.code, score))
    score = scoring.rollup(plan_children, thresholds=inputs.thresholds)
    rows.append(row(NodeType.PLAN, inputs.plan.pk, inputs.plan.code, score))
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
