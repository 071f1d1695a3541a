"""An event's details as one short line a person reads ("from Submitted ·
“The figures by sex do not match…” · IP 10.0.0.7"), never the stored JSON.

Keys the services use get words; any other key is shown as "key: value",
lists and mappings shortened, and the whole line cut at DETAILS_LENGTH.
"""

from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Role
from plans.tokens import PASSWORD_CHANGED, REVOKED_BY_ADMIN, REVOKED_BY_OWNER, USER_DEACTIVATED

DETAILS_LENGTH = 240
TEXT_LENGTH = 100
VALUE_LENGTH = 60
LIST_ITEMS = 5

# A report's states, as the pages call them. plans sits below indicators and
# cannot import ReportState; the same words, so one translation serves both.
STATES = {
    "DRAFT": gettext_lazy("Draft"),
    "SUBMITTED": gettext_lazy("Submitted"),
    "RETURNED": gettext_lazy("Returned"),
    "APPROVED": gettext_lazy("Approved"),
}


# Why a token was revoked (plans/tokens.py): stored in English, said in the reader's language.
TOKEN_REASONS = {
    REVOKED_BY_OWNER: gettext_lazy("revoked by its owner"),
    REVOKED_BY_ADMIN: gettext_lazy("revoked by an administrator"),
    PASSWORD_CHANGED: gettext_lazy("password changed"),
    USER_DEACTIVATED: gettext_lazy("user deactivated"),
}

# The words for other keys the services record; a key not named here is shown as it is.
KEY_WORDS = {
    "expires": gettext_lazy("expires"),
    "issued": gettext_lazy("issued"),
    "published_at": gettext_lazy("published"),
    "organisation": gettext_lazy("organisation"),
    "report": gettext_lazy("report"),
    "indicator": gettext_lazy("indicator"),
    "indicators": gettext_lazy("indicators"),
    "activities": gettext_lazy("activities"),
    "line_comments": gettext_lazy("comments on lines"),
    "file": gettext_lazy("file"),
    "sheet": gettext_lazy("sheet"),
    "rows": gettext_lazy("rows"),
    "counts": gettext_lazy("counts"),
    "dataset": gettext_lazy("dataset"),
    "format": gettext_lazy("format"),
    "language": gettext_lazy("language"),
    "khmer_digits": gettext_lazy("Khmer digits"),
    # The demo's seeding (reports/demo/seed.py).
    "scale": gettext_lazy("scale"),
    "added": gettext_lazy("added"),
}


def quoted(value) -> str:
    text = " ".join(str(value).split())
    return f"“{Truncator(text).chars(TEXT_LENGTH)}”" if text else ""


def plain(value) -> str:
    """A value of any shape, short: lists by their first items, mappings as key value."""
    if isinstance(value, dict):
        text = ", ".join(f"{key} {plain(item)}" for key, item in value.items())
    elif isinstance(value, list | tuple):
        text = ", ".join(plain(item) for item in value[:LIST_ITEMS])
        if len(value) > LIST_ITEMS:
            text += " " + _("and %(count)s more") % {"count": len(value) - LIST_ITEMS}
    elif value is None:
        text = "–"
    else:
        text = str(value)
    return Truncator(" ".join(text.split())).chars(VALUE_LENGTH)


def years_changed(years) -> str:
    """targets.revise: {"2026": {"from": "100", "to": "120"}} → "2026: 100 → 120"."""
    if not isinstance(years, dict):
        return plain(years)
    return ", ".join(
        f"{year}: {change.get('from')} → {change.get('to')}"
        if isinstance(change, dict)
        else f"{year}: {change}"
        for year, change in years.items()
    )


def counted(value) -> str:
    if isinstance(value, list | tuple):
        return _("%(count)s reports") % {"count": len(value)}
    return plain(value)


# How each known key reads; each returns one piece of the line ("" for nothing).
PIECES = {
    "from": lambda value: _("from %(state)s") % {"state": STATES.get(value, value)} if value else "",
    "comment": quoted,
    "reason": lambda value: quoted(TOKEN_REASONS.get(value, value) if isinstance(value, str) else value),
    "rationale": quoted,
    "review": lambda value: _("review: %(name)s") % {"name": plain(value)} if value else "",
    "changed": lambda value: _("changed: %(fields)s") % {"fields": plain(value)} if value else "",
    "size": lambda value: filesizeformat(value) if isinstance(value, int) else plain(value),
    "name": quoted,
    "ip": lambda value: _("IP %(address)s") % {"address": value} if value else "",
    "method": lambda value: "",  # shown with the path
    "path": lambda value: str(value),
    "years": years_changed,
    "reports": counted,
    "approve": lambda value: _("as approved") if value else "",
    "role": lambda value: (
        _("role: %(role)s") % {"role": Role(value).label if value in Role.values else value}
    ),
}


def details_line(details) -> str:
    if not isinstance(details, dict):
        return Truncator(plain(details)).chars(DETAILS_LENGTH) if details else ""
    pieces = []
    if details.get("method") and details.get("path"):
        pieces.append(f"{details['method']} {details['path']}")
    for key, value in details.items():
        if key == "path" and details.get("method"):
            continue
        piece = PIECES[key](value) if key in PIECES else f"{KEY_WORDS.get(key, key)}: {plain(value)}"
        if piece:
            pieces.append(piece)
    return Truncator(" · ".join(pieces)).chars(DETAILS_LENGTH)
