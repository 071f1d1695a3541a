"""Plotly figure specs, built as plain data from rows the selectors return.

Pure functions: no database, no request. A view serialises the dict with
json_script and static/ntip/charts.js draws it with the plotly.min.js that the
plotly package ships. Every chart is paired with a table of the same data in
the page (its text alternative), so nothing is known only from a colour.
"""

import math
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.formatting import khmer_digits_shown, number_text, percent_of, share_text

# Okabe–Ito colours, distinguishable with the common colour-blindnesses; each
# status also has its own marker symbol and always a text label.
STATUS_COLOURS = {
    "ON_TRACK": "#009E73",
    "AT_RISK": "#E69F00",
    "OFF_TRACK": "#D55E00",
    "NO_DATA": "#999999",
    "NOT_DUE": "#56B4E9",
}
STATUS_SYMBOLS = {
    "ON_TRACK": "circle",
    "AT_RISK": "triangle-up",
    "OFF_TRACK": "x",
    "NO_DATA": "circle-open",
    "NOT_DUE": "square-open",
}
STATUS_ORDER = ["ON_TRACK", "AT_RISK", "OFF_TRACK", "NO_DATA", "NOT_DUE"]
EXPECTED_COLOUR = "#0072B2"
ACTUAL_COLOUR = "#000000"
TARGET_COLOUR = "#CC79A7"

# The pages' font stack (static/ntip/ntip.css --ntip-font-sans): Khmer in titles,
# labels and hover text is drawn with the Noto Sans Khmer that NTIP serves, the
# rest with the system's font, as on the page around the chart.
FONT_FAMILY = (
    '"Noto Sans Khmer", system-ui, -apple-system, "Segoe UI", Roboto, "Khmer OS System", '
    '"Khmer OS", "Khmer UI", "Helvetica Neue", Arial, sans-serif'
)


# Marked for translation here, translated where shown: a page shows a status
# in many places and needs one name at a time, not all five.
STATUS_NAMES = {
    "ON_TRACK": gettext_noop("On track"),
    "AT_RISK": gettext_noop("At risk"),
    "OFF_TRACK": gettext_noop("Off track"),
    "NO_DATA": gettext_noop("No data"),
    "NOT_DUE": gettext_noop("Not due yet"),
}


def status_label(status: str) -> str:
    """A status's name in the reader's language (the code itself if unknown)."""
    name = STATUS_NAMES.get(status)
    return _(name) if name else status


