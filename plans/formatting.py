"""Numbers and dates as people read them (docs/languages.md, "Numbers and dates")."""

import datetime
import re
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language


def plain_number(value: Decimal) -> str:
    """10.0000 → "10", 2.5000 → "2.5" (never "1E+1")."""
    return format(value.normalize(), "f")


# Khmer digits (០១២…) instead of 0–9 in what is shown: a per-user option, off
# by default, set for each request by the middleware that activates the user's
# language (issue 13). A context variable: each request and task has its own.
_khmer_digits: ContextVar[bool] = ContextVar("khmer_digits", default=False)


def khmer_digits_set(on: bool) -> None:
    _khmer_digits.set(bool(on))


def khmer_digits_on() -> bool:
    return _khmer_digits.get()


# --- What people read: one formatter for every page, chart and e-mail ---------
# English and Khmer write numbers alike: "," between thousands, "." before the
# decimals (Cambodian official documents do too); only the digits may differ.
# Files for programs (CSV, JSON, the API) keep machine numbers and ISO dates
# (docs/languages.md, "Numbers and dates").

NO_VALUE = "—"
_TO_KHMER = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_TO_ASCII = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
# The months as Cambodian documents write them. Django's own Khmer catalogue
# misspells March (មិនា); dates written here never depend on it.
KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)
# A month in a Django date pattern (F "January", M/b "Jan", N "Jan.", E the
# alternative form), unless escaped with a backslash: Khmer has one name for each.
_MONTH_IN_PATTERN = re.compile(r"(?<!\\)[FMNbE]")


def khmer_digits_shown() -> bool:
    """Are figures shown in Khmer digits now? Only on the user's option
    (khmer_digits_on) and only in Khmer: an English page keeps 0–9."""
    return _khmer_digits.get() and get_language() == "km"


def digits_text(text: str) -> str:
    """``text``'s digits as the reader reads them: 0–9, or ០–៩ (Khmer digits on)."""
    return text.translate(_TO_KHMER) if khmer_digits_shown() else text


def ascii_digits(text: str) -> str:
    """Typed text with Khmer digits (០–៩) as 0–9, before it is read as a
    number: a form, the API and an import accept both digit sets."""
    return text.translate(_TO_ASCII)


def _decimal(value) -> Decimal:
    # A float by its shortest repr (0.1 → 0.1, not 0.1000000000000000055…).
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def number_text(value, places: int | None = None) -> str:
    """A figure as people read it: 1362 → "1,362", 2.5000 → "2.5".
    ``places``: at most that many decimals (rounded half up), none shown when
    they are zeros; None: as many as the figure has. A text (a hidden count,
    "<5") is shown as it is; no figure is "—"."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, str):
        return digits_text(value)
    number = _decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    # normalize() drops trailing zeros; "-0" after rounding is 0.
    number = number.normalize() if number else Decimal(0)
    return digits_text(format(number, ",f"))


def percent_text(value, places: int = 1) -> str:
    """A percentage: 51.25 → "51.3 %", 50 → "50 %"; "—" for none."""
    if value is None or value == "":
        return NO_VALUE
    return f"{number_text(value, places)} %"


def percent_of(fraction, places: int = 1) -> Decimal:
    """A stored fraction as the percentage shown: 0.5125 → 51.3, rounded as
    share_text rounds it, so that a chart draws the figure its text says."""
    return (_decimal(fraction) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def share_text(fraction, places: int = 1) -> str:
    """A stored fraction as a percentage: 0.513 → "51.3 %"; "—" for none."""
    if fraction is None or fraction == "":
        return NO_VALUE
    return percent_text(percent_of(fraction, places), places)


def date_text(value, pattern: str = "DATE_FORMAT") -> str:
    """A date, or a moment in local time, as the reader's language writes it:
    ``pattern`` is a Django date format or the name of one (DATE_FORMAT by
    default: "Jan. 15, 2027", in Khmer "15 មករា 2027"; "Y-m-d" stays
    2027-01-15 in both). "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = get_format(pattern)
    if get_language() == "km":
        month = "".join("\\" + letter for letter in KHMER_MONTHS[value.month - 1])
        pattern = _MONTH_IN_PATTERN.sub(lambda _match: month, pattern)
    return digits_text(dateformat.format(value, pattern))
