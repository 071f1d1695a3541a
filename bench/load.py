"""Load: the quarterly deadline on the production stack, then a count of
what was stored.

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/ntip_load \\
        --broker-url redis://127.0.0.1:6379/7 [--run-time 2m] [--port 8107]

Starts what docker-compose.yml runs, outside Docker, on loopback: gunicorn with
the repository's gunicorn.conf.py, a real Celery worker (``celery -A ntip
worker``) on the broker given, against PostgreSQL. The database is made anew
for each run (its name must contain "load": it is dropped) from a template
database, ``<name>_template``, migrated and seeded (``seed_demo``) once and
rebuilt when the migrations or the demo change.

Then, for ``--run-time`` (locust, headless, in this process):
- 20 focal points (``--focal-points``), one per reporting organisation of the
  demo plan, each with an API token: open their report for the current
  quarter, save it several times with new figures, submit, and when it comes
  back returned, save again and resubmit;
- one reviewer approves what is submitted, returning one report in four once;
- 50 readers (``--readers``), half secretariat and half partners, each with a
  signed-in session and a token, browse every dashboard page and the API.

Afterwards it counts, on the database:
- figures: each report holds exactly the figures, cells and activity updates
  its focal point last saved (none lost, none left over), no line twice;
- scores: once the worker has drained the queue, the plan is not stale, and
  every stored score from the quarter on equals a fresh computation (none stale);
- requests: no server error, no failed request, each answer carried back the
  X-Request-ID sent, and gunicorn logged one JSON line per request.

Prints requests, failures and p50/p95/p99 per group (write, page, api) with
the ratio to its target (p95: writes 500 ms, pages and API reads 300 ms), and
exits 1 when a check fails, 2 when only a latency target is missed (0 with
``--latency-advisory``).
"""

# locust patches the standard library for gevent: before anything else is imported.
import locust  # noqa: F401, I001

import argparse
import atexit
import hashlib
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import gevent
import requests
from locust import HttpUser, between, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAN = "NSP-2024-2028"
WRITE_P95_MS = 500
READ_P95_MS = 300
TARGETS = {"write": WRITE_P95_MS, "page": READ_P95_MS, "api": READ_P95_MS}
# Every fourth focal point's report goes back once before it is approved.
RETURN_EVERY = 4
TEXT = "load run"


# --- What the run shares between locust's users and the checks -----------------


@dataclass
class FocalPointPlan:
    username: str
    organisation: str
    token: str
    indicators: list[dict]  # {"code", "measure", "cells": [...]}
    activities: list[str]
    returned_once: bool


@dataclass
class Reader:
    username: str
    kind: str  # "secretariat" or "partner"
    session: str
    token: str


@dataclass
class Run:
    base: str
    plan: str
    period: str
    session_cookie: str
    focal_points: list[FocalPointPlan] = field(default_factory=list)
    reviewer_token: str = ""
    readers: list[Reader] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    api: list[str] = field(default_factory=list)
    # report id → what its focal point last saved (only answers of 200 count).
    saved: dict[int, dict] = field(default_factory=dict)
    # report id → organisation, for every report a focal point opened.
    opened: dict[int, str] = field(default_factory=dict)
    # report id → saves after the last answered one that got no answer (a timeout).
    unanswered: dict[int, list[dict]] = field(default_factory=dict)
    approvals: list[str] = field(default_factory=list)  # request ids of the approvals
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    id_mismatches: int = 0


RUN: Run | None = None


def call(user: HttpUser, method: str, url: str, name: str, expect=(200,), **kwargs):
    """One request, timed into its group (the name's prefix), with a fresh
    request id, and counted as a failure unless its status is expected.
    ``user.last_status`` is its status (0: no answer)."""
    headers = {**user.auth_headers, **kwargs.pop("headers", {})}
    for attempt in (1, 2):
        rid = f"load-{uuid.uuid4().hex}"
        with user.client.request(
            method,
            url,
            name=name,
            headers={**headers, "X-Request-ID": rid},
            catch_response=True,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        ) as response:
            response.ntip_request_id = rid
            status = user.last_status = response.status_code
            if status == 0 and attempt == 1 and closed_before_answering(response):
                # As a browser does: sent on a kept-alive connection the server
                # closed at that moment, so never read; send it again, once.
                response.success()
                continue
            return call_outcome(response, method, url, rid, expect)
    return None


