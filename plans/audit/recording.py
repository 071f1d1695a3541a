"""The events that come with a request rather than with a service's write:
signing in and out, a failed sign-in, a lockout and a refusal (403).

One function records them all, ``event_record``, the request's sibling of
plans.services.audit_record. plans/apps.py connects the receivers below to
Django's sign-in signals (and django-axes's lockout, when it is installed);
the refusals come from handler403 (plans/audit/views.py, ntip/urls.py).
"""

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils.module_loading import import_string

from plans.models import AuditEvent

logger = logging.getLogger(__name__)

SIGNED_IN = "auth.login"
SIGNED_OUT = "auth.logout"
SIGN_IN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.lockout"
ACCESS_DENIED = "access.denied"

# Events about an account that nobody signed in to: the account is the object
# (object_repr, the username as typed), there is no actor.
SIGN_IN_ATTEMPTS = (SIGN_IN_FAILED, LOCKED_OUT)

USERNAME_LENGTH = 150
PATH_LENGTH = 300
REASON_LENGTH = 300


def client_ip(request) -> str:
    """The address the request came from, by the rule django-axes counts
    failed sign-ins with (AXES_CLIENT_IP_CALLABLE: behind the TLS proxy, the
    address the proxy was reached from), so the trail and the lockout name the
    same address. Without that rule, REMOTE_ADDR: a forwarded-for header is
    whatever the client wrote."""
    if request is None:
        return ""
    rule = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    address = import_string(rule)(request) if rule else request.META.get("REMOTE_ADDR")
    return address or ""


def event_record(
    *, action: str, request=None, actor=None, account: str = "", details: dict | None = None
) -> AuditEvent:
    """Record ``action`` with the request's address. ``account`` names the
    user account the event is about (a sign-in, a failed attempt)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=get_user_model()._meta.label if account else "",
        object_id=str(actor.pk) if account and actor is not None else "",
        object_repr=account[:USERNAME_LENGTH],
        details={"ip": client_ip(request), **(details or {})},
    )


def login_record(sender, request, user, **kwargs) -> None:
    """Django's user_logged_in: the page's sign-in, the admin's, force_login."""
    event_record(action=SIGNED_IN, request=request, actor=user, account=user.get_username())


def logout_record(sender, request, user, **kwargs) -> None:
    """Django's user_logged_out; ``user`` is None when nobody was signed in."""
    account = user.get_username() if user is not None else ""
    event_record(action=SIGNED_OUT, request=request, actor=user, account=account)


def login_failure_record(sender, credentials, request=None, **kwargs) -> None:
    """Django's user_login_failed (the sign-in pages and the token endpoint).

    Only the username typed is kept, never anything else of the credentials:
    Django masks the password, but a mistyped form could put it in another field.
    """
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:USERNAME_LENGTH]
    event_record(action=SIGN_IN_FAILED, request=request, account=username)


def lockout_record(sender, request=None, username: str = "", ip_address: str = "", **kwargs) -> None:
    """django-axes's user_locked_out: too many failed sign-ins (issue 14)."""
    event_record(
        action=LOCKED_OUT,
        request=request,
        account=str(username or "")[:USERNAME_LENGTH],
        details={"ip": ip_address or client_ip(request)},
    )


def access_denied_record(request, exception=None) -> None:
    """A page refused (PermissionDenied, answered 403). A failure to record is
    logged, never turned into a 500: the visitor is still told no."""
    try:
        event_record(
            action=ACCESS_DENIED,
            request=request,
            actor=getattr(request, "user", None),
            details={
                "method": request.method,
                "path": request.path[:PATH_LENGTH],
                "reason": str(exception or "")[:REASON_LENGTH],
            },
        )
    except DatabaseError:
        logger.exception("Could not record a refusal of %s in the audit trail", request.path)


def signals_connect() -> None:
    """Called once from plans/apps.py ready(); dispatch_uid keeps it once."""
    from django.contrib.auth import signals

    signals.user_logged_in.connect(login_record, dispatch_uid="plans.audit.login")
    signals.user_logged_out.connect(logout_record, dispatch_uid="plans.audit.logout")
    signals.user_login_failed.connect(login_failure_record, dispatch_uid="plans.audit.login_failed")
    if apps.is_installed("axes"):
        # django-axes locks an account out after repeated failures (issue 14).
        from axes.signals import user_locked_out

        user_locked_out.connect(lockout_record, dispatch_uid="plans.audit.lockout")