def base_layout(**extra) -> dict:
    layout = {
        "font": {"family": FONT_FAMILY, "size": 13},
        "margin": {"l": 48, "r": 16, "t": 24, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        # A decimal point and "," between thousands, as plans.formatting writes
        # figures in both languages, for what Plotly writes itself (its own
        # ticks). Hover and bar texts are written by the formatter.
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def figure(data: list[dict], **layout) -> dict:
    return {"data": data, "layout": base_layout(**layout)}


def percent(value: float | None) -> float | None:
    """Fractions are stored; charts show percentages, rounded as their text."""
    return None if value is None else float(percent_of(value))


def _percent_axis(ticks: list[int]) -> dict:
    """A 0–100 % axis's ticks, written by the formatter (Khmer digits too)."""
    return {"tickvals": ticks, "ticktext": [share_text(t / 100) for t in ticks]}


def _value_axis(values) -> dict:
    """A figure axis's ticks: Plotly's own, thousands grouped as the tables
    write them ("3,000"), unless digits are Khmer, which Plotly cannot write;
    then a round step from 0 up, written by the formatter."""
    if not khmer_digits_shown():
        return {"tickformat": ","}
    top = max((float(v) for v in values if isinstance(v, int | float | Decimal)), default=0)
    if top <= 0:
        return {"tickvals": [0], "ticktext": [number_text(0)]}
    magnitude = 10 ** math.floor(math.log10(top / 4))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= top / 4)
    ticks = [step * i for i in range(math.ceil(top / step) + 1)]
    return {"tickvals": ticks, "ticktext": [number_text(t, 2) for t in ticks]}


# --- Dashboard figures ----------------------------------------------------------
# Each takes rows from reports.selectors (or plain values) and returns a figure
# spec; each has a *_summary sibling giving the same data in one sentence, for
# the chart's aria-label.

# Okabe–Ito colours for series that are not statuses (pillars, organisations,
# steps of the justice chain), each paired with its own marker symbol.
SERIES_COLOURS = ["#0072B2", "#CC79A7", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SERIES_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]
BASELINE_COLOUR = "#595959"
NO_STATUS_COLOUR = "#DDDDDD"
# Tick labels wrap at this many characters: a name reads in full, in a column
# narrow enough to leave the bars most of a phone's width.
LABEL_WIDTH = 28
KHMER_COENG = "\u17d2"
# Roughly how wide a character of the tick labels draws, and a line's height,
# in pixels at their font size: enough to size the margin and the chart before
# Plotly measures the text (its automargin then has the last word).
LABEL_FONT_SIZE = 12
CHAR_PIXELS = 6.6
LINE_PIXELS = 15
# The progress bars' axis ends just past 100 %; the words begin at 100 %, a
# few pixels to its right, and stand in the margin.
PROGRESS_AXIS_END = 101


def status_text(status: str | None) -> str:
    """The status as words, with the symbol the pages use: never colour alone."""
    if status is None:
        return _("Not computed")
    symbol = {"ON_TRACK": "●", "AT_RISK": "▲", "OFF_TRACK": "✕", "NO_DATA": "○", "NOT_DUE": "□"}[status]
    return f"{symbol} {status_label(status)}"


def _breaks_between(before: str, after: str) -> bool:
    """May a line break between these two characters of one long word? Not
    before a combining mark (a Khmer vowel sign) nor after a Khmer COENG (the
    consonant after it is written below the one before), so no letter is
    parted from its vowel signs and subscripts."""
    return not unicodedata.category(after).startswith("M") and before != KHMER_COENG


def _word_pieces(word: str, width: int) -> list[str]:
    """A word longer than a line (Khmer has no spaces between words) in pieces
    of at most ``width`` characters, cut only where _breaks_between allows."""
    pieces = []
    while len(word) > width:
        cut = next((i for i in range(width, 0, -1) if _breaks_between(word[i - 1], word[i])), width)
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces


def wrapped_lines(code: str, name: str, width: int = LABEL_WIDTH) -> list[str]:
    """A node's code and name as lines of at most ``width`` characters, broken
    at spaces (and zero-width spaces), nothing cut off: a tick label joins them
    with ``<br>``, where Plotly breaks a line."""
    words = [p for w in f"{code} {name}".replace("\u200b", " ").split() for p in _word_pieces(w, width)]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def overall_figure(row) -> dict:
    """A bullet chart: achieved (P*, bar in the status colour) against expected
    (X*, the marker line), 0–100 %."""
    achieved = percent(row.achieved) or 0
    # Plotly writes the number in 0–9 only: with Khmer digits the formatter's
    # text stands in its place, to the right of the bar.
    khmer = khmer_digits_shown()
    return figure(
        [
            {
                "type": "indicator",
                "mode": "gauge" if khmer else "number+gauge",
                "value": achieved,
                # One decimal, none when whole, as share_text writes it.
                "number": {"suffix": " %", "valueformat": ".0f" if achieved == int(achieved) else ".1f"},
                "domain": {"x": [0, 0.72] if khmer else [0, 1], "y": [0.25, 1]},
                "gauge": {
                    "shape": "bullet",
                    "axis": {"range": [0, 100], **_percent_axis([0, 25, 50, 75, 100])},
                    "bar": {"color": STATUS_COLOURS.get(row.status, NO_STATUS_COLOUR), "thickness": 0.55},
                    "bgcolor": "#E9ECEF",
                    "threshold": {
                        "line": {"color": EXPECTED_COLOUR, "width": 4},
                        "thickness": 0.95,
                        "value": percent(row.expected) or 0,
                    },
                },
            }
        ],
        height=130,
        margin={"l": 16, "r": 16, "t": 8, "b": 24},
        annotations=[
            {
                "text": share_text(row.achieved or 0),
                "x": 1,
                "y": 0.62,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "right",
                "showarrow": False,
                "font": {"size": 28},
            }
        ]
        if khmer
        else [],
    )


def overall_summary(row) -> str:
    return _("progress %(achieved)s against %(expected)s expected: %(status)s") % {
        "achieved": share_text(row.progress),
        "expected": share_text(row.expected),
        "status": status_text(row.status),
    }


def _label_margin(lines: list[list[str]]) -> int:
    """A left margin as wide as the longest line of the tick labels."""
    longest = max((len(line) for label in lines for line in label), default=0)
    return round(longest * CHAR_PIXELS) + 12


def progress_bars_figure(rows) -> dict:
    """Horizontal bars of achieved (P*) per node in its status colour, expected
    (X*) as a marker, and to the right of the 100 % line the raw progress and
    the status in words (so an over-achievement reads 130 %). Names wrap onto
    as many lines as they need; the chart grows with them."""
    lines = [wrapped_lines(r.code, r.name) for r in rows]
    labels = ["<br>".join(label) for label in lines]
    words = [f"{share_text(r.progress)}<br>{status_text(r.status)}" for r in rows]
    # The words stand in the right margin, beyond the 100 % line: the bars have
    # the rest of the width.
    words_width = max(
        (len(w) for r in rows for w in (share_text(r.progress), status_text(r.status))), default=0
    )
    row_heights = [max(48, LINE_PIXELS * len(label) + 20) for label in lines]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Achieved"),
                "y": labels,
                "x": [percent(r.achieved) for r in rows],
                "marker": {
                    "color": [STATUS_COLOURS.get(r.status, NO_STATUS_COLOUR) for r in rows],
                    "line": {"color": "#333333", "width": 1},
                },
                "hovertext": [f"{r.code} {r.name}" for r in rows],
                # Figures in hover texts are the formatter's, as in the tables.
                "customdata": [share_text(r.achieved) for r in rows],
                "hovertemplate": "%{hovertext}: %{customdata}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Expected"),
                "y": labels,
                "x": [percent(r.expected) for r in rows],
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 26,
                    "color": EXPECTED_COLOUR,
                    "line": {"width": 3, "color": EXPECTED_COLOUR},
                },
                "customdata": [share_text(r.expected) for r in rows],
                "hovertemplate": _("Expected: %(value)s") % {"value": "%{customdata}"} + "<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "text",
                "name": _("Status"),
                "showlegend": False,
                "hoverinfo": "skip",
                "y": labels,
                "x": [100] * len(rows),
                "text": words,
                "textposition": "middle right",
                "textfont": {"size": 11},
                "cliponaxis": False,
            },
        ],
        height=sum(row_heights) + 90,
        xaxis={
            "range": [0, PROGRESS_AXIS_END],
            **_percent_axis([0, 50, 100]),
            "fixedrange": True,
        },
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
            "tickfont": {"size": LABEL_FONT_SIZE},
        },
        margin={"l": _label_margin(lines), "r": round(words_width * CHAR_PIXELS) + 12, "t": 8, "b": 64},
        showlegend=True,
        legend={"orientation": "h", "y": 0, "yref": "container", "yanchor": "bottom"},
        shapes=[
            {
                "type": "line",
                "x0": 100,
                "x1": 100,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#999999", "width": 1},
            }
        ],
    )


