"""Who may see and do what. Every view, API call, export and import asks here.

Roles (docs/roles.md): secretariat_admin, secretariat_reviewer, focal_point,
partner; anonymous visitors see only public plan summaries. Querysets are
filtered here, where the data is read, not only in templates.
"""

from django.db.models import QuerySet
from django.http import Http404

from plans.models import Organisation, Plan, Role


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
