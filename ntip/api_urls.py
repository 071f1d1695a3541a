"""The read API for partners, /api/v1/. DRF authenticates (token or session),
so these views are outside the pages' login wall and answer 401/403 instead."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from indicators import api as structure_api
from indicators.imports import api as workbook_api
from indicators.quarterly_report import api as indicators_api
from plans import api as plans_api
from plans import auth_api
from reports import api as reports_api
from reports.exports import api as exports_api
from reports.progress_report import api as progress_report_api
from reports.values import api as values_api


def api(view):
    return login_not_required(view)


app_name = "api"

urlpatterns = [
    # POST: a token for a username and password; DELETE: revoke one's own (plans/auth_api.py).
    path("auth/token/", api(auth_api.TokenView.as_view()), name="token"),
    # The read API (docs/api.md): plans and their trees, organisations, indicators, approved values.
    path("plans/", api(structure_api.PlanListView.as_view()), name="plans"),
    path("plans/<str:code>/", api(structure_api.PlanDetailView.as_view()), name="plan"),
    path("organisations/", api(plans_api.OrganisationListView.as_view()), name="organisations"),
    path("indicators/", api(structure_api.IndicatorListView.as_view()), name="indicators"),
    path("values/", api(values_api.ValueListView.as_view()), name="values"),
    path("plans/<str:code>/scores/", api(reports_api.PlanScoresView.as_view()), name="plan-scores"),
    path(
        "plans/<str:code>/completeness/",
        api(reports_api.PlanCompletenessView.as_view()),
        name="plan-completeness",
    ),
    path("plans/<str:code>/periods/", api(plans_api.PlanPeriodsView.as_view()), name="plan-periods"),
    # The plan workbook, the import format (docs/imports.md).
    path(
        "plans/<str:code>/workbook.xlsx", api(workbook_api.PlanWorkbookView.as_view()), name="plan-workbook"
    ),
    path(
        "plans/<str:code>/progress-report/<str:period>.xlsx",
        api(progress_report_api.ProgressReportWorkbookView.as_view()),
        name="progress-report",
    ),
    # Exports (docs/exports.md): the file, or 202 and a job to poll for a long one.
    path(
        "plans/<str:code>/exports/<str:dataset>.<str:fmt>",
        api(exports_api.PlanExportView.as_view()),
        name="plan-export",
    ),
    path("exports/<int:pk>/", api(exports_api.ExportJobView.as_view()), name="export-job"),
    path("exports/<int:pk>/file", api(exports_api.ExportFileView.as_view()), name="export-file"),
    path(
        "plans/<str:code>/periods/<str:period>/publish/",
        api(plans_api.PeriodStepView.as_view(step="publish")),
        name="period-publish",
    ),
    path(
        "plans/<str:code>/periods/<str:period>/withdraw/",
        api(plans_api.PeriodStepView.as_view(step="withdraw")),
        name="period-withdraw",
    ),
    path("reports/", api(indicators_api.ReportListView.as_view()), name="reports"),
    path("reports/<int:pk>/", api(indicators_api.ReportDetailView.as_view()), name="report"),
    path(
        "reports/<int:pk>/submit/",
        api(indicators_api.ReportStepView.as_view(step="submit")),
        name="report-submit",
    ),
    path(
        "reports/<int:pk>/approve/",
        api(indicators_api.ReportStepView.as_view(step="approve")),
        name="report-approve",
    ),
    path(
        "reports/<int:pk>/return/",
        api(indicators_api.ReportStepView.as_view(step="return")),
        name="report-return",
    ),
    path(
        "reports/<int:pk>/reopen/",
        api(indicators_api.ReportStepView.as_view(step="reopen")),
        name="report-reopen",
    ),
]