def progress_bars_summary(rows) -> str:
    return "; ".join(
        f"{r.code} {share_text(r.progress)} / {share_text(r.expected)}, {status_text(r.status)}" for r in rows
    )


def trend_figure(periods: list[str], series) -> dict:
    """Achieved (solid) and expected (dashed) by quarter, one colour and marker
    per node; expected shares its node's legend entry."""
    data = []
    for i, s in enumerate(series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        symbol = SERIES_SYMBOLS[i % len(SERIES_SYMBOLS)]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": s.code,
                "legendgroup": s.code,
                "x": periods,
                "y": [percent(v) for v in s.achieved],
                "customdata": [share_text(v) for v in s.achieved],
                "line": {"color": colour, "width": 3 if i == 0 else 2},
                "marker": {"symbol": symbol, "size": 7, "color": colour},
                "hovertemplate": _("%(code)s achieved in %(period)s: %(value)s")
                % {"code": s.code, "period": "%{x}", "value": "%{customdata}"}
                + "<extra></extra>",
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("%(code)s expected") % {"code": s.code},
                "legendgroup": s.code,
                "showlegend": False,
                "x": periods,
                "y": [percent(v) for v in s.expected],
                "customdata": [share_text(v) for v in s.expected],
                "line": {"color": colour, "width": 1.5, "dash": "dash"},
                "hovertemplate": _("%(code)s expected in %(period)s: %(value)s")
                % {"code": s.code, "period": "%{x}", "value": "%{customdata}"}
                + "<extra></extra>",
            }
        )
    return figure(
        data,
        height=320,
        xaxis={"type": "category", "tickangle": -45, "fixedrange": True},
        yaxis={"range": [0, 100], **_percent_axis([0, 20, 40, 60, 80, 100]), "fixedrange": True},
        margin={"l": 48, "r": 8, "t": 8, "b": 72},
        legend={"orientation": "h", "y": -0.35},
    )


