"""Benchmark: server time and SQL queries of every dashboard page, against a
trivial signed-in page as the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntip_bench \\
        .venv/bin/python bench/dashboards.py [--scale 10] [--requests 50]

Seeds ``seed_demo --scale N`` (idempotent) and computes its scores, then asks
each page ``--requests`` times through Django's test client as the secretariat
administrator, and prints the median and p95 server time, the queries, and the
ratios the dashboards issue sets: every page under 5× the floor and 150 ms
median, at most 15 queries whatever the plan's size. "First read" is a request
with nothing kept in the cache yet (the first after an approval): the median of
five, and its queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntip.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.seeded import benchmark_plan  # noqa: E402
from plans.models import Plan, User  # noqa: E402
from reports.models import ScoreSnapshot  # noqa: E402
from reports.scores.recompute import plan_scores_recompute  # noqa: E402


def pages(plan: Plan) -> dict[str, str]:
    pillar = plan.pillars.order_by("position", "code").first()
    objective = plan.objectives.order_by("position", "code").first()
    indicator = plan.indicators.order_by("position", "code").first()
    # The page's cost grows with its approved values: measure the largest too.
    largest = (
        plan.indicators.annotate(approved=Count("values", filter=Q(values__report__state="APPROVED")))
        .order_by("-approved", "code")
        .first()
    )
    organisation = indicator.lead
    base = f"/dashboards/{plan.code}"
    period = "?period=2026-Q2"
    return {
        "floor: plans list (/)": "/",
        "plan overview": f"{base}/{period}",
        "pillar": f"{base}/pillars/{pillar.code}/{period}",
        "objective": f"{base}/objectives/{objective.code}/{period}",
        "indicator": f"{base}/indicators/{indicator.code}/{period}",
        f"indicator, most values ({largest.code})": f"{base}/indicators/{largest.code}/{period}",
        # The demo's mid-term review revised I2.4.1's targets: both bases.
        "indicator, revised targets": f"{base}/indicators/I2.4.1/{period}",
        "  ... against the original": f"{base}/indicators/I2.4.1/{period}&targets=original",
        "organisation scorecard": f"{base}/organisations/{organisation.code}/{period}",
        "justice chain": f"{base}/justice-chain/{period}",
    }


FIRST_READS = 5


def first_read(client: Client, url: str) -> tuple[float, int]:
    times = []
    for _ in range(FIRST_READS):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries)


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches (templates, connections)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    setup_test_environment()  # the test client's ALLOWED_HOSTS ('testserver')
    plan, _seconds = benchmark_plan(args.scale)
    if not ScoreSnapshot.objects.filter(plan=plan).exists():
        plan_scores_recompute(plan_id=plan.pk, everything=True)

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    print(
        f"database: {connection.vendor}; plan {plan.code}: {plan.indicators.count()} indicators, "
        f"{plan.activities.count()} activities; {args.requests} requests per page"
    )
    print(f"{'page':<26} {'median':>9} {'p95':>9} {'× floor':>8} {'queries':>8} {'first read':>17}")
    floor = None
    for name, url in pages(plan).items():
        first, first_queries = first_read(client, url)
        median, p95, queries = measure(client, url, args.requests)
        floor = floor or median
        print(
            f"{name:<34} {median * 1000:>7.1f}ms {p95 * 1000:>7.1f}ms {median / floor:>7.2f}× {queries:>8}"
            f" {first * 1000:>7.1f}ms ({first_queries:>2} q)"
        )
    print("targets: median < 150 ms and < 5× the floor; at most 15 queries")


if __name__ == "__main__":
    main()