def closed_before_answering(response) -> bool:
    error = repr(getattr(response, "error", ""))
    return "RemoteDisconnected" in error or "ConnectionResetError" in error or "BrokenPipe" in error


def call_outcome(response, method: str, url: str, rid: str, expect):
    status = response.status_code
    if status:
        RUN.request_ids.append(rid)  # answered: its line must be in gunicorn's log
    RUN.statuses[status] += 1
    RUN.times[response.request_meta["name"].split(":")[0]].append(response.request_meta["response_time"])
    if status and response.headers.get("X-Request-ID") != rid:
        RUN.id_mismatches += 1
    if status >= 500 or status == 0:
        RUN.server_errors.append(f"{method} {url} → {status}")
    if status not in expect:
        said = (response.text or "")[:200] if status else repr(getattr(response, "error", ""))
        RUN.failures.append(f"{method} {url} → {status} {said}")
        response.failure(f"status {status}")
        return None
    response.success()
    return response


# --- locust's users ---------------------------------------------------------------


class FocalPoint(HttpUser):
    """Opens, saves several times, submits; saves again when returned."""

    fixed_count = 20
    wait_time = between(1, 3)

    def on_start(self):
        self.me = RUN.focal_points.pop()
        self.last_status = None
        self.auth_headers = {"Authorization": f"Token {self.me.token}"}
        self.report = None
        self.saves_left = random.randint(3, 5)
        self.rng = random.Random(self.me.username)
        response = call(
            self,
            "POST",
            "/api/v1/reports/",
            "write: open report",
            expect=(200, 201),
            json={"plan": RUN.plan, "period": RUN.period},
        )
        if response is not None:
            self.report = response.json()
            RUN.opened[self.report["id"]] = self.me.organisation

    @task
    def work(self):
        if self.report is None:
            return
        state = self.report["state"]
        if state in ("DRAFT", "RETURNED") and self.saves_left > 0:
            self.save()
        elif state in ("DRAFT", "RETURNED"):
            self.submit()
        else:  # submitted (waiting for the reviewer) or approved: read it again
            response = call(self, "GET", f"/api/v1/reports/{self.report['id']}/", "api: own report")
            if response is not None:
                fresh = response.json()
                if fresh["state"] == "RETURNED" and state != "RETURNED":
                    self.saves_left = random.randint(2, 3)
                self.report = fresh

    def lines(self) -> tuple[dict, dict]:
        values = {}
        for line in self.me.indicators:
            values[line["code"]] = {"note": TEXT, "gap_reason": TEXT, "corrective_action": TEXT}
            if line["cells"]:
                share = 99 // len(line["cells"]) if line["measure"] == "PERCENT" else 60
                values[line["code"]]["cells"] = {cell: self.rng.randint(0, share) for cell in line["cells"]}
            else:
                values[line["code"]]["value"] = self.figure(line["measure"])
        updates = {
            code: {"status": "IN_PROGRESS", "percent_complete": self.rng.randint(5, 95)}
            for code in self.me.activities
        }
        return values, updates

    def figure(self, measure: str) -> int:
        if measure == "MILESTONE":
            return self.rng.randint(0, 1)
        if measure == "PERCENT":
            return self.rng.randint(1, 99)
        return self.rng.randint(1, 400)

    def save(self):
        values, updates = self.lines()
        report_id = self.report["id"]
        body = {"version": self.report["version"], "indicator_values": values, "activity_updates": updates}
        response = call(self, "PATCH", f"/api/v1/reports/{report_id}/", "write: save", json=body)
        if response is None:
            if self.last_status == 0:
                # No answer: stored or not, the server knows. Either is right, a mix is not.
                RUN.unanswered.setdefault(report_id, []).append({"values": values, "updates": updates})
            # Refused: the stored figures are those of the save before.
            self.refresh()
            return
        self.report = response.json()
        RUN.saved[report_id] = {"values": values, "updates": updates}
        RUN.unanswered.pop(report_id, None)
        self.saves_left -= 1

    def submit(self):
        response = call(self, "POST", f"/api/v1/reports/{self.report['id']}/submit/", "write: submit")
        if response is None:
            self.saves_left = 1
            self.refresh()
            return
        self.report = response.json()

    def refresh(self):
        response = call(self, "GET", f"/api/v1/reports/{self.report['id']}/", "api: own report")
        if response is not None:
            self.report = response.json()


