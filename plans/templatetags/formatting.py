"""The formatter's filters (plans/formatting.py), in every template without a
{% load %} (settings.TEMPLATES' builtins): figures, percentages and dates read
the same on every page, in the reader's language and digits.

    {{ value|number_text }}      1,362 · 2.5 · —
    {{ value|number_text:2 }}    at most two decimals
    {{ value|percent_text }}     51.3 %  (a percentage: 51.3)
    {{ fraction|share_text }}    51.3 %  (a stored fraction: 0.513)
    {{ day|date_text }}          Jan. 15, 2027 · 15 មករា 2027
    {{ moment|date_text:"Y-m-d H:i" }}   in local time
"""

from django import template

from plans import formatting

register = template.Library()


@register.filter
def number_text(value, places=None) -> str:
    return formatting.number_text(value, None if places in (None, "") else int(places))


@register.filter
def percent_text(value, places=1) -> str:
    return formatting.percent_text(value, int(places))


@register.filter
def share_text(value, places=1) -> str:
    return formatting.share_text(value, int(places))


# expects_localtime: a moment is turned into local time first, as Django's |date.
@register.filter(expects_localtime=True)
def date_text(value, pattern="DATE_FORMAT") -> str:
    """As Django's |date (nothing when the value is not a date), in the reader's
    language, Khmer months and digits included."""
    try:
        return formatting.date_text(value, pattern or "DATE_FORMAT")
    except (AttributeError, TypeError, ValueError):
        return ""
