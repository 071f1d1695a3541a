"""Filling in a quarterly report: opening it and saving its figures.

One function per step, used alike by the report pages, the API and the values
import. Each checks who may do it, validates with the one rule of each kind
(models.value_errors, models.activity_update_errors, outlier_needs_note) and
records the step (ReportEvent, AuditEvent). Submitting, approving and the
other steps after it are in workflow.py; evidence files in evidence.py.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    DisaggregatedValue,
    Indicator,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    activity_update_errors,
    cell_key,
    value_errors,
)
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from plans.access import user_can_edit_report
from plans.models import Organisation, ReportingPeriod
from plans.services import audit_record
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


def outlier_needs_note(value: Decimal, previous: Decimal | None) -> bool:
    """True when ``value`` is more than 3× or less than ⅓ of ``previous``."""
    if previous is None or previous <= 0:
        return False
    return value > previous * OUTLIER_FACTOR or value * OUTLIER_FACTOR < previous


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
    require_period_begun(report.period)
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


def require_editable(report: QuarterlyReport) -> None:
    report.refresh_from_db(fields=["state"])
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise TransitionNotAllowed(
            _("This report is %(state)s and can no longer be edited.") % {"state": report.get_state_display()}
        )
