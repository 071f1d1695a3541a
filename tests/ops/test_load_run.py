"""bench/load.py at CI length: 30 s of focal points saving and submitting, a
reviewer approving and returning, readers on every dashboard and the API,
against gunicorn, a real Celery worker, PostgreSQL and Redis; then its
checks (every figure stored once as last saved, no stale score, no server
error, one log line per request). Latency targets are the benchmark's
(docs/benchmarks.md): on a CI machine they are printed, not asserted."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("NTIP_TEST_REDIS_URL", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_database_url() -> str:
    """A database of its own beside the test database (the script drops and makes it)."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db['NAME']}_load"))


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db
def test_the_load_run_loses_no_figure_and_leaves_no_score_stale():
    if connection.vendor != "postgresql":
        pytest.skip("the load run needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not REDIS_URL:
        pytest.skip("NTIP_TEST_REDIS_URL is not set: no Redis broker for the load run's worker")
    result = subprocess.run(  # noqa: S603 — our interpreter, fixed arguments
        [
            sys.executable,
            "bench/load.py",
            "--database-url",
            load_database_url(),
            "--broker-url",
            REDIS_URL,
            "--run-time",
            "30s",
            "--readers",
            "10",
            "--port",
            str(free_port()),
            "--no-warm-up",
            "--latency-advisory",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = result.stdout + result.stderr[-3000:]
    assert result.returncode == 0, report
    assert "checks passed" in result.stdout, report
    assert "CHECK FAILED" not in result.stdout, report
    assert " 0 failed, 0 server errors" in result.stdout, report
