"""Plan workbooks and values files read into the database, all or nothing.

Two imports (api-and-formats.md, "Plan workbook" and "Values workbook"):

- ``plan_workbook_import`` creates or updates a plan's structure from a
  workbook keyed by codes;
- ``values_import`` fills quarterly reports with figures, as drafts for a
  focal point or straight as approved for the secretariat's historical data.

Both read the whole file, check every row with the models' own rules (the
messages are the ones the admin and the report form show), and write nothing
when any row is bad: the result lists every bad row with its sheet, line and
column. The command line, the pages and the API all call these two functions.

How "nothing is written" is kept: the rows are written inside a savepoint as
they are read, so a later row can refer to an object created by an earlier
one (an objective to a new pillar) and the database's own checks run; the
savepoint is rolled back when any row was bad, and on a dry run.
"""

import csv
import datetime
import io
import os
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from indicators.models import (
    ActivityUpdate,
    Category,
    Dimension,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportState,
    Target,
    activity_update_errors,
    cell_key,
    contributors_errors,
    value_errors,
)
from indicators.services import (
    ActivityLine,
    IndicatorLine,
    line_field,
    report_import,
    report_open,
    report_save,
)
from plans.access import user_is_admin
from plans.models import Organisation, Plan, Role
from plans.services import audit_record, plan_save, plan_sync_periods, scores_mark_stale
from strategies.models import Activity, Objective, Pillar

# ---------------------------------------------------------------------------
# What an import returns


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row, or file): where it is and what is wrong."""

    sheet: str
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet or _("file")
        if self.line:
            where += " " + _("line %(line)s") % {"line": self.line}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What an import did, or would do on a dry run, or why it did nothing."""

    dry_run: bool = False
    plan: str = ""
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    # The kinds of rows in the order they were met, for printing.
    kinds: list[str] = field(default_factory=list)
    _error_set: set = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str, outcome: str) -> None:
        """``outcome`` is "created", "updated" or "unchanged"."""
        if kind not in self.kinds:
            self.kinds.append(kind)
        getattr(self, outcome)[kind] += 1

    def add_error(self, sheet: str, line: int | None, column: str, message) -> None:
        error = RowError(sheet, line, column, str(message))
        if error not in self._error_set:  # the same message twice for one cell says nothing new
            self._error_set.add(error)
            self.errors.append(error)

    def forget_counts(self) -> None:
        """A file with bad rows writes nothing, so counts would only mislead."""
        self.created.clear()
        self.updated.clear()
        self.unchanged.clear()
        self.kinds.clear()

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def summary_lines(self) -> list[str]:
        return [
            _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {
                "kind": kind,
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
            }
            for kind in self.kinds
        ]

    def counts(self) -> dict:
        """The counts as plain data, for the audit trail and the API."""
        return {
            kind: {
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
            }
            for kind in self.kinds
        }


# ---------------------------------------------------------------------------
# Reading XLSX and CSV files into sheets of text cells


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True)
class Row:
    """One spreadsheet row; ``line`` as the spreadsheet shows it (header = 1).
    ``cells`` holds every column of the header, "" when empty."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[Row]


XLSX_SIGNATURE = b"PK\x03\x04"  # an XLSX file is a zip archive


def cell_text(value) -> str:
    """A spreadsheet cell as text, the same whether it came from XLSX or CSV:
    Excel stores 2024 as 2024.0 and a tick box as True."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def file_bytes(path_or_file) -> bytes:
    if isinstance(path_or_file, str | os.PathLike):
        return Path(path_or_file).read_bytes()
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    data = path_or_file.read()
    return data.encode() if isinstance(data, str) else data


def read_sheets(
    path_or_file, specs: dict[str, SheetSpec], result: ImportResult, *, extra_columns=frozenset()
) -> dict[str, Sheet]:
    """The file's sheets by name. An XLSX workbook gives a sheet per tab; a CSV
    file gives one sheet, recognised by its header row. ``extra_columns`` may
    stand in any sheet besides its own columns (dimension codes)."""
    data = file_bytes(path_or_file)
    if data.startswith(XLSX_SIGNATURE):
        tables = xlsx_tables(data, specs, result)
    else:
        tables = csv_tables(data, specs, result)
    sheets = {}
    for spec, table in tables:
        sheet = sheet_from_table(spec, table, result, extra_columns)
        if sheet is not None:
            sheets[spec.name] = sheet
    return sheets


def xlsx_tables(data: bytes, specs: dict[str, SheetSpec], result: ImportResult) -> list:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        result.add_error("", None, "", _("This file is neither an XLSX workbook nor a CSV file."))
        return []
    tables = []
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if name not in specs:
                # A misspelt sheet would otherwise be skipped without a word.
                result.add_error(
                    worksheet.title,
                    None,
                    "",
                    _("Unknown sheet; the sheets are: %(sheets)s.") % {"sheets": ", ".join(specs)},
                )
                continue
            tables.append((specs[name], list(worksheet.iter_rows(values_only=True))))
    finally:
        workbook.close()
    return tables


