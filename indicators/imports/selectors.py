"""What the import pages read: a report's lines as a values workbook to fill
in offline, an organisation's approved figures in the same format, and an
import job as its page shows it (docs/imports.md, "From the pages")."""

import io
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.access import import_jobs_for_user
from indicators.imports.services import progress_key
from indicators.models import (
    ActivityUpdate,
    ImportJob,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportState,
    cell_categories,
)
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from indicators.quarterly_report.services import indicator_cells
from plans.models import Organisation, Plan
from strategies.models import Activity

UPDATE_COLUMNS = ["activity", "name", "organisation", "period", "status", "percent_complete", "note"]


def value_columns(dimensions: list[str]) -> list[str]:
    return ["indicator", "name", "organisation", "period", *dimensions, "value", "note"]


@dataclass
class ValuesWorkbook:
    """The two sheets of a values file, as rows under their headers."""

    dimensions: list[str]
    values: list[list]
    updates: list[list]

    def xlsx(self) -> bytes:
        workbook = Workbook()
        bold = Font(bold=True)
        first = workbook.active
        first.title = "indicator_values"
        for sheet, header, rows in (
            (first, value_columns(self.dimensions), self.values),
            (workbook.create_sheet("activity_updates"), UPDATE_COLUMNS, self.updates),
        ):
            sheet.append(header)
            for cell in sheet[1]:
                cell.font = bold
            for row in rows:
                sheet.append(row)
            sheet.freeze_panes = "A2"
            sheet.column_dimensions["B"].width = 48
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


def indicator_rows(
    indicator: Indicator, organisation: Organisation, period, stored: IndicatorValue | None, dimensions
) -> list[list]:
    """An indicator's line: one row, or one row per cell of a disaggregated
    one; the stored figure where there is one, else empty to fill in."""
    head = [indicator.code, indicator.display_name, organisation.code, period.code]
    note = stored.note if stored else ""
    cells = indicator_cells(indicator)
    if not cells:
        value = stored.value if stored else None
        return [[*head, *[""] * len(dimensions), value, note]]
    stored_cells = {c.cell: c.value for c in stored.cells.all()} if stored else {}
    rows = []
    for number, key in enumerate(cells):
        chosen = cell_categories(key)
        rows.append(
            [
                *head,
                *(chosen.get(d, "") for d in dimensions),
                stored_cells.get(key),
                note if number == 0 else "",
            ]
        )
    return rows


def activity_row(
    activity: Activity, organisation: Organisation, period, stored: ActivityUpdate | None
) -> list:
    if stored is None:
        return [activity.code, activity.display_name, organisation.code, period.code, "", None, ""]
    return [
        activity.code,
        activity.display_name,
        organisation.code,
        period.code,
        stored.status,
        stored.percent_complete,
        stored.note,
    ]


def report_values_workbook(report: QuarterlyReport) -> ValuesWorkbook:
    """A report's every line (what its organisation reports that quarter),
    with its draft's figures: the workbook a focal point fills in offline."""
    indicators = report_expected_indicators(report)
    activities = report_expected_activities(report)
    stored = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(report=report).order_by().prefetch_related("cells")
    }
    updates = {
        update.activity_id: update for update in ActivityUpdate.objects.filter(report=report).order_by()
    }
    dimensions = sorted({d.code for i in indicators.values() for d in i.disaggregation.all()})
    workbook = ValuesWorkbook(dimensions, [], [])
    for indicator in indicators.values():
        workbook.values += indicator_rows(
            indicator, report.organisation, report.period, stored.get(indicator.pk), dimensions
        )
    for activity in activities.values():
        workbook.updates.append(
            activity_row(activity, report.organisation, report.period, updates.get(activity.pk))
        )
    return workbook


def organisation_approved_workbook(*, plan: Plan, organisation: Organisation) -> ValuesWorkbook:
    """An organisation's approved figures of a plan, quarter by quarter, in
    the values format: importing them as approved gives the same figures."""
    reports = QuarterlyReport.objects.filter(
        organisation=organisation, period__plan=plan, state=ReportState.APPROVED
    ).select_related("period")
    values = (
        IndicatorValue.objects.filter(report__in=reports)
        .select_related("indicator", "report__period")
        .prefetch_related("cells", "indicator__disaggregation__categories")
        .order_by("report__period__index", "indicator__code")
    )
    updates = (
        ActivityUpdate.objects.filter(report__in=reports)
        .select_related("activity", "report__period")
        .order_by("report__period__index", "activity__code")
    )
    values = list(values)
    dimensions = sorted({d.code for v in values for d in v.indicator.disaggregation.all()})
    workbook = ValuesWorkbook(dimensions, [], [])
    for value in values:
        workbook.values += indicator_rows(
            value.indicator, organisation, value.report.period, value, dimensions
        )
    for update in updates:
        workbook.updates.append(activity_row(update.activity, organisation, update.report.period, update))
    return workbook


def import_job_get_for_user_or_404(user, pk: int) -> ImportJob:
    job = (
        import_jobs_for_user(user)
        .select_related("plan", "organisation", "report__organisation", "report__period__plan")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404
    return job


@dataclass
class JobPage:
    """An import job as its page shows it."""

    job: ImportJob
    percent: int
    counts: list[tuple[str, dict]]
    changes: list[dict]
    changes_total: int
    errors: list[dict]
    back_url: str
    back_label: str
    refresh: int

    @property
    def can_confirm(self) -> bool:
        return self.job.state == ImportJob.State.CHECKED and self.job.result.get("changed", False)


KIND_LABELS = {
    "indicator_values": gettext_lazy("indicator values"),
    "activity_updates": gettext_lazy("activity updates"),
    "reports": gettext_lazy("reports"),
}


def import_job_page(job: ImportJob) -> JobPage:
    result = job.result or {}
    percent = job.progress
    if job.is_running:
        told = cache.get(progress_key(job.pk)) or {}
        percent = told.get("percent", 0)
    counts = [
        (str(KIND_LABELS.get(kind, kind)), numbers) for kind, numbers in result.get("counts", {}).items()
    ]
    changes_total = sum(
        numbers["created"] + numbers["updated"]
        for kind, numbers in result.get("counts", {}).items()
        if kind != "reports"
    )
    if job.report is not None:
        report = job.report
        back_url = reverse(
            "quarterly_report:report_form",
            kwargs={
                "org_code": report.organisation.code,
                "plan_code": report.period.plan.code,
                "period_code": report.period.code,
            },
        )
        back_label = _("Back to the report")
    else:
        back_url = reverse("imports:historical_upload", kwargs={"plan_code": job.plan.code})
        back_label = _("Back to historical figures")
    return JobPage(
        job=job,
        percent=percent,
        counts=counts,
        changes=result.get("changes", []),
        changes_total=changes_total,
        errors=result.get("errors", []),
        back_url=back_url,
        back_label=back_label,
        refresh=2 if job.is_running else 0,
    )


def plan_recent_jobs(*, user, plan: Plan, limit: int = 10) -> list[ImportJob]:
    """The user's latest historical imports into the plan, for its upload page."""
    return list(
        import_jobs_for_user(user)
        .filter(plan=plan, kind=ImportJob.Kind.APPROVED)
        .order_by("-created_at")[:limit]
    )
