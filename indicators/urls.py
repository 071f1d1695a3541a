from django.urls import path

from indicators import views

urlpatterns = [
    path("<str:code>/", views.plan_structure, name="plan_structure"),
]
