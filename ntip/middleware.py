"""The guards every request passes (issue 14), in the order ntip/settings.py
lists them: no-store on what views answer, a body too large refused before it
is read, a session ended when idle or old, and a control character in the
address answered before it reaches a view and the database. Then the handler
of errors (server_error): the database not answering is a 503, not a 500."""

import sys
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

from plans.auth_sessions import session_limit_reached

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def refusal(request, status: int, template: str, message: str, context: dict | None = None):
    """A refusal as the API gives one (JSON with ``detail``) or as a page in the
    site's layout."""
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, template, {"message": message, **(context or {})}, status=status)


class NoStoreMiddleware:
    """Pages and API answers carry figures about victims: no browser or proxy
    cache keeps them (a shared computer, the back button after signing out).
    Static files never get here (WhiteNoise answers them above) and keep their
    caching; a view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class RequestSizeLimitMiddleware:
    """Refuses (413) a request whose declared Content-Length is over the limit
    for its path, before anything reads the body: a 50 MiB upload is never
    written to a temporary file. Django reads no more than Content-Length, so a
    body cannot be longer than it says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = self.limit_for(request.path_info)
        if self.declared_length(request) > limit:
            response = refusal(
                request,
                413,
                "413.html",
                _("What you sent is too large: at most %(size)s at a time.") % {"size": mebibytes(limit)},
                {"limit": mebibytes(limit)},
            )
            # The body is left unread: the connection cannot be reused.
            response["Connection"] = "close"
            return response
        return self.get_response(request)

    @staticmethod
    def limit_for(path: str) -> int:
        if path.startswith(settings.REQUEST_UPLOAD_PATH_PREFIXES):
            return settings.REQUEST_MAX_BYTES_UPLOAD
        return settings.REQUEST_MAX_BYTES

    @staticmethod
    def declared_length(request) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            # Django reads such a body as empty.
            return 0


def mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


class SessionLimitsMiddleware:
    """Ends a signed-in session after SESSION_IDLE_SECONDS without a request or
    SESSION_ABSOLUTE_SECONDS after signing in, then lets the login wall send
    the visitor to the login page with a word on why (plans/auth_sessions.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = session_limit_reached(request)
        if reason:
            logout(request)
            messages.info(request, reason)
        return self.get_response(request)


def has_control_character(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


class BadInputMiddleware:
    """A control character (a NUL, an escape, a newline…) has no place in
    NTIP's addresses or filters, and PostgreSQL refuses a NUL in a query with an
    error: so the path answers 404 and the query string 400, before any view
    looks anything up. One guard, for every page, the API and the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if has_control_character(request.path_info):
            if is_api(request):
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404
        if any(
            has_control_character(name) or has_control_character(value)
            for name, value in query_items(request)
        ):
            return refusal(
                request,
                400,
                "400.html",
                _("The address of this page is not valid: it holds a control character."),
            )
        return None


def query_items(request):
    for name, values in request.GET.lists():
        for value in values:
            yield name, value


# --- The database is down --------------------------------------------------------

# What a request meets while PostgreSQL restarts or is out of reach: the
# connection refused or cut ("terminating connection due to administrator
# command"), or a connection Django still holds that is already closed.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# A browser or client may try again after this many seconds.
RETRY_AFTER_SECONDS = 10


def server_error(request, template_name: str = "500.html"):
    """handler500 (ntip/urls.py). Django calls it for an exception raised
    anywhere in a request, in a view or in a middleware (the session, the
    login wall), still inside its ``except``: so sys.exc_info() says what
    failed. The database unavailable is a 503 that says so and clears itself
    (CONN_HEALTH_CHECKS reconnects on the next request, docs/operations.md
    "When the database restarts"); anything else is the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)


def database_unavailable(request) -> HttpResponse:
    """The 503 of the API (JSON ``detail``) or the page (templates/503.html),
    made without a query: no user, no context processors, no session write."""
    message = _("NTIP is briefly unavailable: the database is restarting or cannot be reached. Try again.")
    if is_api(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = loader.get_template("503.html").render({"retry_url": request.get_full_path()})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
