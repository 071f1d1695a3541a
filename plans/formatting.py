"""Numbers as people read them."""

from decimal import Decimal


def plain_number(value: Decimal) -> str:
    """10.0000 → "10", 2.5000 → "2.5" (never "1E+1")."""
    return format(value.normalize(), "f")
