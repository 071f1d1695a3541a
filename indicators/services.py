"""The quarterly report: saving figures and moving a report through its states.

One function per step, used alike by the report pages, the API and the values
import. Each checks who may do it, validates with the one rule of each kind
(models.value_errors, models.activity_update_errors, outlier_needs_note),
records the step (ReportEvent, AuditEvent) and, for approvals and reopenings,
marks the plan's scores stale.

    DRAFT ──submit──▶ SUBMITTED ──approve──▶ APPROVED
      ▲                  │                     │
      └──── RETURNED ◀───┘ return (comment)    │ reopen (reason)
                ▲──────────────────────────────┘
"""

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    DisaggregatedValue,
    Evidence,
    Indicator,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
    TargetRevision,
    activity_update_errors,
    cell_key,
    target_errors,
    value_errors,
)
from indicators.selectors import (
    GapToExplain,
    indicators_to_explain,
    previous_approved_values,
    report_expected_activities,
    report_expected_indicators,
)
from plans.access import user_can_edit_report, user_can_review, user_can_revise_targets
from plans.models import Organisation, ReportingPeriod
from plans.services import audit_record, scores_mark_stale
from strategies.models import Activity

# Outlier rule (as DHIS2's min-max rules): a figure more than 3× or less than
# a third of the organisation's previous approved figure needs a note.
OUTLIER_FACTOR = Decimal(3)


class ReportConflict(Exception):
    """Someone else saved the report since this form was opened."""

    def __init__(self, report: QuarterlyReport):
        self.report = report
        who = (
            report.updated_by.get_full_name() or report.updated_by.username
            if report.updated_by
            else _("someone")
        )
        when = timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(who)s saved this report at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the report to see their changes, then enter yours again."
            )
            % {"who": who, "when": when}
        )


class TransitionNotAllowed(Exception):
    """The report is not in a state that allows this step (any more)."""


@dataclass
class IndicatorLine:
    """What a reporter gives for one indicator: a value, or one per cell."""

    indicator_id: int
    value: Decimal | None = None
    cells: dict[str, Decimal | None] = field(default_factory=dict)
    note: str = ""
    gap_reason: str = ""
    corrective_action: str = ""

    @property
    def is_empty(self) -> bool:
        return self.value is None and all(v is None for v in self.cells.values())

    @property
    def given_cells(self) -> dict[str, Decimal]:
        return {key: value for key, value in self.cells.items() if value is not None}

    @property
    def total(self) -> Decimal | None:
        """The figure stored: the sum of the cells given, else the value."""
        cells = self.given_cells
        return sum(cells.values(), Decimal(0)) if cells else self.value

    @property
    def stored(self) -> dict:
        """The IndicatorValue fields this line sets (its cells apart)."""
        return {
            "value": self.total,
            "note": self.note,
            "gap_reason": self.gap_reason,
            "corrective_action": self.corrective_action,
        }


@dataclass
class ActivityLine:
    activity_id: int
    status: str = ""
    percent_complete: Decimal | None = None
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.status and self.percent_complete is None

    @property
    def stored(self) -> dict:
        """The ActivityUpdate fields this line sets."""
        return {"status": self.status, "percent_complete": self.percent_complete, "note": self.note}


def line_field(kind: str, object_id: int, name: str) -> str:
    """The name under which a line's error is reported, e.g. ``indicator-12-value``.
    The form's fields use the same names, so each message lands next to its field."""
    return f"{kind}-{object_id}-{name}"


def plain_number(value: Decimal) -> str:
    """10.0000 → "10", 2.5000 → "2.5" (never "1E+1")."""
    return format(value.normalize(), "f")


def outlier_needs_note(value: Decimal, previous: Decimal | None) -> bool:
    """True when ``value`` is more than 3× or less than ⅓ of ``previous``."""
    if previous is None or previous <= 0:
        return False
    return value > previous * OUTLIER_FACTOR or value * OUTLIER_FACTOR < previous


# --- Opening and saving ----------------------------------------------------------


def report_open(*, actor, organisation: Organisation, period: ReportingPeriod) -> QuarterlyReport:
    """The organisation's report for the period, created as a DRAFT the first time."""
    if not user_can_edit_report(actor, organisation):
        raise PermissionDenied(_("You may not report for %(org)s.") % {"org": organisation.code})
    report, created = QuarterlyReport.objects.get_or_create(
        organisation=organisation, period=period, defaults={"updated_by": actor}
    )
    if created:
        ReportEvent.objects.create(report=report, actor=actor, from_state="", to_state=ReportState.DRAFT)
        audit_record(actor=actor, action="report.create", target=report, plan=period.plan)
    return report


