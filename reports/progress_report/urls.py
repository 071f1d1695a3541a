"""The printable progress report, included by reports/dashboards/urls.py under
/dashboards/<plan>/progress-report/ in the dashboards' namespace
(``dashboards:progress-report``): no app_name of its own."""

from django.urls import path

from reports.progress_report import views

urlpatterns = [
    path("", views.progress_report_page, name="progress-report"),
]
