"""The import pages, mounted at /imports/ (ntip/urls.py); docs/imports.md, "From the pages"."""

from django.urls import path

from indicators.imports import views

app_name = "imports"

urlpatterns = [
    path(
        "reports/<str:org_code>/<str:plan_code>/<str:period_code>/workbook.xlsx",
        views.report_workbook_download,
        name="report_workbook",
    ),
    path(
        "reports/<str:org_code>/<str:plan_code>/<str:period_code>/upload/",
        views.report_values_upload,
        name="report_upload",
    ),
    path("plans/<str:plan_code>/historical/", views.historical_upload, name="historical_upload"),
    path("jobs/<int:pk>/", views.import_job, name="import_job"),
    path("jobs/<int:pk>/confirm/", views.import_job_confirm_view, name="import_job_confirm"),
]
