"""Publishing a period: the secretariat says a quarter's figures are final
enough to leave the secretariat (docs/publication.md).

Until then a period is *open*: its reports are still being drafted, submitted,
returned and approved, and a roll-up of whatever is approved so far is not a
result. Partners and the public see published periods only
(plans.access.periods_for_user).

Periods are published in order and withdrawn from the newest: "published up to
2026-Q2" is then always a whole run of quarters, so no partner ever sees a
score resting on figures of an earlier quarter they may not see.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.access import user_can_publish
from plans.models import ReportingPeriod
from plans.services import audit_record


class PublicationConflict(Exception):
    """The period is already in the state asked for: someone else published
    or withdrew it first (the API answers 409)."""


def period_publish_errors(period: ReportingPeriod, *, today: datetime.date) -> list[str]:
    """Why the period cannot be published now; empty when it can."""
    if period.deadline >= today:
        return [
            _("%(period)s can be published once its report deadline (%(deadline)s) has passed.")
            % {"period": period.code, "deadline": period.deadline.isoformat()}
        ]
    earlier = period.plan.periods.filter(index__lt=period.index, published_at__isnull=True).first()
    if earlier is not None:
        return [_("Publish %(earlier)s first: periods are published in order.") % {"earlier": earlier.code}]
    return []


def period_withdraw_errors(period: ReportingPeriod) -> list[str]:
    """Why the period's publication cannot be withdrawn; empty when it can."""
    later = period.plan.periods.filter(index__gt=period.index, published_at__isnull=False).last()
    if later is not None:
        return [
            _("Withdraw %(later)s first: the newest publication is withdrawn first.") % {"later": later.code}
        ]
    return []


def _locked(period: ReportingPeriod) -> ReportingPeriod:
    """The period re-read under a row lock, so two reviewers publishing at once
    take turns and the second sees the first one's publication.

    The lock takes the plan's row too (the join of select_related, no ``of=``):
    every publication step of a plan waits for the one under way. Keep it so:
    the order rules read the neighbours, and publishing 2026-Q3 while another
    reviewer withdraws 2026-Q2 would otherwise each pass its check and leave a
    gap (tests/faults/test_races.py)."""
    return ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)


@transaction.atomic
def period_publish(*, actor, period: ReportingPeriod, today: datetime.date | None = None) -> ReportingPeriod:
    """Publish the period's figures to partners and the public. Recorded with
    who and when; refused (ValidationError) while its deadline has not passed
    or an earlier period is still open; PublicationConflict when it is
    published already."""
    if not user_can_publish(actor):
        raise PermissionDenied(_("Only the secretariat can publish a period."))
    today = today or timezone.localdate()
    period = _locked(period)
    if period.is_published:
        raise PublicationConflict(_("%(period)s is already published.") % {"period": period.code})
    errors = period_publish_errors(period, today=today)
    if errors:
        raise ValidationError({"period": errors})
    period.published_at = timezone.now()
    period.published_by = actor
    period.revised_at = None
    period.save(update_fields=["published_at", "published_by", "revised_at"])
    audit_record(actor=actor, action="period.publish", target=period, plan=period.plan)
    return period


@transaction.atomic
def period_withdraw(*, actor, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Withdraw the period's publication, with a reason (audited): partners and
    the public no longer see its figures until it is published again."""
    if not user_can_publish(actor):
        raise PermissionDenied(_("Only the secretariat can withdraw a publication."))
    period = _locked(period)
    if not period.is_published:
        raise PublicationConflict(_("%(period)s is not published.") % {"period": period.code})
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the publication is withdrawn: partners may have read it.")]
    problems = period_withdraw_errors(period)
    if problems:
        errors["period"] = problems
    if errors:
        raise ValidationError(errors)
    published_at = period.published_at
    period.published_at = None
    period.published_by = None
    period.revised_at = None
    period.save(update_fields=["published_at", "published_by", "revised_at"])
    audit_record(
        actor=actor,
        action="period.withdraw",
        target=period,
        plan=period.plan,
        details={"reason": reason, "published_at": published_at.isoformat()},
    )
    return period
