"""What changed in a report since the version the reviewer last saw, and who
wrote each line, read from the lines' history (django-simple-history).

Every change counts: a figure, a cell of a split figure, a note, a reason for
the gap, a corrective action, an activity's status, percent complete or note,
an evidence file added or removed. Every write of the report's services
records who made it (quarterly_report/services.py), imports included; a line
first written without history (the demo data, imports before history was kept)
gets a record of what it held before its first change, which counts as known
from the start (STATE_BEFORE_HISTORY).
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
    Evidence,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    cell_categories,
)
from indicators.quarterly_report.services import IMPORT_REASON, STATE_BEFORE_HISTORY
from plans.formatting import number_text


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


@dataclass(frozen=True)
class LineAuthor:
    """Who last wrote a line, from its history: a person, or no one (the
    system's import, or a state from before history was kept)."""

    user: object | None
    at: datetime.datetime
    reason: str = ""

    @property
    def imported(self) -> bool:
        return self.reason == IMPORT_REASON

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.username
        return ""


@dataclass
class ReportChanges:
    """How the report's lines differ from the version before the one on screen.

    ``since`` is when that earlier version was submitted (None: this is the
    first version); ``since_approved`` says it had been approved. Lines are keyed
    by indicator id and activity id; removed lines are there too.
    ``report_evidence`` are the changes to files not tied to one indicator.
    ``untracked`` counts lines without any history (written in bulk before
    history was kept, and never changed since): shown as unchanged.
    """

    since: datetime.datetime | None = None
    since_approved: bool = False
    indicators: dict[int, LineChange] = field(default_factory=dict)
    activities: dict[int, LineChange] = field(default_factory=dict)
    report_evidence: list[FieldChange] = field(default_factory=list)
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
    def report_evidence_change(self) -> LineChange:
        return LineChange(0, Change.CHANGED, self.report_evidence)

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.report_evidence)

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

EVIDENCE = _("evidence file")


def shown_number(value: Decimal | None) -> str:
    """10.0000 → "10", 2.5000 → "2.5", 1362 → "1,362" (plans.formatting); None → ""."""
    return "" if value is None else number_text(value)


