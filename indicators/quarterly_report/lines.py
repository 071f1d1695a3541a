"""What a reporter gives for one line of a quarterly report, as the form, the
API and the values import hand it to the services: a figure for an indicator
(IndicatorLine), an update for an activity (ActivityLine).

A line also names the parts its reader could not read (``unreadable``: "twelve"
typed for a number, an unknown status). The reader has its own message for
those; the checks (validation.py) check everything else of the line, so that
one answer holds every problem, and a line with an unreadable part is never
written.
"""

from dataclasses import dataclass, field
from decimal import Decimal


def line_field(kind: str, object_id: int, name: str) -> str:
    """The name under which a line's error is reported, e.g. ``indicator-12-value``.
    The form's fields use the same names, so each message lands next to its field."""
    return f"{kind}-{object_id}-{name}"


@dataclass
class IndicatorLine:
    """What a reporter gives for one indicator: a value, or one per cell."""

    indicator_id: int
    value: Decimal | None = None
    cells: dict[str, Decimal | None] = field(default_factory=dict)
    note: str = ""
    gap_reason: str = ""
    corrective_action: str = ""
    # Parts the reader could not read: "value", or "cell-<key>" for a cell.
    unreadable: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.unreadable and self.value is None and all(v is None for v in self.cells.values())

    @property
    def given_cells(self) -> dict[str, Decimal]:
        return {key: value for key, value in self.cells.items() if value is not None}

    @property
    def total(self) -> Decimal | None:
        """The figure stored: the sum of the cells given, else the value."""
        cells = self.given_cells
        return sum(cells.values(), Decimal(0)) if cells else self.value

    @property
    def has_text(self) -> bool:
        return any(text.strip() for text in (self.note, self.gap_reason, self.corrective_action))

    @property
    def stored(self) -> dict:
        """The IndicatorValue fields this line sets (its cells apart)."""
        return {
            "value": self.total,
            "note": self.note,
            "gap_reason": self.gap_reason,
            "corrective_action": self.corrective_action,
        }


@dataclass
class ActivityLine:
    activity_id: int
    status: str = ""
    percent_complete: Decimal | None = None
    note: str = ""
    # Parts the reader could not read: "status", "percent_complete".
    unreadable: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.unreadable and not self.status and self.percent_complete is None

    @property
    def stored(self) -> dict:
        """The ActivityUpdate fields this line sets."""
        return {"status": self.status, "percent_complete": self.percent_complete, "note": self.note}
