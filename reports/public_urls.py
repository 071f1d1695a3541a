"""The public summary of a plan marked public, under /public/ (no login)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("<str:plan_code>/", views.public_summary, name="public_summary"),
]
