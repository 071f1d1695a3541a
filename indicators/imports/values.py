"""A values file read into quarterly reports, as drafts for a focal point or
straight as approved for the secretariat's historical data, all or nothing
(docs/imports.md, "Values workbook"). Every figure goes through the
quarterly report's own services.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.imports.files import (
    ImportResult,
    Row,
    RowCounter,
    Sheet,
    SheetSpec,
    plan_resolve,
    sheets_opened,
)
from indicators.models import (
    ActivityUpdate,
    Category,
    Dimension,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportState,
    activity_update_errors,
    cell_key,
    value_errors,
)
from indicators.quarterly_report.from_file import (
    ReportFill,
    ReportsRefused,
    reports_fill,
    reports_fill_errors,
)
from indicators.quarterly_report.services import (
    IMPORT_REASON,
    ActivityLine,
    IndicatorLine,
    ReportConflict,
    TransitionNotAllowed,
    line_field,
)
from plans.access import user_fills_in_reports, user_is_admin
from plans.formatting import ascii_digits, plain_number
from plans.models import Organisation, Plan
from plans.services import audit_record, scores_mark_stale
from strategies.models import Activity

# Columns there to read, which the import ignores: ``name`` in a downloaded
# workbook filled in offline; the names and the provenance in the values and
# activity-updates exports (docs/exports.md), so that an export imports back.
READ_ONLY_COLUMNS = (
    "name",
    "organisation_name",
    "submitted_by",
    "submitted_at",
    "approved_by",
    "approved_at",
)
VALUE_SHEETS = {
    spec.name: spec
    for spec in (
        SheetSpec(
            "indicator_values",
            ("indicator", "organisation", "period", "value"),
            ("note", "indicator_name", *READ_ONLY_COLUMNS),
        ),
        SheetSpec(
            "activity_updates",
            ("activity", "organisation", "period", "status", "percent_complete"),
            ("note", "activity_name", *READ_ONLY_COLUMNS),
        ),
    )
}


@dataclass
class Figure:
    """An organisation's figure for one indicator and period: one row, or one
    row per disaggregation cell."""

    indicator: Indicator
    organisation: Organisation
    period: object
    line: int
    value: Decimal = Decimal(0)
    cells: dict[str, Decimal] = field(default_factory=dict)
    cell_lines: dict[str, int] = field(default_factory=dict)
    notes: list[str] | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.cells.values(), Decimal(0)) if self.cells else self.value

    @property
    def note(self) -> str | None:
        return None if self.notes is None else "\n".join(dict.fromkeys(n for n in self.notes if n))


@dataclass
class Update:
    activity: Activity
    organisation: Organisation
    period: object
    line: int
    status: str
    percent_complete: Decimal
    note: str | None


# How often (in rows read, or reports written) an import tells its progress.
PROGRESS_EVERY = 500


def values_import(
    *,
    actor,
    path_or_file,
    approve: bool = False,
    dry_run: bool = False,
    plan: str | None = None,
    into_report: QuarterlyReport | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Fill quarterly reports from a values file (XLSX, or one CSV sheet).

    Every report's lines are written by reports_fill (quarterly_report/
    from_file.py), with the checks and records of report_open and report_save
    for all of them at once. Without ``approve`` the figures go into each
    organisation's report for the period as a draft, as if typed into the form;
    reports already submitted or approved are refused. With ``approve`` (a
    secretariat administrator, or the system when ``actor`` is None) the
    reports are stored as approved, each approval recorded as report_approve
    records it, and the plan's scores are marked stale once.
    ``plan`` is a plan code, by default the only plan; ``into_report`` limits
    the file to that one report (the report page's upload). ``progress`` is
    told ("reading", rows read, 0) and ("writing", 0, reports) before writing.

    The file is read a row at a time and refused past settings.IMPORT_MAX_ROWS
    rows. Two imports into the same report at once: the second is refused
    (reports_lock), rather than both writing.
    """
    values_check_actor(actor, approve=approve)
    result = ImportResult(dry_run=dry_run)
    categories = defaultdict(set)
    for dimension_code, category_code in Category.objects.values_list("dimension__code", "code"):
        categories[dimension_code].add(category_code)
    for code in Dimension.objects.values_list("code", flat=True):
        categories.setdefault(code, set())
    counter = RowCounter()
    with sheets_opened(
        path_or_file, VALUE_SHEETS, result, extra_columns=set(categories), counter=counter
    ) as sheets:
        return values_import_sheets(
            actor=actor,
            sheets=sheets,
            result=result,
            approve=approve,
            dry_run=dry_run,
            plan=plan,
            into_report=into_report,
            categories=categories,
            counter=counter,
            progress=progress,
        )


