"""Benchmark: the data exchange, a values import and the exports of every value.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntip_bench_exchange \\
        .venv/bin/python bench/exchange.py [--scale 10] [--rows 10000]

Creates and migrates the database's tables if needed and seeds ``seed_demo
--scale N`` (idempotent). Then:

- **import**: a values workbook of ``--rows`` rows (every reporting
  organisation's figures for the latest quarters that have begun, one row
  per cell, and its activity updates; built as bench/imports.py builds its
  file), imported with ``indicators.imports.values.values_import`` as the
  command runs it, as a dry run and for real (into draft reports). The
  quarters' reports are deleted first, inside a transaction rolled back
  afterwards, so the database is left as it was.
- **export**: every approved value of the plan, as the secretariat exports
  it, in CSV, XLSX and JSON, through the same reads and writers as the API
  (reports/exports/), written to /dev/null (XLSX to a temporary file): rows
  per second (the best of three untraced runs), peak Python memory (a run
  traced with tracemalloc), and for CSV the memory at half and at all of the
  rows (flat: it does not grow with the rows).

Prints each figure with its ratio to the target (import ≥ 1,000 rows/s; CSV
≥ 20,000 rows/s with flat memory; XLSX ≥ 5,000 rows/s).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntip.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.imports import Rollback, workbook_rows, write_workbook  # noqa: E402
from bench.seeded import benchmark_plan  # noqa: E402
from indicators.imports.values import values_import  # noqa: E402
from indicators.models import QuarterlyReport  # noqa: E402
from plans.models import Plan, User  # noqa: E402
from reports.exports import writers  # noqa: E402
from reports.exports.datasets import export_ask, export_table  # noqa: E402

TARGETS = {"import": 1_000, "csv": 20_000, "xlsx": 5_000, "json": None}


def ratio(rate: float, target: int | None) -> str:
    return f"{rate / target:.2f}× the target ({target:,}/s)" if target else "(no target)"


# --- import -------------------------------------------------------------------------


def import_file(plan: Plan, rows_wanted: int) -> tuple[Path, int, list[str]]:
    """The latest begun quarters, newest first, until the file has enough rows."""
    today = timezone.localdate()
    periods = list(plan.periods.filter(start__lte=today).order_by("-index").values_list("code", flat=True))
    chosen: list[str] = []
    values, updates = [[]], [[]]
    for code in periods:
        chosen.append(code)
        values, updates = workbook_rows(plan, chosen)
        if len(values) + len(updates) - 2 >= rows_wanted:
            break
    # Cut to the rows wanted (values first; a report may hold part of its lines as a draft).
    values = values[: rows_wanted + 1]
    updates = updates[: max(0, rows_wanted - (len(values) - 1)) + 1]
    path = Path(tempfile.mkdtemp()) / "values.xlsx"
    write_workbook(path, {"indicator_values": values, "activity_updates": updates})
    return path, len(values) + len(updates) - 2, chosen


def bench_import(plan: Plan, rows_wanted: int) -> None:
    path, rows, quarters = import_file(plan, rows_wanted)
    print(f"\nimport: {rows:,} rows for {', '.join(sorted(quarters))}, {path.stat().st_size // 1024} KiB")
    print(f"{'mode':<24} {'rows':>7} {'seconds':>8} {'rows/s':>8}  ratio")
    try:
        with transaction.atomic():
            # Free the quarters: the demo has reports in them (rolled back below).
            QuarterlyReport.objects.filter(period__plan=plan, period__code__in=quarters).delete()
            for label, options in (("dry run", {"dry_run": True}), ("for real (drafts)", {})):
                started = time.perf_counter()
                result = values_import(actor=None, path_or_file=path, plan=plan.code, **options)
                seconds = time.perf_counter() - started
                assert result.ok, result.errors[:5]
                rate = rows / seconds
                print(
                    f"{label:<24} {rows:>7,} {seconds:>8.2f} {rate:>8.0f}  {ratio(rate, TARGETS['import'])}"
                )
            raise Rollback
    except Rollback:
        pass
    print("the import was rolled back: the database is as it was")


# --- export ---------------------------------------------------------------------------


def export_once(
    user, plan: Plan, fmt: str, *, trace: bool = False, watch_at=()
) -> tuple[int, float, int, list]:
    """(rows, seconds, peak bytes, [memory in use when each of watch_at rows had
    been read]). Timed runs are not traced: tracemalloc slows every allocation."""
    ask = export_ask(user=user, plan=plan, dataset="values", fmt=fmt, params={})
    table = export_table(user=user, ask=ask)
    seen = {"rows": 0}
    memory: list[int] = []

    def counted(rows):
        for row in rows:
            seen["rows"] += 1
            if seen["rows"] in watch_at:
                memory.append(tracemalloc.get_traced_memory()[0])
            yield row

    table.rows = counted(table.rows)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        if fmt == "xlsx":
            with tempfile.TemporaryFile() as target:
                writers.xlsx_write(target, table.columns, table.rows, sheet=table.sheet)
        else:
            chunks = writers.csv_chunks if fmt == "csv" else writers.json_chunks
            for chunk in chunks(table.columns, table.rows):
                sink.write(chunk)
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seen["rows"], seconds, peak, memory


def bench_export(plan: Plan) -> None:
    user = User.objects.filter(role="secretariat_reviewer", is_active=True).first()
    approved = QuarterlyReport.objects.filter(period__plan=plan, state="APPROVED").count()
    print(f"\nexport: every approved value of the plan ({approved:,} approved reports), as {user.username}")
    print(f"{'format':<6} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'peak MiB':>9}  ratio")
    rows_all = 0
    for fmt in ("csv", "xlsx", "json"):
        best = min(export_once(user, plan, fmt)[1] for _ in range(3))
        rows_all, _, peak, _ = export_once(user, plan, fmt, trace=True)
        rate = rows_all / best
        mib = peak / 2**20
        print(f"{fmt:<6} {rows_all:>8,} {best:>8.2f} {rate:>8.0f} {mib:>9.1f}  {ratio(rate, TARGETS[fmt])}")
    _, _, _, (half, full) = export_once(user, plan, "csv", trace=True, watch_at=(rows_all // 2, rows_all))
    growth = full / half if half else float("inf")
    print(
        f"csv memory in use: {half / 2**20:.2f} MiB after half of the rows, {full / 2**20:.2f} MiB after "
        f"all of them ({growth:.2f}×; flat is 1×)"
    )
    print("(seconds: the best of three untraced runs; peak: a run traced with tracemalloc)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    plan, seed_seconds = benchmark_plan(args.scale)
    print(f"database: {connection.vendor}; plan {plan.code}; seed --scale {args.scale}: {seed_seconds:.1f} s")
    if not args.skip_import:
        bench_import(plan, args.rows)
    bench_export(plan)


if __name__ == "__main__":
    main()
