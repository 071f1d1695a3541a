"""How long a signed-in session lasts: SESSION_IDLE_SECONDS without a request,
SESSION_ABSOLUTE_SECONDS in all (ntip/settings.py; issue 14).

Two times are kept in the session: when its user signed in, and when it was
last seen. "Last seen" is written back at most once a minute, so a page costs
no extra query while someone works through the dashboards; the session is
saved then anyway, which also moves its stored expiry (SESSION_COOKIE_AGE is
the idle limit) on.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

SIGNED_IN_AT = "ntip_signed_in_at"
SEEN_AT = "ntip_seen_at"
# How stale "last seen" may get before it is written back.
SEEN_RESOLUTION_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="plans.auth_sessions.stamp")
def session_stamp(sender, request, user, **kwargs) -> None:
    """At sign-in (the login pages, the test client's force_login): the
    session's start. The login itself saves the session, so this costs nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now


def session_limit_reached(request, now: float | None = None) -> str:
    """Why the request's session must end ("" when it may go on); records
    the visit when the last one is more than a minute old."""
    session = getattr(request, "session", None)
    # A visitor without a session cookie, or with one nobody signed in to:
    # nothing to end, and no query to find that out.
    if session is None or session.session_key is None or "_auth_user_id" not in session:
        return ""
    now = int(now if now is not None else time.time())
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        # A session from before these limits: it starts counting now.
        session[SIGNED_IN_AT] = signed_in_at or now
        session[SEEN_AT] = now
        return ""
    if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
        hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
        return _("You were signed out: a session lasts at most %(hours)s hours. Sign in again.") % {
            "hours": hours
        }
    if now - seen_at > settings.SESSION_IDLE_SECONDS:
        minutes = settings.SESSION_IDLE_SECONDS // 60
        return _("You were signed out after %(minutes)s minutes without activity. Sign in again.") % {
            "minutes": minutes
        }
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return ""