def csv_tables(data: bytes, specs: dict[str, SheetSpec], result: ImportResult) -> list:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.add_error("", None, "", _("Save the CSV file with the UTF-8 encoding."))
        return []
    first_line = text.split("\n", 1)[0]
    # Excel in some languages saves CSV with semicolons between columns.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        result.add_error("", None, "", _("The file is empty."))
        return []
    spec = recognise_sheet([cell_text(c).lower() for c in rows[0]], specs)
    if spec is None:
        result.add_error(
            "",
            1,
            "",
            _("The header row matches none of the sheets %(sheets)s.") % {"sheets": ", ".join(specs)},
        )
        return []
    return [(spec, rows)]


def recognise_sheet(header: list[str], specs: dict[str, SheetSpec]) -> SheetSpec | None:
    """The sheet whose required columns the header holds; the most specific
    one when several fit (every sheet with code and name fits ``pillars``)."""
    columns = set(header)
    fitting = [spec for spec in specs.values() if set(spec.required) <= columns]
    return max(fitting, key=lambda spec: len(spec.required), default=None)


def sheet_from_table(spec: SheetSpec, table: list, result: ImportResult, extra_columns) -> Sheet | None:
    if not table:
        return Sheet(spec.name, [], [])
    header = [cell_text(value).lower() for value in table[0]]
    while header and not header[-1]:
        header.pop()
    missing = [column for column in spec.required if column not in header]
    for column in missing:
        result.add_error(spec.name, 1, column, _("This column is missing."))
    allowed = set(spec.columns) | set(extra_columns)
    seen = set()
    for column in header:
        if column and column not in allowed:
            result.add_error(
                spec.name,
                1,
                column,
                _("Unknown column; the columns are: %(columns)s.") % {"columns": ", ".join(spec.columns)},
            )
        elif column in seen:
            result.add_error(spec.name, 1, column, _("This column appears twice."))
        seen.add(column)
    if missing:
        # Every row would be reported for the missing column: one error says it.
        return None
    rows = []
    for line, values in enumerate(table[1:], start=2):
        texts = [cell_text(value) for value in values]
        if not any(texts):
            continue
        cells = {column: "" for column in header if column}
        for index, text in enumerate(texts):
            column = header[index] if index < len(header) else ""
            if column:
                cells[column] = text
            elif text:
                result.add_error(spec.name, line, "", _("A value under a column with no name in the header."))
        rows.append(Row(line, cells))
    return Sheet(spec.name, [c for c in header if c], rows)


# ---------------------------------------------------------------------------
# Turning text cells into field values, and validation errors into cells


def field_value(model_field: models.Field, text: str):
    """The value ``text`` gives ``model_field``, converted as a form would.

    An empty cell means the field's default (a weight of 1, no baseline year).
    Raises ValidationError with Django's own message for a bad number.
    """
    if isinstance(model_field, models.BooleanField):
        return yes_no(text) if text else model_field.get_default()
    if not text:
        if model_field.null:
            return None
        if model_field.has_default():
            return model_field.get_default()
        return "" if isinstance(model_field, models.CharField | models.TextField) else None
    if model_field.choices:
        # Choice values (MINISTRY, SUM, …) are capitals; accept "sum" too.
        text = text.upper()
    return model_field.to_python(text)


def yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("yes", "true", "1"):
        return True
    if answer in ("no", "false", "0"):
        return False
    raise ValidationError(_("Write yes or no."))


def split_codes(text: str) -> list[str]:
    """``MOI; MOJ`` → ["MOI", "MOJ"], each once, in order."""
    return list(dict.fromkeys(code.strip() for code in text.split(";") if code.strip()))


def q_fields(condition: models.Q) -> list[str]:
    names = []
    for child in condition.children:
        if isinstance(child, models.Q):
            names += q_fields(child)
        else:
            names.append(child[0].split("__")[0])
    return names


def constraint_field(model, message: str) -> str | None:
    """The field a database check is about, found by its message: full_clean()
    reports a check such as "A weight cannot be negative." for the whole row,
    and the officer needs to know which cell to fix."""
    for constraint in model._meta.constraints:
        condition = getattr(constraint, "condition", None)
        if condition is None or not constraint.violation_error_message:
            continue
        if str(constraint.violation_error_message) == message:
            names = q_fields(condition)
            return names[0] if names else None
    return None


def report_validation(
    result: ImportResult, sheet: str, line: int, error: ValidationError, model, columns: dict[str, str]
) -> None:
    """Put each message of a model's ValidationError under its column.
    ``columns`` maps field → column; a field with no column lands on the row."""
    for name, messages in error.message_dict.items():
        for message in messages:
            field_name = constraint_field(model, message) if name == NON_FIELD_ERRORS else name
            result.add_error(sheet, line, columns.get(field_name, ""), message)


