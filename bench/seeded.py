"""The plan every benchmark measures: ``seed_demo --scale N`` on the database
DATABASE_URL names. Import after ``django.setup()``."""

import os
import time

from django.core.management import call_command
from django.db import connection

from plans.models import Plan


def benchmark_plan(scale: int) -> tuple[Plan, float]:
    """Migrate, seed the plan N times as large as the demo (idempotent: a run
    on a seeded database adds nothing) and return it with the seconds taken."""
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", scale=scale, verbosity=0, stdout=quiet)
    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics until autovacuum runs; production has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return max(Plan.objects.all(), key=lambda p: p.indicators.count()), seconds
