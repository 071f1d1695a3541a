"""The values import reads its file as a stream: every kind of bad file is
refused with a message (sheet, line, column), never a traceback, and nothing
is written; a file past the row limit is refused as it is read."""

# ruff: noqa: F811 (``plan``: the fixture of test_values.py, imported)

import io
import zipfile

import pytest
from openpyxl import Workbook

from indicators.imports.files import rows_estimate
from indicators.imports.values import values_import
from indicators.models import IndicatorValue, QuarterlyReport
from plans.models import AuditEvent
from tests.indicators.imports.test_values import (  # noqa: F401
    UPDATE_HEADER,
    VALUE_HEADER,
    good_values,
    plan,
    values_file,
)

pytestmark = pytest.mark.django_db


def messages_of(result) -> set[tuple]:
    return {(e.sheet, e.line, e.column, e.message) for e in result.errors}


def nothing_written() -> bool:
    return (
        not QuarterlyReport.objects.exists()
        and not IndicatorValue.objects.exists()
        and not AuditEvent.objects.filter(action="values.import").exists()
    )


def csv_file(text: str, name: str = "values.csv") -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(plan, focal_point):
    result = values_import(
        actor=focal_point, path_or_file=csv_file("indicator,organisation\n", "values.xlsx")
    )

    assert [e.message for e in result.errors] == [
        "This file is named .xlsx but is not an Excel workbook: "
        "save it from your spreadsheet as .xlsx or .csv."
    ]
    assert nothing_written()


def test_a_damaged_workbook_is_refused(plan, focal_point):
    result = values_import(actor=focal_point, path_or_file=csv_file("PK\x03\x04 not really a zip", "v.xlsx"))

    assert [e.message for e in result.errors] == ["This file is neither an XLSX workbook nor a CSV file."]
    assert nothing_written()


def test_an_empty_file_is_refused(plan, focal_point):
    result = values_import(actor=focal_point, path_or_file=csv_file(""))

    assert [e.message for e in result.errors] == ["The file is empty."]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(plan, focal_point, settings):
    settings.IMPORT_MAX_BYTES = 1000
    rows = "\n".join(["indicator,organisation,period,value", *["I-SUM,MOI,2025-Q2,1"] * 100])

    result = values_import(actor=focal_point, path_or_file=csv_file(rows))

    assert [e.message for e in result.errors] == [
        "The file is 0.0 MB; the largest file that can be imported is 0 MB."
    ]
    assert nothing_written()


def test_a_header_that_fits_no_sheet_is_refused(plan, focal_point):
    result = values_import(actor=focal_point, path_or_file=csv_file("indicator,organisation,quarter,value\n"))

    assert messages_of(result) == {
        ("", 1, "", "The header row matches none of the sheets indicator_values, activity_updates.")
    }


def test_a_missing_and_an_unknown_column_are_named(tmp_path, plan, focal_point):
    values = [["indicator", "organisation", "period", "amount"], ["I-SUM", "MOI", "2025-Q2", 4]]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, values, updates=False))

    assert ("indicator_values", 1, "value", "This column is missing.") in messages_of(result)
    assert any(e.column == "amount" and e.message.startswith("Unknown column") for e in result.errors)
    assert nothing_written()


def test_unknown_codes_wrong_types_and_duplicates_are_each_listed(tmp_path, plan, focal_point):
    values = [
        VALUE_HEADER,
        ["I-NONE", "MOI", "2025-Q2", 1, "", "", ""],  # line 2
        ["I-SUM", "XYZ", "2025-Q2", 1, "", "", ""],  # line 3
        ["I-SUM", "MOI", "2025-Q2", "many", "", "", ""],  # line 4
        ["I-PCT", "MOI", "2025-Q2", 50, "", "", ""],  # line 5
        ["I-PCT", "MOI", "2025-Q2", 60, "", "", ""],  # line 6: again
    ]
    updates = [UPDATE_HEADER, ["A1", "MOI", "2025-Q2", "HALF_DONE", 50, ""]]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, values, updates))

    assert messages_of(result) >= {
        ("indicator_values", 2, "indicator", "No indicator I-NONE in plan NSP."),
        ("indicator_values", 3, "organisation", "Unknown organisation code XYZ."),
        ("indicator_values", 4, "value", "“many” value must be a decimal number."),
        ("indicator_values", 6, "value", "This figure is already given on line 5."),
    }
    assert any(e.sheet == "activity_updates" and e.column == "status" for e in result.errors)
    assert nothing_written()


def test_a_quarter_outside_the_plan_or_not_begun_is_refused_on_its_row(tmp_path, plan, focal_point):
    values = [
        VALUE_HEADER,
        ["I-SUM", "MOI", "2031-Q1", 1, "", "", ""],
        ["I-SUM", "MOI", "2027-Q2", 1, "", "", ""],
    ]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, values, updates=False))

    assert messages_of(result) == {
        ("indicator_values", 2, "period", "2031-Q1 is not a quarter of plan NSP (write it like 2025-Q2)."),
        (
            "indicator_values",
            3,
            "period",
            "2027-Q2 has not begun: its report can be filled in from 2027-04-01.",
        ),
    }
    assert nothing_written()


