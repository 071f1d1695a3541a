"""The audit page's read: events filtered by who, what, plan and when, newest
first, a page at a time, as rows of words. Two queries whatever the number of
events: the count and the page (actor and plan joined)."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from plans.audit.actions import (
    KIND_PREFIX,
    KINDS,
    OTHER,
    SIGN_IN_KIND,
    action_words,
    kind_get,
    kind_of,
    thing_name,
)
from plans.audit.details import details_line
from plans.audit.recording import SIGN_IN_ATTEMPTS
from plans.models import AuditEvent, Plan

PAGE_SIZE = 50
# The secretariat works in Phnom Penh: the page's days and times are its own,
# whatever the server's clock says.
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""
    what: str = ""
    plan: Plan | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class AuditRow:
    at: datetime.datetime  # in Phnom Penh time
    who: str  # the username, or who it was when nobody was signed in
    signed_in: bool
    what: str
    kind: str
    object: str
    plan: str
    details: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: Page


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=PHNOM_PENH)


def kind_filter(key: str) -> Q:
    kind = kind_get(key)
    if kind is None:
        return Q(pk__in=[])
    if kind is OTHER:
        claimed = Q()
        for other in KINDS:
            for prefix in other.prefixes:
                claimed |= Q(action__startswith=prefix)
        return ~claimed
    matches = Q()
    for prefix in kind.prefixes:
        matches |= Q(action__startswith=prefix)
    return matches


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "plan").order_by("-at", "-id")
    if filters.who:
        # A failed sign-in has no actor: the account tried is its object.
        events = events.filter(
            Q(actor__username=filters.who) | Q(action__in=SIGN_IN_ATTEMPTS, object_repr=filters.who)
        )
    if filters.what.startswith(KIND_PREFIX):
        events = events.filter(kind_filter(filters.what.removeprefix(KIND_PREFIX)))
    elif filters.what:
        events = events.filter(action=filters.what)
    if filters.plan is not None:
        events = events.filter(plan=filters.plan)
    if filters.date_from:
        events = events.filter(at__gte=day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=day_start(filters.date_to + datetime.timedelta(days=1)))
    return events


def nobody(action: str) -> str:
    """No actor: a visitor who was not signed in (a failed sign-in, a refusal),
    or the system (the demo's seeding, a scheduled task, a command)."""
    return _("not signed in") if action.startswith(SIGN_IN_KIND.prefixes) else _("the system")


def audit_row(event: AuditEvent) -> AuditRow:
    thing = capfirst(thing_name(event.object_type)) if event.object_type else ""
    return AuditRow(
        at=event.at.astimezone(PHNOM_PENH),
        who=event.actor.get_username() if event.actor else nobody(event.action),
        signed_in=event.actor is not None,
        what=action_words(event.action, event.object_type, event.details),
        kind=str(kind_of(event.action).label),
        object=" ".join(part for part in (thing, event.object_repr) if part),
        plan=event.plan.code if event.plan else "",
        details=details_line(event.details),
    )


def audit_page(*, filters: AuditFilters, page_number) -> AuditPage:
    page = Paginator(audit_events(filters), PAGE_SIZE).get_page(page_number)
    return AuditPage(rows=[audit_row(event) for event in page.object_list], page=page)
