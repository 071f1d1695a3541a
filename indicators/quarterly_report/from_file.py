"""Figures from a values file: many reports filled at once, as drafts or as
approved (docs/imports.md).

The values import writes here, nowhere else. Each report gets what report_open
and report_save (a draft) or report_approve (figures stored as approved) would
record for it: the same checks of the lines (lines_errors), the same
ReportEvent and AuditEvent, each line's history naming who imported it. What
those do once per report is done here once per file: the plan's expectations
are read once (PlanExpectations), the reports are created, claimed and
recorded with one query per kind of row, and the new lines of all the
reports are inserted together. A file of 10,000 rows into 1,000 reports
costs a few dozen queries, not twenty per report.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import ActivityStatus, QuarterlyReport, ReportEvent, ReportState
from indicators.quarterly_report.expected import PlanExpectations
from indicators.quarterly_report.services import (
    EDITABLE_STATES,
    ActivityLine,
    IndicatorLine,
    LinesWrite,
    TransitionNotAllowed,
    lines_errors,
    reports_lines_write,
    require_period_begun,
)
from indicators.quarterly_report.workflow import require_reviewer, transition
from plans.access import user_can_edit_report
from plans.models import Organisation, Plan, ReportingPeriod
from plans.services import audit_record_many

# Stored with the report's history; kept in English like the other event comments.
IMPORTED_AS_APPROVED = "imported as approved"


@dataclass
class ReportFill:
    """One report's lines from a file: ``report`` None when it does not exist yet."""

    organisation: Organisation
    period: ReportingPeriod
    report: QuarterlyReport | None
    indicator_lines: list[IndicatorLine]
    activity_lines: list[ActivityLine]

    @property
    def key(self) -> tuple[int, int]:
        return self.organisation.pk, self.period.pk


class ReportsRefused(Exception):
    """Lines of some reports were refused (nothing was written): for each
    report (organisation id, period id), the messages keyed by line_field()."""

    def __init__(self, errors: dict[tuple[int, int], dict]):
        super().__init__(errors)
        self.errors = errors


def reports_fill_errors(*, plan: Plan, fills: list[ReportFill], approve: bool) -> dict[tuple[int, int], dict]:
    """What stops each report's lines from being stored, all at once: the
    check report_save runs on a form (a dry run of the import asks only this)."""
    return fills_errors(fills, fills_expectations(plan, fills, approve=approve))


def fills_expectations(plan: Plan, fills: list[ReportFill], *, approve: bool) -> PlanExpectations:
    return PlanExpectations(plan.pk, finishing=approved_finishing(fills) if approve else None)


def fills_errors(fills: list[ReportFill], expectations: PlanExpectations) -> dict[tuple[int, int], dict]:
    errors = {}
    for fill in fills:
        found = lines_errors(
            expectations.indicators_for(fill.organisation.pk, fill.period),
            expectations.activities_for(fill.organisation.pk, fill.period),
            fill.indicator_lines,
            fill.activity_lines,
        )
        if found:
            errors[fill.key] = found
    return errors


def approved_finishing(fills: list[ReportFill]) -> dict[int, int]:
    """Activities that these approved figures complete or cancel, by the
    earliest quarter (index) that does: finished for the quarters after it."""
    finishing: dict[int, int] = {}
    for fill in fills:
        for line in fill.activity_lines:
            if line.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
                index = fill.period.index
                finishing[line.activity_id] = min(index, finishing.get(line.activity_id, index))
    return finishing


