"""What a partner or the public sees of the dashboards' counts of people
(docs/privacy.md). The pages' reads are the same for every reader (and kept in
the cache); these pure functions turn a read into what a reader who may not
see small counts (`plans.access.user_sees_small_counts`) is shown.

Two kinds of figure, two treatments (docs/privacy.md, "On the dashboards"):
- a quarter's own figures (one organisation, one quarter; its cells) are exact,
  but hidden as "<5" when small, with complementary suppression:
  `reports.privacy.suppress_value_rows`, the same rule as the exports and the API;
- figures that add up over quarters or organisations (actual to date, an
  organisation's total to date, the categories to date, the justice chain's
  years) are rounded to the nearest 5 (`reports.privacy.public_count`), since
  the "as of" selector lets anyone subtract two quarters' figures;
- a progress percentage of a counts_people indicator is worked out from the
  rounded count, so that progress times the target gives nothing finer.
"""

from dataclasses import replace

from reports.privacy import HIDDEN, is_hidden, protected_progress, public_count, suppress_breakdown
from reports.scoring import SUM


def protected_score(row):
    """A ScoreRow of a counts_people indicator as a partner sees it: actual to
    date rounded, progress (and achieved) worked out from the rounded figure
    (reports.privacy.protected_progress); no progress at all while the count
    is under the threshold. Other rows are returned as they are."""
    if not row.counts_people or row.actual_value is None:
        return row
    progress, achieved = protected_progress(row.progress, actual=row.actual_value, start=row.start)
    return replace(row, actual_value=public_count(row.actual_value), progress=progress, achieved=achieved)


def protected_scores(rows: list, sees_small_counts: bool) -> list:
    """``rows`` as the reader may see them."""
    return rows if sees_small_counts else [protected_score(row) for row in rows]


def protected_overview(overview):
    """The plan overview as a partner sees it: the indicators needing
    attention with their progress from the rounded count."""
    attention = overview.attention
    rows = [replace(row, score=protected_score(row.score)) for row in attention.rows]
    return replace(overview, attention=replace(attention, rows=rows))


def protected_indicator_page(page):
    """An indicator page (reports/dashboards/indicator.py) as a partner sees
    it, when the indicator counts people: each organisation's quarter hidden
    where the page's read marked it (``page.hidden_values``, the rule of the
    exports), totals to date rounded, categories rounded after primary and
    complementary suppression, progress from the rounded count."""
    if not page.indicator.counts_people:
        return page
    hidden = page.hidden_values
    return replace(
        page,
        score=protected_score(page.score),
        points=[replace(p, actual=public_count(p.actual)) for p in page.points],
        by_organisation=[_protected_series(s, page.value_periods, hidden) for s in page.by_organisation],
        by_category=[_protected_breakdown(b, page.score.actual_value) for b in page.by_category],
        values=[
            replace(v, value=HIDDEN) if (v.period, v.organisation_code) in hidden else v for v in page.values
        ],
    )


def _protected_series(series, periods: list[str], hidden: frozenset):
    headline = series.headline
    return replace(
        series,
        values=[
            HIDDEN if (period, series.code) in hidden and value is not None else value
            for period, value in zip(periods, series.values, strict=True)
        ],
        # A flow's total to date adds up quarters: rounded. A level's latest
        # value is one quarter's: hidden when that quarter is.
        shown_headline=(
            public_count(headline)
            if series.aggregation == SUM
            else (HIDDEN if (_latest(periods, series.values), series.code) in hidden else headline)
        ),
    )


def _latest(periods: list[str], values: list) -> str | None:
    return next((p for p, v in zip(reversed(periods), reversed(values), strict=True) if v is not None), None)


def _protected_breakdown(breakdown, total):
    """A dimension's categories to date: primary and complementary
    suppression against the total shown beside them, then rounded."""
    cells = {c.code: c.value for c in breakdown.categories}
    _total, shown = suppress_breakdown(total if not is_hidden(total) else None, cells)
    return replace(
        breakdown,
        categories=[replace(c, value=public_count(shown[c.code])) for c in breakdown.categories],
    )
