from django.urls import path

from indicators import views

urlpatterns = [
    path("<str:code>/", views.plan_structure, name="plan_structure"),
    path("<str:plan_code>/indicators/<str:code>/targets/", views.target_revise, name="target_revise"),
]