class Reviewer(HttpUser):
    """The secretariat's reviewer: approves what is submitted, returns some once."""

    fixed_count = 1
    wait_time = between(0.5, 1.5)
    return_orgs: list[str] = []

    def on_start(self):
        self.auth_headers = {"Authorization": f"Token {RUN.reviewer_token}"}
        self.returned: set[int] = set()
        self.return_once = set(Reviewer.return_orgs)

    @task
    def review(self):
        url = f"/api/v1/reports/?plan={RUN.plan}&period={RUN.period}&state=SUBMITTED"
        response = call(self, "GET", url, "api: review queue")
        if response is None:
            return
        for report in response.json()["results"][:3]:
            if report["id"] not in RUN.opened:
                continue  # the demo's own reports of the quarter, if any
            call(self, "GET", f"/api/v1/reports/{report['id']}/", "api: report to review")
            if report["organisation"] in self.return_once and report["id"] not in self.returned:
                self.returned.add(report["id"])
                call(
                    self,
                    "POST",
                    f"/api/v1/reports/{report['id']}/return/",
                    "write: return",
                    json={"comment": "Please check the figures against the register."},
                )
            else:
                approved = call(
                    self, "POST", f"/api/v1/reports/{report['id']}/approve/", "write: approve", json={}
                )
                if approved is not None:
                    RUN.approvals.append(approved.ntip_request_id)


class ReaderUser(HttpUser):
    """Browses every dashboard (signed in) and the API (a token), in a random order."""

    fixed_count = 50
    wait_time = between(1, 4)

    def on_start(self):
        self.me = RUN.readers.pop()
        self.session_headers = {"Cookie": f"{RUN.session_cookie}={self.me.session}"}
        self.token_headers = {"Authorization": f"Token {self.me.token}"}
        self.auth_headers = {}
        self.queue = []

    @task
    def browse(self):
        if not self.queue:
            self.queue = [("page", url) for url in RUN.pages] + [("api", url) for url in RUN.api]
            random.shuffle(self.queue)
        kind, url = self.queue.pop()
        headers = self.session_headers if kind == "page" else self.token_headers
        call(self, "GET", url, f"{kind}: {page_name(url)}", headers=headers)


def page_name(url: str) -> str:
    """A URL's group in the statistics: its shape without the codes."""
    path = url.split("?")[0]
    path = re.sub(r"/(pillars|objectives|indicators|organisations)/[^/]+/", r"/\1/<code>/", path)
    return path.replace(f"/{PLAN}/", "/<plan>/")


# --- Preparing ----------------------------------------------------------------------


