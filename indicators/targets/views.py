"""The page where the secretariat administrator revises an indicator's targets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from indicators.models import Indicator, Target, TargetRevision
from indicators.targets.forms import TargetRevisionForm
from indicators.targets.services import targets_revise
from plans.access import plan_get_for_user_or_404, user_can_revise_targets


@require_http_methods(["GET", "POST"])
def target_revise(request, plan_code: str, code: str):
    """Revise an indicator's targets after a review, with the review's name
    and a rationale; the original targets and every earlier revision stay."""
    if not user_can_revise_targets(request.user):
        raise PermissionDenied
    plan = plan_get_for_user_or_404(request.user, plan_code)
    try:
        indicator = plan.indicators.select_related("lead").get(code=code)
    except Indicator.DoesNotExist:
        raise Http404 from None
    targets = Target.objects.with_in_force().filter(indicator=indicator).order_by("year")
    form = TargetRevisionForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            revisions = targets_revise(
                actor=request.user,
                indicator=indicator,
                values=form.new_values(),
                review=form.cleaned_data["review"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as refusal:
            form.add_service_errors(refusal)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s target of %(code)s revised. Scores are being recomputed against it.",
                    "%(count)s targets of %(code)s revised. Scores are being recomputed against them.",
                    len(revisions),
                )
                % {"count": len(revisions), "code": indicator.code},
            )
            return redirect(reverse("dashboards:indicator", args=[plan.code, indicator.code]))
    history = (
        TargetRevision.objects.filter(target__indicator=indicator)
        .select_related("target", "revised_by")
        .order_by("-revised_at", "-pk")
    )
    return render(
        request,
        "indicators/targets/target_revise.html",
        {"plan": plan, "indicator": indicator, "form": form, "history": history},
    )
