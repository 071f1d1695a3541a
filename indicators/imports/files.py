"""Reading import files: workbooks (XLSX) and CSV files turned into sheets of
rows, and what an import returns (every bad row with its sheet, line, column
and reason).

Both imports (plan_workbook.py, values.py) check every row with the models'
own rules (the messages are the ones the admin and the report form show), and
write nothing when any row is bad. The command line, the pages and the API all
call them.

Files are read as a stream, a row at a time (openpyxl's read-only mode, csv on
a text stream): a file is refused past settings.IMPORT_MAX_BYTES, and its rows
past settings.IMPORT_MAX_ROWS as they are read, so that memory stays flat
whatever a file claims (docs/imports.md, "Limits").

How "nothing is written" is kept: the rows are written inside a savepoint as
they are read, so a later row can refer to an object created by an earlier
one (an objective to a new pillar) and the database's own checks run; the
savepoint is rolled back when any row was bad, and on a dry run.
"""

import csv
import datetime
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import translation
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


# The changes an import keeps to show on its preview: enough to check a file by.
CHANGES_KEPT = 2000


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
    # What would change, line by line (values import): {sheet, line, what, old, new},
    # the first CHANGES_KEPT of them (the counts say how many there are).
    changes: list[dict] = field(default_factory=list)
    _error_set: set = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str, outcome: str) -> None:
        """``outcome`` is "created", "updated" or "unchanged"."""
        if kind not in self.kinds:
            self.kinds.append(kind)
        getattr(self, outcome)[kind] += 1

    def add_change(self, sheet: str, line: int, what: str, old: str, new: str) -> None:
        if len(self.changes) < CHANGES_KEPT:
            self.changes.append({"sheet": sheet, "line": line, "what": what, "old": old, "new": new})

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
    """A sheet's name, its columns and its rows: a list (read_sheets), or an
    iterator read once, a row at a time (sheets_opened)."""

    name: str
    columns: list[str]
    rows: Iterable[Row]


XLSX_SIGNATURE = b"PK\x03\x04"  # an XLSX file is a zip archive
# What the parts of a workbook may unpack to, together: openpyxl reads a sheet
# as a stream but its shared strings at once, and a small zip can unpack to
# gigabytes. A workbook of IMPORT_MAX_ROWS rows unpacks to some 30 MB.
XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Control characters have no place in a code, a figure or a note (tab and line
# breaks aside): a NUL byte in a CSV file, an escaped one in a workbook.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


class RowCounter:
    """The rows read from a file so far, against settings.IMPORT_MAX_ROWS
    (every sheet counts, blank rows too: a sheet of a million empty rows takes
    as long to read as a full one)."""

    def __init__(self, limit: int | None = None):
        self.limit = settings.IMPORT_MAX_ROWS if limit is None else limit
        self.count = 0
        self.exceeded = False

    def take(self, result: ImportResult, sheet: str, line: int) -> bool:
        """Count one more row; False (and the error, once) past the limit."""
        self.count += 1
        if self.count <= self.limit:
            return True
        if not self.exceeded:
            self.exceeded = True
            result.add_error(sheet, line, "", too_many_rows_message(self.limit))
        return False


def too_many_rows_message(limit: int) -> str:
    return _("The file holds more than %(limit)s rows: split it into files of at most %(limit)s rows.") % {
        "limit": f"{limit:,}"
    }


def read_sheets(
    path_or_file, specs: dict[str, SheetSpec], result: ImportResult, *, extra_columns=frozenset()
) -> dict[str, Sheet]:
    """The file's sheets by name, each with its rows as a list. An XLSX
    workbook gives a sheet per tab; a CSV file gives one sheet, recognised by
    its header row. ``extra_columns`` may stand in any sheet besides its own
    columns (dimension codes)."""
    with sheets_opened(path_or_file, specs, result, extra_columns=extra_columns) as sheets:
        return {name: Sheet(sheet.name, sheet.columns, list(sheet.rows)) for name, sheet in sheets.items()}


@contextmanager
def sheets_opened(
    path_or_file,
    specs: dict[str, SheetSpec],
    result: ImportResult,
    *,
    extra_columns=frozenset(),
    counter: RowCounter | None = None,
) -> Iterator[dict[str, Sheet]]:
    """The file's sheets by name, each header read and checked, each sheet's
    rows an iterator read a row at a time while the file is open. Problems of
    the file (too large, empty, not a workbook, a header that fits no sheet)
    and of its rows (control characters, too many rows) land in ``result``."""
    counter = counter or RowCounter()
    with ExitStack() as stack:
        handle, name = source_open(path_or_file, stack)
        sheets = {}
        if source_checked(handle, name, result):
            if handle.read(len(XLSX_SIGNATURE)) == XLSX_SIGNATURE:
                tables = xlsx_tables(handle, specs, result, stack, counter)
            else:
                tables = csv_tables(handle, specs, result, stack)
            for spec, table in tables:
                sheet = sheet_from_table(spec, table, result, extra_columns, counter)
                if sheet is not None:
                    sheets[spec.name] = sheet
        yield sheets


def source_open(path_or_file, stack: ExitStack):
    """A binary file object positioned at its start, and the file's name."""
    if isinstance(path_or_file, str | os.PathLike):
        return stack.enter_context(open(path_or_file, "rb")), str(path_or_file)
    if hasattr(path_or_file, "open") and getattr(path_or_file, "closed", False):
        path_or_file.open("rb")  # a stored FieldFile
    name = str(getattr(path_or_file, "name", "") or "")
    if isinstance(path_or_file, io.TextIOBase):
        return io.BytesIO(path_or_file.read().encode()), name
    path_or_file.seek(0)
    return path_or_file, name


def source_checked(handle, name: str, result: ImportResult) -> bool:
    """Refuse a file that is empty, too large, or named .xlsx but not one."""
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    if size == 0:
        result.add_error("", None, "", _("The file is empty."))
        return False
    if size > settings.IMPORT_MAX_BYTES:
        result.add_error(
            "",
            None,
            "",
            _("The file is %(size)s MB; the largest file that can be imported is %(limit)s MB.")
            % {
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f}",
            },
        )
        return False
    start = handle.read(len(XLSX_SIGNATURE))
    handle.seek(0)
    if name.lower().endswith((".xlsx", ".xlsm")) and start != XLSX_SIGNATURE:
        result.add_error(
            "",
            None,
            "",
            _(
                "This file is named .xlsx but is not an Excel workbook: "
                "save it from your spreadsheet as .xlsx or .csv."
            ),
        )
        return False
    return True


