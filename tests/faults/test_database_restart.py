"""PostgreSQL restarted under load (docs/operations.md, "When the database
restarts"). The app is served by gunicorn against a throwaway cluster
(tests/faults/pg_cluster.py) while the test stops, starts and restarts that
cluster: during the outage every page is the site's 503 page and every API
answer a 503 in JSON, never a 500 or a traceback; afterwards every request
succeeds again within seconds, on every worker, with nothing lost.

The 503 itself is also checked in-process, on any database, by making the
database fail where a request meets it first."""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.conftest import LAYOUT
from tests.faults import pg_cluster

ROOT = Path(__file__).resolve().parents[2]
PAGE_503 = "NTIP is briefly unavailable"
# How long the site may take to answer normally again once the database is back.
RECOVERY_SECONDS = 10

# What the seed leaves in the throwaway database: a focal point, signed in
# (a session) and with an API token, and a draft report with one figure.
SEED = """
import json
from django.test import Client
from rest_framework.authtoken.models import Token
from plans.models import Role
from tests.factories import (
    IndicatorFactory, ObjectiveFactory, OrganisationFactory, PlanFactory, UserFactory, approved_report,
)
ministry = OrganisationFactory(code="MOI")
focal = UserFactory(username="focal", role=Role.FOCAL_POINT, organisation=ministry)
plan = PlanFactory(code="NSP", start_year=2024, end_year=2026)
objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[40, 40, 40])
report = approved_report(ministry, plan.periods.get(code="2024-Q2"), values={trained: 10}, state="DRAFT")
client = Client()
client.force_login(focal)
print(json.dumps({
    "report": report.pk,
    "token": Token.objects.create(user=focal).key,
    "session": client.cookies["sessionid"].value,
}))
"""


