"""What changed in a report since the version the reviewer last saw, read from
the figures' history (django-simple-history).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Category,
    DisaggregatedValue,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    cell_categories,
)


class Change(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FieldChange:
    """One field of a line that differs: ``old`` → ``new`` as shown to a reader
    ("" where there was nothing)."""

    label: str
    old: str
    new: str


@dataclass
class LineChange:
    object_id: int  # the indicator's or the activity's id
    change: Change
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ReportChanges:
    """How the report's figures differ from the version before the one on screen.

    ``since`` is when that earlier version was submitted (None: this is the
    first version); ``since_approved`` says it had been approved. Lines are keyed
    by indicator id and activity id; removed lines are there too. ``untracked``
    counts lines first written without history (bulk imports, demo data), whose
    earlier state is not known: they are shown as unchanged.
    """

    since: datetime.datetime | None = None
    since_approved: bool = False
    indicators: dict[int, LineChange] = field(default_factory=dict)
    activities: dict[int, LineChange] = field(default_factory=dict)
    untracked: int = 0

    @property
    def first_version(self) -> bool:
        return self.since is None

    def count(self, change: Change) -> int:
        return sum(
            1 for line in (*self.indicators.values(), *self.activities.values()) if line.change == change
        )

    @property
    def added(self) -> int:
        return self.count(Change.ADDED)

    @property
    def changed(self) -> int:
        return self.count(Change.CHANGED)

    @property
    def removed(self) -> int:
        return self.count(Change.REMOVED)


INDICATOR_FIELDS = [
    ("value", _("value")),
    ("note", _("note")),
    ("gap_reason", _("reason for the gap")),
    ("corrective_action", _("corrective action")),
]


ACTIVITY_FIELDS = [
    ("status", _("status")),
    ("percent_complete", _("percent complete")),
    ("note", _("note")),
]


def shown_number(value: Decimal | None) -> str:
    """10.0000 → "10", 2.5000 → "2.5"; None → ""."""
    return "" if value is None else format(value.normalize(), "f")


def shown_field(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return shown_number(value)
    if name == "status":
        return str(ActivityStatus(value).label) if value in ActivityStatus.values else value
    return str(value)


def cell_labels() -> dict[str, tuple[str, str]]:
    """(dimension code, category code) → readable names, for every category."""
    return {
        (c.dimension.code, c.code): (c.dimension.display_name, c.display_name)
        for c in Category.objects.select_related("dimension")
    }


def cell_label(key: str, labels: dict) -> str:
    """``age_group=U15;sex=F`` → ``Age group: Under 15 · Sex: Female``."""
    parts = []
    for dim, cat in cell_categories(key).items():
        dim_name, cat_name = labels.get((dim, cat), (dim, cat))
        parts.append(f"{dim_name}: {cat_name}")
    return " · ".join(parts)


def history_as_of(records: list, at: datetime.datetime, key) -> tuple[dict, set]:
    """From history rows in time order: the row each key had at ``at`` (keys
    deleted or not yet created then are left out), and the keys whose row at
    ``at`` is known: those with a record by then, or whose history starts
    later with their creation or deletion. A history that starts later with a
    change means the row was first written without history (a bulk import): what
    it held at ``at`` is not known."""
    rows, known, seen = {}, set(), set()
    for record in records:
        k = key(record)
        if k not in seen:
            seen.add(k)
            if record.history_date <= at or record.history_type != "~":
                known.add(k)
            if record.history_date > at and record.history_type == "-":
                rows[k] = record  # deleted later, unchanged till then
        if record.history_date <= at:
            if record.history_type == "-":
                rows.pop(k, None)
            else:
                rows[k] = record
    return rows, known


def line_change(object_id: int, before, now, fields, extra: list[FieldChange] = ()) -> LineChange:
    if before is None:
        return LineChange(object_id, Change.ADDED)
    if now is None:
        return LineChange(
            object_id,
            Change.REMOVED,
            [FieldChange(label, shown_field(name, getattr(before, name)), "") for name, label in fields[:2]],
        )
    diffs = [
        FieldChange(label, shown_field(name, getattr(before, name)), shown_field(name, getattr(now, name)))
        for name, label in fields
        if getattr(before, name) != getattr(now, name)
    ] + list(extra)
    return LineChange(object_id, Change.CHANGED if diffs else Change.UNCHANGED, diffs)


def report_versions_since(report: QuarterlyReport, events: list[ReportEvent]) -> tuple:
    """When the version before the one on screen was submitted, and whether it was approved.

    A SUBMITTED or APPROVED report shows its last submission, so it is compared
    with the submission before; a DRAFT or RETURNED one shows work in progress,
    compared with its last submission. Figures cannot change between a
    submission and its approval, so "at the previous approval" is the same point.
    """
    submissions = [e.at for e in events if e.to_state == ReportState.SUBMITTED]
    current = None
    if report.state in (ReportState.SUBMITTED, ReportState.APPROVED) and submissions:
        current = submissions.pop()
    if not submissions:
        return None, False
    since = submissions[-1]
    approved = any(
        e.to_state == ReportState.APPROVED and e.at > since and (current is None or e.at < current)
        for e in events
    )
    return since, approved


def report_changes_since_last_version(report: QuarterlyReport) -> ReportChanges:
    """What changed in the report's figures and updates since its previous version.

    Compares the current lines with those as of the previous submission, read
    from django-simple-history's records: lines added, changed (old → new, cell
    by cell for disaggregated figures) and removed. Eight queries at most,
    whatever the report's size.
    """
    events = list(report.events.order_by("at", "id"))
    values = list(IndicatorValue.objects.filter(report=report).prefetch_related("cells"))
    updates = list(ActivityUpdate.objects.filter(report=report))
    return changes_between(report, events, values, updates)


def changes_between(
    report: QuarterlyReport,
    events: list[ReportEvent],
    values: list[IndicatorValue],
    updates: list[ActivityUpdate],
    labels: dict | None = None,
) -> ReportChanges:
    """report_changes_since_last_version(), given the report's events and its
    current lines (so that a page that shows them reads them only once)."""
    since, since_approved = report_versions_since(report, events)
    if since is None:
        return ReportChanges()
    changes = ReportChanges(since=since, since_approved=since_approved)
    indicator_changes(changes, report, since, values, labels)
    activity_changes(changes, report, since, updates)
    return changes


def indicator_changes(
    changes: ReportChanges,
    report: QuarterlyReport,
    since: datetime.datetime,
    values: list[IndicatorValue],
    labels: dict | None,
) -> None:
    value_history = list(
        IndicatorValue.history.filter(report_id=report.pk).order_by("history_date", "history_id")
    )
    before_values, known_values = history_as_of(value_history, since, key=lambda r: r.indicator_id)
    cells_by_value, known_cells = cells_as_of(report, since)
    if labels is None:
        labels = cell_labels() if cells_by_value or any(v.cells.all() for v in values) else {}
    compare_lines(
        changes,
        changes.indicators,
        {v.indicator_id: v for v in values},
        before_values,
        known_values,
        lambda indicator_id, before, now: line_change(
            indicator_id,
            before,
            now,
            INDICATOR_FIELDS,
            cell_changes(now, before, cells_by_value, known_cells, labels),
        ),
    )


def activity_changes(
    changes: ReportChanges, report: QuarterlyReport, since: datetime.datetime, updates: list[ActivityUpdate]
) -> None:
    update_history = ActivityUpdate.history.filter(report_id=report.pk).order_by("history_date", "history_id")
    before_updates, known_updates = history_as_of(list(update_history), since, key=lambda r: r.activity_id)
    compare_lines(
        changes,
        changes.activities,
        {u.activity_id: u for u in updates},
        before_updates,
        known_updates,
        lambda activity_id, before, now: line_change(activity_id, before, now, ACTIVITY_FIELDS),
    )


def compare_lines(
    changes: ReportChanges,
    lines: dict[int, LineChange],
    now_lines: dict,
    before_lines: dict,
    known: set,
    compare,
) -> None:
    """Each line now or then, keyed by its indicator or activity id, into
    ``lines``: ``compare(id, before, now)`` tells how it changed."""
    for object_id in now_lines.keys() | before_lines.keys():
        now, before = now_lines.get(object_id), before_lines.get(object_id)
        if now is not None and object_id not in known:
            # Written without history: nothing to compare it with.
            changes.untracked += 1
            lines[object_id] = LineChange(object_id, Change.UNCHANGED)
        else:
            lines[object_id] = compare(object_id, before, now)


def cells_as_of(report: QuarterlyReport, since: datetime.datetime) -> tuple[dict, set]:
    """The disaggregated cells of the report's figures at ``since`` (figure id →
    cell → number), and the (figure id, cell) pairs whose value then is known."""
    # A figure deleted since is only in history, and one written without
    # history only in the table: the cells of either may have history.
    cell_history = DisaggregatedValue.history.filter(
        Q(indicator_value_id__in=IndicatorValue.history.filter(report_id=report.pk).values("id"))
        | Q(indicator_value_id__in=IndicatorValue.objects.filter(report_id=report.pk).values("id"))
    ).order_by("history_date", "history_id")
    before_cells, known_cells = history_as_of(
        list(cell_history), since, key=lambda r: (r.indicator_value_id, r.cell)
    )
    cells_by_value = defaultdict(dict)
    for (value_id, cell), row in before_cells.items():
        cells_by_value[value_id][cell] = row.value
    return cells_by_value, known_cells


def cell_changes(now, before, cells_by_value: dict, known_cells: set, labels: dict) -> list[FieldChange]:
    """Cell by cell, how a disaggregated figure changed; nothing for a line
    added or removed, which is shown whole."""
    if now is None or before is None:
        return []
    cells_now = {c.cell: c.value for c in now.cells.all()}
    cells_before = dict(cells_by_value.get(before.id, {}))
    for cell, number in cells_now.items():
        # A cell first written without history: nothing to compare it with.
        if (now.pk, cell) not in known_cells:
            cells_before.setdefault(cell, number)
    return [
        FieldChange(
            cell_label(cell, labels),
            shown_number(cells_before.get(cell)),
            shown_number(cells_now.get(cell)),
        )
        for cell in sorted(cells_now.keys() | cells_before.keys())
        if cells_before.get(cell) != cells_now.get(cell)
    ]
