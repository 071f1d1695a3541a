"""Rows written as CSV, XLSX and JSON, in chunks, in memory that does not grow
with the rows (docs/exports.md).

Every writer takes the columns (key, header) and an iterator of row dicts, and
yields bytes. Text that a spreadsheet would read as a formula is escaped in
CSV and XLSX (`cell_escaped`); numbers stay numbers.

Why not django-import-export's own `export_data`: its formula escaping
(IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) strips a leading "=" only, and turns
every cell, numbers included, into text; and tablib builds the whole dataset
in memory before writing it. The column definitions are the library's
(reports/exports/columns.py); the bytes are written here.
"""

import datetime
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from django.utils import timezone
from import_export.formats import base_formats

# A cell starting with one of these is a formula (or a DDE payload) to Excel,
# LibreOffice and Google Sheets (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows are handed on in chunks of this many: one write per chunk, not per row.
CHUNK_ROWS = 2000

FORMATS = {
    "csv": base_formats.CSV,
    "xlsx": base_formats.XLSX,
    "json": base_formats.JSON,
}


def content_type(fmt: str) -> str:
    content = FORMATS[fmt].CONTENT_TYPE
    return f"{content}; charset=utf-8" if fmt in ("csv", "json") else content


def cell_escaped(value):
    """A text cell that a spreadsheet would run as a formula gets a leading
    apostrophe ("=1+2" → "'=1+2", "-1+2" → "'-1+2"); anything else, numbers
    (negative ones included) among them, is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value, zone=None):
    """A value as JSON and CSV write it: Decimal 10.0000 → 10, 2.5000 → 2.5;
    a datetime in ISO 8601 with its offset (local time); None stays None."""
    kind = type(value)
    if kind is Decimal:
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    if kind is datetime.datetime:
        if value.tzinfo is None:
            return value.isoformat()
        return _iso(value, zone or timezone.get_current_timezone())
    if kind is datetime.date:
        return value.isoformat()
    return value


@lru_cache(maxsize=4096)
def _iso(value: datetime.datetime, zone) -> str:
    # Rows of one report repeat its steps' times: each is formatted once.
    return value.astimezone(zone).isoformat(timespec="seconds")


# Converted values are kept for reuse, up to this many (then forgotten, so
# memory stays flat): a report's names, times and people repeat on each of its rows.
MEMO_SIZE = 20_000


def _memo(convert):
    """``convert(value)`` remembered by type and value."""
    seen: dict = {}

    def converted(value):
        key = (type(value), value)
        try:
            return seen[key]
        except KeyError:
            if len(seen) >= MEMO_SIZE:
                seen.clear()
            seen[key] = result = convert(value)
            return result
        except TypeError:  # not hashable
            return convert(value)

    return converted


def _chunks(rows: Iterable[dict], size: int = CHUNK_ROWS) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- CSV -------------------------------------------------------------------------


def _csv_text(value, zone) -> str:
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    value = plain(value, zone)
    return value if type(value) is str else str(value)


def _csv_field(text: str) -> str:
    """A field as the csv module's default dialect writes it: quoted (quotes
    doubled) only when it holds a comma, a quote or a line break."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_chunks(columns: list[tuple[str, str]], rows: Iterable[dict]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (Excel then reads Khmer correctly), header
    first, lines ending in CRLF (RFC 4180). Each distinct value is converted,
    escaped and quoted once (the memo), and a line is joined from the results:
    twice as fast as csv.writer here, for the same bytes."""
    keys = [key for key, _ in columns]
    zone = timezone.get_current_timezone()
    header = ",".join(_csv_field(cell_escaped(str(h))) for _, h in columns)
    yield ("\ufeff" + header + "\r\n").encode()
    field = _memo(lambda value: _csv_field(_csv_text(value, zone)))
    for chunk in _chunks(rows):
        yield "".join([",".join(map(field, map(row.get, keys))) + "\r\n" for row in chunk]).encode()


# --- JSON ------------------------------------------------------------------------


def _json_default(value):
    value = plain(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | str):
        return value
    raise TypeError(f"not exportable: {type(value).__name__}")


def json_chunks(columns: list[tuple[str, str]], rows: Iterable[dict]) -> Iterator[bytes]:
    """A JSON array of objects keyed by the columns' keys (stable codes, not the
    translated headers). Not escaped: JSON is read by programs, not spreadsheets."""
    keys = [key for key, _ in columns]
    zone = timezone.get_current_timezone()
    plain_memo = _memo(lambda value: plain(value, zone))

    def shown(value):
        return value if type(value) is str or value is None else plain_memo(value)

    dumps = json.JSONEncoder(default=_json_default).encode
    first = True
    yield b"["
    for chunk in _chunks(rows):
        parts = [dumps({key: shown(row.get(key)) for key in keys}) for row in chunk]
        yield (("\n" if first else ",\n") + ",\n".join(parts)).encode()
        first = False
    yield b"\n]\n" if not first else b"]\n"


# --- XLSX ------------------------------------------------------------------------
# Written by hand, part by part, into a zip: openpyxl's write-only mode writes
# about 2,000 rows a second here (no lxml), under the 5,000 we need. The sheet
# uses inline strings and one date-time style; openpyxl and Excel read it.

# The workbook's font, on every cell (the Normal style and the bold headers):
# Khmer shows in Excel where Noto Sans Khmer is installed (NTIP serves the same
# font to its pages, docs/languages.md); where it is not, Excel puts its own
# sans-serif font in its place (family 2, "swiss").
XLSX_FONT = "Noto Sans Khmer"

# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime.datetime(1899, 12, 30)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    f'<fonts count="2"><font><sz val="11"/><name val="{XLSX_FONT}"/><family val="2"/></font>'
    f'<font><b/><sz val="11"/><name val="{XLSX_FONT}"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _xlsx_text(text: str, style: str = "") -> str:
    text = escape(_NOT_XML.sub("", cell_escaped(text)))
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_cell(value, zone) -> str:
    kind = type(value)
    if kind is str:
        return _xlsx_text(value) if value else "<c/>"
    if value is None:
        return "<c/>"
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    if kind is Decimal:
        return f"<c><v>{format(value.normalize(), 'f')}</v></c>"
    if kind is int or kind is float:
        return f"<c><v>{value!r}</v></c>"
    if kind is datetime.datetime:
        return f'<c s="1"><v>{_serial(value, zone)}</v></c>'
    if kind is datetime.date:
        return _xlsx_text(value.isoformat())
    return _xlsx_text(str(value))


@lru_cache(maxsize=4096)
def _serial(value: datetime.datetime, zone) -> str:
    """A date-time as a spreadsheet's day number, in local time."""
    local = value.astimezone(zone).replace(tzinfo=None) if value.tzinfo is not None else value
    return f"{(local - _EPOCH).total_seconds() / 86400:.8f}"


def xlsx_write(target, columns: list[tuple[str, str]], rows: Iterable[dict], *, sheet: str) -> None:
    """Write the workbook to ``target`` (a file opened for binary writing):
    one sheet, bold headers, the header row frozen."""
    keys = [key for key, _ in columns]
    zone = timezone.get_current_timezone()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(sheet))
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
            )
            header = "".join(_xlsx_text(str(h), ' s="2"') for _, h in columns)
            part.write(f"<row>{header}</row>".encode())
            cell = _memo(lambda value: _xlsx_cell(value, zone))
            for chunk in _chunks(rows):
                part.write(
                    "".join(
                        ["<row>" + "".join(map(cell, map(row.get, keys))) + "</row>" for row in chunk]
                    ).encode()
                )
            part.write(b"</sheetData></worksheet>")