def trend_summary(periods: list[str], series) -> str:
    if not periods:
        return ""
    parts = []
    for s in series:
        parts.append(
            _("%(code)s %(achieved)s achieved against %(expected)s expected in %(period)s")
            % {
                "code": s.code,
                "achieved": share_text(s.achieved[-1]),
                "expected": share_text(s.expected[-1]),
                "period": periods[-1],
            }
        )
    return "; ".join(parts)


def status_counts_figure(counts: dict) -> dict:
    """Leaves by status: one bar per status, in its colour, its count and name on it."""
    labels = [status_text(s) for s in STATUS_ORDER]
    values = [int((counts or {}).get(s, 0)) for s in STATUS_ORDER]
    return figure(
        [
            {
                "type": "bar",
                "x": labels,
                "y": values,
                "marker": {
                    "color": [STATUS_COLOURS[s] for s in STATUS_ORDER],
                    "line": {"color": "#333333", "width": 1},
                },
                "text": [number_text(v) for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "showlegend": False,
            }
        ],
        height=300,
        yaxis={"rangemode": "tozero", "fixedrange": True, "automargin": True, **_value_axis(values)},
        xaxis={"fixedrange": True, "automargin": True},
        margin={"l": 40, "r": 8, "t": 24, "b": 48},
    )


def status_counts_summary(counts: dict) -> str:
    return ", ".join(f"{status_label(s)}: {number_text(int((counts or {}).get(s, 0)))}" for s in STATUS_ORDER)


def completeness_figure(overall) -> dict:
    """Reports received and received on time, as shares of the reports expected."""
    labels = [_("Received"), _("On time")]
    shares = [overall.completeness, overall.timeliness]
    counts = [overall.received, overall.on_time]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [percent(v) for v in shares],
                "marker": {"color": [ACTUAL_COLOUR, EXPECTED_COLOUR]},
                "text": [
                    f"{share_text(v)} ({number_text(n)}/{number_text(overall.expected)})"
                    for v, n in zip(shares, counts, strict=True)
                ],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{y}: %{text}<extra></extra>",
                "showlegend": False,
            }
        ],
        height=150,
        xaxis={"range": [0, 135], **_percent_axis([0, 25, 50, 75, 100]), "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        margin={"l": 8, "r": 8, "t": 8, "b": 32},
    )


def completeness_summary(overall) -> str:
    return _(
        "%(received)s of %(expected)s reports received (%(completeness)s), "
        "%(on_time)s on time (%(timeliness)s)"
    ) % {
        "received": number_text(overall.received),
        "expected": number_text(overall.expected),
        "completeness": share_text(overall.completeness),
        "on_time": number_text(overall.on_time),
        "timeliness": share_text(overall.timeliness),
    }


