"""The audit page, mounted at /audit/ (ntip/urls.py)."""

from django.urls import path

from plans.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
]
