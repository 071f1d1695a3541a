"""The read API for partners, /api/v1/. DRF authenticates (token or session),
so these views are outside the pages' login wall and answer 401/403 instead."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

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
]