def plan_resolve(code: str | None) -> Plan:
    """The plan with this code; without a code, the only plan there is."""
    if code:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise ValidationError(_("No plan with code %(code)s.") % {"code": code})
        return plan
    plans = list(Plan.objects.all()[:2])
    if len(plans) == 1:
        return plans[0]
    if not plans:
        raise ValidationError(_("There is no plan yet: import a plan workbook first."))
    raise ValidationError(_("There are several plans: say which one by its code."))


def field_snapshot(obj: models.Model, names) -> dict:
    """The values an import may change, to tell an update from a no-op."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in names}


# ---------------------------------------------------------------------------
# The plan workbook

PLAN_SHEETS = {
    spec.name: spec
    for spec in (
        SheetSpec(
            "plan",
            ("code", "name", "start_year", "end_year"),
            ("name_km", "on_track", "at_risk", "is_public"),
        ),
        SheetSpec("organisations", ("code", "name", "kind"), ("name_km",)),
        SheetSpec("dimensions", ("code", "name", "categories"), ("name_km",)),
        SheetSpec("pillars", ("code", "name"), ("name_km", "weight")),
        SheetSpec("objectives", ("code", "pillar", "name"), ("name_km", "weight")),
        SheetSpec(
            "indicators",
            ("code", "objective", "name", "measure", "aggregation", "lead"),
            (
                "name_km",
                "direction",
                "frequency",
                "unit",
                "baseline",
                "baseline_year",
                "contributors",
                "disaggregation",
                "weight",
            ),
        ),
        SheetSpec("targets", ("indicator", "year", "target")),
        SheetSpec(
            "activities",
            ("code", "objective", "name", "lead", "start", "end"),
            ("name_km", "supporting", "weight", "budget_usd"),
        ),
    )
}

# Columns read as they are: column → model field.
PLAIN_COLUMNS = {
    "plan": ["code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public"],
    "organisations": ["code", "name", "name_km", "kind"],
    "dimensions": ["code", "name", "name_km"],
    "pillars": ["code", "name", "name_km", "weight"],
    "objectives": ["code", "name", "name_km", "weight"],
    "indicators": [
        "code",
        "name",
        "name_km",
        "measure",
        "aggregation",
        "direction",
        "frequency",
        "unit",
        "baseline",
        "baseline_year",
        "weight",
    ],
    "activities": ["code", "name", "name_km", "weight", "budget_usd"],
}
# Columns holding codes of other rows: column → model field.
REFERENCE_COLUMNS: dict[str, dict[str, str]] = {
    "objectives": {"pillar": "pillar"},
    "indicators": {"objective": "objective", "lead": "lead"},
    "activities": {"objective": "objective", "lead": "lead", "start": "start_period", "end": "end_period"},
}


def plan_workbook_import(
    *, actor, path_or_file, dry_run: bool = False, plan: str | None = None
) -> ImportResult:
    """Create or update a plan's structure from a plan workbook (or one CSV sheet).

    Codes are the keys: a row whose code exists updates that object, a new
    code creates one; nothing is ever deleted. ``plan`` (a code) says which
    plan the sheets belong to when the file has no ``plan`` sheet; it defaults
    to the only plan. ``actor`` None is the system (the command line).
    """
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied(_("Only a secretariat administrator may import a plan workbook."))
    result = ImportResult(dry_run=dry_run)
    sheets = read_sheets(path_or_file, PLAN_SHEETS, result)
    with transaction.atomic():
        run = PlanWorkbookRun(actor=actor, result=result, plan_code=plan)
        run.import_sheets(sheets)
        if not result.ok:
            result.forget_counts()
            transaction.set_rollback(True)
            return result
        if dry_run:
            transaction.set_rollback(True)
            return result
        audit_record(
            actor=actor,
            action="plan.import",
            target=run.plan,
            plan=run.plan,
            details={"counts": result.counts()},
        )
        if run.plan is not None and result.changed:
            # Structure, weights and targets feed every period's score.
            scores_mark_stale(plan_id=run.plan.pk, from_index=1)
    return result


class PlanWorkbookRun:
    """One import of a plan workbook: the codes met so far, and what failed.

    Sheets are read parents first, so that a row can name a pillar, an
    organisation or a dimension created a few sheets earlier.
    """

    def __init__(self, *, actor, result: ImportResult, plan_code: str | None):
        self.actor = actor
        self.result = result
        self.plan_code = plan_code
        self.plan: Plan | None = None
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.dimensions = {d.code: d for d in Dimension.objects.prefetch_related("categories")}
        self.pillars: dict[str, Pillar] = {}
        self.objectives: dict[str, Objective] = {}
        self.indicators: dict[str, Indicator] = {}
        self.activities: dict[str, Activity] = {}
        self.periods: dict = {}
        # Codes whose own row is bad (and reported): rows naming them are still
        # checked, but neither saved nor blamed for the parent's mistake.
        self.failed: dict[str, set[str]] = defaultdict(set)

    def import_sheets(self, sheets: dict[str, Sheet]) -> None:
        if "plan" in sheets:
            self.import_plan(sheets["plan"])
        if "organisations" in sheets:
            self.import_organisations(sheets["organisations"])
        if "dimensions" in sheets:
            self.import_dimensions(sheets["dimensions"])
        plan_sheets = [
            name
            for name in ("pillars", "objectives", "indicators", "targets", "activities")
            if name in sheets
        ]
        if not plan_sheets:
            return
        if "plan" not in sheets:
            try:
                self.plan = plan_resolve(self.plan_code)
            except ValidationError as error:
                self.result.add_error(plan_sheets[0], None, "", error.messages[0])
                return
        if self.plan is None:
            return  # the plan row is bad, and already reported
        self.result.plan = self.plan.code
        self.load_plan()
        for name in plan_sheets:
            getattr(self, f"import_{name}")(sheets[name])

    def load_plan(self) -> None:
        plan = self.plan
        self.periods = {p.code: p for p in plan.periods.all()}
        self.pillars = {p.code: p for p in Pillar.objects.filter(plan=plan)}
        self.objectives = {o.code: o for o in Objective.objects.filter(plan=plan)}
        self.indicators = {
            i.code: i
            for i in Indicator.objects.filter(plan=plan).prefetch_related("contributors", "disaggregation")
        }
        self.activities = {
            a.code: a for a in Activity.objects.filter(plan=plan).prefetch_related("supporting")
        }

    # -- helpers shared by the sheets ---------------------------------------

    def row_code(self, sheet: Sheet, row: Row, seen: dict, column: str = "code") -> str | None:
        """The row's key, or None (reported) when empty or given twice."""
        code = row.get(column)
        if not code:
            self.result.add_error(sheet.name, row.line, column, _("This field cannot be blank."))
            return None
        if code in seen:
            self.result.add_error(
                sheet.name,
                row.line,
                column,
                _("%(code)s is already on line %(line)s of this sheet.") % {"code": code, "line": seen[code]},
            )
            return None
        seen[code] = row.line
        return code

    def assign(self, sheet: Sheet, row: Row, obj: models.Model, names: list[str]) -> set[str]:
        """Set the plain columns of ``row`` on ``obj``; the fields that could
        not be read (reported) are returned. A column the sheet leaves out
        keeps what is there."""
        bad = set()
        for name in names:
            if name not in row.cells:
                continue
            try:
                setattr(obj, name, field_value(obj._meta.get_field(name), row.cells[name]))
            except ValidationError as error:
                for message in error.messages:
                    self.result.add_error(sheet.name, row.line, name, message)
                bad.add(name)
        return bad

    def reference(
        self, sheet: Sheet, row: Row, column: str, known: dict, kind: str, what: str, unknown: str = ""
    ):
        """The object a code in ``column`` names, or None (reported)."""
        code = row.get(column)
        if not code:
            self.result.add_error(sheet.name, row.line, column, _("This field cannot be blank."))
            return None
        if code in self.failed[kind]:
            # Its own row is reported; the rest of this row is still checked
            # but, like the parent, not saved.
            return None
        if code not in known:
            message = unknown or _("Unknown %(what)s code %(code)s.")
            self.result.add_error(sheet.name, row.line, column, message % {"what": what, "code": code})
            return None
        return known[code]

    def references(self, sheet: Sheet, row: Row, column: str, known: dict, what: str) -> list | None:
        """The objects a list of codes (``A; B``) names; None when the sheet
        has no such column (keep what is there) or a code is unknown."""
        if column not in row.cells:
            return None
        codes = split_codes(row.get(column))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.result.add_error(
                sheet.name,
                row.line,
                column,
                _("Unknown %(what)s codes: %(codes)s.") % {"what": what, "codes": ", ".join(unknown)},
            )
            return None
        return [known[code] for code in codes]

    def save_row(
        self,
        kind: str,
        sheet: Sheet,
        row: Row,
        obj: models.Model,
        *,
        before: dict | None,
        bad: set[str],
        errors_before: int,
        columns: dict[str, str],
        relations: dict[str, list | None] | None = None,
    ) -> bool:
        """Validate ``obj`` as the admin does and save it if it is new or changed.

        ``before`` is the snapshot taken before the row was applied (None for
        a new object); ``relations`` are many-to-many fields to set exactly.
        Returns False when the row is bad (reported), or names a parent whose
        own row is bad.
        """
        new_relations = {
            name: {o.pk for o in objects}
            for name, objects in (relations or {}).items()
            if objects is not None
        }
        old_relations = (
            {name: {o.pk for o in getattr(obj, name).all()} for name in new_relations}
            if before is not None
            else {}
        )

        def unchanged() -> bool:
            return (
                before is not None
                and field_snapshot(obj, before) == before
                and old_relations == new_relations
            )

        if len(self.result.errors) == errors_before and not bad and unchanged():
            # What is stored is what the row says. It is not written, so
            # checking it again would only slow a re-import down.
            self.result.count(kind, "unchanged")
            return True
        try:
            obj.full_clean(exclude=bad or None)
        except ValidationError as error:
            report_validation(self.result, sheet.name, row.line, error, type(obj), columns)
        if len(self.result.errors) > errors_before or bad:
            return False
        if unchanged():  # equal once clean() has normalised the names
            self.result.count(kind, "unchanged")
            return True
        obj.save()
        for name, ids in new_relations.items():
            getattr(obj, name).set(ids)
        self.result.count(kind, "created" if before is None else "updated")
        return True

    def save_coded_row(
        self,
        kind: str,
        sheet: Sheet,
        row: Row,
        obj: models.Model,
        *,
        code: str,
        known: dict,
        before: dict | None,
        bad: set[str],
        errors_before: int,
        relations: dict[str, list | None] | None = None,
    ) -> bool:
        """save_row() for a row keyed by its code. Saved, ``obj`` is what later
        rows name by that code; refused, the code is marked failed, so that rows
        naming it are checked but neither saved nor blamed for it."""
        saved = self.save_row(
            kind,
            sheet,
            row,
            obj,
            before=before,
            bad=bad,
            errors_before=errors_before,
            columns=self.columns_of(kind),
            relations=relations,
        )
        if saved:
            known[code] = obj
        else:
            self.failed[kind].add(code)
        return saved

    def columns_of(self, sheet_name: str) -> dict[str, str]:
        """Field → column, to put a model's message under the right column."""
        columns = {name: name for name in PLAIN_COLUMNS.get(sheet_name, [])}
        columns.update({name: column for column, name in REFERENCE_COLUMNS.get(sheet_name, {}).items()})
        return columns

    # -- the sheets ---------------------------------------------------------

    def import_plan(self, sheet: Sheet) -> None:
        if not sheet.rows:
            self.result.add_error(sheet.name, 2, "", _("Give the plan on the row under the header."))
            return
        for extra in sheet.rows[1:]:
            self.result.add_error(
                sheet.name, extra.line, "", _("A workbook holds one plan: one row on this sheet.")
            )
        row = sheet.rows[0]
        code = self.row_code(sheet, row, {})
        if code is None:
            return
        errors_before = len(self.result.errors)
        plan = Plan.objects.filter(code=code).first()
        creating = plan is None
        if creating:
            plan = Plan(code=code)
        names = PLAIN_COLUMNS["plan"]
        before = field_snapshot(plan, names)
        bad = self.assign(sheet, row, plan, names)
        try:
            plan.full_clean(exclude=bad or None)
        except ValidationError as error:
            report_validation(self.result, sheet.name, row.line, error, Plan, self.columns_of("plan"))
        if len(self.result.errors) > errors_before:
            # Check the other sheets against the plan as it stands, if it exists.
            self.plan = None if creating else Plan.objects.get(pk=plan.pk)
            return
        changed = creating or field_snapshot(plan, names) != before
        try:
            if changed:
                # The one service that saves a plan also lays out its quarters.
                plan_save(actor=self.actor, plan=plan)
            else:
                plan_sync_periods(plan=plan)
        except ValidationError as error:
            column = "start_year" if plan.start_year != before["start_year"] else "end_year"
            for message in error.messages:
                self.result.add_error(sheet.name, row.line, column, message)
            self.plan = Plan.objects.get(pk=plan.pk)
            return
        except models.ProtectedError:
            self.result.add_error(
                sheet.name,
                row.line,
                "end_year",
                _("Activities are planned in quarters outside these years; move them first."),
            )
            self.plan = Plan.objects.get(pk=plan.pk)
            return
        self.result.count("plans", "created" if creating else ("updated" if changed else "unchanged"))
        self.plan = plan

    def import_organisations(self, sheet: Sheet) -> None:
        names = PLAIN_COLUMNS["organisations"]
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            organisation = self.organisations.get(code) or Organisation(code=code)
            before = field_snapshot(organisation, names) if organisation.pk else None
            bad = self.assign(sheet, row, organisation, names)
            self.save_coded_row(
                "organisations",
                sheet,
                row,
                organisation,
                code=code,
                known=self.organisations,
                before=before,
                bad=bad,
                errors_before=errors_before,
            )

    def import_dimensions(self, sheet: Sheet) -> None:
        names = PLAIN_COLUMNS["dimensions"]
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            dimension = self.dimensions.get(code) or Dimension(code=code)
            before = field_snapshot(dimension, names) if dimension.pk else None
            bad = self.assign(sheet, row, dimension, names)
            categories = self.categories_of(sheet, row)
            if categories is None:
                self.failed["dimensions"].add(code)
            elif self.save_coded_row(
                "dimensions",
                sheet,
                row,
                dimension,
                code=code,
                known=self.dimensions,
                before=before,
                bad=bad,
                errors_before=errors_before,
            ):
                self.import_categories(sheet, row, dimension, categories)

    def categories_of(self, sheet: Sheet, row: Row) -> list[tuple[str, str]] | None:
        """``F=Female; M=Male`` → [("F", "Female"), ("M", "Male")], or None (reported)."""
        categories = []
        for part in row.get("categories").split(";"):
            if not part.strip():
                continue
            code, equals, name = (text.strip() for text in part.partition("="))
            if not equals or not code or not name:
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "categories",
                    _("Write each category as CODE=English name, joined by ; (not “%(part)s”).")
                    % {"part": part.strip()},
                )
                return None
            if code in dict(categories):
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "categories",
                    _("Category %(code)s is given twice.") % {"code": code},
                )
                return None
            categories.append((code, name))
        if not categories:
            self.result.add_error(sheet.name, row.line, "categories", _("Give at least one category."))
            return None
        return categories

    def import_categories(self, sheet: Sheet, row: Row, dimension: Dimension, categories) -> None:
        # Categories not listed are kept: stored figures may name them.
        existing = {c.code: c for c in dimension.categories.all()}
        for position, (code, name) in enumerate(categories, start=1):
            errors_before = len(self.result.errors)
            category = existing.get(code) or Category(dimension=dimension, code=code)
            before = field_snapshot(category, ["name", "position"]) if category.pk else None
            category.name = name
            category.position = position
            self.save_row(
                "categories",
                sheet,
                row,
                category,
                before=before,
                bad=set(),
                errors_before=errors_before,
                columns={"code": "categories", "name": "categories"},
            )

    def import_pillars(self, sheet: Sheet) -> None:
        self.import_plan_rows(sheet, "pillars", Pillar, self.pillars)

    def import_objectives(self, sheet: Sheet) -> None:
        self.import_plan_rows(sheet, "objectives", Objective, self.objectives)

    def import_indicators(self, sheet: Sheet) -> None:
        relations = {
            "contributors": (self.organisations, _("organisation")),
            "disaggregation": (self.dimensions, _("dimension")),
        }
        self.import_plan_rows(
            sheet,
            "indicators",
            Indicator,
            self.indicators,
            relations,
            # The rule the admin's indicator form applies too.
            related_errors=lambda indicator, related: contributors_errors(
                indicator.aggregation, related["contributors"]
            ),
        )

    def import_plan_rows(
        self,
        sheet: Sheet,
        kind: str,
        model: type[models.Model],
        known: dict,
        relations: dict[str, tuple[dict, str]] | None = None,
        related_errors=None,
    ) -> None:
        """A sheet of the plan's tree (pillars, objectives, indicators or
        activities): rows keyed by code, in the plan's order, naming their
        parent (pillar or objective), lead and quarters by code, and a list of
        codes per many-to-many field in ``relations`` (column → known codes,
        what they are). ``related_errors(obj, related)`` checks a row against
        what its many-to-many columns name: column → message."""
        names = [*PLAIN_COLUMNS[kind], *REFERENCE_COLUMNS.get(kind, {}).values(), "position"]
        seen = {}
        for position, row in enumerate(sheet.rows, start=1):
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            obj = known.get(code) or model(plan=self.plan, code=code)
            obj.plan = self.plan  # clean() reads the plan's years
            before = field_snapshot(obj, names) if obj.pk else None
            bad = self.assign(sheet, row, obj, PLAIN_COLUMNS[kind])
            bad |= self.set_references(sheet, row, obj, kind)
            obj.position = position
            related = {
                column: self.references(sheet, row, column, codes, what)
                for column, (codes, what) in (relations or {}).items()
            }
            for column, message in (related_errors(obj, related) if related_errors else {}).items():
                self.result.add_error(sheet.name, row.line, column, message)
                bad.add(column)
            self.save_coded_row(
                kind,
                sheet,
                row,
                obj,
                code=code,
                known=known,
                before=before,
                bad=bad,
                errors_before=errors_before,
                relations=related,
            )

    def set_references(self, sheet: Sheet, row: Row, obj: models.Model, sheet_name: str) -> set[str]:
        """Set the pillar, objective, lead, start and end named by codes; the
        fields that could not be set (reported) are returned."""
        lookups = {
            "pillar": (self.pillars, "pillars", _("pillar")),
            "objective": (self.objectives, "objectives", _("objective")),
            "lead": (self.organisations, "organisations", _("organisation")),
            "start": (self.periods, "periods", _("quarter")),
            "end": (self.periods, "periods", _("quarter")),
        }
        bad = set()
        for column, name in REFERENCE_COLUMNS.get(sheet_name, {}).items():
            known, kind, what = lookups[column]
            unknown = ""
            if kind == "periods":
                row.cells[column] = row.get(column).upper()
                unknown = _("%(code)s is not a quarter of this plan (write it like 2025-Q3).")
            target = self.reference(sheet, row, column, known, kind, what, unknown)
            if target is None:
                bad.add(name)
            else:
                setattr(obj, name, target)
        return bad

    def import_targets(self, sheet: Sheet) -> None:
        existing = {(t.indicator_id, t.year): t for t in Target.objects.filter(indicator__plan=self.plan)}
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            indicator = self.reference(sheet, row, "indicator", self.indicators, "indicators", _("indicator"))
            # Read the year and the target through a Target, as the admin does.
            target = Target()
            bad = self.assign(sheet, row, target, ["year"])
            try:
                target.value = field_value(Target._meta.get_field("value"), row.get("target"))
            except ValidationError as error:
                self.result.add_error(sheet.name, row.line, "target", error.messages[0])
                bad.add("value")
            if indicator is None or "year" in bad or target.year is None:
                if target.year is None and "year" not in bad:
                    self.result.add_error(sheet.name, row.line, "year", _("This field cannot be blank."))
                continue
            key = (indicator.code, target.year)
            if key in seen:
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "year",
                    _("The target of %(indicator)s for %(year)s is already on line %(line)s.")
                    % {"indicator": indicator.code, "year": target.year, "line": seen[key]},
                )
                continue
            seen[key] = row.line
            indicator.plan = self.plan  # target_errors() reads the plan's years
            value = target.value
            target = existing.get((indicator.pk, target.year)) or Target(year=target.year)
            target.indicator = indicator
            before = field_snapshot(target, ["value"]) if target.pk else None
            if "value" not in bad:
                target.value = value
            self.save_row(
                "targets",
                sheet,
                row,
                target,
                before=before,
                bad=bad,
                errors_before=errors_before,
                columns={"indicator": "indicator", "year": "year", "value": "target"},
            )

    def import_activities(self, sheet: Sheet) -> None:
        relations = {"supporting": (self.organisations, _("organisation"))}
        self.import_plan_rows(sheet, "activities", Activity, self.activities, relations)


