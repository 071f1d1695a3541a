"""API tokens (docs/api.md, "Tokens"): DRF's one token per user, which expires
API_TOKEN_DAYS after it was issued and is revoked when its user's password
changes or the user is deactivated. Every issue, expiry and revocation is in
the audit trail, with the user as its object (never the key).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from simple_history.models import HistoricalRecords

from plans.languages import user_language_activate
from plans.services import audit_record

# Why a token was revoked, as the audit trail records it.
REVOKED_BY_OWNER = "revoked by its owner"
REVOKED_BY_ADMIN = "revoked by an administrator"
PASSWORD_CHANGED = "password changed"  # noqa: S105 (a reason, not a password)
USER_DEACTIVATED = "user deactivated"


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


def key_prefix(token: Token) -> str:
    """Enough of the key to tell two tokens apart on a page, not to use one."""
    return f"{token.key[:6]}…"


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's token: the one they have while it lasts, else a new one."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_is_expired(token):
        token_expire(token=token)
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        audit_record(
            actor=user,
            action="token.create",
            target=user,
            details={"expires": token_expires_at(token).isoformat()},
        )
    return token


def token_expire(*, token: Token) -> None:
    """Delete a token past its lifetime; the system does it, when it is next used or renewed."""
    audit_record(
        actor=None, action="token.expire", target=token.user, details={"issued": token.created.isoformat()}
    )
    token.delete()


def token_revoke(*, actor, token: Token, reason: str) -> None:
    audit_record(
        actor=actor,
        action="token.revoke",
        target=token.user,
        details={"reason": reason, "issued": token.created.isoformat()},
    )
    token.delete()


def tokens_revoke_for_user(*, actor, user, reason: str) -> int:
    tokens = list(Token.objects.filter(user=user).select_related("user"))
    for token in tokens:
        token_revoke(actor=actor, token=token, reason=reason)
    return len(tokens)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (401) a token past API_TOKEN_DAYS.
    No extra query: the token is read with its user, as before."""

    def authenticate_credentials(self, key):
        # DRF's own, but with the user's organisation in the same query: the
        # request's log line names it (ntip/request_log.py) at no extra query.
        try:
            token = Token.objects.select_related("user__organisation").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        user = token.user
        if token_is_expired(token):
            token_expire(token=token)
            raise AuthenticationFailed(
                _("This token has expired. Ask for a new one: POST /api/v1/auth/token/.")
            )
        # Signed in only now, after the middleware (plans/languages.py): the
        # answer in the user's language and digits.
        user_language_activate(user)
        return user, token


def request_actor():
    """Who is making the current request, when the change comes from one (the
    admin's password form); None for a command or a task. The request is the
    one simple_history's middleware keeps for the figures' history."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="plans.tokens.revoke_on_change")
def tokens_revoke_on_user_change(sender, instance, raw=False, **kwargs) -> None:
    """A new password or a deactivation ends the user's API access too, whatever
    changed it (the admin, add_user, a command).

    ``_password`` is set by set_password until the save completes, and not by
    Django's rehash of a password at sign-in, which is no change of password.
    An active user whose password did not change costs no query.
    """
    if raw:
        return
    if getattr(instance, "_password", None) is not None:
        reason = PASSWORD_CHANGED
    elif not instance.is_active:
        reason = USER_DEACTIVATED
    else:
        return
    tokens_revoke_for_user(actor=request_actor(), user=instance, reason=reason)