def test_a_nul_byte_in_a_csv_file_is_reported_on_its_cell(plan, focal_point):
    text = "indicator,organisation,period,value,note\nI-SUM,MOI,2025-Q2,4,shel\x00ter\n"

    result = values_import(actor=focal_point, path_or_file=csv_file(text))

    assert messages_of(result) == {
        (
            "indicator_values",
            2,
            "note",
            "This cell holds a control character (U+0000) that cannot be imported: type the cell again.",
        )
    }
    assert nothing_written()


def test_a_workbook_with_characters_xml_cannot_hold_is_refused_on_its_line(tmp_path, plan, focal_point):
    path = values_file(tmp_path, good_values(), updates=False)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                # A NUL byte in the third row's XML: no XML parser reads past it.
                marker = b'<row r="3"'
                data = data.replace(marker, marker + b"\x00", 1)
            target.writestr(item, data)

    result = values_import(actor=focal_point, path_or_file=damaged)

    assert not result.ok
    (error,) = result.errors
    assert error.sheet == "indicator_values" and error.message.startswith("This row cannot be read")
    assert nothing_written()


def test_a_file_past_the_row_limit_is_refused_as_it_is_read(plan, focal_point, settings):
    settings.IMPORT_MAX_ROWS = 1000
    rows = "\n".join(["indicator,organisation,period,value", *["I-SUM,MOI,2025-Q2,1"] * 20_000])

    result = values_import(actor=focal_point, path_or_file=csv_file(rows))

    # Rows up to the limit are checked (the same figure again and again), then reading stops.
    limit = "The file holds more than 1,000 rows: split it into files of at most 1,000 rows."
    assert ("indicator_values", 1002, "", limit) in messages_of(result)
    assert max(e.line for e in result.errors) == 1002
    assert nothing_written()


def test_a_workbook_of_a_million_empty_rows_is_refused_at_the_limit(tmp_path, plan, focal_point):
    """A small file whose rows are far apart: openpyxl yields every row between."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("indicator_values")
    sheet.append(["indicator", "organisation", "period", "value"])
    path = tmp_path / "sparse.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    sheet_xml = next(name for name in parts if name.startswith("xl/worksheets/"))
    far = b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>I-SUM</t></is></c></row>'
    parts[sheet_xml] = parts[sheet_xml].replace(b"</sheetData>", far + b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert path.stat().st_size < 10_000

    result = values_import(actor=focal_point, path_or_file=path)

    assert [e.message for e in result.errors] == [
        "The file holds more than 50,000 rows: split it into files of at most 50,000 rows."
    ]
    assert nothing_written()


def test_a_workbook_declaring_too_many_rows_is_refused_without_reading_them(tmp_path, plan, focal_point):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indicator_values"
    sheet.append(["indicator", "organisation", "period", "value"])
    sheet["A60000"] = "I-SUM"
    path = tmp_path / "declared.xlsx"
    workbook.save(path)

    result = values_import(actor=focal_point, path_or_file=path)

    assert messages_of(result) == {
        (
            "indicator_values",
            None,
            "",
            "The file holds more than 50,000 rows: split it into files of at most 50,000 rows.",
        )
    }
    assert rows_estimate(path) == 60000


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(plan, focal_point):
    text = "\ufeffindicator;organisation;period;value\nI-SUM;MOI;2025-Q2;4\n"

    result = values_import(actor=focal_point, path_or_file=csv_file(text))

    assert result.ok, result.errors
    assert IndicatorValue.objects.get().value == 4


def test_a_csv_file_not_in_utf8_is_refused(plan, focal_point):
    data = io.BytesIO("indicator,organisation,period,value,note\nI-SUM,MOI,2025-Q2,4,été\n".encode("latin-1"))
    data.name = "values.csv"

    result = values_import(actor=focal_point, path_or_file=data)

    assert [e.message for e in result.errors] == ["Save the CSV file with the UTF-8 encoding."]
    assert nothing_written()


def test_a_row_with_an_empty_value_is_a_line_not_filled_in(tmp_path, plan, focal_point):
    values = [*good_values(), ["I-ANN", "MOI", "2025-Q2", "", "", "", ""]]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, values, updates=False))

    assert result.ok, result.errors
    assert not IndicatorValue.objects.filter(indicator__code="I-ANN").exists()


def test_the_command_imports_as_the_named_user_with_their_rights(tmp_path, plan, focal_point):
    from django.core.management import CommandError, call_command

    path = values_file(tmp_path)
    call_command("import_values", str(path), "--user", "focal", stdout=io.StringIO())

    value = IndicatorValue.objects.get(indicator__code="I-SUM")
    assert value.history.get().history_user == focal_point
    with pytest.raises(CommandError, match="Only a secretariat administrator"):
        call_command("import_values", str(path), "--user", "focal", "--approve", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No active user nobody"):
        call_command("import_values", str(path), "--user", "nobody", stdout=io.StringIO())
