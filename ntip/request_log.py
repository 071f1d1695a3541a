"""The request id and the one log line of every request.

``RequestLogMiddleware`` comes first in MIDDLEWARE, so that every answer,
a redirect or a refusal of a later middleware too, carries ``X-Request-ID`` and
is logged with the time it took. The line holds the method, the path (never
the query string: a filter value or a search could be data), the status, the
duration, who asked (user id, username, organisation code) and the request id;
never a body, a figure or a note. Tasks enqueued while the request runs carry
its id (ntip/celery.py).
"""

import logging
import time

from django.utils.functional import empty

from ntip.logging import request_id, request_id_from_header

logger = logging.getLogger("ntip.request")

HEADER = "X-Request-ID"

# Organisation id → code, per process: the token's user comes without its
# organisation, and a query per request to name it in a log line is not worth
# it. A renamed code shows under its old name until the process restarts.
_organisation_codes: dict[int, str] = {}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id_from_header(request.headers.get(HEADER))
        token = request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            request_log(request, response.status_code, time.perf_counter() - started)
            return response
        finally:
            request_id.reset(token)


def request_log(request, status: int, seconds: float) -> None:
    duration_ms = round(seconds * 1000, 1)
    fields = {
        "method": request.method,
        "path": request.path,
        "status": status,
        "duration_ms": duration_ms,
        **request_user_fields(request),
        "request_id": request_id.get(),
    }
    level = logging.ERROR if status >= 500 else logging.INFO
    logger.log(level, "%s %s %s %sms", request.method, request.path, status, duration_ms, extra=fields)


def request_user_fields(request) -> dict:
    """Who made the request, without a query: the user only if something
    already loaded them (a page, the API's token), never to log it."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty or not user.is_authenticated:
        return {"user_id": None, "username": None, "organisation": None}
    return {
        "user_id": user.pk,
        "username": user.get_username(),
        "organisation": organisation_code(user),
    }


def organisation_code(user) -> str | None:
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return None
    # The organisation loaded with the user (the sign-in backend and the API
    # token load it) is the truth; the process's memo only spares a query.
    loaded = user._state.fields_cache.get("organisation")
    if loaded is not None:
        _organisation_codes[organisation_id] = loaded.code
        return loaded.code
    if organisation_id not in _organisation_codes:
        from plans.models import Organisation

        code = Organisation.objects.filter(pk=organisation_id).values_list("code", flat=True).first()
        if code is None:
            return None
        _organisation_codes[organisation_id] = code
    return _organisation_codes[organisation_id]