@transaction.atomic
def report_save(
    *,
    actor,
    report: QuarterlyReport,
    version: int,
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
) -> QuarterlyReport:
    """Save the figures of a DRAFT or RETURNED report.

    ``version`` is the report's version when the form was opened; if anyone
    saved since, ReportConflict is raised and nothing is written. Empty lines
    remove what was saved for them. Bad figures raise ValidationError keyed by
    line_field() names, and nothing is written.
    """
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
    indicators = report_expected_indicators(report)
    activities = report_expected_activities(report)
    errors = figures_errors(indicators, indicator_lines) | updates_errors(activities, activity_lines)
    if errors:
        raise ValidationError(errors)
    claim_version(actor=actor, report=report, version=version)
    report_lines_write(
        actor=actor,
        report=report,
        indicators=indicators,
        indicator_lines=indicator_lines,
        activity_lines=activity_lines,
    )
    audit_record(
        actor=actor,
        action="report.save",
        target=report,
        plan=report.period.plan,
        details={"indicators": len(indicator_lines), "activities": len(activity_lines)},
    )
    return report


def claim_version(*, actor, report: QuarterlyReport, version: int) -> None:
    """Raise the version, but only from the one the reporter started from: the
    later of two saves of the same draft is refused rather than overwriting."""
    claimed = QuarterlyReport.objects.filter(pk=report.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    report_reload(report)
    if not claimed:
        raise ReportConflict(report)


def report_reload(report: QuarterlyReport) -> None:
    """refresh_from_db(), with the report's organisation and period (and its
    plan) read in the same query: the steps that follow use them, and reading
    each lazily cost three more queries per report in a large import."""
    report.refresh_from_db(
        from_queryset=QuarterlyReport.objects.select_related("organisation", "period__plan")
    )


def figures_errors(indicators: dict[int, Indicator], lines: list[IndicatorLine]) -> dict:
    errors = {}
    for line in lines:
        indicator = indicators.get(line.indicator_id)
        if indicator is None:
            errors[line_field("indicator", line.indicator_id, "value")] = [
                _("This indicator is not one your organisation reports for this period.")
            ]
            continue
        cells = indicator_cells(indicator)
        if cells:
            errors.update(cells_errors(indicator, cells, line))
        elif line.value is not None:
            for message in value_errors(indicator.measure, line.value, field="v").values():
                errors[line_field("indicator", indicator.pk, "value")] = [message]
    return errors


def cells_errors(indicator: Indicator, cells: list[str], line: IndicatorLine) -> dict:
    """A disaggregated figure is given cell by cell; its total is their sum."""
    errors = {}
    given = {key: value for key, value in line.cells.items() if value is not None}
    if line.value is not None and not given:
        return {
            line_field("indicator", indicator.pk, "value"): [
                _("This indicator is split (e.g. by sex and age group): enter the figure cell by cell.")
            ]
        }
    for key, value in line.cells.items():
        if key not in cells:
            errors[line_field("indicator", indicator.pk, f"cell-{key}")] = [_("Unknown cell.")]
        elif value is not None:
            for message in value_errors(indicator.measure, value, field="v").values():
                errors[line_field("indicator", indicator.pk, f"cell-{key}")] = [message]
    if not errors and indicator.measure != Measure.NUMBER:
        total = sum(given.values(), Decimal(0))
        for message in value_errors(indicator.measure, total, field="v").values():
            errors[line_field("indicator", indicator.pk, "value")] = [message]
    return errors


def updates_errors(activities: dict[int, Activity], lines: list[ActivityLine]) -> dict:
    errors = {}
    for line in lines:
        if line.activity_id not in activities:
            errors[line_field("activity", line.activity_id, "status")] = [
                _("This activity is not one your organisation leads in this period.")
            ]
            continue
        if line.is_empty:
            continue
        if line.status not in ActivityStatus.values:
            errors[line_field("activity", line.activity_id, "status")] = [_("Choose a status.")]
        if line.percent_complete is None:
            errors[line_field("activity", line.activity_id, "percent_complete")] = [
                _("Enter the percent complete (0–100).")
            ]
        else:
            for name, message in activity_update_errors(line.status, line.percent_complete).items():
                errors[line_field("activity", line.activity_id, name)] = [message]
    return errors


def indicator_cells(indicator: Indicator) -> list[str]:
    """Every cell of a disaggregated indicator (sex × age group …), or [] if it is not."""
    keys = [{}]
    for dimension in indicator.disaggregation.all():
        keys = [
            {**partial, dimension.code: category.code}
            for partial in keys
            for category in dimension.categories.all()
        ]
    return [cell_key(k) for k in keys] if indicator.disaggregation.all() else []


def report_lines_write(
    *,
    actor,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
    is_new: bool = False,
) -> None:
    """Write checked lines (one per indicator and activity) into the report.

    What the report already holds is read once for all its lines (not at all
    when ``is_new``), not once per line. A stored figure or update is changed
    or removed row by row; the new ones are inserted together
    (report_lines_create): a values file fills hundreds of reports."""
    values, updates = {}, {}
    if indicator_lines and not is_new:
        values = {
            value.indicator_id: value
            for value in IndicatorValue.objects.filter(
                report=report, indicator_id__in=[line.indicator_id for line in indicator_lines]
            )
            .order_by()
            # Unordered: the models' default order joins up to the plan to sort.
            .prefetch_related(Prefetch("cells", queryset=DisaggregatedValue.objects.order_by()))
        }
    if activity_lines and not is_new:
        updates = {
            update.activity_id: update
            for update in ActivityUpdate.objects.filter(
                report=report, activity_id__in=[line.activity_id for line in activity_lines]
            ).order_by()
        }
    for line in indicator_lines:
        if line.indicator_id in values:
            indicator_value_write(actor=actor, line=line, existing=values[line.indicator_id])
    for line in activity_lines:
        if line.activity_id in updates:
            activity_update_write(actor=actor, line=line, existing=updates[line.activity_id])
    report_lines_create(
        actor=actor,
        report=report,
        indicators=indicators,
        indicator_lines=[line for line in indicator_lines if line.indicator_id not in values],
        activity_lines=[line for line in activity_lines if line.activity_id not in updates],
    )


def report_lines_create(
    *,
    actor,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
) -> None:
    """Lines with nothing stored yet: each is a new row (an empty line has
    nothing to remove), so they are inserted a kind at a time, each row with
    the history record its save() would have written (same user, type "+")."""
    values, cells = [], []
    for line in indicator_lines:
        if line.is_empty:
            continue
        value = IndicatorValue(report=report, indicator=indicators[line.indicator_id], **line.stored)
        value._history_user = actor
        values.append(value)
        for key, number in line.given_cells.items():
            cell = DisaggregatedValue(indicator_value=value, cell=key, value=number)
            cell._history_user = actor
            cells.append(cell)
    updates = []
    for line in activity_lines:
        if line.is_empty:
            continue
        update = ActivityUpdate(report=report, activity_id=line.activity_id, **line.stored)
        update._history_user = actor
        updates.append(update)
    # The values first: bulk_create gives them their ids, which the cells refer to.
    for model, rows in ((IndicatorValue, values), (DisaggregatedValue, cells), (ActivityUpdate, updates)):
        if rows:
            bulk_create_with_history(rows, model, default_user=actor)


def indicator_value_write(*, actor, line: IndicatorLine, existing: IndicatorValue) -> None:
    """Store one line over the value the report already holds for its
    indicator (with its cells prefetched): changed, or removed when emptied.
    Lines with nothing stored yet go through report_lines_create."""
    if line.is_empty:
        existing._history_user = actor
        existing.delete()
        return
    cells = line.given_cells
    for name, value in line.stored.items():
        setattr(existing, name, value)
    existing._history_user = actor
    existing.save()
    stored = {c.cell: c for c in existing.cells.all()}
    for key, cell in sorted(stored.items()):
        if key not in cells:
            cell._history_user = actor
            cell.delete()
    for key, number in cells.items():
        cell = stored.get(key) or DisaggregatedValue(indicator_value=existing, cell=key)
        if cell.pk is None or cell.value != number:
            cell.value = number
            cell._history_user = actor
            cell.save()


def activity_update_write(*, actor, line: ActivityLine, existing: ActivityUpdate) -> None:
    """Store one line over the update the report already holds for its
    activity: changed, or removed when emptied."""
    existing._history_user = actor
    if line.is_empty:
        existing.delete()
        return
    for name, value in line.stored.items():
        setattr(existing, name, value)
    existing.save()


# --- Moving through the workflow ---------------------------------------------------


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


# --- Evidence files ----------------------------------------------------------------

# The first bytes each kind of file starts with. A file whose content does not
# match its extension is refused: a renamed .exe must not pass for a PDF.
PDF_MAGIC = (b"%PDF-",)
PNG_MAGIC = (b"\x89PNG\r\n\x1a\n",)
JPEG_MAGIC = (b"\xff\xd8\xff",)
ZIP_MAGIC = (b"PK\x03\x04",)
OLE_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the old .doc and .xls
EVIDENCE_MAGIC = {
    ".pdf": PDF_MAGIC,
    ".png": PNG_MAGIC,
    ".jpg": JPEG_MAGIC,
    ".jpeg": JPEG_MAGIC,
    ".docx": ZIP_MAGIC,
    ".xlsx": ZIP_MAGIC,
    ".odt": ZIP_MAGIC,
    ".ods": ZIP_MAGIC,
    ".doc": OLE_MAGIC,
    ".xls": OLE_MAGIC,
}
# A ZIP-based office file holds one of these; any other ZIP archive is refused.
OFFICE_ZIP_MEMBERS = ("[Content_Types].xml", "mimetype")


def evidence_extension(name: str) -> str:
    return Path(name or "").suffix.lower()


def evidence_file_errors(uploaded_file) -> list[str]:
    """Why a file cannot be attached as evidence, or [] if it can: the
    extension must be one of settings.EVIDENCE_TYPES, the size at most
    settings.EVIDENCE_MAX_BYTES, and the first bytes must match the extension."""
    name = uploaded_file.name or ""
    extension = evidence_extension(name)
    allowed = settings.EVIDENCE_TYPES
    if extension not in allowed:
        return [
            _("%(name)s: this kind of file cannot be attached. Attach one of: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(allowed))}
        ]
    if uploaded_file.size > settings.EVIDENCE_MAX_BYTES:
        return [
            _("%(name)s is %(size)s; a file may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(uploaded_file.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        ]
    if uploaded_file.size == 0:
        return [_("%(name)s is empty.") % {"name": name}]
    if not evidence_content_matches(uploaded_file, extension):
        return [
            _("%(name)s is not really a %(type)s file. Save it again in that format, or rename it.")
            % {"name": name, "type": extension.lstrip(".").upper()}
        ]
    return []


def evidence_content_matches(uploaded_file, extension: str) -> bool:
    magic = EVIDENCE_MAGIC.get(extension)
    if magic is None:
        # A type the secretariat added in the settings, with no known signature.
        return True
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if not head.startswith(magic):
        return False
    if magic is ZIP_MAGIC:
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            uploaded_file.seek(0)
        return any(member in names for member in OFFICE_ZIP_MEMBERS)
    return True


@transaction.atomic
def evidence_attach(*, actor, report: QuarterlyReport, indicator: Indicator, uploaded_file) -> Evidence:
    """Attach a file that backs one of the report's figures, while the report
    can still be edited. Errors are keyed like the form's field,
    ``indicator-12-evidence``."""
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    require_editable(report)
    field_name = line_field("indicator", indicator.pk, "evidence")
    if indicator.pk not in report_expected_indicators(report):
        raise ValidationError(
            {field_name: [_("This indicator is not one your organisation reports for this period.")]}
        )
    errors = evidence_file_errors(uploaded_file)
    if errors:
        raise ValidationError({field_name: errors})
    evidence = Evidence(
        report=report,
        indicator=indicator,
        original_name=uploaded_file.name[:255],
        content_type=settings.EVIDENCE_TYPES[evidence_extension(uploaded_file.name)],
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    evidence.file.save(uploaded_file.name, uploaded_file, save=False)
    try:
        evidence.save()
    except Exception:
        # No row, no file. (A rollback of an enclosing transaction later on can
        # still leave an unreferenced file under MEDIA_ROOT; it is never served.)
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit_record(
        actor=actor,
        action="evidence.attach",
        target=evidence,
        plan=report.period.plan,
        details={
            "report": report.pk,
            "indicator": indicator.code,
            "name": evidence.original_name,
            "size": evidence.size,
        },
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Remove an evidence file from a report that can still be edited."""
    report = evidence.report
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    require_editable(report)
    audit_record(
        actor=actor,
        action="evidence.remove",
        target=evidence,
        plan=report.period.plan,
        details={"report": report.pk, "name": evidence.original_name, "size": evidence.size},
    )
    stored_name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored_name))


def require_editable(report: QuarterlyReport) -> None:
    report.refresh_from_db(fields=["state"])
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )


# --- Figures from a values file ----------------------------------------------------

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


# --- Revised targets ---------------------------------------------------------------


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