def shown_field(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return shown_number(value)
    if name == "status":
        return str(ActivityStatus(value).label) if value in ActivityStatus.values else value
    return str(value)


# --- Cells: their names and the dimension's order -------------------------------------


@dataclass
class CellNames:
    """Readable names of the disaggregation cells, and their order: each
    dimension's categories by Category.position, as the report form lays
    out its grid."""

    labels: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    positions: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """``age_group=U15;sex=F`` → ``Age group: Under 15 · Sex: Female``."""
        parts = []
        for dim, cat in cell_categories(key).items():
            dim_name, cat_name = self.labels.get((dim, cat), (dim, cat))
            parts.append(f"{dim_name}: {cat_name}")
        return " · ".join(parts)

    def sort_key(self, key: str) -> tuple:
        # Unknown categories last, by code: a cell of a category since deleted.
        return tuple(
            self.positions.get((dim, cat), (2**31, cat)) for dim, cat in cell_categories(key).items()
        )

    def ordered(self, keys) -> list[str]:
        return sorted(keys, key=self.sort_key)


def cell_names() -> CellNames:
    """Every category's names and position: one query."""
    names = CellNames()
    for c in Category.objects.select_related("dimension"):
        names.labels[(c.dimension.code, c.code)] = (c.dimension.display_name, c.display_name)
        names.positions[(c.dimension.code, c.code)] = (c.position, c.code)
    return names


# --- The history of a report's lines --------------------------------------------------


@dataclass
class ReportHistory:
    """The history records of a report's lines, oldest first, read once."""

    values: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    # Evidence files removed, with what they were (the rows are gone).
    removed_evidence: list = field(default_factory=list)


def report_history(report: QuarterlyReport) -> ReportHistory:
    """Four queries: the history of the report's figures, of their cells, of
    its activity updates, and its evidence files removed."""
    order = ("history_date", "history_id")
    values = list(
        IndicatorValue.history.filter(report_id=report.pk).select_related("history_user").order_by(*order)
    )
    # A figure deleted since is only in history, and one written without
    # history only in the table: the cells of either may have history.
    cells = list(
        DisaggregatedValue.history.filter(
            Q(indicator_value_id__in={v.id for v in values})
            | Q(indicator_value_id__in=IndicatorValue.objects.filter(report_id=report.pk).values("id"))
        )
        .select_related("history_user")
        .order_by(*order)
    )
    updates = list(
        ActivityUpdate.history.filter(report_id=report.pk).select_related("history_user").order_by(*order)
    )
    removed = list(Evidence.history.filter(report_id=report.pk, history_type="-").order_by(*order))
    return ReportHistory(values=values, cells=cells, updates=updates, removed_evidence=removed)


def line_authors(history: ReportHistory) -> tuple[dict[int, LineAuthor], dict[int, LineAuthor]]:
    """Who last wrote each line, by indicator id and by activity id: the
    newest record of the figure or of one of its cells, of the update."""
    value_indicator = {record.id: record.indicator_id for record in history.values}
    newest: dict[tuple[str, int], object] = {}
    for kind, records, key in (
        ("indicator", history.values, lambda r: r.indicator_id),
        ("indicator", history.cells, lambda r: value_indicator.get(r.indicator_value_id)),
        ("activity", history.updates, lambda r: r.activity_id),
    ):
        for record in records:
            object_id = key(record)
            if object_id is None:
                continue
            known = newest.get((kind, object_id))
            if known is None or (record.history_date, record.history_id) >= (
                known.history_date,
                known.history_id,
            ):
                newest[(kind, object_id)] = record
    authors = {"indicator": {}, "activity": {}}
    for (kind, object_id), record in newest.items():
        authors[kind][object_id] = LineAuthor(
            record.history_user, record.history_date, record.history_change_reason or ""
        )
    return authors["indicator"], authors["activity"]


def history_as_of(records: list, at: datetime.datetime, key) -> tuple[dict, set]:
    """From history rows in time order: the row each key had at ``at`` (keys
    deleted or not yet created then are left out), and the keys whose row at
    ``at`` is known: those with a record by then, or whose history starts
    later with their creation or deletion, or with the state they held before
    history was kept. A history that starts later with a plain change means
    the row was first written without history, and its earlier state was not
    recorded: what it held at ``at`` is not known."""
    rows, known, seen = {}, set(), set()
    for record in records:
        k = key(record)
        baseline = record.history_change_reason == STATE_BEFORE_HISTORY
        if k not in seen:
            seen.add(k)
            if record.history_date <= at or record.history_type != "~" or baseline:
                known.add(k)
            if record.history_date > at and (record.history_type == "-" or baseline):
                rows[k] = record  # unchanged till then
        if record.history_date <= at:
            if record.history_type == "-":
                rows.pop(k, None)
            else:
                rows[k] = record
    return rows, known


# --- Comparing ------------------------------------------------------------------------


def line_change(object_id: int, before, now, fields, extra: list[FieldChange] = ()) -> LineChange:
    if before is None:
        return LineChange(object_id, Change.ADDED, list(extra))
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
    """What changed in the report's lines since its previous version.

    Compares the current lines with those as of the previous submission, read
    from django-simple-history's records: lines added, changed (old → new, cell
    by cell for disaggregated figures, evidence files added or removed) and
    removed. Ten queries at most, whatever the report's size.
    """
    events = list(report.events.order_by("at", "id"))
    values = list(IndicatorValue.objects.filter(report=report).prefetch_related("cells"))
    updates = list(ActivityUpdate.objects.filter(report=report))
    evidence = list(Evidence.objects.filter(report=report))
    return changes_between(report, events, values, updates, evidence, report_history(report))


def changes_between(
    report: QuarterlyReport,
    events: list[ReportEvent],
    values: list[IndicatorValue],
    updates: list[ActivityUpdate],
    evidence: list[Evidence],
    history: ReportHistory,
    names: CellNames | None = None,
) -> ReportChanges:
    """report_changes_since_last_version(), given the report's events, its
    current lines and their history (so that a page that shows them reads them
    only once)."""
    since, since_approved = report_versions_since(report, events)
    if since is None:
        return ReportChanges()
    changes = ReportChanges(since=since, since_approved=since_approved)
    files = evidence_changes(since, evidence, history.removed_evidence)
    changes.report_evidence = files.pop(None, [])
    if names is None:
        names = cell_names() if history.cells or any(v.cells.all() for v in values) else CellNames()
    indicator_changes(changes, since, values, history, names, files)
    activity_changes(changes, since, updates, history)
    return changes


def evidence_changes(since: datetime.datetime, evidence: list[Evidence], removed: list) -> dict:
    """Files added and removed since, by indicator id (None: the whole report).
    A file is never changed, only added or removed, and each knows when it
    was uploaded: added since, it was not there then; removed since, it was,
    unless it had been added since too."""
    files = defaultdict(list)
    for item in evidence:
        if item.uploaded_at > since:
            files[item.indicator_id].append(FieldChange(str(EVIDENCE), "", item.original_name))
    for record in removed:
        if record.history_date > since and record.uploaded_at <= since:
            files[record.indicator_id].append(FieldChange(str(EVIDENCE), record.original_name, ""))
    return files


def indicator_changes(
    changes: ReportChanges,
    since: datetime.datetime,
    values: list[IndicatorValue],
    history: ReportHistory,
    names: CellNames,
    files: dict,
) -> None:
    before_values, known_values = history_as_of(history.values, since, key=lambda r: r.indicator_id)
    cells_by_value, known_cells = cells_as_of(history.cells, since)
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
            cell_changes(now, before, cells_by_value, known_cells, names) + files.get(indicator_id, []),
        ),
        files,
    )
    for indicator_id, file_changes in files.items():
        # Files changed on a line that has no figure, then or now.
        changes.indicators.setdefault(indicator_id, LineChange(indicator_id, Change.CHANGED, file_changes))


