"""Publishing a period from the reporting status page (docs/publication.md):
a page that shows how far the period's reports have got before asking, and
one that withdraws a publication with a reason. The rules and the audit
record are plans/publication.py's."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from indicators.models import ReportState
from indicators.review.reporting_status import NOT_STARTED, reporting_status
from plans.access import plan_get_for_user_or_404, user_can_publish
from plans.forms import ServiceForm
from plans.models import is_period_code
from plans.publication import (
    PublicationConflict,
    period_publish,
    period_publish_errors,
    period_withdraw,
    period_withdraw_errors,
)


class WithdrawForm(ServiceForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the publication withdrawn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,  # period_withdraw asks for it, with its own message
    )


def _period_and_summary(request, plan_code: str, period_code: str):
    if not user_can_publish(request.user):
        raise PermissionDenied(_("Only the secretariat can publish a period or withdraw its publication."))
    plan = plan_get_for_user_or_404(request.user, plan_code)
    status = reporting_status(user=request.user, plan=plan, every_quarter=True)
    summary = next(
        (s for s in status.summaries if is_period_code(period_code) and s.period.code == period_code), None
    )
    if summary is None:
        raise Http404
    return plan, summary


def _status_url(plan) -> str:
    return reverse("review:reporting_status") + f"?plan={plan.code}"


def _summary_rows(summary) -> list[tuple[str, int]]:
    """The period's reports by state, in the words of the reporting status page."""
    labels = [
        (ReportState.APPROVED, _("approved")),
        (ReportState.SUBMITTED, _("submitted, waiting for review")),
        (ReportState.RETURNED, _("returned for correction")),
        (ReportState.DRAFT, _("draft")),
        (NOT_STARTED, _("not started")),
    ]
    return [(label, summary.counts.get(state, 0)) for state, label in labels]


@require_http_methods(["GET", "POST"])
def period_publish_page(request, plan_code: str, period_code: str):
    plan, summary = _period_and_summary(request, plan_code, period_code)
    period = summary.period
    errors = [] if period.is_published else period_publish_errors(period, today=timezone.localdate())
    if request.method == "POST" and not errors:
        try:
            period_publish(actor=request.user, period=period)
        except PublicationConflict as conflict:
            messages.info(request, str(conflict))
            return redirect(_status_url(plan))
        except ValidationError as error:
            errors = [m for messages_ in error.message_dict.values() for m in messages_]
        else:
            messages.success(
                request,
                _("%(period)s is published: partners and the public now see its figures.")
                % {"period": period.code},
            )
            return redirect(_status_url(plan))
    return render(
        request,
        "indicators/review/period_publish.html",
        {
            "nav": "reporting_status",
            "plan": plan,
            "summary": summary,
            "rows": _summary_rows(summary),
            "errors": errors,
            "back": _status_url(plan),
        },
        status=400 if errors and request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def period_withdraw_page(request, plan_code: str, period_code: str):
    plan, summary = _period_and_summary(request, plan_code, period_code)
    period = summary.period
    form = WithdrawForm(request.POST or None)
    errors = period_withdraw_errors(period) if period.is_published else []
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            period_withdraw(actor=request.user, period=period, reason=form.cleaned_data["reason"])
        except PublicationConflict as conflict:
            messages.info(request, str(conflict))
            return redirect(_status_url(plan))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The publication of %(period)s is withdrawn: partners and the public no longer see it.")
                % {"period": period.code},
            )
            return redirect(_status_url(plan))
    return render(
        request,
        "indicators/review/period_withdraw.html",
        {
            "nav": "reporting_status",
            "plan": plan,
            "summary": summary,
            "form": form,
            "errors": errors,
            "back": _status_url(plan),
        },
        status=400 if request.method == "POST" else 200,
    )
