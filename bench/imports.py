"""Benchmark: importing a large values file, as ``import_values`` runs it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntip_bench_imports \\
        .venv/bin/python bench/imports.py [--scale 10] [--periods 2026-Q4,2027-Q1]

Creates and migrates the database's tables if needed and seeds ``seed_demo
--scale N`` (idempotent). Then builds a values workbook with the figures of
every organisation of the plan for the given quarters (by default 2026-Q4 and
2027-Q1, which the demo leaves without reports: it approves 2024-Q1 to 2026-Q2
and has 2026-Q3 in progress): each organisation's every expected indicator,
one row per cell for a disaggregated one, and an update for each activity it
leads that is due. It times ``values_import`` as the command calls it (as the
system, ``actor=None``) in each mode:

- a dry run;
- into draft reports, then the same file again (must change nothing);
- ``--approve``, then the recompute of scores it triggers (inline after commit
  when there is no broker), then the same file again (must change nothing).

and prints the rows, seconds, rows per second and SQL queries of each. Every
mode runs inside a transaction that is rolled back afterwards, so the database
is left as it was (the import itself runs in a savepoint within it, as it runs
inside its own transaction from the command).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntip.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.seeded import benchmark_plan  # noqa: E402
from indicators.imports.files import ImportResult  # noqa: E402
from indicators.imports.values import values_import  # noqa: E402
from indicators.models import Dimension, Indicator, QuarterlyReport, cell_categories  # noqa: E402
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators  # noqa: E402
from indicators.quarterly_report.services import indicator_cells  # noqa: E402
from plans.models import Organisation, Plan, ScoreState  # noqa: E402
from reports.scores.recompute import plan_scores_recompute  # noqa: E402


class Rollback(Exception):
    """Raised to roll a mode's transaction back once it is measured."""


def reporting_organisations(plan: Plan) -> list[Organisation]:
    ids = set(plan.indicators.values_list("lead_id", flat=True))
    ids |= set(plan.indicators.values_list("contributors", flat=True))
    ids |= set(plan.activities.values_list("lead_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids - {None}).order_by("code"))


def figure(indicator: Indicator, rng: random.Random, share: int = 1) -> int:
    """A value that suits the measure; ``share`` is the number of cells it is split in."""
    if indicator.measure == "MILESTONE":
        return rng.randint(0, 1) if share == 1 else 0
    if indicator.measure == "PERCENT":
        return rng.randint(0, 100 // share)
    return rng.randint(0, 60)


def workbook_rows(plan: Plan, period_codes: list[str]) -> tuple[list[list], list[list]]:
    dimensions = list(Dimension.objects.order_by("code").values_list("code", flat=True))
    values = [["indicator", "organisation", "period", "value", "note", *dimensions]]
    updates = [["activity", "organisation", "period", "status", "percent_complete", "note"]]
    organisations = reporting_organisations(plan)
    for period in plan.periods.filter(code__in=period_codes).order_by("index"):
        for organisation in organisations:
            # An unsaved report: the selectors need only its organisation and period.
            report = QuarterlyReport(organisation=organisation, period=period)
            rng = random.Random(f"{organisation.code}|{period.code}")
            for indicator in report_expected_indicators(report).values():
                cells = indicator_cells(indicator)
                row = [indicator.code, organisation.code, period.code]
                if not cells:
                    values.append([*row, figure(indicator, rng), "", *[""] * len(dimensions)])
                for number, key in enumerate(cells):
                    chosen = cell_categories(key)
                    note = "from the provincial tally" if number == 0 else ""
                    values.append(
                        [
                            *row,
                            figure(indicator, rng, len(cells)),
                            note,
                            *(chosen.get(d, "") for d in dimensions),
                        ]
                    )
            for activity in report_expected_activities(report).values():
                updates.append(
                    [activity.code, organisation.code, period.code, "IN_PROGRESS", rng.randint(1, 99), ""]
                )
    return values, updates


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)


def run(label: str, rows: int, work: Callable[[], ImportResult]) -> ImportResult:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    counts = ", ".join(
        f"{kind} {outcome[0]}{count}"
        for outcome, by_kind in (("+", result.created), ("~", result.updated))
        for kind, count in by_kind.items()
    )
    print(
        f"{label:<34} {rows:>6} {seconds:>8.2f} {rows / seconds:>8.0f} {len(queries):>8}"
        f"  {counts or 'nothing changed'}"
    )
    return result


def in_rollback(steps: Callable[[], None]) -> None:
    try:
        with transaction.atomic():
            steps()
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument(
        "--periods", default="2026-Q4,2027-Q1", help="quarters without reports, comma-separated"
    )
    args = parser.parse_args()

    plan, seed_seconds = benchmark_plan(args.scale)
    # CaptureQueriesContext counts what the connection logs, by default the last 9,000 queries only.
    connection.queries_log = deque(maxlen=None)
    period_codes = args.periods.split(",")
    if QuarterlyReport.objects.filter(period__plan=plan, period__code__in=period_codes).exists():
        sys.exit(f"{args.periods}: some reports exist already; choose quarters without reports.")

    values, updates = workbook_rows(plan, period_codes)
    rows = len(values) + len(updates) - 2
    cells = sum(1 for row in values[1:] if any(row[5:]))
    path = Path(tempfile.mkdtemp()) / "values.xlsx"
    write_workbook(path, {"indicator_values": values, "activity_updates": updates})

    def values_file(**options) -> ImportResult:
        return values_import(actor=None, path_or_file=path, plan=plan.code, **options)

    print(f"database: {connection.vendor}; plan {plan.code}; seed --scale {args.scale}: {seed_seconds:.1f} s")
    print(
        f"file: {args.periods}, {rows} rows ({len(values) - 1} indicator values of which {cells} cells, "
        f"{len(updates) - 1} activity updates), {len(reporting_organisations(plan))} organisations, "
        f"{path.stat().st_size // 1024} KiB"
    )
    print(f"{'mode':<34} {'rows':>6} {'seconds':>8} {'rows/s':>8} {'queries':>8}")

    run("dry run", rows, lambda: values_file(dry_run=True))

    def drafts():
        run("into draft reports", rows, values_file)
        again = run("  the same file again", rows, values_file)
        assert not again.changed, (again.created, again.updated)

    in_rollback(drafts)

    def approved():
        run("--approve", rows, lambda: values_file(approve=True))
        # What the commit sets off when there is no broker (CELERY_TASK_ALWAYS_EAGER).
        with CaptureQueriesContext(connection) as queries:
            recompute_started = time.perf_counter()
            written = plan_scores_recompute(plan_id=plan.pk).snapshots
            recompute_s = time.perf_counter() - recompute_started
        print(
            f"  score recompute it triggers: {recompute_s:.2f} s, {len(queries)} queries, {written} snapshots"
        )
        version = ScoreState.objects.get(plan=plan).version
        again = run("  the same file again", rows, lambda: values_file(approve=True))
        assert not again.changed, (again.created, again.updated)
        assert ScoreState.objects.get(plan=plan).version == version, "re-import marked the scores stale"

    in_rollback(approved)
    print("each mode was rolled back: the database is as it was")


if __name__ == "__main__":
    main()