# ---------------------------------------------------------------------------
# The values file

VALUE_SHEETS = {
    spec.name: spec
    for spec in (
        SheetSpec("indicator_values", ("indicator", "organisation", "period", "value"), ("note",)),
        SheetSpec(
            "activity_updates",
            ("activity", "organisation", "period", "status", "percent_complete"),
            ("note",),
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


def values_import(
    *, actor, path_or_file, approve: bool = False, dry_run: bool = False, plan: str | None = None
) -> ImportResult:
    """Fill quarterly reports from a values file (XLSX, or one CSV sheet).

    Without ``approve`` the figures go into each organisation's report for the
    period as a draft, through report_open and report_save as if typed into the
    form; reports already submitted or approved are refused. With ``approve``
    (a secretariat administrator, or the system when ``actor`` is None) the
    reports are stored as approved through report_import, which records the
    approval as report_approve does and marks the plan's scores stale.
    ``plan`` is a plan code, by default the only plan.
    """
    values_check_actor(actor, approve=approve)
    result = ImportResult(dry_run=dry_run)
    categories = defaultdict(set)
    for dimension_code, category_code in Category.objects.values_list("dimension__code", "code"):
        categories[dimension_code].add(category_code)
    for code in Dimension.objects.values_list("code", flat=True):
        categories.setdefault(code, set())
    sheets = read_sheets(path_or_file, VALUE_SHEETS, result, extra_columns=set(categories))
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
        run = ValuesRun(actor=actor, approve=approve, plan=plan_obj, categories=categories, result=result)
        figures = (
            run.read_indicator_values(sheets["indicator_values"]) if "indicator_values" in sheets else []
        )
        updates = (
            run.read_activity_updates(sheets["activity_updates"]) if "activity_updates" in sheets else []
        )
        run.lock_reports(figures, updates)
        if not result.ok:
            result.forget_counts()
            transaction.set_rollback(True)
            return result
        changed_reports = run.write(figures, updates)
        if not result.ok:
            # A report's own checks (report_save's) refused some lines.
            result.forget_counts()
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
                "rows": sum(len(sheet.rows) for sheet in sheets.values()),
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
    is_focal_point = (
        actor.is_authenticated
        and actor.is_active
        and actor.role == Role.FOCAL_POINT
        and actor.organisation_id
    )
    if not (user_is_admin(actor) or is_focal_point):
        raise PermissionDenied(_("Only a focal point or a secretariat administrator may import figures."))


class ValuesRun:
    """One import of a values file: the plan's codes, and the reports it touches."""

    def __init__(
        self, *, actor, approve: bool, plan: Plan, categories: dict[str, set[str]], result: ImportResult
    ):
        self.actor = actor if actor is not None and actor.is_authenticated else None
        # A focal point imports for their own organisation only.
        self.own_organisation_id = (
            actor.organisation_id if self.actor is not None and not user_is_admin(self.actor) else None
        )
        self.approve = approve
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
        self.reports: dict[tuple[int, int], QuarterlyReport] = {}

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
        return self.lookup(
            sheet,
            row,
            "period",
            self.periods,
            _("%(code)s is not a quarter of plan %(plan)s (write it like 2025-Q2)."),
        )

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
        return organisation

    def number(self, sheet: str, row: Row, column: str, model_field: models.Field) -> Decimal | None:
        """A number as the form reads it: a dot for decimals, the field's digits."""
        text = row.get(column)
        if not text:
            self.error(sheet, row.line, column, _("This field cannot be blank."))
            return None
        try:
            return model_field.clean(text, None)
        except ValidationError as error:
            for message in error.messages:
                self.error(sheet, row.line, column, message)
            return None

    def read_indicator_values(self, sheet: Sheet) -> list[Figure]:
        dimension_columns = [c for c in sheet.columns if c in self.categories]
        value_field = IndicatorValue._meta.get_field("value")
        figures: dict[tuple, Figure] = {}
        for row in sheet.rows:
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
        if organisation.pk not in {o.pk for o in indicator.contributors.all()}:
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
        wanted = {d.code for d in indicator.disaggregation.all()}
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
        for row in sheet.rows:
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

    # -- writing --------------------------------------------------------------

    def write(self, figures: list[Figure], updates: list[Update]) -> list[QuarterlyReport]:
        """Write every figure and update into its report through the report's
        services; the reports that changed are returned. Lines a report's own
        checks refuse are reported on their rows."""
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
        changed = []
        for (organisation, period), (report_figures, report_updates) in by_report.items():
            report = self.reports.get((organisation.pk, period.pk))
            report_id = report.pk if report else None
            # Where each line's messages go: report_save keys them by line_field().
            rows: dict[str, tuple[str, int, str]] = {}
            indicator_lines = [
                line
                for figure in report_figures
                if (line := self.figure_line(figure, old_values.get((report_id, figure.indicator.pk)), rows))
            ]
            activity_lines = [
                line
                for update in report_updates
                if (line := self.update_line(update, old_updates.get((report_id, update.activity.pk)), rows))
            ]
            unchanged = report is not None and not (indicator_lines or activity_lines)
            if unchanged and (not self.approve or report.state == ReportState.APPROVED):
                self.result.count("reports", "unchanged")
                continue
            try:
                report = self.report_write(organisation, period, report, indicator_lines, activity_lines)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    sheet, line, column = rows.get(key, ("", None, ""))
                    for message in messages:
                        self.error(sheet, line, column, message)
                continue
            self.result.count("reports", "updated" if report_id else "created")
            changed.append(report)
        if self.approve and changed and self.result.ok:
            # Once for the whole file rather than once per report: the same mark.
            scores_mark_stale(plan_id=self.plan.pk, from_index=min(r.period.index for r in changed))
        return changed

    def report_write(self, organisation, period, report, indicator_lines, activity_lines) -> QuarterlyReport:
        """A person's draft goes through report_open and report_save, as the form
        does; the system's drafts and approved figures through report_import."""
        if self.approve or self.actor is None:
            return report_import(
                actor=self.actor,
                organisation=organisation,
                period=period,
                indicator_lines=indicator_lines,
                activity_lines=activity_lines,
                approve=self.approve,
                mark_scores_stale=False,
            )
        report = report or report_open(actor=self.actor, organisation=organisation, period=period)
        return report_save(
            actor=self.actor,
            report=report,
            version=report.version,
            indicator_lines=indicator_lines,
            activity_lines=activity_lines,
        )

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
        if old is None:
            self.result.count("indicator_values", "created")
            return line
        old_cells = {c.cell: c.value for c in old.cells.all()}
        if (old.value, old.note, old_cells) == (figure.total, note, figure.cells):
            self.result.count("indicator_values", "unchanged")
            return None
        self.result.count("indicator_values", "updated")
        return line

    def update_line(self, update: Update, old: ActivityUpdate | None, rows: dict) -> ActivityLine | None:
        """The line that writes ``update``, None when it is already stored as it is."""
        pk = update.activity.pk
        for column in ("status", "percent_complete"):
            rows[line_field("activity", pk, column)] = ("activity_updates", update.line, column)
        note = update.note if update.note is not None else (old.note if old else "")
        line = ActivityLine(pk, status=update.status, percent_complete=update.percent_complete, note=note)
        if old is None:
            self.result.count("activity_updates", "created")
            return line
        if (old.status, old.percent_complete, old.note) == (update.status, update.percent_complete, note):
            self.result.count("activity_updates", "unchanged")
            return None
        self.result.count("activity_updates", "updated")
        return line
