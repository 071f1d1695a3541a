"""The one check of a quarterly report's lines: every problem of a submission
in one answer (docs/reporting.md, "What the messages mean").

Two kinds of rule, each written once here and used by the form, the API, the
values import and the services that write:
- what may be **saved** (figures_errors, updates_errors): numbers of 0 or more,
  a percentage within 0–100, a milestone 0 or 1, the cells of a split figure,
  percent complete within 0–100 and agreeing with the status, no note without
  a figure;
- what a **submission** needs besides (submission_errors): a figure for every
  indicator, a status for every activity that is due, a note for an outlier, a
  reason and a corrective action for a gap to explain.

Errors are keyed by line_field() names (``indicator-12-value``). Parts a reader
could not read (IndicatorLine.unreadable) carry the reader's own message; the
checks here leave them out, and leave out what depends on them (a total, an
outlier), so that no message is said twice or about a guess.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import (
    ActivityStatus,
    Indicator,
    Measure,
    QuarterlyReport,
    activity_update_errors,
    cell_key,
    value_errors,
)
from indicators.quarterly_report.expected import (
    activity_is_due,
    report_expected_activities,
    report_expected_indicators,
)
from indicators.quarterly_report.lines import ActivityLine, IndicatorLine, line_field
from indicators.quarterly_report.selectors import (
    GapToExplain,
    indicators_to_explain,
    previous_approved_values,
)
from plans.formatting import number_text
from strategies.models import Activity

# Outlier rule (as DHIS2's min-max rules): a figure more than 3× or less than
# a third of the organisation's previous approved figure needs a note.
OUTLIER_FACTOR = Decimal(3)


def outlier_needs_note(value: Decimal, previous: Decimal | None) -> bool:
    """True when ``value`` is more than 3× or less than ⅓ of ``previous``."""
    if previous is None or previous <= 0:
        return False
    return value > previous * OUTLIER_FACTOR or value * OUTLIER_FACTOR < previous


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


# --- What may be saved -------------------------------------------------------------


def unreadable_errors(indicator_lines: list[IndicatorLine], activity_lines: list[ActivityLine]) -> dict:
    """A line with a part its reader could not read is never written: the
    reader said why next to the part; a service called with one says so too."""
    errors = {}
    for kind, lines, key in (
        ("indicator", indicator_lines, lambda line: line.indicator_id),
        ("activity", activity_lines, lambda line: line.activity_id),
    ):
        for line in lines:
            for part in sorted(line.unreadable):
                errors[line_field(kind, key(line), part)] = [_("This could not be read: enter it again.")]
    return errors


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
        if line.is_empty and line.has_text:
            # An empty line removes the figure when saved, and its note with it:
            # say so rather than drop what was typed.
            errors.setdefault(line_field("indicator", indicator.pk, "value"), []).append(
                _("Enter a value too: a note is kept only with a value.")
            )
    return errors


def cells_errors(indicator: Indicator, cells: list[str], line: IndicatorLine) -> dict:
    """A disaggregated figure is given cell by cell; its total is their sum."""
    errors = {}
    given = line.given_cells
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
    unread = any(part.startswith("cell") for part in line.unreadable)  # a cell, or "cells"
    if not errors and not unread and indicator.measure != Measure.NUMBER:
        # The sum of readable, valid cells: a percentage's cells cannot add up past 100.
        total = sum(given.values(), Decimal(0))
        for message in value_errors(indicator.measure, total, field="v").values():
            errors[line_field("indicator", indicator.pk, "value")] = [message]
    return errors


def updates_errors(activities: dict[int, Activity], lines: list[ActivityLine]) -> dict:
    errors = {}
    for line in lines:
        if line.activity_id not in activities:
            errors[line_field("activity", line.activity_id, "status")] = [
                _(
                    "This activity is not one your organisation reports on in this period: another "
                    "organisation leads it, or it was reported finished in an earlier quarter."
                )
            ]
            continue
        errors.update(update_errors(line))
    return errors


def update_errors(line: ActivityLine) -> dict:
    """One activity's status and percent complete, each read or not."""

    def key(part: str) -> str:
        return line_field("activity", line.activity_id, part)

    if line.is_empty:
        if line.note.strip():
            return {key("status"): [_("Choose a status too: a note is kept only with a status.")]}
        return {}
    errors = {}
    status_read = "status" not in line.unreadable
    percent_read = "percent_complete" not in line.unreadable
    if status_read and line.status not in ActivityStatus.values:
        errors[key("status")] = [_("Choose a status.")]
    if percent_read and line.percent_complete is None:
        errors[key("percent_complete")] = [_("Enter the percent complete (0–100).")]
    elif percent_read:
        # Agreement with the status is judged only on a status that was read.
        status = line.status if status_read else ""
        for name, message in activity_update_errors(status, line.percent_complete).items():
            errors[key(name)] = [message]
    return errors


