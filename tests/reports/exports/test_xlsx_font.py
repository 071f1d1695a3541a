"""Exported workbooks name the Khmer font NTIP serves (Noto Sans Khmer) on
every cell, so Excel shows Khmer where the font is installed
(docs/languages.md): the workbook's Normal style and the bold headers."""

import io

import openpyxl
import pytest

from reports.exports.writers import XLSX_FONT, xlsx_write
from tests.reports.exports.conftest import body_of

pytestmark = pytest.mark.django_db


def fonts_of(book_bytes: bytes) -> list[list[tuple[str, bool]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(book_bytes)).worksheets[0]
    return [[(cell.font.name, cell.font.bold) for cell in row] for row in sheet.iter_rows()]


def test_an_export_names_the_khmer_font_on_every_cell(client, export_plan, partner):
    client.force_login(partner)
    response = client.get("/exports/NSP/values.xlsx?period=2024-Q1")
    assert response.status_code == 200

    header, *rows = fonts_of(body_of(response))

    assert rows, "the export has rows"
    assert set(header) == {(XLSX_FONT, True)}
    assert {font for row in rows for font in row} == {(XLSX_FONT, False)}


def test_khmer_text_is_written_in_it_and_so_is_the_workbooks_default():
    target = io.BytesIO()
    xlsx_write(target, [("name", "ឈ្មោះ")], iter([{"name": "សូចនាករ"}, {"name": None}]), sheet="km")

    book = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    sheet = book.worksheets[0]
    assert sheet["A2"].value == "សូចនាករ"
    assert (sheet["A1"].font.name, sheet["A2"].font.name, sheet["A3"].font.name) == (XLSX_FONT,) * 3
    # A cell the export left empty has the workbook's default (Normal) font: it too.
    assert sheet["C9"].font.name == XLSX_FONT
