"""Writes to plans, periods, organisations and users. Each records who did it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from plans.models import (
    AuditEvent,
    Organisation,
    Plan,
    ReportingPeriod,
    Role,
    User,
    period_code,
    quarter_bounds,
)


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
    if password:
        user.set_password(password)
    elif created:
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