def xlsx_tables(handle, specs: dict[str, SheetSpec], result: ImportResult, stack: ExitStack, counter) -> list:
    """Each known sheet with an iterator over its rows' values."""
    handle.seek(0)
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(handle).infolist())
        handle.seek(0)
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            result.add_error("", None, "", _("This workbook unpacks to too much data to be imported."))
            return []
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError, TypeError):
        result.add_error("", None, "", _("This file is neither an XLSX workbook nor a CSV file."))
        return []
    stack.callback(workbook.close)
    tables = []
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
        declared = getattr(worksheet, "max_row", None)
        if declared and declared - 1 > counter.limit:
            # The sheet says how many rows it holds: refused without reading them.
            result.add_error(worksheet.title, None, "", too_many_rows_message(counter.limit))
            counter.exceeded = True
            continue
        # Not trusted further: openpyxl would pad a sheet to the rows its
        # dimension declares, or cut it there.
        worksheet.reset_dimensions()
        tables.append((specs[name], readable(worksheet.iter_rows(values_only=True), worksheet.title, result)))
    return tables


def readable(rows: Iterator, sheet: str, result: ImportResult) -> Iterator:
    """The rows of a sheet until one cannot be read (a workbook whose XML is
    broken, a NUL byte in it), which is reported on its line."""
    line = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, TypeError, EOFError):
            result.add_error(
                sheet,
                line + 1,
                "",
                _("This row cannot be read: the file is damaged or holds characters a workbook cannot hold."),
            )
            return
        line += 1
        yield values


def csv_tables(handle, specs: dict[str, SheetSpec], result: ImportResult, stack: ExitStack) -> list:
    """The one sheet a CSV file holds, recognised by its header row."""
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    # The caller's file stays open: the wrapper lets go of it rather than close it.
    stack.callback(text.detach)
    try:
        first_line = text.readline()
    except UnicodeDecodeError:
        result.add_error("", None, "", _("Save the CSV file with the UTF-8 encoding."))
        return []
    # Excel in some languages saves CSV with semicolons between columns.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    rows = csv_rows(itertools.chain([first_line], text), delimiter, result)
    header = next(rows, None)
    if header is None:
        if result.ok:
            result.add_error("", None, "", _("The file is empty."))
        return []
    every_column = {column for spec in specs.values() for column in spec.columns}
    spec = recognise_sheet(headers_in_english(sheet_header(header), every_column), specs)
    if spec is None:
        result.add_error(
            "",
            1,
            "",
            _("The header row matches none of the sheets %(sheets)s.") % {"sheets": ", ".join(specs)},
        )
        return []
    return [(spec, itertools.chain([header], rows))]


