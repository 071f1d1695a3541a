"""The quarterly progress report as an XLSX workbook: Summary (with a cover
block), Indicators, Activities, Completeness, Justice chain.

Numbers are written as numbers with a number format (percentages as %), so a
partner can compute with them; a suppressed count stays the text "<5". Every
text cell is escaped against formula injection: one that a spreadsheet would
read as a formula gets a leading apostrophe.
"""

import re
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.formatting import share_text
from reports.dashboards.charts import status_label
from reports.exports.writers import XLSX_FONT, cell_escaped
from reports.progress_report.selectors import ProgressReport

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PERCENT = "0.0%"
WHOLE = "#,##0"
DECIMAL = "#,##0.00"

# Every cell names the Khmer font, as the exports do (reports/exports/writers.py).
TEXT = Font(name=XLSX_FONT, family=2, size=11)
BOLD = Font(name=XLSX_FONT, family=2, size=11, bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def workbook_filename(report: ProgressReport) -> str:
    code = re.sub(r"[^A-Za-z0-9_.-]", "_", report.plan.code)
    return f"{code}-progress-report-{report.period.code}.xlsx"


class Sheet:
    """One sheet written row by row: texts escaped, numbers given their format."""

    def __init__(self, book: Workbook, title: str, *, first: bool = False):
        self.sheet = book.active if first else book.create_sheet()
        # A sheet's name may not hold []:*?/\ and is at most 31 characters.
        self.sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
        self.widths: dict[int, int] = {}

    def row(self, values: list, *, formats: dict[int, str] | None = None, bold: bool = False) -> None:
        formats = formats or {}
        self.sheet.append([self._value(v) for v in values])
        row = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=row, column=column)
            cell.font = BOLD if bold else TEXT
            if isinstance(value, float | int) and not isinstance(value, bool):
                cell.number_format = formats.get(column - 1) or (
                    WHOLE if float(value).is_integer() else DECIMAL
                )
            elif isinstance(value, str) and len(value) > 40:
                cell.alignment = WRAP
            self.widths[column] = max(self.widths.get(column, 8), min(len(str(value or "")) + 2, 60))

    def header(self, titles: list[str]) -> None:
        self.row(titles, bold=True)
        self.sheet.freeze_panes = self.sheet.cell(row=self.sheet.max_row + 1, column=1)

    def blank(self) -> None:
        self.sheet.append([])

    def finish(self) -> None:
        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = width

    @staticmethod
    def _value(value):
        if value is None or isinstance(value, bool | float | int):
            return value
        return cell_escaped(str(value))


def _percents(*columns: int) -> dict[int, str]:
    return dict.fromkeys(columns, PERCENT)


def _status(status: str | None) -> str:
    return status_label(status) if status else _("Not computed")


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def method_in_brief(plan) -> list[str]:
    """How the figures are made, in a few lines (docs/scoring.md), with the
    plan's own thresholds: on the cover of the workbook and of the printed page."""
    thresholds = {"on_track": share_text(plan.on_track, 0), "at_risk": share_text(plan.at_risk, 0)}
    return [
        _(
            "Only figures in reports approved by the NCCT secretariat count; partners see published "
            "quarters only."
        ),
        _(
            "Progress: how far an indicator has moved from its baseline toward its end-of-plan target "
            "(an activity: its percent complete). Expected: how far it should be by this quarter if the "
            "yearly targets are met evenly."
        ),
        _(
            "Status: on track when progress reaches at least %(on_track)s of expected, at risk from "
            "%(at_risk)s, off track below; no data when a report was due and none is approved."
        )
        % thresholds,
        _(
            "Pillars and the plan: weighted averages of their children. Coverage: the share of the items "
            "due that have an approved report for the quarter."
        ),
    ]


def cover_rows(report: ProgressReport) -> list[tuple[str, object]]:
    plan, period, publication = report.plan, report.period, report.publication
    if publication.is_open:
        published = _(
            "not published: %(approved)s of %(expected)s reports approved; the figures will still change"
        ) % {
            "approved": publication.approved,
            "expected": publication.expected,
        }
    else:
        published = _when(publication.published_at)
        if publication.revised_at:
            published += " · " + _("revised since publication (%(when)s)") % {
                "when": _when(publication.revised_at)
            }
    rows = [
        (_("Plan"), f"{plan.code} · {plan.display_name}"),
        (_("Period"), f"{period.code} ({period.start.isoformat()} – {period.end.isoformat()})"),
        (_("Published"), published),
        (_("Scores computed"), _when(report.computed_at)),
    ]
    if report.suppressed:
        rows.append(
            (
                _("Protecting survivors"),
                _(
                    "Counts of victims and survivors are rounded to the nearest %(n)s, and shown "
                    "as “<%(n)s” when below %(n)s; their progress is worked out from the rounded figure."
                )
                % {"n": report.threshold},
            )
        )
    return rows


