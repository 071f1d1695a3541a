"""Filling in a quarterly report: opening it and saving its figures.

One function per step, used alike by the report pages, the API and the values
import. Each checks who may do it, validates with the one check of the lines
(validation.py) and records the step (ReportEvent, AuditEvent, and each line's
history with who wrote it). Submitting, approving and the other steps after it
are in workflow.py; evidence files in evidence.py.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

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
) -> QuarterlyReport:
    """Save the figures of a DRAFT or RETURNED report.

    ``version`` is the report's version when the form was opened; if anyone
    saved since, ReportConflict is raised and nothing is written. Empty lines
    remove what was saved for them. Bad figures raise ValidationError keyed by
    line_field() names, and nothing is written. ``reason`` goes into each
    line's history (the values import names itself).
    """
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": report.organisation.code})
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
    require_period_begun(report.period)
    indicators = report_expected_indicators(report)
    activities = report_expected_activities(report)
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
    each row's history naming ``actor`` (and ``reason``, for an import).

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
    history_baselines_record(list(values.values()), list(updates.values()))
    for line in indicator_lines:
        if line.indicator_id in values:
            indicator_value_write(actor=actor, line=line, existing=values[line.indicator_id], reason=reason)
    for line in activity_lines:
        if line.activity_id in updates:
            activity_update_write(actor=actor, line=line, existing=updates[line.activity_id], reason=reason)
    report_lines_create(
        actor=actor,
        report=report,
        indicators=indicators,
        indicator_lines=[line for line in indicator_lines if line.indicator_id not in values],
        activity_lines=[line for line in activity_lines if line.activity_id not in updates],
        reason=reason,
    )


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


def report_lines_create(
    *,
    actor,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
    reason: str = "",
) -> None:
    """Lines with nothing stored yet: each is a new row (an empty line has
    nothing to remove), so they are inserted a kind at a time, each row with
    the history record its save() would have written (same user, type "+")."""
    values, cells = [], []
    for line in indicator_lines:
        if line.is_empty:
            continue
        value = IndicatorValue(report=report, indicator=indicators[line.indicator_id], **line.stored)
        values.append(stamp(value, actor=actor, reason=reason))
        for key, number in line.given_cells.items():
            cell = DisaggregatedValue(indicator_value=value, cell=key, value=number)
            cells.append(stamp(cell, actor=actor, reason=reason))
    updates = [
        stamp(
            ActivityUpdate(report=report, activity_id=line.activity_id, **line.stored),
            actor=actor,
            reason=reason,
        )
        for line in activity_lines
        if not line.is_empty
    ]
    # The values first: bulk_create gives them their ids, which the cells refer to.
    for model, rows in ((IndicatorValue, values), (DisaggregatedValue, cells), (ActivityUpdate, updates)):
        if rows:
            # default_user too: on a database that returns no ids from a bulk
            # insert, simple-history reads the rows again and loses _history_user.
            bulk_create_with_history(rows, model, default_user=actor, default_change_reason=reason)


def indicator_value_write(*, actor, line: IndicatorLine, existing: IndicatorValue, reason: str = "") -> None:
    """Store one line over the value the report already holds for its
    indicator (with its cells prefetched): changed, or removed when emptied.
    Lines with nothing stored yet go through report_lines_create."""
    stamp(existing, actor=actor, reason=reason)
    if line.is_empty:
        existing.delete()
        return
    cells = line.given_cells
    for name, value in line.stored.items():
        setattr(existing, name, value)
    existing.save()
    stored = {c.cell: c for c in existing.cells.all()}
    for key, cell in sorted(stored.items()):
        if key not in cells:
            stamp(cell, actor=actor, reason=reason).delete()
    for key, number in cells.items():
        cell = stored.get(key) or DisaggregatedValue(indicator_value=existing, cell=key)
        if cell.pk is None or cell.value != number:
            cell.value = number
            stamp(cell, actor=actor, reason=reason).save()


def activity_update_write(*, actor, line: ActivityLine, existing: ActivityUpdate, reason: str = "") -> None:
    """Store one line over the update the report already holds for its
    activity: changed, or removed when emptied."""
    stamp(existing, actor=actor, reason=reason)
    if line.is_empty:
        existing.delete()
        return
    for name, value in line.stored.items():
        setattr(existing, name, value)
    existing.save()


def require_editable(report: QuarterlyReport) -> None:
    report.refresh_from_db(fields=["state"])
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
