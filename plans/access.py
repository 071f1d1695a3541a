"""Who may see and do what. Every view, API call, export and import asks here.

Roles (docs/roles.md): secretariat_admin, secretariat_reviewer, focal_point,
partner; anonymous visitors see only public plan summaries. Querysets are
filtered here, where the data is read, not only in templates.
"""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from plans.models import Organisation, Plan, ReportingPeriod, Role


def user_is_admin(user) -> bool:
    """May manage plans, structure, targets, organisations, users and periods."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.SECRETARIAT_ADMIN)
    )


def user_is_secretariat(user) -> bool:
    """Sees everything, including other organisations' unapproved figures."""
    return user_is_admin(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.SECRETARIAT_REVIEWER
    )


def user_can_review(user) -> bool:
    """May approve, return and reopen quarterly reports."""
    return user_is_secretariat(user)


def user_can_read_audit(user) -> bool:
    """May read the audit trail (/audit/): who signed in, who was refused,
    who changed, approved, published or exported what."""
    return user_is_secretariat(user)


def user_can_revise_targets(user) -> bool:
    """May revise a plan's targets after a review (the mid-term review)."""
    return user_is_admin(user)


def user_fills_in_reports(user) -> bool:
    """Fills in quarterly reports at all: a focal point (for their
    organisation) or the secretariat administrator (on behalf of any).
    Reviewers work from the review pages; partners never report."""
    if user_is_admin(user):
        return True
    return bool(
        user.is_authenticated and user.is_active and user.role == Role.FOCAL_POINT and user.organisation_id
    )


def user_can_edit_report(user, organisation: Organisation) -> bool:
    """May fill in, save and submit this organisation's quarterly report: its
    focal point, or the secretariat administrator on its behalf."""
    if user_is_admin(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.FOCAL_POINT
        and user.organisation_id == organisation.pk
    )


def plans_for_user(user) -> QuerySet[Plan]:
    """Signed-in users see every plan's structure; the public sees public plans."""
    # The score state comes along: every dashboard says how fresh its scores are.
    plans = Plan.objects.select_related("score_state")
    if user.is_authenticated and user.is_active:
        return plans
    return plans.filter(is_public=True)


def plan_get_for_user(user, code: str) -> Plan:
    """The plan with this code, or Plan.DoesNotExist when the user may not see it."""
    return plans_for_user(user).get(code=code)


def plan_get_for_user_or_404(user, code: str) -> Plan:
    """The plan with this code for a page or API view: a plan the user may not
    see answers 404, as one that does not exist (its code is not revealed)."""
    try:
        return plan_get_for_user(user, code)
    except Plan.DoesNotExist:
        raise Http404 from None


def organisations_for_user(user) -> QuerySet[Organisation]:
    """Organisations are listed openly to signed-in users (names, codes, kinds)."""
    if user.is_authenticated and user.is_active:
        return Organisation.objects.all()
    return Organisation.objects.none()


# --- Periods: published and open (docs/publication.md) ----------------------------


def user_can_publish(user) -> bool:
    """May publish a period's figures, or withdraw a publication."""
    return user_is_secretariat(user)


def user_sees_open_periods(user) -> bool:
    """The secretariat and focal points see the figures of periods not yet
    published, marked as such; partners and the public see published periods only."""
    return user_is_secretariat(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.FOCAL_POINT
    )


def user_sees_small_counts(user) -> bool:
    """The secretariat and focal points see exact counts of people; partners
    and the public see small ones as "<5", with complementary suppression,
    through every door (docs/privacy.md)."""
    return user_is_secretariat(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.FOCAL_POINT
    )


def periods_for_user(user, plan: Plan, *, today: datetime.date | None = None) -> QuerySet[ReportingPeriod]:
    """The plan's periods whose figures the user may see, in order: never one
    that has not begun (nothing can be reported for it yet), and for partners
    and the public only published ones. The one rule of every door: dashboards,
    the public page, the API and exports."""
    today = today or timezone.localdate()
    periods = plan.periods.begun(today).select_related("published_by").order_by("index")
    if not user_sees_open_periods(user):
        periods = periods.filter(published_at__isnull=False)
    return periods
