"""Score recomputes through Celery: a real worker on the real Redis, and the
path where the broker is down."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import pools as kombu_pools

from ntip.celery import app as celery_app
from plans import services
from plans.models import ScoreState
from plans.services import scores_mark_stale
from reports.models import ScoreSnapshot
from reports.scores.tasks import recompute_all_scores, reconcile_stale_scores
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    approved_report,
)

REDIS_URL = os.environ.get("NTIP_TEST_REDIS_URL", "")


def small_plan():
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2025)
    lead = OrganisationFactory(code="MOI")
    indicator = IndicatorFactory(
        objective=ObjectiveFactory(plan=plan, pillar__plan=plan), lead=lead, targets=[8, 8]
    )
    approved_report(lead, plan.periods.get(code="2024-Q1"), values={indicator: 2})
    return plan


@contextmanager
def celery_broker(url: str):
    """Send tasks to ``url`` instead of running them inline, for one test."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    forget_broker_connections()
    try:
        yield
    finally:
        forget_broker_connections()
        conf.broker_url, conf.task_always_eager = saved


def forget_broker_connections():
    """Celery (and kombu's global registry) cache connection and producer pools
    for the broker they met first; drop them all so the next task meets ours."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_approval_commits_at_once_when_the_broker_is_down_and_reconcile_catches_up():
    plan = small_plan()
    # Nothing listens on port 1: every connection is refused.
    with celery_broker("redis://127.0.0.1:1/0"):
        started = time.perf_counter()
        with transaction.atomic():
            scores_mark_stale(plan_id=plan.pk, from_index=1)
        elapsed = time.perf_counter() - started
    assert elapsed < 1.5, f"the write waited {elapsed:.2f} s for a broker that is down"
    assert ScoreState.objects.get(plan=plan).stale_from == 1
    assert not ScoreSnapshot.objects.filter(plan=plan).exists()

    # The broker is back; beat runs the reconcile task.
    assert reconcile_stale_scores() == [plan.pk]
    assert ScoreState.objects.get(plan=plan).stale_from is None
    assert ScoreSnapshot.objects.filter(plan=plan, node_type="indicator").count() == 8


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_recompute_runs_inline_after_commit():
    plan = small_plan()
    with transaction.atomic():
        scores_mark_stale(plan_id=plan.pk, from_index=1)
        # Not before the commit: the task must see the committed figures.
        assert not ScoreSnapshot.objects.filter(plan=plan).exists()
    assert ScoreSnapshot.objects.filter(plan=plan).count() == 8 * 4
    assert ScoreState.objects.get(plan=plan).stale_from is None


@pytest.mark.django_db
def test_nightly_task_recomputes_every_plan():
    plan = small_plan()
    assert recompute_all_scores() == [plan.pk]
    assert ScoreSnapshot.objects.filter(plan=plan).count() == 8 * 4


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_worker_process():
    if not REDIS_URL:
        pytest.skip("NTIP_TEST_REDIS_URL is not set: no Redis broker for a real Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database server (DATABASE_URL=postgres://…)")
    if not redis_answers(REDIS_URL):
        pytest.skip(f"Redis at {REDIS_URL} does not answer")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
    }
    queue = f"ntip-test-{os.getpid()}"
    worker = subprocess.Popen(  # noqa: S603 — our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ntip",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_the_scores_after_an_approval(celery_worker_process):
    plan = small_plan()
    celery_app.conf.task_default_queue = celery_worker_process
    try:
        with celery_broker(REDIS_URL), transaction.atomic():
            scores_mark_stale(plan_id=plan.pk, from_index=1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and ScoreState.objects.get(plan=plan).stale_from is not None:
            time.sleep(0.2)
    finally:
        celery_app.conf.task_default_queue = "celery"
    assert ScoreState.objects.get(plan=plan).stale_from is None, "the worker did not recompute within 30 s"
    assert ScoreSnapshot.objects.filter(plan=plan).count() == 8 * 4


@pytest.mark.django_db(transaction=True)
def test_many_marks_in_one_transaction_enqueue_one_recompute(monkeypatch):
    plan = small_plan()
    sent = []
    monkeypatch.setattr(services, "scores_enqueue_recompute", lambda *, plan_id: sent.append(plan_id))
    with transaction.atomic():
        for index in (5, 3, 7):
            scores_mark_stale(plan_id=plan.pk, from_index=index)
    assert sent == [plan.pk]
    assert ScoreState.objects.get(plan=plan).stale_from == 3
