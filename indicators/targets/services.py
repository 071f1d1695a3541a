"""Revising an indicator's targets after a review (docs/scoring.md, "Revised targets")."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
    Target,
    TargetRevision,
    target_errors,
)
from plans.access import user_can_revise_targets
from plans.formatting import plain_number
from plans.services import audit_record, scores_mark_stale


@transaction.atomic
def targets_revise(
    *, actor, indicator: Indicator, values: dict[int, Decimal], review: str, rationale: str
) -> list[TargetRevision]:
    """Revise an indicator's targets after a review: ``values`` maps plan years
    to their new targets; a year left out, or given the target already in
    force, is not revised. The originals stay; scores are recomputed against
    the revised targets. ValidationError names the field at fault."""
    if not user_can_revise_targets(actor):
        raise PermissionDenied(_("Only the secretariat administrator can revise targets."))
    errors: dict[str, list[str]] = {}
    review, rationale = (review or "").strip(), (rationale or "").strip()
    if not review:
        errors["review"] = [_("Name the review that revised these targets, e.g. Mid-term review 2026.")]
    if not rationale:
        errors["rationale"] = [
            _("Say why the targets are revised: the original and the reason both stay on record.")
        ]
    targets = {
        target.year: target
        for target in Target.objects.with_in_force()
        .select_for_update(of=("self",))
        .filter(indicator=indicator)
    }
    changes = {}
    for year, value in sorted(values.items()):
        field = f"year_{year}"
        if year not in targets:
            errors[field] = [
                _("%(year)s has no target to revise: set the plan's targets first.") % {"year": year}
            ]
            continue
        problems = target_errors(indicator, year, value)
        if problems:
            errors[field] = list(problems.values())
        elif value != targets[year].in_force:
            changes[year] = value
    if not errors and not changes:
        errors["__all__"] = [_("No target changed: give at least one year a new target.")]
    if errors:
        raise ValidationError(errors)
    revised_at = timezone.now()
    revisions = TargetRevision.objects.bulk_create(
        TargetRevision(
            target=targets[year],
            value=value,
            review=review,
            rationale=rationale,
            revised_at=revised_at,
            revised_by=actor,
        )
        for year, value in changes.items()
    )
    audit_record(
        actor=actor,
        action="targets.revise",
        target=indicator,
        plan=indicator.plan,
        details={
            "review": review,
            "rationale": rationale,
            "years": {
                str(year): {"from": plain_number(targets[year].in_force), "to": plain_number(value)}
                for year, value in changes.items()
            },
        },
    )
    # Targets feed every period's score.
    scores_mark_stale(plan_id=indicator.plan_id, from_index=1)
    return revisions
