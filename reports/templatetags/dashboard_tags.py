"""Filters and tags for the dashboard pages: percentages, numbers, statuses as
words, links that keep the "as of" period, and chart specs."""

import json
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import ReportState
from plans.formatting import NO_VALUE, khmer_digits_shown, number_text, share_text
from reports.dashboards.charts import STATUS_COLOURS, percent, status_label

register = template.Library()


@register.filter
def pct(value) -> str:
    """A stored fraction as a percentage: 0.345 → "34.5 %"; "—" for none
    (plans.formatting.share_text, as the charts)."""
    return _pct(value, get_language(), khmer_digits_shown())


def _pct(value, language: str | None, khmer: bool) -> str:
    if value is None or value == "":
        return NO_VALUE
    return _percentage(float(value), language, khmer)


# A page shows a hundred or more percentages, most of them seen before (one
# decimal, 0–150 %): formatting each anew is most of their cost. The language
# and the digits are in the key: the text depends on them.
@lru_cache(maxsize=4096)
def _percentage(fraction: float, language: str | None, khmer: bool) -> str:
    return share_text(fraction)


@register.simple_tag
def pct_pair_cells(pairs):
    """A table row's cells of "achieved / expected" percentages, one per pair.
    One tag for the row: the trend table has a cell per node and quarter."""
    language, khmer = get_language(), khmer_digits_shown()
    return format_html_join(
        "",
        '<td class="text-end text-nowrap">{} / {}</td>',
        ((_pct(achieved, language, khmer), _pct(expected, language, khmer)) for achieved, expected in pairs),
    )


@register.filter
def num(value) -> str:
    """A figure: grouped thousands, at most two decimals, none when whole;
    strings (a suppressed "<5") pass through; "—" for none
    (plans.formatting.number_text, as the charts)."""
    if value is None or value == "" or isinstance(value, str):
        return number_text(value)
    return _figure(value, get_language(), khmer_digits_shown())


# As with percentages: an indicator page shows hundreds of figures, many alike.
@lru_cache(maxsize=4096)
def _figure(value, language: str | None, khmer: bool) -> str:
    return number_text(value, 2)


@register.simple_tag
def status_badge(status):
    """A status as a badge: a symbol and the word (CSS .ntip-status-*), never colour alone."""
    if not status:
        return format_html('<span class="text-body-secondary">{}</span>', _("Not computed"))
    return format_html('<span class="ntip-status ntip-status-{}">{}</span>', status, status_label(status))


@register.simple_tag
def progress_bar(achieved, expected, status):
    """A small bar (decoration: the numbers are in the next cells) with the
    expected mark. Widths are percentages of 0–100 %, in SVG's own attributes:
    the Content-Security-Policy lets no style="…" attribute apply."""
    width = percent(achieved) or 0
    mark = percent(expected)
    marker = (
        format_html('<line class="ntip-bar-expected" x1="{}" x2="{}" y1="-3" y2="13"/>', mark, mark)
        if mark is not None
        else ""
    )
    return format_html(
        '<svg class="ntip-bar" aria-hidden="true" focusable="false" viewBox="0 0 100 10"'
        ' preserveAspectRatio="none"><rect class="ntip-bar-track" width="100" height="10"/>'
        '<rect width="{}" height="10" fill="{}"/>{}</svg>',
        width,
        STATUS_COLOURS.get(status, "#999999"),
        marker,
    )


@register.filter
def state_name(value) -> str:
    """A report state's translated name; "—" when there is no report."""
    try:
        return ReportState(value).label
    except ValueError:
        return value or "—"


@register.simple_tag
def dashboard_url(name, *args, period=None):
    """A dashboard page's URL that keeps the "as of" period: links down and up
    the tree stay on the quarter the reader chose."""
    return _dashboard_url(
        name,
        args,
        period.code if period is not None else None,
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
    )


# The same links come back on every request (each row of a list links to its
# node); reversing one costs more than the rest of its row. The script prefix
# and the URLconf in force are in the key: the memo never outlives what
# reverse() reads.
@lru_cache(maxsize=4096)
def _dashboard_url(name, args: tuple, period_code: str | None, prefix: str, urlconf) -> str:
    url = reverse(f"dashboards:{name}", args=args)
    return f"{url}?{urlencode({'period': period_code})}" if period_code is not None else url


@register.filter
def chart_json(figure: dict, element_id: str) -> str:
    """A figure spec in a ``<script type="application/json">``, exactly as
    Django's json_script writes it, but escaped with str.replace: json_script's
    str.translate goes through a spec a character at a time, and a page's
    specs run to thousands of characters (several times the cost of the JSON)."""
    text = (
        json.dumps(figure, cls=DjangoJSONEncoder)
        .replace("&", "\\u0026")
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
    )
    # Safe in HTML: its only markup characters, < > &, were escaped just above.
    safe = mark_safe(text)  # noqa: S308
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, safe)
