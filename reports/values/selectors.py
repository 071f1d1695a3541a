"""Approved figures in long format, as the values workbook has them
(docs/api.md, "Values"): one row per organisation, indicator and period, or one
per cell of a disaggregated indicator; small counts of people hidden from
those who may not see them (reports/privacy.py).
"""

import datetime
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from indicators.models import Dimension, IndicatorValue, ReportState, cell_categories
from indicators.plan_tree import PLAN_ORDER
from plans.access import periods_for_user, plans_for_user, user_sees_small_counts
from reports.privacy import HIDDEN, is_hidden, suppress_value_rows

# What a row is read with: the figure's own fields, its cell (none when the
# indicator is not disaggregated) and its provenance.
ROW_FIELDS = {
    "plan": "indicator__plan__code",
    "indicator": "indicator__code",
    "organisation": "report__organisation__code",
    "period": "report__period__code",
    "total": "value",
    "note": "note",
    "cell": "cells__cell",
    "cell_value": "cells__value",
    "approved_at": "report__approved_at",
    "counts_people": "indicator__counts_people",
    "indicator_id": "indicator_id",
    "period_id": "report__period_id",
}
# The order suppress_value_rows needs: each (indicator, period) together.
ROW_ORDER = [
    "indicator__plan__code",
    *(f"indicator__{name}" for name in PLAN_ORDER),
    "report__period__index",
    "report__organisation__code",
    "cells__cell",
]


def approved_values_for_user(user, *, today: datetime.date | None = None) -> QuerySet[IndicatorValue]:
    """The approved figures of every period the user may see
    (plans.access.periods_for_user: partners, published ones only)."""
    periods = [
        Q(report__period__in=periods_for_user(user, plan, today=today)) for plan in plans_for_user(user)
    ]
    if not periods:
        return IndicatorValue.objects.none()
    return IndicatorValue.objects.filter(reduce(or_, periods), report__state=ReportState.APPROVED)


def value_rows(values: QuerySet[IndicatorValue]) -> QuerySet:
    """Those figures as long-format rows (dicts keyed by the paths of
    ROW_FIELDS; ``named`` gives them their names), one per cell of a
    disaggregated figure, in the order of ROW_ORDER."""
    return values.values(*ROW_FIELDS.values()).order_by(*ROW_ORDER)


def named(row: dict) -> dict:
    return {name: row[path] for name, path in ROW_FIELDS.items()}


def dimension_codes() -> list[str]:
    """Every row has a field per disaggregation dimension (its code), empty
    when the indicator is not split by it."""
    return list(Dimension.objects.order_by("code").values_list("code", flat=True))


def rows_as_read(rows: Iterable[dict], *, user, dimensions: list[str]) -> list[dict]:
    """A page of value_rows as the user may read it: each with its value (the
    cell's, or the figure's), its dimensions' categories, and, for a reader
    who may not see small counts, ``"<5"`` where the rule hides it."""
    rows = [named(row) for row in rows]
    hidden = set() if user_sees_small_counts(user) else hidden_rows(rows)
    shaped = []
    for row in rows:
        categories = cell_categories(row["cell"] or "")
        shaped.append(
            {
                **{name: row[name] for name in ("plan", "indicator", "organisation", "period", "note")},
                "value": HIDDEN if row_key(row) in hidden else figure(row),
                "cell": row["cell"] or "",
                "approved_at": row["approved_at"],
                **{code: categories.get(code) for code in dimensions},
            }
        )
    return shaped


def figure(row: dict):
    return row["total"] if row["cell"] is None else row["cell_value"]


def row_key(row: dict) -> tuple:
    return (row["indicator_id"], row["period_id"], row["organisation"], row["cell"] or "")


def hidden_rows(rows: list[dict]) -> set[tuple]:
    """The keys of the rows to show as "<5". Decided on the whole (indicator,
    period) each row belongs to, every organisation's figure and cell, read
    afresh whatever the filters and the page: so a row shows the same however
    it is asked for, and no difference of two answers gives a hidden count.
    One query, only when the page holds counts of people."""
    groups = {(row["indicator_id"], row["period_id"]) for row in rows if row["counts_people"]}
    if not groups:
        return set()
    whole = value_rows(
        IndicatorValue.objects.filter(
            reduce(or_, (Q(indicator_id=i, report__period_id=p) for i, p in groups)),
            report__state=ReportState.APPROVED,
        )
    )
    return {
        (row["indicator"], row["period"], row["organisation"], row["cell"])
        for row in suppress_value_rows(privacy_rows(whole))
        if is_hidden(row["value"])
    }


def privacy_rows(rows: Iterable[dict]):
    """value_rows as reports.privacy.suppress_value_rows reads them: each
    organisation's whole figure (cell "", which the dashboards and exports
    show too) followed by its cells."""
    seen = set()
    for row in map(named, rows):
        base = {
            "indicator": row["indicator_id"],
            "period": row["period_id"],
            "organisation": row["organisation"],
        }
        key = tuple(base.values())
        if key not in seen:
            seen.add(key)
            yield {**base, "cell": "", "value": row["total"], "counts_people": row["counts_people"]}
        if row["cell"] is not None:
            yield {
                **base,
                "cell": row["cell"],
                "value": row["cell_value"],
                "counts_people": row["counts_people"],
            }