def summary_sheet(book: Workbook, report: ProgressReport) -> None:
    sheet = Sheet(book, _("Summary"), first=True)
    sheet.row([_("Quarterly progress report")], bold=True)
    for label, value in cover_rows(report):
        sheet.row([label, value])
    for n, line in enumerate(method_in_brief(report.plan)):
        sheet.row([_("Method") if n == 0 else "", line])
    sheet.blank()
    sheet.header([_("Code"), _("Name"), _("Progress"), _("Expected"), _("Status"), _("Coverage")])
    for row in [report.overall, *report.pillars]:
        sheet.row(
            [row.code, row.name, row.progress, row.expected, _status(row.status), row.coverage],
            formats=_percents(2, 3, 5),
        )
    sheet.widths[2] = 60
    sheet.finish()


def indicators_sheet(book: Workbook, report: ProgressReport) -> None:
    sheet = Sheet(book, _("Indicators"))
    sheet.header(
        [
            _("Pillar"),
            _("Objective"),
            _("Code"),
            _("Indicator"),
            _("Lead"),
            _("Unit"),
            _("Actual to date"),
            _("Target for the year"),
            _("Expected to date"),
            _("Progress"),
            _("Expected progress"),
            _("Status"),
            _("No report for the period: progress as of"),
            _("Reason for the gap"),
            _("Corrective action"),
            _("Reason given in"),
        ]
    )
    for line in report.indicators:
        s = line.score
        sheet.row(
            [
                line.pillar_code,
                line.objective_code,
                s.code,
                s.name,
                s.lead,
                s.unit,
                s.actual_value,
                line.target,
                s.expected_value,
                s.progress,
                s.expected,
                _status(s.status),
                (s.reported_in or _("nothing approved yet")) if s.has_no_report else "",
                line.gap_reason,
                line.corrective_action,
                line.reason_from,
            ],
            formats=_percents(9, 10),
        )
    sheet.finish()


def activities_sheet(book: Workbook, report: ProgressReport) -> None:
    sheet = Sheet(book, _("Activities"))
    sheet.header(
        [
            _("Pillar"),
            _("Objective"),
            _("Code"),
            _("Activity"),
            _("Lead"),
            _("Implementation status"),
            _("Percent complete"),
            _("Update of"),
            _("Progress"),
            _("Expected progress"),
            _("Status"),
            _("Cancelled"),
        ]
    )
    for line in report.activities:
        s = line.score
        sheet.row(
            [
                line.pillar_code,
                line.objective_code,
                s.code,
                s.name,
                s.lead,
                line.implementation_label,
                None if line.percent_complete is None else line.percent_complete / 100,
                line.updated_in,
                s.progress,
                s.expected,
                _status(s.status),
                _yes(s.cancelled),
            ],
            formats=_percents(6, 8, 9),
        )
    sheet.finish()


def completeness_sheet(book: Workbook, report: ProgressReport) -> None:
    sheet = Sheet(book, _("Completeness"))
    overall = report.completeness
    sheet.row([_("Reports expected"), overall.expected])
    sheet.row([_("Received (submitted or approved)"), overall.received])
    sheet.row([_("On time (first submitted by the deadline)"), overall.on_time])
    sheet.row([_("Completeness"), overall.completeness], formats=_percents(1))
    sheet.row([_("Timeliness"), overall.timeliness], formats=_percents(1))
    sheet.row([_("Deadline"), report.period.deadline.isoformat()])
    sheet.blank()
    sheet.header(
        [
            _("Organisation"),
            _("Name"),
            _("Expected to report"),
            _("Received"),
            _("On time"),
            _("Report state"),
            _("First submitted"),
        ]
    )
    for row in report.organisations:
        sheet.row(
            [
                row.code,
                row.name,
                _yes(row.expected),
                _yes(row.received),
                _yes(row.on_time),
                row.state_label,
                _when(row.first_submitted_at),
            ]
        )
    sheet.finish()


def justice_chain_sheet(book: Workbook, report: ProgressReport) -> None:
    sheet = Sheet(book, _("Justice chain"))
    sheet.header(
        [
            _("Chain"),
            _("Step"),
            _("Indicator"),
            _("Lead"),
            _("Year"),
            _("Year still in progress"),
            _("Figure"),
            _("Share (%)"),
            _("Count"),
            _("Estimated from a share"),
        ]
    )
    for table in report.justice_chain:
        for year in table.years:
            for step, indicator, cell in zip(table.chain.steps, table.indicators, year.cells, strict=True):
                share = cell.value if cell.estimated and cell.value is not None else None
                sheet.row(
                    [
                        str(table.chain.title),
                        str(step.label),
                        indicator.code if indicator else _("no indicator"),
                        indicator.lead_code if indicator else "",
                        year.year,
                        _yes(year.partial),
                        None if cell.estimated else cell.value,
                        None if share is None else share / 100,
                        cell.count,
                        _yes(cell.estimated),
                    ],
                    formats={4: "0", 7: PERCENT},
                )
            for warning in year.warnings:
                sheet.row(
                    [str(table.chain.title), _("Warning"), "", "", year.year, _yes(year.partial), warning]
                )
    sheet.finish()


def progress_report_workbook(report: ProgressReport) -> bytes:
    """The report as the bytes of an XLSX file."""
    book = Workbook()
    summary_sheet(book, report)
    indicators_sheet(book, report)
    activities_sheet(book, report)
    completeness_sheet(book, report)
    justice_chain_sheet(book, report)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