def parse_duration(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 2m, 30s, 1m30s)")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def database_url_named(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fingerprint() -> str:
    """What the template database depends on: every migration and the demo."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted((ROOT / "reports" / "demo").glob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def database_prepare(url: str, env: dict) -> float:
    """The load database, anew from its template; the template first if it is
    missing or stale. Returns the seconds taken."""
    import psycopg2
    from psycopg2 import sql

    started = time.perf_counter()
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    template = f"{name}_template"
    admin = psycopg2.connect(database_url_named(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        )
        row = cursor.fetchone()
        wanted = fingerprint()
        if row is None or row[0] != wanted:
            print(f"building the template database {template} (migrate, seed_demo): once per change")
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
            template_env = {**env, "DATABASE_URL": database_url_named(url, template)}
            for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
                subprocess.run(  # noqa: S603 — our interpreter, fixed arguments
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env=template_env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            # Fresh tables have no planner statistics until autovacuum runs; production has them.
            seeded = psycopg2.connect(database_url_named(url, template))
            seeded.autocommit = True
            with seeded.cursor() as analyze:
                analyze.execute("ANALYZE")
            seeded.close()
            cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(template)), [wanted])
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
    admin.close()
    return time.perf_counter() - started


def accounts_prepare(run: Run, focal_points: int, readers: int) -> None:
    """20 focal points, one per reporting organisation, the reviewer and the
    readers: tokens for all, signed-in sessions for the readers; the lines each
    focal point owes and the pages every reader browses."""
    from django.conf import settings
    from django.test import Client

    from indicators.models import QuarterlyReport
    from indicators.quarterly_report.expected import (
        plan_expected_reporters,
        report_expected_activities,
        report_expected_indicators,
    )
    from indicators.quarterly_report.validation import indicator_cells
    from plans.models import Organisation, OrganisationKind, Plan, Role, User
    from plans.services import user_save
    from plans.tokens import token_issue

    plan = Plan.objects.get(code=run.plan)
    period = plan.periods.get(code=run.period)
    owing = plan_expected_reporters(plan, [period])
    reporters = (
        Organisation.objects.filter(pk__in=[o for o, periods in owing.items() if period.pk in periods])
        .exclude(kind=OrganisationKind.PARTNER)
        .order_by("code")
    )
    for number, organisation in enumerate(reporters[:focal_points]):
        report = QuarterlyReport(organisation=organisation, period=period)
        indicators = [
            {"code": i.code, "measure": i.measure, "cells": indicator_cells(i)}
            for i in report_expected_indicators(report).values()
        ]
        activities = [a.code for a in report_expected_activities(report).values()]
        user, _ = user_save(
            actor=None,
            username=f"load-{organisation.code.lower()}",
            role=Role.FOCAL_POINT,
            organisation=organisation,
        )
        run.focal_points.append(
            FocalPointPlan(
                user.username,
                organisation.code,
                token_issue(user=user).key,
                indicators,
                activities,
                returned_once=number % RETURN_EVERY == 0,
            )
        )
    run.reviewer_token = token_issue(user=User.objects.get(username="reviewer")).key

    secretariat = Organisation.objects.get(code="NCCT-GS")
    partners = list(Organisation.objects.filter(kind=OrganisationKind.PARTNER).order_by("code"))
    client = Client()
    for number in range(readers):
        if number % 2:
            kind, role, organisation = "partner", Role.PARTNER, partners[number % len(partners)]
        else:
            kind, role, organisation = "secretariat", Role.SECRETARIAT_REVIEWER, secretariat
        user, _ = user_save(
            actor=None, username=f"load-reader-{number:02}", role=role, organisation=organisation
        )
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies.clear()
        run.readers.append(Reader(user.username, kind, session, token_issue(user=user).key))

    base = f"/dashboards/{plan.code}"
    run.pages = [
        "/dashboards/",
        f"{base}/",
        *(f"{base}/pillars/{code}/" for code in plan.pillars.values_list("code", flat=True)),
        *(f"{base}/objectives/{code}/" for code in plan.objectives.values_list("code", flat=True)),
        *(f"{base}/indicators/{code}/" for code in plan.indicators.values_list("code", flat=True)),
        f"{base}/organisations/",
        *(
            f"{base}/organisations/{o.code}/"
            for o in Organisation.objects.filter(pk__in=owing).order_by("code")
        ),
        f"{base}/justice-chain/",
        f"/public/{plan.code}/",
    ]
    run.api = [
        f"/api/v1/plans/{plan.code}/scores/",
        f"/api/v1/plans/{plan.code}/completeness/",
        f"/api/v1/plans/{plan.code}/periods/",
        f"/api/v1/reports/?plan={plan.code}&state=APPROVED",
        f"/api/v1/reports/?plan={plan.code}&state=APPROVED&page=2",
    ]


def current_period(plan_code: str) -> str:
    from django.utils import timezone

    from plans.models import Plan

    today = timezone.localdate()
    return Plan.objects.get(code=plan_code).periods.get(start__lte=today, end__gte=today).code


# --- The stack ------------------------------------------------------------------------


def stack_start(env: dict, port: int, logs: Path) -> list[subprocess.Popen]:
    """The worker and gunicorn, as docker-compose.yml runs them, logging to files."""
    worker_log = open(logs / "worker.log", "w")  # noqa: SIM115 — the child keeps it
    web_log = open(logs / "web.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ntip",
            "worker",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    web = subprocess.Popen(  # noqa: S603 — our interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ntip.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    return [web, worker]


def stack_wait(base: str, processes: list[subprocess.Popen], seconds: float = 90) -> float:
    """Until /healthz?full says the database and the broker are up."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("gunicorn or the worker exited at start: see their logs")
        try:
            if requests.get(f"{base}/healthz?full", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz within {seconds:.0f} s")


def worker_wait_ready(log: Path, seconds: float = 90) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if log.exists() and "ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise SystemExit(f"the Celery worker was not ready within {seconds:.0f} s: see {log}")


def stack_stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def warm_up(run: Run) -> list[str]:
    """Every page and API read once per kind of reader, as the server's caches
    would be after the first minutes of a working day. Not measured; returns
    what did not answer 200."""
    refused = []
    for reader in {r.kind: r for r in run.readers}.values():
        session = requests.Session()
        for kind, urls, headers in (
            ("page", run.pages, {"Cookie": f"{run.session_cookie}={reader.session}"}),
            ("api", run.api, {"Authorization": f"Token {reader.token}"}),
        ):
            for url in urls:
                status = session.get(
                    run.base + url, headers=headers, timeout=30, allow_redirects=False
                ).status_code
                if status != 200:
                    refused.append(f"{reader.kind} {kind} {url} → {status}")
    return refused


# --- The counts afterwards --------------------------------------------------------------


def figures_check(run: Run) -> tuple[list[str], Counter]:
    """Each report holds what its focal point last saved, once."""
    from indicators.models import QuarterlyReport

    problems = []
    counted = Counter()
    reports = QuarterlyReport.objects.filter(pk__in=run.opened)
    for report in reports.select_related("organisation"):
        candidates = [run.saved[report.pk]] if report.pk in run.saved else []
        candidates += run.unanswered.get(report.pk, [])
        if not candidates:
            continue
        # The last answered save, or one of those sent after it that got no answer.
        results = [report_figures_check(report, saved, Counter()) for saved in candidates]
        matching = [c for c, problems_of in zip(candidates, results, strict=True) if not problems_of]
        if matching:
            report_figures_check(report, matching[-1], counted)
            counted["matched an unanswered save"] += matching[-1] is not candidates[0]
        else:
            problems += results[0]
    duplicates = lines_stored_twice(reports)
    if duplicates:
        problems.append(f"{duplicates} lines stored twice")
    counted["reports"] = len(set(run.saved) | set(run.unanswered))
    counted["states"] = dict(Counter(reports.values_list("state", flat=True)))
    return problems, counted


def report_figures_check(report, saved: dict, counted: Counter) -> list[str]:
    from indicators.models import ActivityUpdate, IndicatorValue

    org = report.organisation.code
    problems = []
    stored = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(report=report)
        .select_related("indicator")
        .prefetch_related("cells")
    }
    if set(stored) != set(saved["values"]):
        lost = sorted(set(saved["values"]) - set(stored))
        extra = sorted(set(stored) - set(saved["values"]))
        problems.append(f"{org}: figures lost {lost}, not saved but stored {extra}")
    for code, line in saved["values"].items():
        value = stored.get(code)
        if value is None:
            continue
        counted["figures"] += 1
        if "cells" in line:
            cells = {c.cell: c.value for c in value.cells.all()}
            counted["cells"] += len(cells)
            want = {cell: Decimal(n) for cell, n in line["cells"].items()}
            if cells != want or value.value != sum(want.values(), Decimal(0)):
                problems.append(f"{org} {code}: cells {cells} ≠ last saved {want}")
        elif value.value != Decimal(line["value"]):
            problems.append(f"{org} {code}: {value.value} ≠ last saved {line['value']}")
    updates = {
        u.activity.code: (u.status, u.percent_complete)
        for u in ActivityUpdate.objects.filter(report=report).select_related("activity")
    }
    counted["activity updates"] += len(updates)
    want = {code: (u["status"], Decimal(u["percent_complete"])) for code, u in saved["updates"].items()}
    if updates != want:
        problems.append(f"{org}: activity updates differ from the last saved")
    return problems


