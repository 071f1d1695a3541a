"""Background score work. Each task takes ids and calls one service."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from plans.models import Plan, ScoreState
from reports.scores.recompute import plan_scores_recompute

logger = logging.getLogger(__name__)

# Task names keep the module paths they had before the tasks moved here: queued
# messages and the beat schedule (ntip/settings.py) name them.


@shared_task(
    name="reports.tasks.recompute_plan_scores",
    bind=True,
    # Acked once done: a worker killed mid-way leaves the message with the
    # broker, which hands it out again after its visibility timeout
    # (CELERY_BROKER_TRANSPORT_OPTIONS); a pool process killed under a live
    # worker (out of memory) puts it back at once.
    acks_late=True,
    reject_on_worker_lost=True,
    # The database restarting: try again in half a minute.
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    default_retry_delay=30,
)
def recompute_plan_scores(self, plan_id: int) -> int:
    """Enqueued after an approval, a reopening or a change of structure commits."""
    result = plan_scores_recompute(plan_id=plan_id)
    if result.busy and not self.request.is_eager:
        # Another worker holds the plan. If it is alive it picks up our mark
        # before it finishes, and the retry finds nothing to do; if it died,
        # the retry does the work once its lease has run out.
        raise self.retry(countdown=seconds_until(result.busy_until))
    return result.snapshots


def seconds_until(moment) -> int:
    if moment is None:
        return 1
    return max(1, int((moment - timezone.now()).total_seconds()) + 1)


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
