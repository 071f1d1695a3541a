"""A Celery worker killed (SIGKILL) in the middle of a recompute: the scores
are not left half-written, and the recompute is done again later, by another
worker, without anyone running it by hand (docs/operations.md, "Background
work"). Needs Redis (NTIP_TEST_REDIS_URL) and PostgreSQL, which the worker
process and the test share.

The worker is caught mid-recompute for sure, not by timing: the test holds a
lock on the snapshots table that lets the recompute read but not write, waits
until PostgreSQL shows the worker waiting on it (its lease taken, its
transaction open), and kills it there."""

import os
import signal
import subprocess
import sys
import time

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, transaction

from indicators.models import IndicatorValue
from ntip.celery import app as celery_app
from plans.models import ScoreState
from plans.services import scores_mark_stale
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute
from tests.reports.scores.test_tasks import celery_broker, redis_answers, small_plan

pytestmark = [pytest.mark.celery_worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("NTIP_TEST_REDIS_URL", "")
# Short, so the test waits seconds and not the production minutes.
LEASE_SECONDS = 2
VISIBILITY_SECONDS = 4


@pytest.fixture
def worker_env():
    if not REDIS_URL:
        pytest.skip("NTIP_TEST_REDIS_URL is not set: no Redis broker for a real Celery worker")
    if not redis_answers(REDIS_URL):
        pytest.skip(f"Redis at {REDIS_URL} does not answer")
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "SCORES_LEASE_SECONDS": str(LEASE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
    }


def start_worker(env: dict, queue: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 — our own interpreter, fixed arguments
        [
            *(sys.executable, "-m", "celery", "-A", "ntip", "worker", "--pool=solo", "-Q", queue),
            *("-l", "warning", "--without-heartbeat", "--without-gossip", "--without-mingle"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def table_lock():
    """A second connection holding SHARE ROW EXCLUSIVE on the snapshots: a
    recompute reads them, then waits to delete or insert one."""
    db = settings.DATABASES["default"]
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
    )
    with holder.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{ScoreSnapshot._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
    return holder


def waiting_on_the_snapshots() -> int:
    """How many other sessions wait for a lock on the snapshots table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [ScoreSnapshot._meta.db_table],
        )
        return cursor.fetchone()[0]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def stored(plan):
    """Every snapshot of the plan as (key, digest, computed_at)."""
    return set(
        ScoreSnapshot.objects.filter(plan=plan).values_list(
            "period_id", "node_type", "node_id", "digest", "computed_at"
        )
    )


def test_a_worker_killed_mid_recompute_leaves_nothing_half_written_and_another_finishes_it(worker_env):
    plan = small_plan()
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    before = stored(plan)
    # The approved 2024-Q1 figure is corrected from 2 to 6: the plan's scores are stale.
    IndicatorValue.objects.filter(report__period__plan=plan).update(value=6)
    queue = f"ntip-test-killed-{os.getpid()}"
    celery_app.conf.task_default_queue = queue
    holder = table_lock()
    first = start_worker(worker_env, queue)
    second = None
    try:
        with celery_broker(REDIS_URL), transaction.atomic():
            scores_mark_stale(plan_id=plan.pk, from_index=1)
        # The worker has the plan's lease and waits, mid-transaction, to write.
        wait_for(lambda: waiting_on_the_snapshots() > 0, 60, "the worker to start the recompute")
        assert ScoreState.objects.get(plan=plan).lease_until is not None
        taken_at = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        holder.rollback()

        # Killed mid-way: the old scores stand, whole, and the plan is still marked stale.
        wait_for(lambda: waiting_on_the_snapshots() == 0, 30, "the killed worker's session to end")
        assert stored(plan) == before
        assert ScoreState.objects.get(plan=plan).stale_from == 1

        # No beat, no reconcile: only the message the broker hands out again
        # (acked late) can bring the recompute back, once its visibility
        # timeout has passed, to a worker that finds the dead one's lease over.
        time.sleep(max(0.0, VISIBILITY_SECONDS + 1 - (time.monotonic() - taken_at)))
        second = start_worker(worker_env, queue)
        wait_for(
            lambda: ScoreState.objects.get(plan=plan).stale_from is None, 90, "the recompute to be redone"
        )
    finally:
        celery_app.conf.task_default_queue = "celery"
        holder.close()
        stop(first)
        if second is not None:
            stop(second)

    state = ScoreState.objects.get(plan=plan)
    assert state.lease_until is None
    q1 = ScoreSnapshot.objects.get(plan=plan, node_type="indicator", period__code="2024-Q1")
    assert q1.actual_value == 6
    # No score left stale: recomputing everything now changes not one snapshot.
    after = stored(plan)
    assert after != before
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    assert stored(plan) == after