def lines_stored_twice(reports) -> int:
    """Rows the database's unique constraints should make impossible: counted anyway."""
    from django.db.models import Count

    from indicators.models import ActivityUpdate, DisaggregatedValue, IndicatorValue, QuarterlyReport

    groups = [
        IndicatorValue.objects.filter(report__in=reports).values("report", "indicator"),
        DisaggregatedValue.objects.filter(indicator_value__report__in=reports).values(
            "indicator_value", "cell"
        ),
        ActivityUpdate.objects.filter(report__in=reports).values("report", "activity"),
        QuarterlyReport.objects.filter(pk__in=reports.values("pk")).values("organisation", "period"),
    ]
    return sum(group.annotate(n=Count("id")).filter(n__gt=1).count() for group in groups)


def scores_drain(plan_code: str, seconds: float) -> float:
    """Until the worker has recomputed everything it was sent."""
    from plans.models import ScoreState

    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        state = ScoreState.objects.filter(plan__code=plan_code).first()
        if state is None or (state.stale_from is None and state.lease_until is None):
            return time.perf_counter() - started
        time.sleep(0.5)
    return -1


def scores_check(run: Run) -> tuple[list[str], int]:
    """Every stored score from the quarter on equals a fresh computation."""
    from indicators.models import QuarterlyReport, ReportState
    from plans.models import Plan, ScoreState
    from reports.models import ScoreSnapshot
    from reports.scores.inputs import plan_scoring_inputs
    from reports.scores.recompute import period_rows

    plan = Plan.objects.get(code=run.plan)
    period = plan.periods.get(code=run.period)
    problems = []
    state = ScoreState.objects.get(plan=plan)
    if state.stale_from is not None:
        problems.append(f"the plan is still stale from period {state.stale_from}")
    last_approval = (
        QuarterlyReport.objects.filter(pk__in=run.opened, state=ReportState.APPROVED)
        .order_by("-approved_at")
        .values_list("approved_at", flat=True)
        .first()
    )
    if last_approval and (state.computed_at is None or state.computed_at < last_approval):
        problems.append("the scores were last computed before the last approval")
    inputs = plan_scoring_inputs(plan=plan)
    fresh = {
        (row.period_id, row.node_type, row.node_id): row.digest
        for p, ref in inputs.periods
        if ref.index >= period.index
        for row in period_rows(inputs, p, ref)
    }
    stored = {
        (period_id, node_type, node_id): digest
        for period_id, node_type, node_id, digest in ScoreSnapshot.objects.filter(
            plan=plan, period__index__gte=period.index
        ).values_list("period_id", "node_type", "node_id", "digest")
    }
    stale = sum(1 for key, digest in fresh.items() if stored.get(key) != digest)
    extra = len(set(stored) - set(fresh))
    if stale or extra:
        problems.append(f"{stale} scores stale or missing, {extra} left over, of {len(fresh)}")
    return problems, len(fresh)


