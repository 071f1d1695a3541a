"""The public summary of a plan marked public, under /public/ (no login)."""

from django.urls import path

from reports.dashboards import views

app_name = "public"

urlpatterns = [
    path("<str:plan_code>/", views.public_summary, name="public_summary"),
]
