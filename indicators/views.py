from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.selectors import plan_tree
from plans.access import plan_get_for_user
from plans.models import Plan


@require_GET
def plan_structure(request, code: str):
    """The plan as the secretariat drew it: pillars, objectives, indicators
    with their targets, activities with their leads and planned quarters."""
    try:
        plan = plan_get_for_user(request.user, code)
    except Plan.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "indicators/plan_structure.html",
        {"plan": plan, "pillars": plan_tree(plan=plan), "years": plan.years},
    )
