from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from plans.access import plans_for_user


@require_GET
def home(request):
    """The signed-in user's start page: the plans they can follow."""
    plans = plans_for_user(request.user).order_by("-start_year", "code")
    return render(request, "plans/home.html", {"plans": plans})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and docker health checks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
