import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plans.access import plans_for_user

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    """The signed-in user's start page: the plans they can follow."""
    plans = plans_for_user(request.user).order_by("-start_year", "code")
    return render(request, "plans/home.html", {"plans": plans})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and compose's health checks: the database answers,
    and the broker when one is configured (docs/operations.md, "Health checks").
    200 ``ok`` when every configured part is up, else 503 naming what is down;
    ``?full``: each part's state as JSON, with the same status."""
    parts = {"database": database_state(), "broker": broker_state()}
    healthy = all(state in ("ok", "not configured") for state in parts.values())
    status = 200 if healthy else 503
    if "full" in request.GET:
        return JsonResponse(parts, status=status)
    down = [part for part, state in parts.items() if state == "down"]
    body = "ok" if healthy else "down: " + ", ".join(down)
    return HttpResponse(body, content_type="text/plain", status=status)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "down"
    return "ok"


# A health check must answer within compose's timeout even when the broker's
# host does not: connect and read for at most this long.
BROKER_TIMEOUT_SECONDS = 1


def broker_state() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(
                url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
                broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:  # any failure to reach it (refused, timeout, auth) is "down"
        # The error's kind only: the URL in its message may hold the broker's password.
        logger.warning("healthz: the broker does not answer (%s)", type(error).__name__)
        return "down"
    return "ok"
