"""Filters for the dashboard pages: percentages, numbers, statuses as words."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from indicators.models import ReportState
from reports.charts import STATUS_COLOURS, percent, status_labels

register = template.Library()


@register.filter
def pct(value) -> str:
    """A stored fraction as a percentage: 0.345 → "34.5 %"; "—" for none."""
    if value is None or value == "":
        return "—"
    shown = percent(float(value))
    return f"{number_format(shown, decimal_pos=0 if shown == int(shown) else 1, force_grouping=True)} %"


@register.filter
def num(value) -> str:
    """A figure: grouped thousands, at most two decimals, none when whole;
    strings (a suppressed "<5") pass through; "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    value = round(float(value), 2)
    decimals = next(d for d in (0, 1, 2) if round(value, d) == value)
    return number_format(value, decimal_pos=decimals, force_grouping=True)


@register.simple_tag
def status_badge(status):
    """A status as a badge: a symbol and the word (CSS .ntip-status-*), never colour alone."""
    if not status:
        return format_html('<span class="text-body-secondary">{}</span>', _("Not computed"))
    return format_html(
        '<span class="ntip-status ntip-status-{}">{}</span>', status, status_labels().get(status, status)
    )


@register.simple_tag
def progress_bar(achieved, expected, status):
    """A small bar (decoration: the numbers are in the next cells) with the
    expected mark. Widths are percentages of 0–100 %."""
    width = percent(achieved) or 0
    mark = percent(expected)
    marker = (
        format_html('<div class="ntip-bar-expected" style="left:{}%"></div>', mark)
        if mark is not None
        else ""
    )
    return format_html(
        '<div class="ntip-bar" aria-hidden="true"><div class="ntip-bar-fill" style="width:{}%;background:{}">'
        "</div>{}</div>",
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
    url = reverse(f"dashboards:{name}", args=args)
    return f"{url}?{urlencode({'period': period.code})}" if period is not None else url
