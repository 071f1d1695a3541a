"""Benchmark: recomputing a plan's scores, against the floor of merely reading
its approved figures and writing its snapshot rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntip_bench \\
        .venv/bin/python bench/scores.py [--scale 10] [--repeat 3]

Creates and migrates the database's tables if needed, seeds ``seed_demo --scale N``
(idempotent), then prints each figure (median of the repeats) and the ratios the
scores issue sets as targets: full recompute within 3× the floor and under 10 s;
recompute after one approval in the latest period under 1 s.
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

from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.seeded import benchmark_plan  # noqa: E402
from indicators.models import ActivityUpdate, IndicatorValue, ReportState  # noqa: E402
from plans.models import Plan  # noqa: E402
from plans.services import scores_mark_stale  # noqa: E402
from reports.models import ScoreSnapshot  # noqa: E402
from reports.scores.recompute import plan_scores_recompute  # noqa: E402


def timed(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def floor(plan: Plan) -> None:
    """Read every approved value and update, and write as many snapshot rows
    as a full recompute writes: the I/O no recompute can avoid."""
    values = list(
        IndicatorValue.objects.filter(indicator__plan=plan, report__state=ReportState.APPROVED).values_list(
            "indicator_id", "report__period__index", "report__organisation_id", "value"
        )
    )
    updates = list(
        ActivityUpdate.objects.filter(activity__plan=plan, report__state=ReportState.APPROVED).values_list(
            "activity_id", "report__period__index", "status", "percent_complete"
        )
    )
    template = list(ScoreSnapshot.objects.filter(plan=plan).values_list("period_id", "node_type", "node_id"))
    now = timezone.now()
    with transaction.atomic():
        ScoreSnapshot.objects.filter(plan=plan).delete()
        ScoreSnapshot.objects.bulk_create(
            [
                ScoreSnapshot(
                    plan=plan,
                    period_id=period_id,
                    node_type=node_type,
                    node_id=node_id,
                    code="x",
                    progress=0.5,
                    achieved=0.5,
                    expected=0.5,
                    status="ON_TRACK",
                    coverage=1.0,
                    counts={},
                    computed_at=now,
                )
                for period_id, node_type, node_id in template
            ],
            batch_size=2000,
        )
    return len(values) + len(updates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    plan, seed_seconds = benchmark_plan(args.scale)
    plan_scores_recompute(plan_id=plan.pk, everything=True)  # warm up, and lay out the rows

    counts = {
        "indicators": plan.indicators.count(),
        "activities": plan.activities.count(),
        "approved values": IndicatorValue.objects.filter(
            indicator__plan=plan, report__state=ReportState.APPROVED
        ).count(),
        "snapshot rows": ScoreSnapshot.objects.filter(plan=plan).count(),
    }
    # Each round: the floor (which also scrambles every stored row), then a full
    # recompute that must rewrite every row, then one with nothing to change.
    floors, fulls, nightlies = [], [], []
    for _ in range(args.repeat):
        floors.append(timed(lambda: floor(plan), 1))
        fulls.append(timed(lambda: plan_scores_recompute(plan_id=plan.pk, everything=True), 1))
        nightlies.append(timed(lambda: plan_scores_recompute(plan_id=plan.pk, everything=True), 1))
    floor_s, full_s, nightly_s = (statistics.median(runs) for runs in (floors, fulls, nightlies))

    latest = plan.periods.filter(reports__state=ReportState.APPROVED).order_by("-index").first()
    value = IndicatorValue.objects.filter(report__period=latest, report__state=ReportState.APPROVED).first()

    def one_approval():
        """As an approval does with no broker: change a figure, mark the plan
        stale from its period, commit; the recompute runs inline after commit."""
        with transaction.atomic():
            IndicatorValue.objects.filter(pk=value.pk).update(value=F("value") + 1)
            scores_mark_stale(plan_id=plan.pk, from_index=latest.index)

    one_s = timed(one_approval, args.repeat)

    print(f"database: {connection.vendor}; plan {plan.code}; seed --scale {args.scale}: {seed_seconds:.1f} s")
    for name, count in counts.items():
        print(f"  {name:>16}: {count}")
    print(f"floor (read approved figures, write every snapshot row): {floor_s:.3f} s")
    print(
        f"full recompute, every row rewritten:                    {full_s:.3f} s"
        f"  = {full_s / floor_s:.2f}x the floor (target <= 3x and < 10 s)"
    )
    print(f"full recompute, nothing changed (nightly):               {nightly_s:.3f} s")
    print(f"one approval in {latest.code}, recomputed inline after commit: {one_s:.3f} s  (target < 1 s)")
    print(f"medians of {args.repeat} runs")


if __name__ == "__main__":
    main()
