"""Dashboards, under /dashboards/. The public summary lives at /public/<plan>/ (ntip/urls.py)."""

from django.urls import include, path

from reports.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:plan_code>/", views.plan_overview, name="plan"),
    path("<str:plan_code>/pillars/<str:code>/", views.pillar, name="pillar"),
    path("<str:plan_code>/objectives/<str:code>/", views.objective, name="objective"),
    path("<str:plan_code>/indicators/<str:code>/", views.indicator, name="indicator"),
    path("<str:plan_code>/organisations/", views.organisations, name="organisations"),
    path("<str:plan_code>/organisations/<str:org_code>/", views.organisation, name="organisation"),
    path("<str:plan_code>/justice-chain/", views.justice_chain, name="justice_chain"),
    # The printable progress report (dashboards:progress-report) builds on these pages: included by name.
    path("<str:plan_code>/progress-report/", include("reports.progress_report.urls")),
]
