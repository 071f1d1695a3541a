"""A quarterly report's steps after it is filled in: submit, approve, return,
reopen (one function each, used alike by the pages, the API and the values
import). Figures from a values file, as drafts or as approved: from_file.py.

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

from indicators.access import approval_refusal
from indicators.models import LineComment, QuarterlyReport, ReportEvent, ReportState
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from indicators.quarterly_report.services import (
    EDITABLE_STATES,
    TransitionNotAllowed,
    line_field,
    report_lock,
    report_reload,
    report_saved_by,
)
from indicators.quarterly_report.validation import submission_errors
from plans.access import user_can_edit_report, user_can_review
from plans.services import audit_record, scores_mark_stale

# The most a comment on one line may hold (as the review's comment box).
LINE_COMMENT_MAX = 5000


@transaction.atomic
def report_submit(*, actor, report: QuarterlyReport) -> QuarterlyReport:
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not submit %(org)s's report.") % {"org": report.organisation.code})
    # Under the row lock, the figures checked below are the ones submitted: a
    # save that starts now waits for the lock and finds the report submitted
    # (claim_version). A save already under way when this submit began holds
    # the lock first; the version then moves while we wait for it, and the
    # submit is refused instead of sending figures its submitter never saw.
    seen = QuarterlyReport.objects.filter(pk=report.pk).values_list("version", flat=True).get()
    report_lock(report)
    if report.version != seen and report.state in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _(
                "%(who)s saved this report while you were submitting it, so it was not submitted: "
                "check their changes, then submit again."
            )
            % {"who": report_saved_by(report)}
        )
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
    report.refresh_from_db(fields=["submitted_by"])
    refusal = approval_refusal(actor, report)
    if refusal:
        raise PermissionDenied(refusal)
    report = transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.SUBMITTED,),
        to=ReportState.APPROVED,
        comment=comment,
        changes={"approved_at": timezone.now(), "approved_by": actor, "review_comment": ""},
    )
    # The comments on lines said what to correct: done with (the return's
    # audit record keeps them).
    report.line_comments.all().delete()
    # Approved figures now count: every score of the plan from this period on is stale.
    scores_mark_stale(plan_id=report.period.plan_id, from_index=report.period.index)
    return report


@transaction.atomic
def report_return(
    *,
    actor,
    report: QuarterlyReport,
    comment: str,
    indicator_comments: dict[int, str] | None = None,
    activity_comments: dict[int, str] | None = None,
) -> QuarterlyReport:
    """Return a submitted report for correction with the reviewer's comment,
    and comments on particular lines (by indicator and activity id; blank ones
    are left out), which replace those of an earlier return."""
    require_reviewer(actor)
    errors, lines = {}, []
    try:
        lines = line_comments_clean(report, indicator_comments or {}, activity_comments or {})
    except ValidationError as error:
        errors = error.message_dict
    try:
        require_comment(comment, _("Say what needs correcting, so the ministry can fix it."))
    except ValidationError as error:
        errors = errors | error.message_dict
    if errors:
        raise ValidationError(errors)
    report = transition(
        actor=actor,
        report=report,
        allowed_from=(ReportState.SUBMITTED,),
        to=ReportState.RETURNED,
        comment=comment,
        changes={"review_comment": comment.strip()},
        details={"line_comments": {line.anchor: line.comment for line in lines}} if lines else None,
    )
    report.line_comments.all().delete()
    for line in lines:
        line.written_by = actor
    LineComment.objects.bulk_create(lines)
    return report


def line_comments_clean(
    report: QuarterlyReport, indicator_comments: dict[int, str], activity_comments: dict[int, str]
) -> list[LineComment]:
    """The comments as rows, each on a line the report holds or is expected to
    give; every problem at once (ValidationError keyed by line_field() names,
    ``indicator-12-comment``)."""
    known = {
        "indicator": report_expected_indicators(report).keys()
        | set(report.indicator_values.values_list("indicator_id", flat=True)),
        "activity": report_expected_activities(report).keys()
        | set(report.activity_updates.values_list("activity_id", flat=True)),
    }
    rows, errors = [], {}
    for kind, comments in (("indicator", indicator_comments), ("activity", activity_comments)):
        for object_id, text in comments.items():
            text = (text or "").strip()
            key = line_field(kind, object_id, "comment")
            if not text:
                continue
            if object_id not in known[kind]:
                errors[key] = [_("This line is not in the report.")]
            elif len(text) > LINE_COMMENT_MAX:
                errors[key] = [
                    _("A comment may hold at most %(max)s characters.") % {"max": LINE_COMMENT_MAX}
                ]
            else:
                rows.append(LineComment(report=report, comment=text, **{f"{kind}_id": object_id}))
    if errors:
        raise ValidationError(errors)
    return rows


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
        except (TransitionNotAllowed, PermissionDenied) as refusal:
            skipped.append((report, str(refusal)))
    return approved, skipped


def require_reviewer(actor) -> None:
    if not user_can_review(actor):
        raise PermissionDenied(_("Only the secretariat can approve, return or reopen reports."))


def require_comment(text: str, message: str) -> None:
    if not (text or "").strip():
        raise ValidationError({"comment": [message]})


def transition(
    *,
    actor,
    report: QuarterlyReport,
    allowed_from,
    to: str,
    changes: dict,
    comment: str = "",
    details: dict | None = None,
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
        details={"from": before, "comment": comment.strip(), **(details or {})},
    )
    return report
