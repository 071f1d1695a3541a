"""The lease a worker takes on a plan while it recomputes its scores: one
worker at a time, and a dead worker's lease runs out (docs/operations.md,
"When a worker is killed")."""

import datetime

import pytest
from django.utils import timezone

from plans.models import ScoreState
from plans.services import scores_mark_stale
from reports.scores.recompute import plan_scores_recompute, scores_release_lease, scores_take_lease
from tests.reports.scores.test_tasks import small_plan

pytestmark = pytest.mark.django_db


def run_out(plan) -> None:
    """The lease's time passes (its worker died, or is very slow)."""
    ScoreState.objects.filter(plan=plan).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))


def test_a_plan_whose_worker_died_is_busy_until_its_lease_runs_out_then_recomputed(settings):
    settings.SCORES_LEASE_SECONDS = 600
    plan = small_plan()
    ScoreState.objects.get_or_create(plan=plan)
    scores_mark_stale(plan_id=plan.pk, from_index=1)
    dead = scores_take_lease(plan_id=plan.pk)

    busy = plan_scores_recompute(plan_id=plan.pk)
    assert busy.busy and busy.busy_until == dead
    assert dead - timezone.now() > datetime.timedelta(seconds=590)

    run_out(plan)
    done = plan_scores_recompute(plan_id=plan.pk)
    assert not done.busy and done.snapshots == 8 * 4
    state = ScoreState.objects.get(plan=plan)
    assert (state.stale_from, state.lease_until) == (None, None)


def test_a_worker_whose_lease_ran_out_does_not_end_the_lease_of_the_one_that_took_over():
    plan = small_plan()
    ScoreState.objects.get_or_create(plan=plan)
    slow = scores_take_lease(plan_id=plan.pk)
    assert scores_take_lease(plan_id=plan.pk) is None  # held
    run_out(plan)
    took_over = scores_take_lease(plan_id=plan.pk)
    assert took_over is not None

    scores_release_lease(plan_id=plan.pk, lease=slow)

    assert ScoreState.objects.get(plan=plan).lease_until == took_over
    assert scores_take_lease(plan_id=plan.pk) is None