def indicator_figure(points, *, baseline: float, unit: str) -> dict:
    """An indicator in its own unit by quarter: actual and expected to date,
    the year's target as a step (after a revision, the revised and the
    original targets), the baseline as a flat line."""
    periods = [p.period for p in points]
    revised = any(p.original_target is not None for p in points)
    original = (
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Original target (end of year)"),
                "x": periods,
                "y": [p.original_target for p in points],
                **_hover([p.original_target for p in points], _("Original target (end of year)")),
                "line": {"color": TARGET_COLOUR, "width": 1.5, "shape": "hv", "dash": "dashdot"},
            }
        ]
        if revised
        else []
    )
    return figure(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Actual"),
                "x": periods,
                "y": _plotted([p.actual for p in points]),
                **_hover([p.actual for p in points], _("Actual")),
                "line": {"color": ACTUAL_COLOUR, "width": 3},
                "marker": {"symbol": "circle", "size": 7},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Expected"),
                "x": periods,
                "y": [p.expected for p in points],
                **_hover([p.expected for p in points], _("Expected")),
                "line": {"color": EXPECTED_COLOUR, "width": 2, "dash": "dash"},
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Revised target (end of year)") if revised else _("Target (end of year)"),
                "x": periods,
                "y": [p.target for p in points],
                **_hover(
                    [p.target for p in points],
                    _("Revised target (end of year)") if revised else _("Target (end of year)"),
                ),
                "line": {"color": TARGET_COLOUR, "width": 2, "shape": "hv"},
            },
            *original,
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Baseline"),
                "x": periods,
                "y": [baseline] * len(points),
                **_hover([baseline] * len(points), _("Baseline")),
                "line": {"color": BASELINE_COLOUR, "width": 1.5, "dash": "dot"},
            },
        ],
        height=340,
        xaxis={"type": "category", "tickangle": -45, "fixedrange": True},
        yaxis={
            "rangemode": "tozero",
            "title": {"text": unit},
            "automargin": True,
            "fixedrange": True,
            **_value_axis(
                [baseline] + [v for p in points for v in (p.actual, p.expected, p.target, p.original_target)]
            ),
        },
        margin={"l": 56, "r": 8, "t": 8, "b": 72},
        legend={"orientation": "h", "y": -0.4},
    )


def indicator_summary(points, *, baseline: float, unit: str) -> str:
    if not points:
        return ""
    last = points[-1]
    summary = _(
        "in %(period)s: actual %(actual)s, expected %(expected)s, target %(target)s %(unit)s; "
        "baseline %(baseline)s"
    ) % {
        "period": last.period,
        "actual": _number(last.actual),
        "expected": _number(last.expected),
        "target": _number(last.target),
        "unit": unit,
        "baseline": _number(baseline),
    }
    if last.original_target is not None:
        summary += _("; original target %(target)s") % {"target": _number(last.original_target)}
    return summary


def _plotted(values: list) -> list:
    """A series as Plotly draws it: a hidden count ("<5", docs/privacy.md) is
    not drawn; its label says "<5"."""
    return [None if isinstance(v, str) else v for v in values]


def _number(value) -> str:
    """A figure as the pages write it (the dashboards' |num): at most two decimals."""
    return number_text(value, 2)


def _hover(values: list, name) -> dict:
    """A line's hover text: the quarter and the figure as the formatter writes
    it (Plotly would write 0–9, whatever the reader's digits), the line's name."""
    return {
        "customdata": [_number(v) for v in values],
        "hovertemplate": "%{x}: %{customdata}<extra>" + str(name) + "</extra>",
    }