def values_import_sheets(
    *, actor, sheets, result, approve, dry_run, plan, into_report, categories, counter, progress
) -> ImportResult:
    """values_import, once the file is open and its headers are read."""
    if not sheets and result.ok:
        result.add_error(
            "",
            None,
            "",
            _("The file has none of the sheets %(sheets)s.") % {"sheets": ", ".join(VALUE_SHEETS)},
        )
    if not result.ok:
        return result
    try:
        plan_obj = plan_resolve(plan)
    except ValidationError as error:
        result.add_error("", None, "", error.messages[0])
        return result
    result.plan = plan_obj.code
    with transaction.atomic():
        run = ValuesRun(
            actor=actor,
            approve=approve,
            plan=plan_obj,
            categories=categories,
            result=result,
            into_report=into_report,
            progress=progress,
            dry_run=dry_run,
        )
        figures = (
            run.read_indicator_values(sheets["indicator_values"]) if "indicator_values" in sheets else []
        )
        updates = (
            run.read_activity_updates(sheets["activity_updates"]) if "activity_updates" in sheets else []
        )
        if counter.exceeded:
            # The rows past the limit were not read: nothing of the file is imported.
            result.forget_counts()
            result.changes.clear()
            transaction.set_rollback(True)
            return result
        if result.ok:
            run.lock_reports(figures, updates)
        if not result.ok:
            result.forget_counts()
            result.changes.clear()
            transaction.set_rollback(True)
            return result
        changed_reports = run.write(figures, updates)
        if not result.ok:
            # A report's own checks (report_save's) refused some lines.
            result.forget_counts()
            result.changes.clear()
            transaction.set_rollback(True)
            return result
        if dry_run:
            transaction.set_rollback(True)
            return result
        audit_record(
            actor=actor,
            action="values.import",
            plan=plan_obj,
            details={
                "rows": counter.count,
                "reports": [f"{r.organisation.code} {r.period.code}" for r in changed_reports],
                "approve": approve,
                "counts": result.counts(),
            },
        )
    return result


def values_check_actor(actor, *, approve: bool) -> None:
    """Focal points import their own organisation's drafts; only a secretariat
    administrator imports figures as approved. None is the system."""
    if actor is None:
        return
    if approve:
        if not user_is_admin(actor):
            raise PermissionDenied(_("Only a secretariat administrator may import figures as approved."))
        return
    if not user_fills_in_reports(actor):
        raise PermissionDenied(_("Only a focal point or a secretariat administrator may import figures."))


# The advisory locks of the values import: a namespace of their own above the
# organisation and period ids (each below 2**20 here for years to come).
IMPORT_LOCK_NAMESPACE = 0x4E5449 << 40


def import_lock_key(organisation_id: int, period_id: int) -> int:
    return IMPORT_LOCK_NAMESPACE | (organisation_id % (1 << 20)) << 20 | period_id % (1 << 20)


