"""Small filters for the report pages."""

from decimal import Decimal

from django import template

from indicators.models import ReportState
from plans.formatting import number_text

register = template.Library()


@register.filter
def plain(value) -> str:
    """A figure as typed, shown for reading: 10.0000 → "10", 2.5000 → "2.5",
    1362 → "1,362" (plans.formatting.number_text); nothing for no value."""
    if value is None or value == "":
        return ""
    return number_text(value if isinstance(value, int | float | Decimal) else Decimal(value))


@register.filter
def state_label(value: str) -> str:
    """A report state's translated name: "SUBMITTED" → "Submitted"."""
    try:
        return ReportState(value).label
    except ValueError:
        return value or "—"
