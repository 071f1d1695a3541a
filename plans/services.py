"""Writes to plans, periods, organisations and users. Each records who did it."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from ntip.celery import app as celery_app
from plans.models import (
    AuditEvent,
    Organisation,
    Plan,
    ReportingPeriod,
    Role,
    ScoreState,
    User,
    period_code,
    quarter_bounds,
)

logger = logging.getLogger(__name__)


def audit_record(
    *, actor, action: str, target: Model | None = None, plan: Plan | None = None, details=None
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``. ``actor`` may be None
    for the system (seed, scheduled tasks)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        plan=plan,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:300] if target is not None else "",
        details=details or {},
    )


def audit_record_many(*, actor, action: str, targets: list[tuple[Model, dict]], plan: Plan | None = None):
    """audit_record() for many targets at once, each with its details: one
    insert (a values file records a step for each of hundreds of reports)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            plan=plan,
            object_type=target._meta.label,
            object_id=str(target.pk),
            object_repr=str(target)[:300],
            details=details or {},
        )
        for target, details in targets
    )


def plan_period_rows(plan: Plan) -> list[dict]:
    """Every quarter of the plan's years, numbered from 1, with its default deadline."""
    rows = []
    for year in plan.years:
        for quarter in (1, 2, 3, 4):
            start, end = quarter_bounds(year, quarter)
            rows.append(
                {
                    "code": period_code(year, quarter),
                    "year": year,
                    "quarter": quarter,
                    "index": len(rows) + 1,
                    "start": start,
                    "end": end,
                    "deadline": end + datetime.timedelta(days=plan.deadline_days),
                }
            )
    return rows


@transaction.atomic
def plan_sync_periods(*, plan: Plan) -> list[ReportingPeriod]:
    """Create the plan's missing quarters and drop those outside its years.

    Deadlines already set are kept (the secretariat may have moved one);
    a period that reports or activities point to cannot be dropped.
    """
    wanted = {row["code"]: row for row in plan_period_rows(plan)}
    existing = {p.code: p for p in plan.periods.all()}
    stale = [p for code, p in existing.items() if code not in wanted]
    for period in stale:
        if period.reports.exists():
            raise ValidationError(
                _("Period %(code)s has reports and cannot be removed from the plan.") % {"code": period.code}
            )
    ReportingPeriod.objects.filter(pk__in=[p.pk for p in stale]).delete()
    kept = [p for code, p in existing.items() if code in wanted]
    if any(p.index != wanted[p.code]["index"] for p in kept):
        # Move the kept periods out of the way first, so that the unique
        # (plan, index) never clashes while they are renumbered.
        plan.periods.update(index=F("index") + 10_000)
        for period in kept:
            period.index = wanted[period.code]["index"]
            period.save(update_fields=["index"])
    ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(plan=plan, **row) for code, row in wanted.items() if code not in existing]
    )
    return list(plan.periods.order_by("index"))


@transaction.atomic
def plan_save(*, actor, plan: Plan) -> Plan:
    """Create or update a plan (validated), and lay out its reporting periods."""
    creating = plan.pk is None
    plan.full_clean()
    plan.save()
    plan_sync_periods(plan=plan)
    audit_record(actor=actor, action="plan.create" if creating else "plan.update", target=plan, plan=plan)
    return plan


@transaction.atomic
def user_save(
    *,
    actor,
    username: str,
    role: str,
    organisation: Organisation | None,
    password: str | None = None,
    email: str = "",
) -> tuple[User, bool]:
    """Create or update a user with one role and one organisation."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    user, created = User.objects.get_or_create(username=username)
    user.role = role
    user.organisation = organisation
    if email:
        user.email = email
    # Only the secretariat administrator uses the Django admin pages.
    user.is_staff = role == Role.SECRETARIAT_ADMIN
    if password and not user.check_password(password):
        # Only a new password is a change: setting the same one again keeps the
        # user's API token (plans/tokens.py revokes it on a change).
        user.set_password(password)
    elif created and not password:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.create" if created else "user.update",
        target=user,
        details={"role": role, "organisation": organisation.code if organisation else None},
    )
    return user, created


@transaction.atomic
def user_display_set(*, user: User, language: str | None = None, khmer_digits: bool | None = None) -> User:
    """A user's own choice of language (the switch in the menu) and of digits,
    stored on the user (docs/languages.md). None leaves a choice as it is; a
    change is recorded in the audit trail, choosing the same again is not."""
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language %(language)s.") % {"language": language}})
    changed = {}
    if language is not None and language != user.language:
        changed["language"] = language
    if khmer_digits is not None and khmer_digits != user.khmer_digits:
        changed["khmer_digits"] = khmer_digits
    if not changed:
        return user
    for field, value in changed.items():
        setattr(user, field, value)
    user.save(update_fields=list(changed))
    audit_record(actor=user, action="user.display", target=user, details=changed)
    return user


# The Celery task that recomputes a plan's scores, named rather than imported:
# it lives in the reports app, which builds on this one.
RECOMPUTE_TASK = "reports.tasks.recompute_plan_scores"


def scores_mark_stale(*, plan_id: int, from_index: int = 1) -> None:
    """Mark a plan's stored scores out of date from period ``from_index`` on,
    and ask a worker to recompute them once this transaction commits.

    Approving or reopening figures for period p marks p on; a change of
    structure, weights, thresholds or targets marks everything (index 1).
    """
    ScoreState.objects.get_or_create(plan_id=plan_id)
    ScoreState.objects.filter(plan_id=plan_id).update(
        stale_from=Least(Coalesce("stale_from", Value(from_index)), Value(from_index)),
        version=F("version") + 1,
        marked_at=timezone.now(),
    )
    version = ScoreState.objects.filter(plan_id=plan_id).values_list("version", flat=True).get()
    # The published periods whose scores this changes now say "revised since
    # publication" (docs/publication.md).
    ReportingPeriod.objects.filter(plan_id=plan_id, index__gte=from_index, published_at__isnull=False).update(
        revised_at=timezone.now()
    )
    transaction.on_commit(lambda: scores_enqueue_if_latest_mark(plan_id=plan_id, version=version))


def scores_enqueue_if_latest_mark(*, plan_id: int, version: int) -> None:
    """After commit: enqueue one recompute for the plan's latest mark only.

    An import that approves 160 reports marks the plan 160 times in one
    transaction; every mark but the last sees a newer version and leaves the
    work to it, so one task is queued, not 160.
    """
    if ScoreState.objects.filter(plan_id=plan_id, version=version).exists():
        scores_enqueue_recompute(plan_id=plan_id)


def scores_enqueue_recompute(*, plan_id: int) -> bool:
    """Send the recompute task; False when the broker cannot be reached.

    The publish retry is bounded in settings (about a second), so a request
    never hangs on a broker that is down. The plan stays marked stale and the
    periodic reconcile task picks it up when the broker is back.
    """
    task = celery_app.tasks[RECOMPUTE_TASK]
    try:
        task.apply_async(args=[plan_id], retry=True)
    except Exception:  # kombu raises OperationalError and friends; never fail the write.
        logger.warning(
            "Could not enqueue score recompute for plan %s; reconcile will retry", plan_id, exc_info=True
        )
        return False
    return True