class ValuesRun:
    """One import of a values file: the plan's codes, and the reports it touches."""

    def __init__(
        self,
        *,
        actor,
        approve: bool,
        plan: Plan,
        categories: dict[str, set[str]],
        result: ImportResult,
        into_report: QuarterlyReport | None = None,
        progress=None,
        dry_run: bool = False,
    ):
        self.actor = actor if actor is not None and actor.is_authenticated else None
        # A focal point imports for their own organisation only.
        self.own_organisation_id = (
            actor.organisation_id if self.actor is not None and not user_is_admin(self.actor) else None
        )
        self.approve = approve
        self.dry_run = dry_run
        self.plan = plan
        self.categories = categories
        self.result = result
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.periods = {p.code: p for p in plan.periods.all()}
        self.indicators = {
            i.code: i
            for i in Indicator.objects.filter(plan=plan)
            .select_related("lead")
            .prefetch_related("contributors", "disaggregation")
        }
        self.activities = {a.code: a for a in Activity.objects.filter(plan=plan).select_related("lead")}
        # Asked of every row: read once per indicator, not once per row.
        self.contributor_ids = {i.pk: {o.pk for o in i.contributors.all()} for i in self.indicators.values()}
        self.dimension_codes = {
            i.pk: {d.code for d in i.disaggregation.all()} for i in self.indicators.values()
        }
        self.reports: dict[tuple[int, int], QuarterlyReport] = {}
        self.into_report = into_report
        self.progress = progress
        self.rows_read = 0
        self.today = timezone.localdate()

    def rows_of(self, sheet: Sheet) -> Iterator[Row]:
        """The sheet's rows as they are read, telling the progress now and then."""
        for row in sheet.rows:
            self.rows_read += 1
            if self.progress is not None and self.rows_read % PROGRESS_EVERY == 0:
                self.progress("reading", self.rows_read, 0)
            yield row

    # -- reading and checking rows -------------------------------------------

    def error(self, sheet: str, line: int, column: str, message) -> None:
        self.result.add_error(sheet, line, column, message)

    def lookup(self, sheet: str, row: Row, column: str, known: dict, message: str):
        code = row.get(column)
        if not code:
            self.error(sheet, row.line, column, _("This field cannot be blank."))
            return None
        if code not in known:
            self.error(sheet, row.line, column, message % {"code": code, "plan": self.plan.code})
            return None
        return known[code]

    def period_of(self, sheet: str, row: Row):
        row.cells["period"] = row.get("period").upper()
        period = self.lookup(
            sheet,
            row,
            "period",
            self.periods,
            _("%(code)s is not a quarter of plan %(plan)s (write it like 2025-Q2)."),
        )
        if period is None:
            return None
        if not period.has_begun(self.today):
            # report_save would refuse it too, for the whole report: said here on each row.
            self.error(
                sheet,
                row.line,
                "period",
                _("%(period)s has not begun: its report can be filled in from %(start)s.")
                % {"period": period.code, "start": period.start.isoformat()},
            )
            return None
        if self.into_report is not None and period.pk != self.into_report.period_id:
            self.error(
                sheet,
                row.line,
                "period",
                _("This file is imported into the report for %(period)s: a row for %(code)s cannot be.")
                % {"period": self.into_report.period.code, "code": period.code},
            )
            return None
        return period

    def organisation_of(self, sheet: str, row: Row) -> Organisation | None:
        organisation = self.lookup(
            sheet, row, "organisation", self.organisations, _("Unknown organisation code %(code)s.")
        )
        if organisation is not None and self.own_organisation_id not in (None, organisation.pk):
            self.error(
                sheet,
                row.line,
                "organisation",
                _("You may import the figures of your own organisation only, not those of %(code)s.")
                % {"code": organisation.code},
            )
            return None
        report = self.into_report
        if organisation is not None and report is not None and organisation.pk != report.organisation_id:
            self.error(
                sheet,
                row.line,
                "organisation",
                _("This file is imported into the report of %(own)s: a row for %(code)s cannot be.")
                % {"own": self.into_report.organisation.code, "code": organisation.code},
            )
            return None
        return organisation

    def number(self, sheet: str, row: Row, column: str, model_field: models.Field) -> Decimal | None:
        """A number as the form reads it: a dot for decimals, the field's digits,
        0–9 or Khmer digits (០–៩) in a text cell."""
        text = row.get(column)
        if not text:
            self.error(sheet, row.line, column, _("This field cannot be blank."))
            return None
        try:
            return model_field.clean(ascii_digits(text) if isinstance(text, str) else text, None)
        except ValidationError as error:
            for message in error.messages:
                self.error(sheet, row.line, column, message)
            return None

    def read_indicator_values(self, sheet: Sheet) -> list[Figure]:
        dimension_columns = [c for c in sheet.columns if c in self.categories]
        value_field = IndicatorValue._meta.get_field("value")
        figures: dict[tuple, Figure] = {}
        for row in self.rows_of(sheet):
            if not row.get("value"):
                # A line left empty (a downloaded workbook has a row for every line): not filled in.
                continue
            errors_before = len(self.result.errors)
            indicator = self.lookup(
                sheet.name, row, "indicator", self.indicators, _("No indicator %(code)s in plan %(plan)s.")
            )
            organisation = self.organisation_of(sheet.name, row)
            period = self.period_of(sheet.name, row)
            value = self.number(sheet.name, row, "value", value_field)
            if indicator is None:
                continue
            if value is not None:
                for message in value_errors(indicator.measure, value, field="value").values():
                    self.error(sheet.name, row.line, "value", message)
            if organisation is not None:
                self.check_who_reports(sheet.name, row.line, indicator, organisation)
            if (
                period is not None
                and indicator.frequency == Indicator.Frequency.ANNUAL
                and period.quarter != 4
            ):
                self.error(
                    sheet.name,
                    row.line,
                    "period",
                    _("Indicator %(indicator)s is annual: report it in a Q4 period.")
                    % {"indicator": indicator.code},
                )
            cell = self.cell_of(sheet.name, row, indicator, dimension_columns)
            if len(self.result.errors) > errors_before:
                continue
            self.add_figure(sheet.name, row, figures, indicator, organisation, period, value, cell)
        self.check_totals(sheet.name, figures.values())
        return list(figures.values())

    def check_who_reports(
        self, sheet: str, line: int, indicator: Indicator, organisation: Organisation
    ) -> None:
        """The organisations that report an indicator: its lead and, for a sum,
        its contributors. A level (LATEST) is the lead's figure alone."""
        if organisation.pk == indicator.lead_id:
            return
        if organisation.pk not in self.contributor_ids[indicator.pk]:
            self.error(
                sheet,
                line,
                "organisation",
                _("%(organisation)s neither leads nor contributes to indicator %(indicator)s.")
                % {"organisation": organisation.code, "indicator": indicator.code},
            )
        elif indicator.aggregation == Indicator.Aggregation.LATEST:
            self.error(
                sheet,
                line,
                "organisation",
                _("Indicator %(indicator)s takes the latest value of its lead organisation (%(lead)s) only.")
                % {"indicator": indicator.code, "lead": indicator.lead.code},
            )

    def cell_of(self, sheet: str, row: Row, indicator: Indicator, dimension_columns: list[str]) -> str:
        """The row's disaggregation cell (``age_group=U15;sex=F``), "" for an
        indicator that is not disaggregated."""
        wanted = self.dimension_codes[indicator.pk]
        chosen = {}
        for code in sorted(wanted | set(dimension_columns)):
            text = row.get(code)
            if code not in wanted:
                if text:
                    self.error(
                        sheet,
                        row.line,
                        code,
                        _("Indicator %(indicator)s is not split by %(dimension)s: leave this cell empty.")
                        % {"indicator": indicator.code, "dimension": code},
                    )
            elif not text:
                self.error(
                    sheet,
                    row.line,
                    code,
                    _("Indicator %(indicator)s is split by %(dimension)s: give a category code.")
                    % {"indicator": indicator.code, "dimension": code},
                )
            elif text not in self.categories[code]:
                self.error(
                    sheet,
                    row.line,
                    code,
                    _("%(category)s is not a category of %(dimension)s (%(known)s).")
                    % {
                        "category": text,
                        "dimension": code,
                        "known": ", ".join(sorted(self.categories[code])),
                    },
                )
            else:
                chosen[code] = text
        return cell_key(chosen)

    def add_figure(
        self, sheet: str, row: Row, figures: dict, indicator, organisation, period, value, cell
    ) -> None:
        key = (indicator.pk, organisation.pk, period.pk)
        figure = figures.get(key)
        if figure is not None and (not cell or cell in figure.cells):
            first = figure.cell_lines.get(cell, figure.line)
            self.error(
                sheet,
                row.line,
                "value",
                _("This figure is already given on line %(line)s.") % {"line": first},
            )
            return
        if figure is None:
            figure = figures[key] = Figure(indicator, organisation, period, row.line)
            if "note" in row.cells:
                figure.notes = []
        if cell:
            figure.cells[cell] = value
            figure.cell_lines[cell] = row.line
        else:
            figure.value = value
        if figure.notes is not None:
            figure.notes.append(row.get("note"))

    def check_totals(self, sheet: str, figures) -> None:
        """A disaggregated figure is the sum of its cells; that sum must also
        be a valid figure (a percentage's cells cannot add up past 100)."""
        for figure in figures:
            if not figure.cells:
                continue
            for message in value_errors(figure.indicator.measure, figure.total, field="value").values():
                self.error(
                    sheet,
                    figure.line,
                    "value",
                    _("The cells add up to %(total)s: %(reason)s")
                    % {"total": figure.total, "reason": message},
                )

    def read_activity_updates(self, sheet: Sheet) -> list[Update]:
        status_field = ActivityUpdate._meta.get_field("status")
        percent_field = ActivityUpdate._meta.get_field("percent_complete")
        updates: dict[tuple, Update] = {}
        for row in self.rows_of(sheet):
            if not row.get("status") and not row.get("percent_complete"):
                continue  # an update not filled in
            errors_before = len(self.result.errors)
            activity = self.lookup(
                sheet.name, row, "activity", self.activities, _("No activity %(code)s in plan %(plan)s.")
            )
            organisation = self.organisation_of(sheet.name, row)
            period = self.period_of(sheet.name, row)
            row.cells["status"] = row.get("status").upper()
            status = None
            try:
                status = status_field.clean(row.get("status"), None)
            except ValidationError as error:
                self.error(sheet.name, row.line, "status", error.messages[0])
            percent = self.number(sheet.name, row, "percent_complete", percent_field)
            if status is not None and percent is not None:
                for message in activity_update_errors(status, percent).values():
                    self.error(sheet.name, row.line, "percent_complete", message)
            if activity is not None and organisation is not None and organisation.pk != activity.lead_id:
                self.error(
                    sheet.name,
                    row.line,
                    "organisation",
                    _("Only the lead organisation (%(lead)s) reports on activity %(activity)s.")
                    % {"lead": activity.lead.code, "activity": activity.code},
                )
            if len(self.result.errors) > errors_before:
                continue
            key = (activity.pk, organisation.pk, period.pk)
            if key in updates:
                self.error(
                    sheet.name,
                    row.line,
                    "activity",
                    _("This update is already given on line %(line)s.") % {"line": updates[key].line},
                )
                continue
            note = row.get("note") if "note" in row.cells else None
            updates[key] = Update(activity, organisation, period, row.line, status, percent, note)
        return list(updates.values())

    def lock_reports(self, figures: list[Figure], updates: list[Update]) -> None:
        """Load (and lock, so that a reviewer's approval cannot slip in between)
        the reports the rows go into, and refuse rows for a report that is no
        longer a draft when importing drafts."""
        pairs = {(row.organisation.pk, row.period.pk) for row in [*figures, *updates]}
        if not pairs:
            return
        if not self.reports_lock(pairs):
            return
        reports = (
            QuarterlyReport.objects.select_for_update(of=("self",))
            .filter(
                organisation_id__in={o for o, _p in pairs},
                period_id__in={p for _o, p in pairs},
            )
            .select_related("organisation", "period")
        )
        self.reports = {(r.organisation_id, r.period_id): r for r in reports}
        if self.approve:
            return
        closed = (ReportState.SUBMITTED, ReportState.APPROVED)
        refused = set()
        for sheet, rows in (("indicator_values", figures), ("activity_updates", updates)):
            for row in rows:
                key = (row.organisation.pk, row.period.pk)
                report = self.reports.get(key)
                if report is None or report.state not in closed or (sheet, key) in refused:
                    continue
                refused.add((sheet, key))
                self.error(
                    sheet,
                    row.line,
                    "period",
                    _(
                        "The report of %(organisation)s for %(period)s is %(state)s: "
                        "figures can be imported into a draft or returned report only."
                    )
                    % {
                        "organisation": report.organisation.code,
                        "period": report.period.code,
                        "state": report.get_state_display().lower(),
                    },
                )

    def reports_lock(self, pairs: set[tuple[int, int]]) -> bool:
        """Hold each report this file goes into (organisation × period) until
        the import's transaction ends, even one not created yet; False, with
        the refusal, when another import holds one. Only PostgreSQL has such
        locks; SQLite lets one writer in at a time anyway."""
        if connection.vendor != "postgresql":
            return True
        keys = {
            import_lock_key(organisation, period): (organisation, period) for organisation, period in pairs
        }
        with connection.cursor() as cursor:
            # Sorted, so that two imports never wait on each other's half.
            cursor.execute(
                "SELECT key FROM unnest(%s::bigint[]) AS key WHERE NOT pg_try_advisory_xact_lock(key)",
                [sorted(keys)],
            )
            held = [keys[key] for (key,) in cursor.fetchall()]
        if not held:
            return True
        names = dict(Organisation.objects.filter(pk__in={o for o, _p in held}).values_list("pk", "code"))
        periods = {p.pk: p.code for p in self.periods.values()}
        for organisation, period in sorted(held):
            self.error(
                "",
                None,
                "",
                _(
                    "An import of the report of %(organisation)s for %(period)s is already running: "
                    "nothing was imported. Wait for it to finish, then import the file again."
                )
                % {"organisation": names.get(organisation, ""), "period": periods.get(period, "")},
            )
        return False

    # -- writing --------------------------------------------------------------

    def write(self, figures: list[Figure], updates: list[Update]) -> list[QuarterlyReport]:
        """Write every figure and update into its report through the reports'
        one write path for files (reports_fill: the checks and records of
        report_save, for all the reports at once); the reports that changed
        are returned. Lines a report's own checks refuse are reported on their
        rows; a dry run only checks them."""
        by_report = defaultdict(lambda: ([], []))
        for figure in figures:
            by_report[figure.organisation, figure.period][0].append(figure)
        for update in updates:
            by_report[update.organisation, update.period][1].append(update)
        reports = list(self.reports.values())
        old_values = {
            (v.report_id, v.indicator_id): v
            for v in IndicatorValue.objects.filter(report__in=reports).prefetch_related("cells")
        }
        old_updates = {
            (u.report_id, u.activity_id): u for u in ActivityUpdate.objects.filter(report__in=reports)
        }
        fills, rows = [], {}
        for (organisation, period), (report_figures, report_updates) in by_report.items():
            report = self.reports.get((organisation.pk, period.pk))
            report_id = report.pk if report else None
            # Where each line's messages go: lines_errors keys them by line_field().
            lines_rows: dict[str, tuple[str, int, str]] = {}
            indicator_lines = [
                line
                for figure in report_figures
                if (
                    line := self.figure_line(
                        figure, old_values.get((report_id, figure.indicator.pk)), lines_rows
                    )
                )
            ]
            activity_lines = [
                line
                for update in report_updates
                if (
                    line := self.update_line(
                        update, old_updates.get((report_id, update.activity.pk)), lines_rows
                    )
                )
            ]
            unchanged = report is not None and not (indicator_lines or activity_lines)
            if unchanged and (not self.approve or report.state == ReportState.APPROVED):
                self.result.count("reports", "unchanged")
                continue
            self.result.count("reports", "updated" if report_id else "created")
            fills.append(ReportFill(organisation, period, report, indicator_lines, activity_lines))
            rows[organisation.pk, period.pk] = lines_rows
        if not fills:
            return []
        if self.progress is not None:
            self.progress("writing", 0, len(fills))
        written = self.fill(fills, rows)
        if self.approve and written and self.result.ok and not self.dry_run:
            # Once for the whole file rather than once per report: the same mark.
            scores_mark_stale(plan_id=self.plan.pk, from_index=min(r.period.index for r in written))
        return written

    def fill(self, fills: list[ReportFill], rows: dict) -> list[QuarterlyReport]:
        """Check (a dry run) or write the reports' lines; the reports, or none
        when some lines were refused (reported on their rows)."""
        try:
            if self.dry_run:
                errors = reports_fill_errors(plan=self.plan, fills=fills, approve=self.approve)
                if errors:
                    raise ReportsRefused(errors)
                return [
                    fill.report or QuarterlyReport(organisation=fill.organisation, period=fill.period)
                    for fill in fills
                ]
            return reports_fill(
                actor=self.actor, plan=self.plan, fills=fills, approve=self.approve, reason=IMPORT_REASON
            )
        except ReportsRefused as refused:
            for key, messages_by_field in refused.errors.items():
                for field, messages in messages_by_field.items():
                    sheet, line, column = rows[key].get(field, ("", None, ""))
                    for message in messages:
                        self.error(sheet, line, column, message)
        except (ReportConflict, TransitionNotAllowed, PermissionDenied) as refusal:
            # The report moved on while the file was read (submitted, saved by someone).
            self.error("", None, "", str(refusal))
        return []

    def figure_line(self, figure: Figure, old: IndicatorValue | None, rows: dict) -> IndicatorLine | None:
        """The line that writes ``figure``, None when it is already stored as it is.
        A note left out of the file keeps the stored one, as do the gap reason
        and corrective action, which the file does not hold."""
        pk = figure.indicator.pk
        rows[line_field("indicator", pk, "value")] = ("indicator_values", figure.line, "value")
        rows[line_field("indicator", pk, "note")] = ("indicator_values", figure.line, "note")
        for cell, cell_line in figure.cell_lines.items():
            rows[line_field("indicator", pk, f"cell-{cell}")] = ("indicator_values", cell_line, "value")
        note = figure.note if figure.note is not None else (old.note if old else "")
        line = IndicatorLine(
            pk,
            value=None if figure.cells else figure.value,
            cells=dict(figure.cells),
            note=note,
            gap_reason=old.gap_reason if old else "",
            corrective_action=old.corrective_action if old else "",
        )
        what = f"{figure.indicator.code} · {figure.organisation.code} · {figure.period.code}"
        if old is None:
            self.result.count("indicator_values", "created")
            self.result.add_change("indicator_values", figure.line, what, "", plain_number(figure.total))
            return line
        old_cells = {c.cell: c.value for c in old.cells.all()}
        if (old.value, old.note, old_cells) == (figure.total, note, figure.cells):
            self.result.count("indicator_values", "unchanged")
            return None
        self.result.count("indicator_values", "updated")
        new = plain_number(figure.total)
        if old.value == figure.total:
            new += " " + (_("(other cells)") if old_cells != figure.cells else _("(new note)"))
        self.result.add_change("indicator_values", figure.line, what, plain_number(old.value), new)
        return line

    def update_line(self, update: Update, old: ActivityUpdate | None, rows: dict) -> ActivityLine | None:
        """The line that writes ``update``, None when it is already stored as it is."""
        pk = update.activity.pk
        for column in ("status", "percent_complete"):
            rows[line_field("activity", pk, column)] = ("activity_updates", update.line, column)
        note = update.note if update.note is not None else (old.note if old else "")
        line = ActivityLine(pk, status=update.status, percent_complete=update.percent_complete, note=note)
        what = f"{update.activity.code} · {update.organisation.code} · {update.period.code}"
        new = f"{update.status} {plain_number(update.percent_complete)} %"
        if old is None:
            self.result.count("activity_updates", "created")
            self.result.add_change("activity_updates", update.line, what, "", new)
            return line
        if (old.status, old.percent_complete, old.note) == (update.status, update.percent_complete, note):
            self.result.count("activity_updates", "unchanged")
            return None
        self.result.count("activity_updates", "updated")
        if (old.status, old.percent_complete) == (update.status, update.percent_complete):
            new += " " + _("(new note)")
        old_text = f"{old.status} {plain_number(old.percent_complete)} %"
        self.result.add_change("activity_updates", update.line, what, old_text, new)
        return line
