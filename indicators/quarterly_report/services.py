"""Filling in a quarterly report: opening it and saving its figures.

One function per step, used alike by the report pages, the API and the values
import. Each checks who may do it, validates with the one check of the lines
(validation.py) and records the step (ReportEvent, AuditEvent, and each line's
history with who wrote it). Submitting, approving and the other steps after it
are in workflow.py; evidence files in evidence.py.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import (
    ActivityUpdate,
    DisaggregatedValue,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
)
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators

# The lines and the rule of an outlier are named here too, where the report's
# writers (the pages, the API, the imports, the demo) have always found them.
from indicators.quarterly_report.lines import ActivityLine as ActivityLine
from indicators.quarterly_report.lines import IndicatorLine as IndicatorLine
from indicators.quarterly_report.lines import line_field as line_field
from indicators.quarterly_report.validation import figures_errors, unreadable_errors, updates_errors
from indicators.quarterly_report.validation import indicator_cells as indicator_cells
from indicators.quarterly_report.validation import outlier_needs_note as outlier_needs_note
from plans.access import user_can_edit_report
from plans.models import Organisation, ReportingPeriod
from plans.services import audit_record

# The reason recorded in a line's history for the state it held before its
# first recorded change, when it was first written without history (the demo
# data, imports before history was kept): it held that since before then.
STATE_BEFORE_HISTORY = "state before history was kept"
# The reason the values import gives for every line it writes (beside who ran
# it, if anyone did): the review says a line came from a values file.
IMPORT_REASON = "values import"


class ReportConflict(Exception):
    """Someone else saved the report since this form was opened."""

    def __init__(self, report: QuarterlyReport):
        self.report = report
        who = report_saved_by(report)
        when = timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(who)s saved this report at %(when)s, after you opened it. Nothing of yours was saved: "
                "reload the report to see their changes, then enter yours again."
            )
            % {"who": who, "when": when}
        )


def report_saved_by(report: QuarterlyReport) -> str:
    """Who saved the report last, as a conflict names them."""
    if report.updated_by is None:
        return _("someone")
    return report.updated_by.get_full_name() or report.updated_by.username


class TransitionNotAllowed(Exception):
    """The report is not in a state that allows this step (any more)."""


def require_period_begun(period: ReportingPeriod) -> None:
    """Nothing can be reported for a quarter that has not begun: figures for
    2028-Q4 in 2026 would be guesses, and would score as if achieved."""
    if not period.has_begun(timezone.localdate()):
        raise ValidationError(
            {
                "period": _("%(period)s has not begun: its report can be filled in from %(start)s.")
                % {"period": period.code, "start": period.start.isoformat()}
            }
        )


def report_open(*, actor, organisation: Organisation, period: ReportingPeriod) -> QuarterlyReport:
    """The organisation's report for the period, created as a DRAFT the first
    time; refused for a period that has not begun."""
    if not user_can_edit_report(actor, organisation):
        raise PermissionDenied(_("You may not report for %(org)s.") % {"org": organisation.code})
    require_period_begun(period)
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
    reason: str = "",
    expected: tuple[dict, dict] | None = None,
) -> QuarterlyReport:
    """Save the figures of a DRAFT or RETURNED report.

    ``version`` is the report's version when the form was opened; if anyone
    saved since, ReportConflict is raised and nothing is written. Empty lines
    remove what was saved for them. Bad figures raise ValidationError keyed by
    line_field() names, and nothing is written. ``reason`` goes into each
    line's history (the values import names itself). ``expected`` is what the
    report owes (report_expected_indicators, report_expected_activities) when
    the caller has read it already for the same report (the API checks the
    lines before saving): it is not read twice.
    """
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
    require_period_begun(report.period)
    indicators, activities = expected or (
        report_expected_indicators(report),
        report_expected_activities(report),
    )
    errors = lines_errors(indicators, activities, indicator_lines, activity_lines)
    if errors:
        raise ValidationError(errors)
    claim_version(actor=actor, report=report, version=version)
    report_lines_write(
        actor=actor,
        report=report,
        indicators=indicators,
        indicator_lines=indicator_lines,
        activity_lines=activity_lines,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="report.save",
        target=report,
        plan=report.period.plan,
        details={"indicators": len(indicator_lines), "activities": len(activity_lines)},
    )
    return report


def lines_errors(
    indicators: dict[int, Indicator],
    activities: dict,
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
) -> dict:
    """What stops these lines from being saved (validation.py), all at once."""
    return (
        unreadable_errors(indicator_lines, activity_lines)
        | figures_errors(indicators, indicator_lines)
        | updates_errors(activities, activity_lines)
    )


# The states in which a report's figures may be saved.
EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def claim_version(*, actor, report: QuarterlyReport, version: int, editable_only: bool = True) -> None:
    """Raise the version, but only from the one the reporter started from: the
    later of two saves of the same draft is refused rather than overwriting.

    With ``editable_only`` (all but an import of approved figures) the state is
    checked in the same UPDATE: a save racing a submit either claims the
    version first (the submit then waits for the row and is refused, see
    workflow.report_submit) or finds the report submitted and writes nothing
    (TransitionNotAllowed). The state read before, in the caller, may be old.
    """
    claimable = QuarterlyReport.objects.filter(pk=report.pk, version=version)
    if editable_only:
        claimable = claimable.filter(state__in=EDITABLE_STATES)
    claimed = claimable.update(version=F("version") + 1, updated_by=actor, updated_at=timezone.now())
    report_reload(report)
    if claimed:
        return
    if editable_only and report.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
    raise ReportConflict(report)


def report_lock(report: QuarterlyReport) -> None:
    """Take the report's row lock until the transaction ends and read it again
    under the lock (PostgreSQL; SQLite writes one at a time anyway). A step
    that checks the report before it changes it (a submit checks the figures)
    locks first: a save or another step of the same report at the same time
    waits for it, or it waits for them and sees what they did."""
    report.refresh_from_db(
        from_queryset=QuarterlyReport.objects.select_for_update(of=("self",)).select_related(
            "organisation", "period__plan"
        )
    )


def report_reload(report: QuarterlyReport) -> None:
    """refresh_from_db(), with the report's organisation and period (and its
    plan) read in the same query: the steps that follow use them, and reading
    each lazily cost three more queries per report in a large import."""
    report.refresh_from_db(
        from_queryset=QuarterlyReport.objects.select_related("organisation", "period__plan")
    )


def stamp(row, *, actor, reason: str = ""):
    """Who writes the row, and why when it is not a person's typing (an
    import): what its history record will name (django-simple-history)."""
    row._history_user = actor
    if reason:
        row._change_reason = reason
    return row


def report_lines_write(
    *,
    actor,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
    is_new: bool = False,
    reason: str = "",
) -> None:
    """Write checked lines (one per indicator and activity) into the report,
    each row's history naming ``actor`` (and ``reason``, for an import)."""
    reports_lines_write(
        actor=actor,
        writes=[LinesWrite(report, indicators, indicator_lines, activity_lines, is_new)],
        reason=reason,
    )