# --- In-process: the answer itself ------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    """The first query of a request fails as it does while PostgreSQL
    restarts. The session and the user are where every signed-in request meets
    the database first, in middleware, before any view."""

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", refused)


@pytest.mark.django_db
def test_a_page_while_the_database_is_down_is_the_sites_503_page(client, focal_point, database_down):
    client.cookies["sessionid"] = "a-session-the-database-would-read"
    client.raise_request_exception = False

    response = client.get("/reports/?plan=NSP")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert LAYOUT in body and PAGE_503 in body
    assert "What you were sending just now was not saved" in body
    assert 'href="/reports/?plan=NSP">Try again</a>' in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.django_db
def test_the_api_while_the_database_is_down_answers_503_in_json(client, database_down):
    client.cookies["sessionid"] = "a-session-the-database-would-read"
    client.raise_request_exception = False

    response = client.get("/api/v1/reports/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert PAGE_503 in response.json()["detail"]


@pytest.mark.django_db
def test_any_other_failure_is_still_the_500_page(monkeypatch, focal_point):
    def broken(user):
        raise RuntimeError("a bug, not the database")

    monkeypatch.setattr("plans.views.plans_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(focal_point)

    response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- A real restart under load ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Site:
    """HTTP to the gunicorn under test, as the focal point."""

    def __init__(self, port: int, seed: dict):
        self.port, self.seed = port, seed

    def request(self, method: str, path: str, body: dict | None = None, api: bool = False):
        headers = {"Host": "127.0.0.1"}
        if api:
            headers |= {"Authorization": f"Token {self.seed['token']}", "Content-Type": "application/json"}
        else:
            headers["Cookie"] = f"sessionid={self.seed['session']}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def page(self):
        return self.request("GET", "/reports/")

    def report(self):
        return self.request("GET", f"/api/v1/reports/{self.seed['report']}/", api=True)

    def save(self, version: int, value):
        return self.request(
            "PATCH",
            f"/api/v1/reports/{self.seed['report']}/",
            {"version": version, "indicator_values": {"TRAINED": {"value": value}}},
            api=True,
        )


@pytest.fixture(scope="module")
def served():
    """gunicorn (gunicorn.conf.py, with two workers) on the throwaway cluster."""
    if connection.vendor != "postgresql":
        # Module-scoped, so set up before the marker's skip: the run on
        # PostgreSQL is the one that restarts it (CI runs the suite on both).
        pytest.skip("runs with the PostgreSQL run of the suite (DATABASE_URL=postgres://…)")
    with pg_cluster.throwaway_cluster("ntip_faults") as (version, url):
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DEBUG")},
            "DATABASE_URL": url,
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "ntip.settings",
        }
        manage(env, "migrate", "--noinput")
        seed = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        port = free_port()
        log = tempfile.NamedTemporaryFile(prefix="ntip-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "ntip.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--timeout=30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        site = Site(port, seed)
        try:
            wait_until(lambda: answers(site), seconds=30, what="gunicorn to answer")
            yield version, site
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
            log.close()
            os.unlink(log.name)


def answers(site: Site) -> bool:
    try:
        return site.page()[0] == 200
    except OSError:
        return False


def wait_until(check, *, seconds: float, what: str) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"waited {seconds} s for {what}"
        time.sleep(0.1)
    return time.monotonic() - started


class Load:
    """Readers sending pages and API reads in a loop while the database goes
    away and comes back; every answer is kept. Bounded: at most a minute."""

    def __init__(self, site: Site, readers: int = 3):
        self.site, self.answers, self.stop = site, [], threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(readers)]

    def read(self, index: int):
        deadline = time.monotonic() + 60
        while not self.stop.is_set() and time.monotonic() < deadline:
            kind = "api" if index % 2 else "page"
            try:
                status, body = self.site.report() if kind == "api" else self.site.page()
            except OSError as error:
                status, body = 0, repr(error)
            self.answers.append((kind, status, body))
            time.sleep(0.02)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def assert_outage_answer(kind: str, status: int, body: str):
    assert status == 503, (kind, status, body[:500])
    assert "Traceback" not in body
    if kind == "api":
        assert PAGE_503 in json.loads(body)["detail"]
    else:
        assert LAYOUT in body and PAGE_503 in body


@pytest.mark.postgres
def test_while_postgresql_restarts_users_get_the_503_page_and_then_everything_works_again(served):
    version, site = served
    status, body = site.report()
    assert status == 200, body
    before = json.loads(body)
    # Written before the outage: must be there after it.
    status, body = site.save(before["version"], 17)
    assert status == 200, body
    saved = json.loads(body)

    with Load(site) as load:
        time.sleep(0.5)
        pg_cluster.ctl(version, "stop", "-m", "fast")
        # The database is down: pages, reads and writes are 503s, said plainly.
        for _ in range(3):
            assert_outage_answer("page", *site.page())
            assert_outage_answer("api", *site.report())
        assert_outage_answer("api", *site.save(saved["version"], 99))
        pg_cluster.ctl(version, "start")
        recovered_in = wait_until(lambda: site.page()[0] == 200, seconds=RECOVERY_SECONDS, what="recovery")
        # A restart while the readers keep reading.
        time.sleep(0.5)
        pg_cluster.ctl(version, "restart", "-m", "fast")
        wait_until(lambda: site.page()[0] == 200, seconds=RECOVERY_SECONDS, what="recovery after restart")
        time.sleep(0.5)

    # Every answer under load was a success or the 503: never a 500, never a traceback.
    statuses = {status for _kind, status, _body in load.answers}
    assert statuses <= {200, 503}, statuses
    assert 503 in statuses and 200 in statuses
    for kind, status, body in load.answers:
        if status == 503:
            assert_outage_answer(kind, status, body)
    # Every worker reconnected on its own: no connection left stuck on the old server.
    for _ in range(10):
        assert site.page()[0] == 200
        assert site.report()[0] == 200
    # Nothing written before is lost, and the write refused during the outage left nothing.
    status, body = site.report()
    after = json.loads(body)
    assert after["version"] == saved["version"]
    figures = {line["indicator"]: line["value"] for line in after["indicator_values"]}
    assert figures == {"TRAINED": "17.0000"}
    print(
        f"recovered {recovered_in:.1f} s after the database came back; {len(load.answers)} answers under load"
    )
