"""A quarterly report's steps after it is filled in: submit, approve, return,
reopen (one function each, used alike by the pages, the API and the values
import), and figures from a values file stored as a draft or as approved.

    DRAFT ──submit──▶ SUBMITTED ──approve──▶ APPROVED
      ▲                  │                     │
      └──── RETURNED ◀───┘ return (comment)    │ reopen (reason)
                ▲──────────────────────────────┘

Each step checks who may take it, records it (ReportEvent, AuditEvent) and,
for approvals and reopenings, marks the plan's scores stale.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
)
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from indicators.quarterly_report.selectors import (
    GapToExplain,
    indicators_to_explain,
    previous_approved_values,
)
from indicators.quarterly_report.services import (
    ActivityLine,
    IndicatorLine,
    TransitionNotAllowed,
    claim_version,
    figures_errors,
    line_field,
    outlier_needs_note,
    report_lines_write,
    report_reload,
    require_editable,
    require_period_begun,
    updates_errors,
)
from plans.access import user_can_edit_report, user_can_review
from plans.formatting import plain_number
from plans.models import Organisation, ReportingPeriod
from plans.services import audit_record, scores_mark_stale


def submission_errors(report: QuarterlyReport) -> dict:
    """What stops a report from being submitted: a missing figure or update,
    an unusual figure without a note, or a gap left unexplained."""
    errors = {}
    values = {v.indicator_id: v for v in report.indicator_values.all()}
    previous = previous_approved_values(report)
    to_explain = indicators_to_explain(report)
    for indicator in report_expected_indicators(report).values():
        value = values.get(indicator.pk)
        if value is None:
            errors[line_field("indicator", indicator.pk, "value")] = [_("Enter a value before submitting.")]
        elif not value.note.strip() and outlier_needs_note(value.value, previous.get(indicator.pk)):
            errors[line_field("indicator", indicator.pk, "note")] = [
                _(
                    "This value is more than three times, or less than a third of, your last approved "
                    "value (%(previous)s). Add a note that explains it."
                )
                % {"previous": plain_number(previous[indicator.pk])}
            ]
        if indicator.pk in to_explain:
            errors.update(gap_errors(indicator, value, to_explain[indicator.pk]))
    updates = {u.activity_id for u in report.activity_updates.all()}
    for activity in report_expected_activities(report).values():
        if activity.pk not in updates:
            errors[line_field("activity", activity.pk, "status")] = [
                _("Give this activity's status before submitting.")
            ]
    return errors


def gap_errors(indicator: Indicator, value: IndicatorValue | None, gap: GapToExplain) -> dict:
    """Explain the gap: the lead of an indicator that was at risk or off track
    in the previous period says why, and what is being done about it."""
    said = {"status": gap.status_words, "code": indicator.code, "period": gap.period_code}
    errors = {}
    if value is None or not value.gap_reason.strip():
        errors[line_field("indicator", indicator.pk, "gap_reason")] = [
            _("%(code)s was %(status)s in %(period)s: say why it fell short.") % said
        ]
    if value is None or not value.corrective_action.strip():
        errors[line_field("indicator", indicator.pk, "corrective_action")] = [
            _("%(code)s was %(status)s in %(period)s: say what is being done about it.") % said
        ]
    return errors


@transaction.atomic
def report_submit(*, actor, report: QuarterlyReport) -> QuarterlyReport:
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not submit %(org)s's report.") % {"org": report.organisation.code})
    errors = submission_errors(report)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    return transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.DRAFT, ReportState.RETURNED),
        to=ReportState.SUBMITTED,
        changes={
            "submitted_at": now,
            "submitted_by": actor,
            "first_submitted_at": report.first_submitted_at or now,
        },
    )


@transaction.atomic
def report_approve(*, actor, report: QuarterlyReport, comment: str = "") -> QuarterlyReport:
    require_reviewer(actor)
    report = transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.SUBMITTED,),
        to=ReportState.APPROVED,
        comment=comment,
        changes={"approved_at": timezone.now(), "approved_by": actor, "review_comment": ""},
    )
    # Approved figures now count: every score of the plan from this period on is stale.
    scores_mark_stale(plan_id=report.period.plan_id, from_index=report.period.index)
    return report


@transaction.atomic
def report_return(*, actor, report: QuarterlyReport, comment: str) -> QuarterlyReport:
    require_reviewer(actor)
    require_comment(comment, _("Say what needs correcting, so the ministry can fix it."))
    return transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.SUBMITTED,),
        to=ReportState.RETURNED,
        comment=comment,
        changes={"review_comment": comment.strip()},
    )


@transaction.atomic
def report_reopen(*, actor, report: QuarterlyReport, reason: str) -> QuarterlyReport:
    require_reviewer(actor)
    require_comment(reason, _("Give the reason for reopening an approved report."))
    report = transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.APPROVED,),
        to=ReportState.RETURNED,
        comment=reason,
        changes={"review_comment": reason.strip(), "approved_at": None, "approved_by": None},
    )
    # Its figures no longer count.
    scores_mark_stale(plan_id=report.period.plan_id, from_index=report.period.index)
    return report


def reports_approve(*, actor, reports) -> tuple[list[QuarterlyReport], list[tuple[QuarterlyReport, str]]]:
    """Bulk approval: approve every submitted report; list the others with why not."""
    approved, skipped = [], []
    for report in reports:
        try:
            approved.append(report_approve(actor=actor, report=report))
        except TransitionNotAllowed as refusal:
            skipped.append((report, str(refusal)))
    return approved, skipped


def require_reviewer(actor) -> None:
    if not user_can_review(actor):
        raise PermissionDenied(_("Only the secretariat can approve, return or reopen reports."))


def require_comment(text: str, message: str) -> None:
    if not (text or "").strip():
        raise ValidationError({"comment": [message]})


def transition(
    *, actor, report: QuarterlyReport, allowed_from, to: str, changes: dict, comment: str = ""
) -> QuarterlyReport:
    """Move the report to ``to`` if it is still in one of ``allowed_from``.

    A conditional UPDATE, so that of two reviewers approving at once, one wins
    and the other is told the report has moved on.
    """
    report.refresh_from_db(fields=["state"])
    before = report.state
    moved = QuarterlyReport.objects.filter(Q(state__in=allowed_from), pk=report.pk).update(
        state=to, version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **changes
    )
    report_reload(report)
    if not moved:
        raise TransitionNotAllowed(
            _("This report is %(state)s: it cannot be %(step)s.")
            % {"state": report.get_state_display(), "step": ReportState(to).label.lower()}
        )
    ReportEvent.objects.create(
        report=report, actor=actor, from_state=before, to_state=to, comment=comment.strip()
    )
    audit_record(
        actor=actor,
        action=f"report.{to.lower()}",
        target=report,
        plan=report.period.plan,
        details={"from": before, "comment": comment.strip()},
    )
    return report


# Stored with the report's history; kept in English like the other event comments.
IMPORTED_AS_APPROVED = "imported as approved"


@transaction.atomic
def report_import(
    *,
    actor,
    organisation: Organisation,
    period: ReportingPeriod,
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
    approve: bool,
    mark_scores_stale: bool = True,
) -> QuarterlyReport:
    """Figures from a values file (indicators/imports.py) for what report_open
    and report_save cannot do: the system filling a draft (``actor`` None, the
    command line), and historical figures stored straight as approved.

    The lines are checked and written with report_save's rules and helpers.
    With ``approve`` they go into the report whatever its state, and the report
    is recorded as approved the way report_approve records it: a ReportEvent,
    the audit trail, the plan's scores stale from this period on. A person must
    be both allowed to fill the report in and to approve it: the secretariat
    administrator. ``mark_scores_stale`` False leaves marking the scores to
    the caller, which approves many reports and marks the plan once, from the
    earliest of their periods.
    """
    if actor is not None:
        if not user_can_edit_report(actor, organisation):
            raise PermissionDenied(_("You may not report for %(org)s.") % {"org": organisation.code})
        if approve:
            require_reviewer(actor)
    require_period_begun(period)
    report, created = QuarterlyReport.objects.get_or_create(
        organisation=organisation, period=period, defaults={"updated_by": actor}
    )
    if created:
        ReportEvent.objects.create(report=report, actor=actor, from_state="", to_state=ReportState.DRAFT)
        audit_record(actor=actor, action="report.create", target=report, plan=period.plan)
    if not approve:
        require_editable(report)
    if indicator_lines or activity_lines:
        indicators = report_expected_indicators(report)
        errors = figures_errors(indicators, indicator_lines) | updates_errors(
            report_expected_activities(report), activity_lines
        )
        if errors:
            raise ValidationError(errors)
        claim_version(actor=actor, report=report, version=report.version)
        report_lines_write(
            actor=actor,
            report=report,
            indicators=indicators,
            indicator_lines=indicator_lines,
            activity_lines=activity_lines,
            is_new=created,
        )
        audit_record(
            actor=actor,
            action="report.save",
            target=report,
            plan=period.plan,
            details={"indicators": len(indicator_lines), "activities": len(activity_lines)},
        )
    if approve:
        # Not submission_errors(): these are past figures the secretariat already
        # approved, and a values file holds no gap reasons ("Explain the gap" is
        # asked of the focal point who submits, docs/reporting.md).
        now = timezone.now()
        report = transition(
            actor=actor,
            report=report,
            allowed_from=ReportState.values,
            to=ReportState.APPROVED,
            comment=IMPORTED_AS_APPROVED,
            changes={
                "first_submitted_at": report.first_submitted_at or now,
                "submitted_at": now,
                "submitted_by": actor,
                "approved_at": now,
                "approved_by": actor,
                "review_comment": "",
            },
        )
        if mark_scores_stale:
            scores_mark_stale(plan_id=period.plan_id, from_index=period.index)
    return report
