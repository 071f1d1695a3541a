"""The plan page: the plan as the secretariat drew it."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.plan_tree import plan_tree
from plans.access import plan_get_for_user_or_404, user_can_revise_targets


@require_GET
def plan_structure(request, code: str):
    """The plan as the secretariat drew it: pillars, objectives, indicators
    with their targets, activities with their leads and planned quarters."""
    plan = plan_get_for_user_or_404(request.user, code)
    return render(
        request,
        "indicators/plan_page/plan_structure.html",
        {
            "plan": plan,
            "pillars": plan_tree(plan=plan),
            "years": plan.years,
            "can_revise_targets": user_can_revise_targets(request.user),
        },
    )