def activity_changes(
    changes: ReportChanges, since: datetime.datetime, updates: list[ActivityUpdate], history: ReportHistory
) -> None:
    before_updates, known_updates = history_as_of(history.updates, since, key=lambda r: r.activity_id)
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
    files: dict | None = None,
) -> None:
    """Each line now or then, keyed by its indicator or activity id, into
    ``lines``: ``compare(id, before, now)`` tells how it changed."""
    for object_id in now_lines.keys() | before_lines.keys():
        now, before = now_lines.get(object_id), before_lines.get(object_id)
        if now is not None and object_id not in known:
            # No history at all: never written since history was kept.
            changes.untracked += 1
            extra = (files or {}).get(object_id, [])
            lines[object_id] = LineChange(object_id, Change.CHANGED if extra else Change.UNCHANGED, extra)
        else:
            lines[object_id] = compare(object_id, before, now)


def cells_as_of(records: list, since: datetime.datetime) -> tuple[dict, set]:
    """The disaggregated cells of the report's figures at ``since`` (figure id →
    cell → number), and the (figure id, cell) pairs whose value then is known."""
    before_cells, known_cells = history_as_of(records, since, key=lambda r: (r.indicator_value_id, r.cell))
    cells_by_value = defaultdict(dict)
    for (value_id, cell), row in before_cells.items():
        cells_by_value[value_id][cell] = row.value
    return cells_by_value, known_cells


def cell_changes(now, before, cells_by_value: dict, known_cells: set, names: CellNames) -> list[FieldChange]:
    """Cell by cell, in the dimensions' order, how a disaggregated figure
    changed; nothing for a line added or removed, which is shown whole."""
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
            names.label(cell), shown_number(cells_before.get(cell)), shown_number(cells_now.get(cell))
        )
        for cell in names.ordered(cells_now.keys() | cells_before.keys())
        if cells_before.get(cell) != cells_now.get(cell)
    ]
