"""Small filters for the report pages."""

from decimal import Decimal

from django import template

from indicators.models import ReportState
from plans.formatting import plain_number

register = template.Library()


@register.filter
def plain(value) -> str:
    """10.0000 → "10", 2.5000 → "2.5"; nothing for no value."""
    if value is None or value == "":
        return ""
    return plain_number(Decimal(value))


@register.filter
def state_label(value: str) -> str:
    """A report state's translated name: "SUBMITTED" → "Submitted"."""
    try:
        return ReportState(value).label
    except ValueError:
        return value or "—"
