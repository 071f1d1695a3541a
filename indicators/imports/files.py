"""Reading import files: workbooks (XLSX) and CSV files turned into sheets of
rows, and what an import returns (every bad row with its sheet, line, column
and reason).

Both imports (plan_workbook.py, values.py) read the whole file, check every
row with the models' own rules (the messages are the ones the admin and the
report form show), and write nothing when any row is bad. The command line,
the pages and the API all call them.

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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from plans.models import Plan


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
    header = sheet_header(table[0])
    missing = report_missing_columns(spec, header, result)
    report_unknown_columns(spec, header, result, extra_columns)
    if missing:
        # Every row would be reported for the missing column: one error says it.
        return None
    rows = [
        row
        for line, values in enumerate(table[1:], start=2)
        if (row := sheet_row(spec, header, line, values, result)) is not None
    ]
    return Sheet(spec.name, [c for c in header if c], rows)


def sheet_header(values) -> list[str]:
    """The column names, lower case; spreadsheets often carry empty cells past
    the last column."""
    header = [cell_text(value).lower() for value in values]
    while header and not header[-1]:
        header.pop()
    return header


def report_missing_columns(spec: SheetSpec, header: list[str], result: ImportResult) -> list[str]:
    missing = [column for column in spec.required if column not in header]
    for column in missing:
        result.add_error(spec.name, 1, column, _("This column is missing."))
    return missing


def report_unknown_columns(spec: SheetSpec, header: list[str], result: ImportResult, extra_columns) -> None:
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


def sheet_row(spec: SheetSpec, header: list[str], line: int, values, result: ImportResult) -> Row | None:
    """One row under the header, or None when it is blank (skipped, not an error)."""
    texts = [cell_text(value) for value in values]
    if not any(texts):
        return None
    cells = {column: "" for column in header if column}
    for index, text in enumerate(texts):
        column = header[index] if index < len(header) else ""
        if column:
            cells[column] = text
        elif text:
            result.add_error(spec.name, line, "", _("A value under a column with no name in the header."))
    return Row(line, cells)


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


# Columns holding codes of other rows: column → model field.
REFERENCE_COLUMNS: dict[str, dict[str, str]] = {
    "objectives": {"pillar": "pillar"},
    "indicators": {"objective": "objective", "lead": "lead"},
    "activities": {"objective": "objective", "lead": "lead", "start": "start_period", "end": "end_period"},
}