def log_check(run: Run, log: Path) -> tuple[list[str], dict]:
    """gunicorn wrote one JSON line per answered request, with the id the
    request sent (one stopped at the end before its answer may have one too)."""
    logged = Counter()
    errors = 0
    for text in log.read_text(errors="replace").splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue
        if line.get("logger") == "ntip.request" and line.get("request_id", "").startswith("load-"):
            logged[line["request_id"]] += 1
        if line.get("level") in ("ERROR", "CRITICAL"):
            errors += 1
    sent = set(run.request_ids)
    missing = len(sent - set(logged))
    twice = sum(1 for n in logged.values() if n > 1)
    problems = []
    if missing or twice:
        problems.append(f"request log: {missing} requests without a line, {twice} with more than one")
    if run.id_mismatches:
        problems.append(f"{run.id_mismatches} answers without the X-Request-ID sent")
    return problems, {"lines": sum(logged.values()), "errors logged": errors}


def tasks_with_request_ids(run: Run, log: Path) -> int:
    ids = set()
    for text in log.read_text(errors="replace").splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue
        if line.get("logger") == "ntip.task":
            ids.add(line.get("request_id"))
    return sum(1 for rid in run.approvals if rid in ids)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


# --- Main -------------------------------------------------------------------------------


def main() -> int:  # noqa: C901 — one script's steps, in order
    global RUN
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--broker-url", default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--run-time", type=parse_duration, default="2m")
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--focal-points", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--latency-advisory", action="store_true", help="a missed p95 target does not fail")
    parser.add_argument("--no-warm-up", action="store_true", help="start with the server's caches cold")
    args = parser.parse_args()
    if isinstance(args.run_time, str):
        args.run_time = parse_duration(args.run_time)
    url = args.database_url
    if not url.startswith(("postgres://", "postgresql://")) or "load" not in urlsplit(url).path:
        parser.error("--database-url: a PostgreSQL database whose name contains 'load' (it is dropped)")

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": args.broker_url,
        "DJANGO_SETTINGS_MODULE": "ntip.settings",
        "DEBUG": "0",
        # Shared by this process and the stack: the readers' sessions are made here.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }
    prepared = database_prepare(url, env)
    # The stack starts while this process makes the accounts.
    logs = Path(tempfile.mkdtemp(prefix="ntip-load-"))
    processes = stack_start(env, args.port, logs)
    atexit.register(stack_stop, processes)  # whatever fails below
    # This process logs only what goes wrong (sign-ins of the readers' sessions are INFO).
    os.environ.update({**env, "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.conf import settings

    from ntip.celery import app as celery_app

    # Nothing left from an earlier run on this broker (before the worker takes it).
    celery_app.control.purge()
    period = current_period(PLAN)
    base = f"http://127.0.0.1:{args.port}"
    RUN = Run(base=base, plan=PLAN, period=period, session_cookie=settings.SESSION_COOKIE_NAME)
    started = time.perf_counter()
    accounts_prepare(RUN, args.focal_points, args.readers)
    accounts = time.perf_counter() - started
    focal_points = list(RUN.focal_points)
    readers = list(RUN.readers)
    try:
        up = stack_wait(base, processes)
        worker_wait_ready(logs / "worker.log")
        started = time.perf_counter()
        refused = [] if args.no_warm_up else warm_up(RUN)
        warm = time.perf_counter() - started
        if refused:
            raise SystemExit("the warm-up was refused: " + "; ".join(refused[:10]))
        print(
            f"plan {PLAN}, quarter {period}; {len(focal_points)} focal points, 1 reviewer, "
            f"{len(readers)} readers; {len(RUN.pages)} pages and {len(RUN.api)} API reads each; "
            f"gunicorn: {gunicorn_size()}"
        )
        print(
            f"prepared: database {prepared:.1f} s, accounts {accounts:.1f} s; stack up in {up:.1f} s; "
            f"warm-up {warm:.1f} s; logs in {logs}"
        )
        RUN.focal_points = list(focal_points)
        RUN.readers = list(readers)
        FocalPoint.fixed_count = len(focal_points)
        ReaderUser.fixed_count = len(readers)
        # The reviewer needs the list of reports to return once: keep a copy.
        Reviewer.return_orgs = [fp.organisation for fp in focal_points if fp.returned_once]
        # At the end, each user finishes the request it is making (a save
        # whose answer never came would leave its figures unknown).
        environment = Environment(user_classes=[FocalPoint, Reviewer, ReaderUser], host=base, stop_timeout=60)
        runner = environment.create_local_runner()
        users = len(focal_points) + 1 + len(readers)
        runner.start(users, spawn_rate=max(10, users / 5))
        gevent.spawn_later(args.run_time, runner.quit)
        runner.greenlet.join()
        drained = scores_drain(PLAN, seconds=120)
    finally:
        stack_stop(processes)

    RUN.focal_points = focal_points
    figure_problems, counted = figures_check(RUN)
    score_problems, scores_checked = (
        (["the worker did not drain within 120 s"], 0) if drained < 0 else ([], 0)
    )
    more, scores_checked = scores_check(RUN)
    score_problems += more
    log_problems, logged = log_check(RUN, logs / "web.log")
    traced = tasks_with_request_ids(RUN, logs / "worker.log")

    total = sum(RUN.statuses.values())
    print(
        f"\n{args.run_time} s: {total} requests, {len(RUN.failures)} failed, "
        f"{len(RUN.server_errors)} server errors"
    )
    print(f"statuses: {dict(sorted(RUN.statuses.items()))}")
    print(
        f"{'group':<6} {'requests':>9} {'p50':>8} {'p95':>8} {'p99':>8} {'target p95':>11} {'p95/target':>11}"
    )
    latency_missed = []
    for group in ("write", "page", "api"):
        times = RUN.times.get(group, [])
        p95 = percentile(times, 0.95)
        ratio = p95 / TARGETS[group]
        if ratio >= 1:
            latency_missed.append(group)
        print(
            f"{group:<6} {len(times):>9} {percentile(times, 0.5):>6.0f}ms {p95:>6.0f}ms "
            f"{percentile(times, 0.99):>6.0f}ms {TARGETS[group]:>9}ms {ratio:>10.2f}×"
        )
    print_by_name(environment)
    print(
        f"reports: {counted.get('reports', 0)} saved, states {counted.get('states')}; rows checked: "
        f"{counted['figures']} figures, {counted['cells']} cells, {counted['activity updates']} activity "
        f"updates, {scores_checked} scores; worker drained in {drained:.1f} s"
    )
    print(
        f"request log: {logged['lines']} lines for {len(RUN.request_ids)} requests, "
        f"{logged['errors logged']} errors logged; approvals whose request id reached a task line: "
        f"{traced} of {len(RUN.approvals)}"
    )
    problems = figure_problems + score_problems + log_problems
    if RUN.server_errors:
        problems.append(f"server errors: {RUN.server_errors[:5]}")
    if RUN.failures:
        problems.append(f"failed requests: {RUN.failures[:5]}")
    if not RUN.approvals:
        problems.append("no report was approved")
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    if problems:
        return 1
    print("checks passed: every figure stored once as last saved, no stale score, no server error")
    if latency_missed:
        print(f"p95 target missed for: {', '.join(latency_missed)}")
        return 0 if args.latency_advisory else 2
    print("p95 targets met")
    return 0


def print_by_name(environment: Environment) -> None:
    """locust's own figures per request name."""
    print(f"  {'request':<44} {'count':>6} {'fails':>6} {'p50':>7} {'p95':>7} {'max':>7}")
    for (name, _method), entry in sorted(environment.stats.entries.items()):
        print(
            f"  {name:<44} {entry.num_requests:>6} {entry.num_failures:>6} "
            f"{entry.get_response_time_percentile(0.5):>5.0f}ms "
            f"{entry.get_response_time_percentile(0.95):>5.0f}ms {entry.max_response_time:>5.0f}ms"
        )


def gunicorn_size() -> str:
    from ntip.env import envint

    cpus = len(os.sched_getaffinity(0))
    workers = envint("GUNICORN_WORKERS", 2 * cpus + 1)
    return f"{workers} workers × {envint('GUNICORN_THREADS', 4)} threads (gunicorn.conf.py, {cpus} CPUs)"


if __name__ == "__main__":
    sys.exit(main())
