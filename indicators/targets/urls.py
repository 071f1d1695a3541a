"""Revising an indicator's targets, under /plans/."""

from django.urls import path

from indicators.targets import views

app_name = "targets"

urlpatterns = [
    path("<str:plan_code>/indicators/<str:code>/targets/", views.target_revise, name="target_revise"),
]