@dataclass
class LinesWrite:
    """Checked lines for one report; ``is_new`` when it holds nothing yet."""

    report: QuarterlyReport
    indicators: dict[int, Indicator]
    indicator_lines: list[IndicatorLine]
    activity_lines: list[ActivityLine]
    is_new: bool = False


def reports_lines_write(*, actor, writes: list[LinesWrite], reason: str = "") -> None:
    """report_lines_write() for many reports at once (a values file fills
    hundreds): what they already hold is read in one query per kind of row,
    not once per report or line. A stored figure or update is changed or
    removed row by row; the new ones of all the reports are inserted together
    (LinesCreated)."""
    stored = [w for w in writes if not w.is_new]
    values, updates = {}, {}
    if any(w.indicator_lines for w in stored):
        values = {
            (value.report_id, value.indicator_id): value
            for value in IndicatorValue.objects.filter(
                report__in=[w.report for w in stored if w.indicator_lines]
            )
            .order_by()
            # Unordered: the models' default order joins up to the plan to sort.
            .prefetch_related(Prefetch("cells", queryset=DisaggregatedValue.objects.order_by()))
        }
    if any(w.activity_lines for w in stored):
        updates = {
            (update.report_id, update.activity_id): update
            for update in ActivityUpdate.objects.filter(
                report__in=[w.report for w in stored if w.activity_lines]
            ).order_by()
        }
    # Only the rows these lines write count: a line left out keeps its row as it is.
    lined_values = [
        values[w.report.pk, line.indicator_id]
        for w in stored
        for line in w.indicator_lines
        if (w.report.pk, line.indicator_id) in values
    ]
    lined_updates = [
        updates[w.report.pk, line.activity_id]
        for w in stored
        for line in w.activity_lines
        if (w.report.pk, line.activity_id) in updates
    ]
    history_baselines_record(lined_values, lined_updates)
    new, changed = LinesCreated(), LinesChanged()
    for w in writes:
        for line in w.indicator_lines:
            existing = values.get((w.report.pk, line.indicator_id))
            if existing is not None:
                changed.add_value(actor=actor, line=line, existing=existing, new=new, reason=reason)
        for line in w.activity_lines:
            existing = updates.get((w.report.pk, line.activity_id))
            if existing is not None:
                changed.add_update(actor=actor, line=line, existing=existing, reason=reason)
        new.add(
            actor=actor,
            report=w.report,
            indicators=w.indicators,
            indicator_lines=[li for li in w.indicator_lines if (w.report.pk, li.indicator_id) not in values],
            activity_lines=[li for li in w.activity_lines if (w.report.pk, li.activity_id) not in updates],
            reason=reason,
        )
    changed.write(actor=actor, reason=reason)
    new.insert(actor=actor, reason=reason)