# --- What a submission needs -------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """What one indicator's line holds, or would hold once saved: enough to
    judge a submission."""

    value: Decimal | None
    note: str = ""
    gap_reason: str = ""
    corrective_action: str = ""
    # False when the value is not known (unreadable, or refused): nothing is
    # then said about it, its own message is enough.
    readable: bool = True


def line_figure(line: IndicatorLine, *, refused: bool) -> Figure | None:
    if line.is_empty:
        return None
    return Figure(
        line.total,
        line.note,
        line.gap_reason,
        line.corrective_action,
        readable=not (line.unreadable or refused),
    )


def submission_errors(
    report: QuarterlyReport,
    *,
    indicator_lines: list[IndicatorLine] | None = None,
    activity_lines: list[ActivityLine] | None = None,
    refused: frozenset[int] = frozenset(),
) -> dict:
    """What stops a report from being submitted: a missing figure or update,
    an unusual figure without a note, or a gap left unexplained.

    Judged on what the report holds, with ``indicator_lines`` and
    ``activity_lines`` (when given) in place of what is stored for them: the
    form asks before it saves, so that one answer holds every problem.
    ``refused``: indicators whose figure the save checks refused."""
    figures = {
        v.indicator_id: Figure(v.value, v.note, v.gap_reason, v.corrective_action)
        for v in report.indicator_values.all()
    }
    for line in indicator_lines or []:
        figures[line.indicator_id] = line_figure(line, refused=line.indicator_id in refused)
    previous = previous_approved_values(report)
    to_explain = indicators_to_explain(report)
    errors = {}
    for indicator in report_expected_indicators(report).values():
        errors.update(
            figure_submission_errors(
                indicator, figures.get(indicator.pk), previous.get(indicator.pk), to_explain.get(indicator.pk)
            )
        )
    updated = set(report.activity_updates.values_list("activity_id", flat=True))
    for line in activity_lines or []:
        (updated.discard if line.is_empty else updated.add)(line.activity_id)
    for activity in report_expected_activities(report).values():
        # An activity not due yet may be reported early; it is never required.
        if activity.pk not in updated and activity_is_due(activity, report.period):
            errors[line_field("activity", activity.pk, "status")] = [
                _("Give this activity's status before submitting.")
            ]
    return errors


def figure_submission_errors(
    indicator: Indicator, figure: Figure | None, previous: Decimal | None, gap: GapToExplain | None
) -> dict:
    errors = {}
    if figure is None:
        errors[line_field("indicator", indicator.pk, "value")] = [_("Enter a value before submitting.")]
    elif figure.readable and not figure.note.strip() and outlier_needs_note(figure.value, previous):
        errors[line_field("indicator", indicator.pk, "note")] = [
            _(
                "This value is more than three times, or less than a third of, your last approved "
                "value (%(previous)s). Add a note that explains it."
            )
            % {"previous": number_text(previous)}
        ]
    if gap is not None:
        errors.update(gap_errors(indicator, figure, gap))
    return errors


def gap_errors(indicator: Indicator, figure: Figure | None, gap: GapToExplain) -> dict:
    """Explain the gap: the lead of an indicator that was at risk or off track
    in the previous period says why, and what is being done about it."""
    said = {"status": gap.status_words, "code": indicator.code, "period": gap.period_code}
    errors = {}
    if figure is None or not figure.gap_reason.strip():
        errors[line_field("indicator", indicator.pk, "gap_reason")] = [
            _("%(code)s was %(status)s in %(period)s: say why it fell short.") % said
        ]
    if figure is None or not figure.corrective_action.strip():
        errors[line_field("indicator", indicator.pk, "corrective_action")] = [
            _("%(code)s was %(status)s in %(period)s: say what is being done about it.") % said
        ]
    return errors


# --- Both at once ------------------------------------------------------------------


@dataclass
class ReportCheck:
    """Every problem of the lines given: what stops them being saved, and (when
    asked) what would stop the report being submitted once they are."""

    save: dict = field(default_factory=dict)
    submit: dict = field(default_factory=dict)

    @property
    def errors(self) -> dict:
        merged = {key: list(messages) for key, messages in self.save.items()}
        for key, messages in self.submit.items():
            merged.setdefault(key, []).extend(m for m in messages if m not in merged[key])
        return merged


def report_lines_check(
    *,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    activities: dict[int, Activity],
    indicator_lines: list[IndicatorLine],
    activity_lines: list[ActivityLine],
    submitting: bool = False,
) -> ReportCheck:
    """The one validation pass, writing nothing: what report_save would refuse
    of these lines and, when ``submitting``, what report_submit would refuse of
    the report holding them. Lines' unreadable parts are left to their reader."""
    check = ReportCheck(
        save=figures_errors(indicators, indicator_lines) | updates_errors(activities, activity_lines)
    )
    if submitting:
        refused = frozenset(
            line.indicator_id
            for line in indicator_lines
            if any(key.startswith(f"indicator-{line.indicator_id}-") for key in check.save)
        )
        check.submit = submission_errors(
            report, indicator_lines=indicator_lines, activity_lines=activity_lines, refused=refused
        )
    return check
