"""The read API for partners, /api/v1/. DRF authenticates (token or session),
so these views are outside the pages' login wall and answer 401/403 instead."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from indicators import api as indicators_api
from reports import api as reports_api


def api(view):
    return login_not_required(view)


urlpatterns = [
    path("auth/token/", api(obtain_auth_token), name="api-token"),
    path("plans/<str:code>/scores/", api(reports_api.PlanScoresView.as_view()), name="api-plan-scores"),
    path(
        "plans/<str:code>/completeness/",
        api(reports_api.PlanCompletenessView.as_view()),
        name="api-plan-completeness",
    ),
    path("reports/", api(indicators_api.ReportListView.as_view()), name="api-reports"),
    path("reports/<int:pk>/", api(indicators_api.ReportDetailView.as_view()), name="api-report"),
    path(
        "reports/<int:pk>/submit/",
        api(indicators_api.ReportStepView.as_view(step="submit")),
        name="api-report-submit",
    ),
    path(
        "reports/<int:pk>/approve/",
        api(indicators_api.ReportStepView.as_view(step="approve")),
        name="api-report-approve",
    ),
    path(
        "reports/<int:pk>/return/",
        api(indicators_api.ReportStepView.as_view(step="return")),
        name="api-report-return",
    ),
    path(
        "reports/<int:pk>/reopen/",
        api(indicators_api.ReportStepView.as_view(step="reopen")),
        name="api-report-reopen",
    ),
]
