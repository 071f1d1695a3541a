"""Background score work. Each task takes ids and calls one service."""

import logging

from celery import shared_task

from plans.models import Plan, ScoreState
from reports.scores.recompute import plan_scores_recompute

logger = logging.getLogger(__name__)

# Task names keep the module paths they had before the tasks moved here: queued
# messages and the beat schedule (ntip/settings.py) name them.


@shared_task(
    name="reports.tasks.recompute_plan_scores", acks_late=True, max_retries=3, default_retry_delay=30
)
def recompute_plan_scores(plan_id: int) -> int:
    """Enqueued after an approval, a reopening or a change of structure commits."""
    return plan_scores_recompute(plan_id=plan_id).snapshots


@shared_task(name="reports.tasks.reconcile_stale_scores", acks_late=True)
def reconcile_stale_scores() -> list[int]:
    """Every few minutes: recompute plans left stale, e.g. because the broker
    was down when their approval tried to enqueue the work."""
    plan_ids = list(ScoreState.objects.filter(stale_from__isnull=False).values_list("plan_id", flat=True))
    for plan_id in plan_ids:
        plan_scores_recompute(plan_id=plan_id)
    return plan_ids


@shared_task(name="reports.tasks.recompute_all_scores", acks_late=True)
def recompute_all_scores() -> list[int]:
    """Nightly: recompute every plan from scratch, whatever its marks say."""
    plan_ids = list(Plan.objects.values_list("pk", flat=True))
    for plan_id in plan_ids:
        plan_scores_recompute(plan_id=plan_id, everything=True)
    return plan_ids
