"""The read API for partners, /api/v1/. DRF authenticates (token or session),
so these views are outside the pages' login wall and answer 401/403 instead."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from indicators.quarterly_report import api as indicators_api
from plans import api as plans_api
from plans import auth_api
from reports import api as reports_api


def api(view):
    return login_not_required(view)


app_name = "api"

urlpatterns = [
    # POST: a token for a username and password; DELETE: revoke one's own (plans/auth_api.py).
    path("auth/token/", api(auth_api.TokenView.as_view()), name="token"),
    path("plans/<str:code>/scores/", api(reports_api.PlanScoresView.as_view()), name="plan-scores"),
    path(
        "plans/<str:code>/completeness/",
        api(reports_api.PlanCompletenessView.as_view()),
        name="plan-completeness",
    ),
    path("plans/<str:code>/periods/", api(plans_api.PlanPeriodsView.as_view()), name="plan-periods"),
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