def organisation_values_figure(periods: list[str], series) -> dict:
    """Approved values by period and reporting organisation: a flow's stacked
    (they add up), a level's (a percentage) side by side, one line each, since
    levels of different organisations do not add up."""
    level = any(s.is_level for s in series)
    data = [
        {
            "type": "scatter" if level else "bar",
            "name": s.code,
            "x": periods,
            "y": _plotted(s.values),
            "customdata": [_number(v) for v in s.values],
            **(
                {
                    "mode": "lines+markers",
                    "connectgaps": True,
                    "line": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "width": 2},
                    "marker": {
                        "symbol": SERIES_SYMBOLS[i % len(SERIES_SYMBOLS)],
                        "size": 7,
                        "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    },
                }
                if level
                else {
                    "marker": {
                        "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                        "line": {"color": "#333333", "width": 0.5},
                    }
                }
            ),
            "hovertemplate": f"{s.code} " + "%{x}: %{customdata}<extra></extra>",
        }
        for i, s in enumerate(series)
    ]
    # The axis reaches the highest line, or the highest stack of bars.
    drawn = [_plotted(s.values) for s in series]
    tops = (
        [v for values in drawn for v in values]
        if level
        else [sum(filter(None, stack)) for stack in zip(*drawn, strict=True)]
    )
    return figure(
        data,
        **({} if level else {"barmode": "stack"}),
        height=320 + 18 * (len(series) // 6),
        xaxis={"type": "category", "tickangle": -45, "fixedrange": True},
        yaxis={"rangemode": "tozero", "automargin": True, "fixedrange": True, **_value_axis(tops)},
        margin={"l": 48, "r": 8, "t": 8, "b": 72},
        legend={"orientation": "h", "y": -0.35},
    )


def _latest_period(periods: list[str], values: list) -> str:
    return next(p for p, v in zip(reversed(periods), reversed(values), strict=True) if v is not None)


def organisation_values_summary(periods: list[str], series) -> str:
    """Each organisation's figure as the scoring rule sees it: a flow's total
    to date, a level's latest value (with its period), never a sum of levels."""
    if any(s.is_level for s in series):
        latest = [f"{s.code} {_number(s.headline)} ({_latest_period(periods, s.values)})" for s in series]
        return _("Latest approved value: %(values)s") % {"values": "; ".join(latest)}
    return _("Total to date: %(values)s") % {
        "values": "; ".join(f"{s.code} {_number(s.headline)}" for s in series)
    }


def category_figure(breakdown) -> dict:
    """One dimension's categories (e.g. sex: female, male) as bars."""
    return figure(
        [
            {
                "type": "bar",
                "x": [c.name for c in breakdown.categories],
                "y": _plotted([c.value for c in breakdown.categories]),
                "marker": {
                    "color": [
                        SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(breakdown.categories))
                    ],
                    "line": {"color": "#333333", "width": 1},
                },
                "text": [_number(c.value) for c in breakdown.categories],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "showlegend": False,
            }
        ],
        height=260,
        yaxis={
            "rangemode": "tozero",
            "automargin": True,
            "fixedrange": True,
            **_value_axis(_plotted([c.value for c in breakdown.categories])),
        },
        xaxis={"fixedrange": True},
        margin={"l": 48, "r": 8, "t": 24, "b": 40},
    )


def category_summary(breakdown) -> str:
    return ", ".join(f"{c.name}: {_number(c.value)}" for c in breakdown.categories)


def justice_chain_figure(table) -> dict:
    """The steps of one chain side by side per year (grouped bars). A step
    measured as a share is drawn as the count it implies, marked as estimated;
    a step with no indicator is left out."""
    years = [str(y.year) + ("*" if y.partial else "") for y in table.years]
    data = []
    for i, (step, indicator) in enumerate(zip(table.chain.steps, table.indicators, strict=True)):
        if indicator is None:
            continue
        cells = [y.cells[i] for y in table.years]
        data.append(
            {
                "type": "bar",
                "name": str(step.label) + (" (≈)" if any(c.estimated for c in cells) else ""),
                "x": years,
                "y": _plotted([c.count for c in cells]),
                "text": [("≈ " if c.estimated else "") + _number(c.count) for c in cells],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {
                    "color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "line": {"color": "#333333", "width": 1},
                    "pattern": {"shape": ["", "/", "."][i % 3]},
                },
                "hovertemplate": str(step.label) + " %{x}: %{text}<extra></extra>",
            }
        )
    return figure(
        data,
        barmode="group",
        height=320,
        xaxis={"type": "category", "fixedrange": True},
        yaxis={
            "rangemode": "tozero",
            "automargin": True,
            "fixedrange": True,
            **_value_axis([count for trace in data for count in trace["y"]]),
        },
        margin={"l": 48, "r": 8, "t": 24, "b": 40},
        legend={"orientation": "h", "y": -0.2},
    )


def justice_chain_summary(table) -> str:
    parts = []
    for y in table.years:
        cells = ", ".join(
            f"{step.label} {('≈ ' if c.estimated else '') + _number(c.count)}"
            for step, indicator, c in zip(table.chain.steps, table.indicators, y.cells, strict=True)
            if indicator is not None
        )
        parts.append(f"{y.year}: {cells}")
    return "; ".join(parts)
