"""The secretariat's review pages, mounted at /review/."""

from django.urls import path

from indicators.review import publishing
from indicators.review import views as review_views

app_name = "review"

urlpatterns = [
    path("", review_views.review_queue, name="review_queue"),
    path("reports/<int:pk>/", review_views.review_report, name="review_report"),
    path("status/", review_views.reporting_status_page, name="reporting_status"),
    path(
        "status/<str:plan_code>/<str:period_code>/publish/",
        publishing.period_publish_page,
        name="period_publish",
    ),
    path(
        "status/<str:plan_code>/<str:period_code>/withdraw/",
        publishing.period_withdraw_page,
        name="period_withdraw",
    ),
]
