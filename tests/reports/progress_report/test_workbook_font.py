"""The progress report's workbook names the Khmer font NTIP serves on every
cell it writes, as the exports do (docs/languages.md)."""

import pytest

from reports.exports.writers import XLSX_FONT
from tests.reports.progress_report.test_workbook import workbook

pytestmark = pytest.mark.django_db


def test_every_written_cell_of_every_sheet_names_the_khmer_font(client, plan, reviewer):
    book = workbook(client, reviewer)

    fonts = {
        (sheet.title, cell.font.name)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert fonts == {(sheet.title, XLSX_FONT) for sheet in book}
    headers = book["Indicators"]
    assert headers["A1"].value and headers["A1"].font.bold
