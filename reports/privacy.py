"""Protecting survivors: the one rule for small counts of people, at every door
partners and the public use (docs/privacy.md).

Pure functions over plain values: the dashboards, the public page, the
exports, the progress report and the API call them; none re-implements them.
Who sees exact figures is `plans.access.user_sees_small_counts`.
"""

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

# Counts of people below this are shown as "<5" (docs/privacy.md). The one
# place the threshold is set.
SUPPRESSION_THRESHOLD = 5


def hidden_label(threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """What a hidden count shows: ``"<5"``."""
    return f"<{threshold}"


HIDDEN = hidden_label()


def is_hidden(value) -> bool:
    """True for what these functions put in place of a hidden count."""
    return isinstance(value, str) and value.startswith("<")


def is_small(value, threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """A figure under the threshold, 0 included ("none" is as telling as "one"
    in a small province). ``None`` (no figure) is not small: there is nothing
    to hide."""
    return value is not None and not isinstance(value, str) and value < threshold


def suppress_small(value, threshold: int = SUPPRESSION_THRESHOLD):
    """A single count as a partner or the public may see it: ``"<5"`` when
    below the threshold, else unchanged; ``None`` stays ``None``. Only for a
    figure shown with no total or breakdown beside it; otherwise use
    `suppress_breakdown`."""
    return hidden_label(threshold) if is_small(value, threshold) else value


def complementary_hidden(values: dict, hidden: set, threshold: int = SUPPRESSION_THRESHOLD) -> set:
    """The cells of one breakdown to hide, given those already hidden.

    Primary: every cell under the threshold. Complementary: while one cell
    alone is hidden, or the hidden cells together come to less than the
    threshold, hide the smallest cell still shown (ties by key), so that the
    total minus the shown cells gives only a sum of two or more cells, of at
    least the threshold (docs/privacy.md, "Complementary suppression").
    ``None`` cells (no figure) are neither shown nor hidden.
    """
    # As floats: a figure (Decimal) and its cells may come as different types.
    given = {k: float(v) for k, v in values.items() if v is not None and not isinstance(v, str)}
    hidden = set(hidden) | {k for k, v in given.items() if v < threshold}
    hidden &= set(given)
    if not hidden:
        return hidden
    shown = sorted((v, str(k), k) for k, v in given.items() if k not in hidden)
    while shown and (len(hidden) < 2 or sum(given[k] for k in hidden) < threshold):
        hidden.add(shown.pop(0)[2])
    return hidden


def _total_hidden(total, values: dict, hidden: set, threshold: int) -> bool:
    """The total goes too when it is small, or when its hidden cells could
    still be worked out from it (one cell alone, or together under the
    threshold, with nothing left to hide beside them)."""
    if total is None:
        return False
    if total < threshold:
        return True
    if not hidden:
        return False
    hidden_sum = sum(float(values[k]) for k in hidden)
    return len(hidden) < 2 or hidden_sum < threshold


def suppress_breakdown(total, cells: dict, threshold: int = SUPPRESSION_THRESHOLD) -> tuple:
    """A total and its breakdown as a partner may see them:
    ``(total_shown, cells_shown)``, each hidden figure replaced by ``"<5"``:
    ``suppress_breakdown(43, {"F": 3, "M": 40})`` is
    ``(43, {"F": "<5", "M": "<5"})``. ``total`` may be ``None`` (not shown).
    """
    hidden = complementary_hidden(cells, set(), threshold)
    label = hidden_label(threshold)
    total_shown = label if _total_hidden(total, cells, hidden, threshold) else total
    return total_shown, {k: (label if k in hidden else v) for k, v in cells.items()}


# A long-format value row: {"indicator", "period", "organisation", "cell",
# "value", "counts_people", ...}; cell "" is the organisation's whole figure.
_TOTAL_CELL = ""


def _group_hidden(rows: list[dict], threshold: int) -> set[int]:
    """The positions of the rows of one (indicator, period) to hide.

    Three kinds of breakdown, hidden together until nothing changes (each
    round only hides more, so it ends): an organisation's figure and its
    cells; the plan's total (the dashboards show it) and the organisations'
    figures; and, for each cell, the plan's sum of it and each organisation's
    value of it.
    """
    by_key = {(r["organisation"], r["cell"]): i for i, r in enumerate(rows) if r["value"] is not None}
    values = {key: rows[i]["value"] for key, i in by_key.items()}
    breakdowns: dict[tuple, list] = {}
    for organisation, cell in values:
        if cell == _TOTAL_CELL:
            breakdowns.setdefault(("plan",), []).append((organisation, cell))
        else:
            breakdowns.setdefault(("organisation", organisation), []).append((organisation, cell))
            breakdowns.setdefault(("cell", cell), []).append((organisation, cell))
    hidden: set = set()
    changed = True
    while changed:
        changed = False
        for keys in breakdowns.values():
            part = {k: values[k] for k in keys}
            more = complementary_hidden(part, hidden & set(keys), threshold) - hidden
            if more:
                hidden |= more
                changed = True
        changed |= _hide_organisation_totals(values, hidden, threshold)
    return {by_key[k] for k in hidden}


def _hide_organisation_totals(values: dict, hidden: set, threshold: int) -> bool:
    """An organisation's figure is the total of its cells: hide it when its
    hidden cells could be worked out from it; and when it is hidden with
    every cell shown (their sum would give it back), hide its smallest cell,
    which the next round completes. True if it hid anything."""
    changed = False
    for organisation, cell in list(values):
        total_key = (organisation, _TOTAL_CELL)
        if cell != _TOTAL_CELL:
            continue
        cells = {k: v for k, v in values.items() if k[0] == organisation and k[1] != _TOTAL_CELL}
        if total_key not in hidden and _total_hidden(
            values[total_key], cells, hidden & set(cells), threshold
        ):
            hidden.add(total_key)
            changed = True
        if total_key in hidden and cells and not hidden & set(cells):
            hidden.add(min(cells, key=lambda k: (float(cells[k]), k[1])))
            changed = True
    return changed


def suppress_value_rows(rows: Iterable[dict], threshold: int = SUPPRESSION_THRESHOLD) -> Iterator[dict]:
    """Long-format value rows as a partner may see them, one (indicator,
    period) at a time: the rows of a counts_people indicator with ``value``
    replaced by ``"<5"`` where hidden (primary and complementary, within an
    organisation's breakdown and across the organisations: docs/privacy.md);
    other rows untouched. Rows of one (indicator, period) must arrive
    together; only that group is held in memory. A hidden row is yielded as a
    copy; the others are the dicts given."""
    label = hidden_label(threshold)
    for _, group in groupby(rows, key=lambda r: (r["indicator"], r["period"])):
        members = list(group)
        if not members[0].get("counts_people"):
            yield from members
            continue
        hidden = _group_hidden(members, threshold)
        for i, row in enumerate(members):
            yield {**row, "value": label} if i in hidden else row


def public_count(value, threshold: int = SUPPRESSION_THRESHOLD):
    """A count of people as the public page shows it: ``"<5"`` under the
    threshold, else rounded to the nearest multiple of the threshold (half
    up: 7 → 5, 8 → 10, 332 → 330), so that neither the difference between two
    publications nor between two quarters' year-to-date figures gives a count
    under the threshold (docs/privacy.md, "The public page"). ``None`` stays
    ``None``."""
    if value is None or is_hidden(value):
        return value
    if value < threshold:
        return hidden_label(threshold)
    step = Decimal(threshold)
    rounded = (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return int(rounded)


def protected_progress(progress, *, actual, start: float = 0.0) -> tuple:
    """``(progress, achieved)`` of an indicator counting people as partners
    see them: worked out from the rounded count (`public_count`) instead of
    the exact one, since progress times a known target gives the count back
    (docs/privacy.md, "Progress"). Progress is (actual − start) ÷ distance; the
    same distance, the rounded actual. ``(None, None)`` while the count is
    under the threshold, or when the distance cannot be read (actual equals
    start). ``start``: 0 for a flow, the baseline for a level."""
    if progress is None or actual is None:
        return progress, None if progress is None else min(max(progress, 0.0), 1.0)
    shown = public_count(actual)
    if is_hidden(shown):
        return None, None
    moved = float(actual) - start
    if moved == 0:
        if shown != actual:
            return None, None
        rescaled = progress
    else:
        rescaled = progress * (float(shown) - start) / moved
    return rescaled, min(max(rescaled, 0.0), 1.0)
