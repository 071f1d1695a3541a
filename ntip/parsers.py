"""The API's JSON parser (REST_FRAMEWORK DEFAULT_PARSER_CLASSES): DRF's, with
the two inputs that used to end in a 500 answered 400 instead (issue 14).

- Nesting: NTIP's deepest body is a report's lines (report → indicator_values →
  code → cells → cell), five levels. JSON nested thousands of levels deep made
  the decoder raise RecursionError; anything deeper than MAX_DEPTH is refused.
- NUL: PostgreSQL cannot store or compare text holding a NUL ("\\u0000"), so a
  NUL anywhere in a body would fail at the database.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 20


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep()) from None
        problem = json_problem(data)
        if problem:
            raise ParseError(problem)
        return data


def too_deep() -> str:
    return _("JSON nested more than %(depth)s levels deep is not accepted.") % {"depth": MAX_DEPTH}


def json_problem(data) -> str:
    """What makes a decoded body unacceptable, or "". Walks it without
    recursion, so its own depth cannot hurt."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            if any("\x00" in key for key in value):
                return nul()
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            if isinstance(value, str) and "\x00" in value:
                return nul()
            continue
        if depth > MAX_DEPTH:
            return too_deep()
        pending.extend((child, depth + 1) for child in children)
    return ""


def nul() -> str:
    return _("Text may not contain a NUL character (\\u0000).")
