"""Stored scores as rows for the dashboard pages: one ScoreRow per node."""

from dataclasses import dataclass

from django.db.models import Q

from plans.models import Plan, ReportingPeriod
from reports.models import ScoreSnapshot


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
    return ScoreRow(kind=kind, id=node.pk, code=node.code, name=node.display_name, **scored, **extra)


def nodes_filter(node_type: str, ids) -> Q:
    return Q(node_type=node_type, node_id__in=list(ids))
