"""One JSON line per request and per task, with who asked and how long it
took, never a figure or a note; the request id goes back in X-Request-ID and
follows the request into the tasks it enqueues (inline and on a real worker)."""

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from ntip.celery import app as celery_app
from ntip.logging import JsonFormatter
from tests.conftest import token_client
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
)

REDIS_URL = os.environ.get("NTIP_TEST_REDIS_URL", "")

# A figure and a note no log line may hold.
FIGURE = "7316.25"
NOTE = "register-of-shelter-ledger-58213"


@pytest.fixture
def plan(ministry):
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2025)
    indicator = IndicatorFactory(
        objective=ObjectiveFactory(plan=plan, pillar__plan=plan), code="I1", lead=ministry, targets=[8, 8]
    )
    return {"plan": plan, "indicator": indicator, "q1": plan.periods.get(code="2024-Q1")}


def lines(caplog) -> list[dict]:
    """The captured records as production writes them: JSON objects."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def request_lines(caplog) -> list[dict]:
    return [line for line in lines(caplog) if line["logger"] == "ntip.request"]


def task_lines(caplog) -> list[dict]:
    return [line for line in lines(caplog) if line["logger"] == "ntip.task"]


@pytest.mark.django_db
def test_a_save_logs_one_line_with_who_and_how_long_and_no_figure_or_note(client, caplog, plan, focal_point):
    report = approved_report(focal_point.organisation, plan["q1"], state="DRAFT")
    token_client(client, focal_point)
    caplog.set_level("INFO")
    response = client.patch(
        f"/api/v1/reports/{report.pk}/?page=1&organisation=MOI",
        json.dumps({"version": report.version, "indicator_values": {"I1": {"value": FIGURE, "note": NOTE}}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [line] = request_lines(caplog)
    assert line["method"] == "PATCH"
    assert line["path"] == f"/api/v1/reports/{report.pk}/"  # the query string is not logged
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert (line["user_id"], line["username"], line["organisation"]) == (focal_point.pk, "focal", "MOI")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    written = "\n".join(json.dumps(line) for line in lines(caplog))
    assert FIGURE not in written
    assert "7316" not in written
    assert NOTE not in written


@pytest.mark.django_db
def test_an_anonymous_request_is_logged_without_a_user(client, caplog):
    caplog.set_level("INFO")
    response = client.get("/reports/?search=secret-word")
    assert response.status_code == 302
    [line] = request_lines(caplog)
    assert (line["path"], line["status"], line["user_id"], line["username"]) == ("/reports/", 302, None, None)
    assert "secret-word" not in json.dumps(lines(caplog))


@pytest.mark.django_db
def test_a_well_formed_incoming_request_id_is_kept_and_returned(client, caplog):
    caplog.set_level("INFO")
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-1234abcd"})
    assert response["X-Request-ID"] == "proxy-1234abcd"
    assert request_lines(caplog)[0]["request_id"] == "proxy-1234abcd"


@pytest.mark.parametrize(
    "incoming", ["", "short", "has spaces in it", "x" * 65, "semi;colon;12345", "ünïcode-12345"]
)
@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming} if incoming else {})
    returned = response["X-Request-ID"]
    assert returned != incoming
    assert len(returned) == 32 and int(returned, 16) >= 0


@pytest.mark.django_db
def test_every_request_gets_its_own_id(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db(transaction=True)
def test_the_request_id_reaches_the_recompute_an_approval_enqueues_inline(client, caplog, plan, reviewer):
    report = approved_report(
        plan["indicator"].lead, plan["q1"], values={plan["indicator"]: 5}, state="SUBMITTED"
    )
    token_client(client, reviewer)
    caplog.set_level("INFO")
    response = client.post(
        f"/api/v1/reports/{report.pk}/approve/",
        "{}",
        content_type="application/json",
        headers={"X-Request-ID": "approve-req-0001"},
    )
    assert response.status_code == 200, response.content
    [task] = [line for line in task_lines(caplog) if line["task"] == "reports.tasks.recompute_plan_scores"]
    assert task["request_id"] == "approve-req-0001"
    assert task["state"] == "SUCCESS"
    assert task["task_id"] and task["duration_ms"] >= 0
    [request] = request_lines(caplog)
    assert (request["request_id"], request["username"], request["organisation"]) == (
        "approve-req-0001",
        "reviewer",
        "NCCT-GS",
    )


# --- With a real worker --------------------------------------------------------------


def forget_broker_connections():
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def json_logging_worker():
    """A real worker on its own queue, logging JSON lines we can read."""
    if not REDIS_URL:
        pytest.skip("NTIP_TEST_REDIS_URL is not set: no Redis broker for a real Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database server (DATABASE_URL=postgres://…)")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "LOG_FORMAT": "json",
        "DEBUG": "0",
    }
    name = f"ntip-test-log-{uuid.uuid4().hex[:8]}"
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
            name,
            "-l",
            "info",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [output.put(line) for line in worker.stdout], daemon=True).start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.task_default_queue
    conf.broker_url, conf.task_always_eager, conf.task_default_queue = REDIS_URL, False, name
    forget_broker_connections()
    try:
        # On a busy machine a worker takes a while to start: wait for it first.
        ready, seen = worker_line(output, lambda line: "ready." in line.get("message", ""), seconds=90)
        assert ready is not None, "the worker did not start within 90 s:\n" + "".join(seen[-20:])
        yield output
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = saved
        forget_broker_connections()
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def worker_line(output: queue.Queue, wanted, seconds: float) -> tuple[dict | None, list[str]]:
    """The first JSON line the worker logs for which ``wanted(line)``, and what it printed before."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            text = output.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(text)
        try:
            line = json.loads(text)
        except ValueError:
            continue
        if isinstance(line, dict) and wanted(line):
            return line, seen
    return None, seen


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_request_id_reaches_the_task_on_a_real_worker(client, plan, reviewer, json_logging_worker):
    report = approved_report(
        plan["indicator"].lead, plan["q1"], values={plan["indicator"]: 5}, state="SUBMITTED"
    )
    token_client(client, reviewer)
    response = client.post(
        f"/api/v1/reports/{report.pk}/approve/",
        "{}",
        content_type="application/json",
        headers={"X-Request-ID": "approve-on-worker-01"},
    )
    assert response.status_code == 200, response.content
    line, seen = worker_line(
        json_logging_worker,
        lambda line: (
            line.get("logger") == "ntip.task" and line.get("task") == "reports.tasks.recompute_plan_scores"
        ),
        seconds=30,
    )
    assert line is not None, "the worker logged no line for the recompute within 30 s:\n" + "".join(
        seen[-20:]
    )
    assert line["request_id"] == "approve-on-worker-01"
    assert line["state"] == "SUCCESS"
    assert line["duration_ms"] > 0