def history_baselines_record(values: list[IndicatorValue], updates: list[ActivityUpdate]) -> None:
    """Before a row first written without history (the demo data, an import
    before history was kept) is changed, record what it held, marked
    STATE_BEFORE_HISTORY and by no one: the review compares with it
    (review/changes.py) instead of calling the line unknown. One query per
    kind of row, none when there is nothing stored."""
    cells = [cell for value in values for cell in value.cells.all()]
    for model, rows in ((IndicatorValue, values), (DisaggregatedValue, cells), (ActivityUpdate, updates)):
        if not rows:
            continue
        tracked = set(
            model.history.filter(id__in=[row.pk for row in rows]).values_list("id", flat=True).distinct()
        )
        untracked = [stamp(row, actor=None) for row in rows if row.pk not in tracked]
        if untracked:
            model.history.bulk_history_create(untracked, default_change_reason=STATE_BEFORE_HISTORY)


class LinesCreated:
    """Lines with nothing stored yet, of one report or many: each is a new row
    (an empty line has nothing to remove), so they are inserted a kind at a
    time, each row with the history record its save() would have written
    (same user, type "+")."""

    def __init__(self):
        self.values, self.cells, self.updates = [], [], []

    def add(self, *, actor, report, indicators, indicator_lines, activity_lines, reason="") -> None:
        for line in indicator_lines:
            if line.is_empty:
                continue
            value = IndicatorValue(report=report, indicator=indicators[line.indicator_id], **line.stored)
            self.values.append(stamp(value, actor=actor, reason=reason))
            for key, number in line.given_cells.items():
                cell = DisaggregatedValue(indicator_value=value, cell=key, value=number)
                self.cells.append(stamp(cell, actor=actor, reason=reason))
        for line in activity_lines:
            if not line.is_empty:
                update = ActivityUpdate(report=report, activity_id=line.activity_id, **line.stored)
                self.updates.append(stamp(update, actor=actor, reason=reason))

    def insert(self, *, actor, reason="") -> None:
        # The values first: bulk_create gives them their ids, which the cells refer to.
        kinds = (
            (IndicatorValue, self.values),
            (DisaggregatedValue, self.cells),
            (ActivityUpdate, self.updates),
        )
        for model, rows in kinds:
            if rows:
                # default_user too: on a database that returns no ids from a bulk
                # insert, simple-history reads the rows again and loses _history_user.
                bulk_create_with_history(rows, model, default_user=actor, default_change_reason=reason)


class LinesChanged:
    """Lines over what a report already holds (rows prefetched with their
    cells): each changed row is updated in one UPDATE per kind of row with
    the history records its save() would have written (type "~", same user
    and reason), a row emptied is removed (its history says so). A new cell of
    a stored figure is inserted with the new rows (LinesCreated)."""

    VALUE_FIELDS = ("value", "note", "gap_reason", "corrective_action")
    UPDATE_FIELDS = ("status", "percent_complete", "note")

    def __init__(self):
        self.removed, self.values, self.cells, self.updates = [], [], [], []

    def add_value(
        self, *, actor, line: IndicatorLine, existing: IndicatorValue, new: "LinesCreated", reason=""
    ):
        stamp(existing, actor=actor, reason=reason)
        if line.is_empty:
            self.removed.append(existing)
            return
        for name, value in line.stored.items():
            setattr(existing, name, value)
        self.values.append(existing)
        cells = line.given_cells
        stored = {c.cell: c for c in existing.cells.all()}
        for key, cell in sorted(stored.items()):
            if key not in cells:
                self.removed.append(stamp(cell, actor=actor, reason=reason))
        for key, number in cells.items():
            cell = stored.get(key)
            if cell is None:
                new.cells.append(
                    stamp(
                        DisaggregatedValue(indicator_value=existing, cell=key, value=number),
                        actor=actor,
                        reason=reason,
                    )
                )
            elif cell.value != number:
                cell.value = number
                self.cells.append(stamp(cell, actor=actor, reason=reason))

    def add_update(self, *, actor, line: ActivityLine, existing: ActivityUpdate, reason=""):
        stamp(existing, actor=actor, reason=reason)
        if line.is_empty:
            self.removed.append(existing)
            return
        for name, value in line.stored.items():
            setattr(existing, name, value)
        self.updates.append(existing)

    def write(self, *, actor, reason="") -> None:
        # Removed one by one: rare, and delete() records the history of each
        # row and of the cells it takes with it.
        for row in self.removed:
            row.delete()
        kinds = (
            (IndicatorValue, self.values, self.VALUE_FIELDS),
            (DisaggregatedValue, self.cells, ("value",)),
            (ActivityUpdate, self.updates, self.UPDATE_FIELDS),
        )
        for model, rows, fields in kinds:
            if rows:
                bulk_update_with_history(
                    rows, model, list(fields), default_user=actor, default_change_reason=reason
                )


def require_editable(report: QuarterlyReport) -> None:
    report.refresh_from_db(fields=["state"])
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