def csv_rows(lines: Iterator[str], delimiter: str, result: ImportResult) -> Iterator[list[str]]:
    """The CSV rows until one cannot be read, which is reported."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            result.add_error("", None, "", _("Save the CSV file with the UTF-8 encoding."))
            return
        except csv.Error as error:
            result.add_error(
                "",
                reader.line_num,
                "",
                _("This line cannot be read as CSV (%(reason)s).") % {"reason": error},
            )
            return
        yield values


def recognise_sheet(header: list[str], specs: dict[str, SheetSpec]) -> SheetSpec | None:
    """The sheet whose required columns the header holds; the most specific
    one when several fit (every sheet with code and name fits ``pillars``)."""
    columns = set(header)
    fitting = [spec for spec in specs.values() if set(spec.required) <= columns]
    return max(fitting, key=lambda spec: len(spec.required), default=None)


def sheet_from_table(
    spec: SheetSpec, table: Iterable, result: ImportResult, extra_columns, counter: RowCounter | None = None
) -> Sheet | None:
    """The sheet with its header checked and its rows still to read, or None
    when a required column is missing."""
    table = iter(table)
    first = next(table, None)
    if first is None:
        return Sheet(spec.name, [], [])
    header = headers_in_english(sheet_header(first), {*spec.columns, *extra_columns})
    missing = report_missing_columns(spec, header, result)
    report_unknown_columns(spec, header, result, extra_columns)
    if missing:
        # Every row would be reported for the missing column: one error says it.
        return None
    return Sheet(
        spec.name, [c for c in header if c], sheet_rows(spec, header, table, result, counter or RowCounter())
    )


def sheet_rows(
    spec: SheetSpec, header: list[str], table: Iterator, result: ImportResult, counter
) -> Iterator[Row]:
    """The sheet's rows under its header, a row at a time, blank ones skipped;
    reading stops at the row limit."""
    for line, values in enumerate(table, start=2):
        if not counter.take(result, spec.name, line):
            return
        row = sheet_row(spec, header, line, values, result)
        if row is not None:
            yield row


def sheet_header(values) -> list[str]:
    """The column names, lower case; spreadsheets often carry empty cells past
    the last column."""
    header = [cell_text(value).lower() for value in values]
    while header and not header[-1]:
        header.pop()
    return header


def headers_in_english(header: list[str], columns: Iterable[str]) -> list[str]:
    """Each header that is one of ``columns`` in another language (an export
    made in Khmer heads its columns in Khmer, docs/exports.md) read as the
    column's name, so that a file exported in either language imports back."""
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in columns:
                names.setdefault(_(column).lower(), column)
    return [names.get(cell, cell) for cell in header]


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
        if text and CONTROL_CHARACTERS.search(text):
            text = control_characters_removed(spec.name, line, column, text, result)
        if column:
            cells[column] = text
        elif text:
            result.add_error(spec.name, line, "", _("A value under a column with no name in the header."))
    return Row(line, cells)


def control_characters_removed(sheet: str, line: int, column: str, text: str, result: ImportResult) -> str:
    """Report a cell's control characters, and the text without them (so that
    the row's other messages are about what can be seen)."""
    found = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(CONTROL_CHARACTERS.findall(text)))
    result.add_error(
        sheet,
        line,
        column,
        _(
            "This cell holds a control character (%(characters)s) that cannot be imported: "
            "type the cell again."
        )
        % {"characters": found},
    )
    return CONTROL_CHARACTERS.sub("", text).strip()


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


def rows_estimate(path_or_file) -> int:
    """About how many rows a file holds, read cheaply (a CSV file's line
    breaks, a workbook's declared dimensions): enough to choose whether to
    import it in the background. The limit itself is checked as rows are read."""
    with ExitStack() as stack:
        handle, _name = source_open(path_or_file, stack)
        start = handle.read(len(XLSX_SIGNATURE))
        handle.seek(0)
        if start != XLSX_SIGNATURE:
            count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 16), b""))
            handle.seek(0)
            return count
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except (
            zipfile.BadZipFile,
            InvalidFileException,
            KeyError,
            OSError,
            ValueError,
            SyntaxError,
            TypeError,
        ):
            return 0
        try:
            # A sheet that declares no dimension is taken as large: it is read in the background.
            return sum(sheet.max_row or settings.IMPORT_MAX_ROWS for sheet in workbook.worksheets)
        finally:
            workbook.close()
            handle.seek(0)