@transaction.atomic
def reports_fill(
    *, actor, plan: Plan, fills: list[ReportFill], approve: bool = False, reason: str = ""
) -> list[QuarterlyReport]:
    """Store each fill's lines in its organisation's report for its period,
    creating the report as a DRAFT where there is none.

    Without ``approve`` the reports must be drafts (or returned) and ``actor``
    allowed to fill them in (or None, the system). With ``approve`` (the
    secretariat administrator, or the system) the lines go in whatever the
    report's state, and each report is recorded as approved the way
    report_approve records it. Raises ReportsRefused, writing nothing, when
    any report's lines are refused. Marking the plan's scores stale is left
    to the caller (once for the file). ``reason`` goes into each line's history.
    """
    reports_fill_check_actor(actor, fills, approve=approve)
    # Read once: the checks and the writes ask the same of it (which
    # indicators each report owes; ``finishing`` changes only activities).
    expectations = fills_expectations(plan, fills, approve=approve)
    errors = fills_errors(fills, expectations)
    if errors:
        raise ReportsRefused(errors)
    reports = reports_open_many(actor=actor, plan=plan, fills=fills)
    if not approve:
        require_all_editable(list(reports.values()))
    reports_claim(
        actor=actor,
        reports=[reports[fill.key] for fill in fills if fill.indicator_lines or fill.activity_lines],
    )
    reports_lines_write(
        actor=actor,
        writes=[
            LinesWrite(
                reports[fill.key],
                expectations.indicators_for(fill.organisation.pk, fill.period),
                fill.indicator_lines,
                fill.activity_lines,
                is_new=fill.report is None,
            )
            for fill in fills
            if fill.indicator_lines or fill.activity_lines
        ],
        reason=reason,
    )
    audit_record_many(
        actor=actor,
        action="report.save",
        plan=plan,
        targets=[
            (
                reports[fill.key],
                {"indicators": len(fill.indicator_lines), "activities": len(fill.activity_lines)},
            )
            for fill in fills
            if fill.indicator_lines or fill.activity_lines
        ],
    )
    if approve:
        for fill in fills:
            report_record_imported_approval(actor=actor, report=reports[fill.key])
    return [reports[fill.key] for fill in fills]


def reports_fill_check_actor(actor, fills: list[ReportFill], *, approve: bool) -> None:
    """Who may fill these reports: as report_open (each organisation's focal
    point, or the secretariat administrator) and, to approve, a reviewer too."""
    if actor is not None:
        for organisation in {fill.organisation for fill in fills}:
            if not user_can_edit_report(actor, organisation):
                raise PermissionDenied(_("You may not report for %(org)s.") % {"org": organisation.code})
        if approve:
            require_reviewer(actor)
    for period in {fill.period for fill in fills}:
        require_period_begun(period)


def reports_open_many(
    *, actor, plan: Plan, fills: list[ReportFill]
) -> dict[tuple[int, int], QuarterlyReport]:
    """report_open() for many reports: the existing ones read again under
    their row lock, the missing ones created as DRAFT together, each with the
    ReportEvent and AuditEvent report_open records. By (organisation, period)."""
    existing = [fill.report.pk for fill in fills if fill.report is not None]
    reports = {
        (report.organisation_id, report.period_id): report
        for report in QuarterlyReport.objects.select_for_update(of=("self",))
        .filter(pk__in=existing)
        .select_related("organisation", "period__plan")
    }
    missing = [fill for fill in fills if fill.key not in reports]
    created = QuarterlyReport.objects.bulk_create(
        QuarterlyReport(organisation=fill.organisation, period=fill.period, updated_by=actor)
        for fill in missing
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, actor=actor, from_state="", to_state=ReportState.DRAFT)
        for report in created
    )
    audit_record_many(actor=actor, action="report.create", plan=plan, targets=[(r, {}) for r in created])
    reports.update({(r.organisation_id, r.period_id): r for r in created})
    return reports


def require_all_editable(reports: list[QuarterlyReport]) -> None:
    """Drafts go only into reports still a draft or returned. The rows are
    locked (reports_open_many): the states read are the current ones."""
    closed = [report for report in reports if report.state not in EDITABLE_STATES]
    if closed:
        raise TransitionNotAllowed(
            _("The report of %(org)s for %(period)s is %(state)s and can no longer be edited.")
            % {
                "org": closed[0].organisation.code,
                "period": closed[0].period.code,
                "state": closed[0].get_state_display(),
            }
        )


def reports_claim(*, actor, reports: list[QuarterlyReport]) -> None:
    """claim_version() for many reports at once: each version raised in one
    UPDATE. The rows are locked (reports_open_many) or were created in this
    transaction, so no one else's save can slip in between."""
    if not reports:
        return
    now = timezone.now()
    QuarterlyReport.objects.filter(pk__in=[report.pk for report in reports]).update(
        version=F("version") + 1, updated_by=actor, updated_at=now
    )
    for report in reports:
        report.version += 1
        report.updated_by, report.updated_at = actor, now


def report_record_imported_approval(*, actor, report: QuarterlyReport) -> None:
    """Recorded as approved the way report_approve records it, with the
    comments on lines done with. Not submission_errors(): these are past
    figures the secretariat already approved, and a values file holds no gap
    reasons ("Explain the gap" is asked of the focal point who submits,
    docs/reporting.md)."""
    now = timezone.now()
    transition(
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
    report.line_comments.all().delete()
