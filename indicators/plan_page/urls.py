"""The plan page, under /plans/."""

from django.urls import path

from indicators.plan_page import views

app_name = "plan_page"

urlpatterns = [
    path("<str:code>/", views.plan_structure, name="plan_structure"),
]
