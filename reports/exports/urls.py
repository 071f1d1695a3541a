"""Export pages, under /exports/ (the API's are in ntip/api_urls.py)."""

from django.urls import path

from reports.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.my_exports, name="my_exports"),
    path("<int:pk>/", views.export_job, name="export_job"),
    path("<int:pk>/download/", views.export_download, name="export_download"),
    path("<str:plan_code>/<slug:dataset>.<slug:fmt>", views.plan_export, name="plan_export"),
]
