"""Stored scores as rows for the dashboard pages: one ScoreRow per node."""

from dataclasses import dataclass, replace

from django.db.models import Max, Q

from plans.models import Plan, ReportingPeriod
from reports.models import ScoreSnapshot
from reports.scoring import NO_DATA, SUM

LEAVES = ("indicator", "activity")


@dataclass(frozen=True)
class ScoreRow:
    """A node of the plan with its stored score at one period (None: not computed)."""

    kind: str
    id: int
    code: str
    name: str
    status: str | None = None
    progress: float | None = None
    achieved: float | None = None
    expected: float | None = None
    coverage: float | None = None
    counts: dict | None = None
    actual_value: float | None = None
    expected_value: float | None = None
    cancelled: bool = False
    lead: str = ""
    unit: str = ""
    role: str = ""
    # A leaf with no approved report for the period (NO_DATA): the period of
    # its latest approved figure, which its progress dates from ("" for none).
    reported_in: str = ""
    # An indicator counting people (docs/privacy.md): what its progress starts
    # from (0 for a flow, the baseline for a level), to work it out again from
    # the rounded count partners see (reports/dashboards/people_counts.py).
    counts_people: bool = False
    start: float = 0.0

    @property
    def progress_hidden(self) -> bool:
        """A count of people under the threshold, as partners see it ("<5"):
        no progress is shown for it (docs/privacy.md, "Progress")."""
        return self.counts_people and isinstance(self.actual_value, str)

    @property
    def has_no_report(self) -> bool:
        return self.status == NO_DATA and self.kind in LEAVES


SNAPSHOT_FIELDS = (
    "node_id",
    "status",
    "progress",
    "achieved",
    "expected",
    "coverage",
    "counts",
    "actual_value",
    "expected_value",
    "cancelled",
)


def snapshots_at(*, plan: Plan, period: ReportingPeriod, filters: Q) -> dict[tuple[str, int], dict]:
    rows = ScoreSnapshot.objects.filter(filters, plan=plan, period=period).values(
        "node_type", *SNAPSHOT_FIELDS
    )
    return {(row["node_type"], row["node_id"]): row for row in rows}


def score_row(kind: str, node, snapshot: dict | None, **extra) -> ScoreRow:
    scored = {}
    if snapshot is not None:
        scored = {name: snapshot[name] for name in SNAPSHOT_FIELDS if name in snapshot and name != "node_id"}
    if kind == "indicator":
        extra.setdefault("counts_people", node.counts_people)
        extra.setdefault("start", 0.0 if node.aggregation == SUM else float(node.baseline))
    return ScoreRow(kind=kind, id=node.pk, code=node.code, name=node.display_name, **scored, **extra)


def nodes_filter(node_type: str, ids) -> Q:
    return Q(node_type=node_type, node_id__in=list(ids))


def with_last_reported(rows: list[ScoreRow], *, plan: Plan, period: ReportingPeriod) -> list[ScoreRow]:
    """``rows`` with, for each leaf that has no report for the period, the
    period of its latest approved figure: "No report for 2026-Q3; progress as
    of 2026-Q2". One query, and none when every leaf reported.

    A leaf's stored coverage is 1 for a period with an approved figure of its
    own, so the latest such period before this one is where it dates from."""
    missing = [row for row in rows if row.has_no_report]
    if not missing:
        return rows
    filters = Q()
    for kind in LEAVES:
        ids = [row.id for row in missing if row.kind == kind]
        if ids:
            filters |= nodes_filter(kind, ids)
    latest = {
        (row["node_type"], row["node_id"]): row["last"]
        for row in ScoreSnapshot.objects.filter(
            filters, plan=plan, period__index__lt=period.index, coverage=1
        )
        .values("node_type", "node_id")
        .annotate(last=Max("period__code"))  # codes sort as the quarters do: 2024-Q4 < 2025-Q1
    }
    return [
        replace(row, reported_in=latest.get((row.kind, row.id), "")) if row.has_no_report else row
        for row in rows
    ]
