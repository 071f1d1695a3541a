"""The secretariat's review pages, mounted at /review/."""

from django.urls import path

from indicators.review import views as review_views

app_name = "review"

urlpatterns = [
    path("", review_views.review_queue, name="review_queue"),
    path("reports/<int:pk>/", review_views.review_report, name="review_report"),
    path("status/", review_views.reporting_status_page, name="reporting_status"),
]
