"""What a visitor locked out by django-axes is told, and which address an
attempt is counted against (ntip/settings.py AXES_*; docs/operations.md).

axes counts failed sign-ins per account and address, refuses the account from
that address once LOGIN_FAILURE_LIMIT is reached, logs the lockout (logger
"axes") and sends its user_locked_out signal, which plans/audit records.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

STATUS = 429  # Too Many Requests, as axes answers by default


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins to this account from your address. "
        "Try again in %(minutes)s minutes, or ask the secretariat administrator to check your account."
    ) % {"minutes": cool_off_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page in the site's layout, or for the
    API a JSON answer that says when to try again."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=STATUS)
    else:
        response = render(
            request,
            "registration/lockout.html",
            {"message": lockout_message(), "minutes": cool_off_minutes()},
            status=STATUS,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE. Behind the TLS proxy (BEHIND_TLS_PROXY), every
    request comes from the proxy; the proxy appends the address it was reached
    from to X-Forwarded-For (docs/operations.md, the nginx block), so the last
    entry is the client's. The entries before it are whatever the client
    wrote, and are never trusted."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
