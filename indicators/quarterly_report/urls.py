"""The focal point's report pages, mounted at /reports/ (ntip/urls.py)."""

from django.urls import path

from indicators.quarterly_report import views as report_views

app_name = "quarterly_report"

urlpatterns = [
    path("", report_views.my_reports, name="my_reports"),
    # Before the report form, whose three free segments would also match these.
    path("evidence/<int:pk>/", report_views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", report_views.evidence_delete, name="evidence_remove"),
    path("<str:org_code>/<str:plan_code>/<str:period_code>/", report_views.report_form, name="report_form"),
]
