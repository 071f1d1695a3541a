"""The writers: formula escaping that leaves numbers alone, and files that
spreadsheet programs read back."""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from reports.exports.writers import cell_escaped, csv_chunks, json_chunks, xlsx_write

COLUMNS = [("text", "text"), ("number", "number"), ("when", "when")]
ROWS = [
    {"text": "-1+2", "number": Decimal("-1.5000"), "when": None},
    {"text": "@SUM(A1)", "number": -3, "when": None},
    {"text": "\tcmd", "number": Decimal("12.0000"), "when": None},
    {"text": "ខ្មែរ & <b>", "number": 0.25, "when": datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)},
]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (-1, -1),
        (Decimal("-2.5"), Decimal("-2.5")),
        (None, None),
    ],
)
def test_only_text_that_starts_like_a_formula_is_escaped(value, shown):
    assert cell_escaped(value) == shown


def test_xlsx_keeps_numbers_numbers_and_escapes_text():
    target = io.BytesIO()
    xlsx_write(target, COLUMNS, iter(ROWS), sheet="test")
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("text", "number", "when")
    assert [r[0] for r in rows[1:]] == ["'-1+2", "'@SUM(A1)", "'\tcmd", "ខ្មែរ & <b>"]
    assert [r[1] for r in rows[1:]] == [-1.5, -3, 12, 0.25]
    assert rows[4][2] == datetime.datetime(2025, 5, 1, 10, 0)  # Phnom Penh time
    assert sheet.freeze_panes == "A2"


def test_csv_writes_numbers_plainly_and_escapes_text():
    text = b"".join(csv_chunks(COLUMNS, iter(ROWS))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'-1+2", "-1.5", ""]
    assert rows[3][1] == "12"
    assert rows[4][2] == timezone.localtime(ROWS[3]["when"]).isoformat(timespec="seconds")


def test_json_is_an_array_of_rows_with_numbers_as_numbers():
    assert json.loads(b"".join(json_chunks(COLUMNS, iter(ROWS))))[0] == {
        "text": "-1+2",
        "number": -1.5,
        "when": None,
    }
    assert json.loads(b"".join(json_chunks(COLUMNS, iter([])))) == []


def test_a_cell_with_characters_xml_does_not_allow_still_writes():
    target = io.BytesIO()
    xlsx_write(target, COLUMNS, iter([{"text": "a\x00b\x1fc", "number": 1}]), sheet="x")
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active
    assert sheet["A2"].value == "abc"


def test_csv_reads_back_as_the_csv_module_writes_it():
    tricky = [{"text": 'a "quoted", two-line\nnote', "number": 1, "when": None}, {"text": "", "number": None}]
    text = b"".join(csv_chunks(COLUMNS, iter(tricky))).decode("utf-8-sig")
    expected = io.StringIO()
    csv.writer(expected).writerows(
        [["text", "number", "when"], ['a "quoted", two-line\nnote', "1", ""], ["", "", ""]]
    )
    assert text == expected.getvalue()
