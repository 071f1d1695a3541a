"""The secretariat's review pages: the queue of reports, one report's review
(approve, return, reopen) and the reporting status grid.

Only the secretariat (reviewers and administrators) may open them; anyone else
signed in gets 403, and the login wall sends anonymous visitors to sign in.
Every step goes through the quarterly report's services
(quarterly_report/workflow.py), which check again and record it.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from indicators.access import approval_refusal, report_get_for_user_or_404, reports_for_user
from indicators.models import QuarterlyReport, ReportState
from indicators.quarterly_report.services import TransitionNotAllowed
from indicators.quarterly_report.workflow import report_approve, report_reopen, report_return, reports_approve
from indicators.review.forms import (
    RETURN_FORM_ID,
    ReturnForm,
    ReviewCommentForm,
    ReviewQueueFilterForm,
    line_comment_field,
)
from indicators.review.reporting_status import reporting_status
from indicators.review.selectors import ReviewIndicatorLine, report_review, reports_for_review
from plans.access import plans_for_user, user_can_review

QUEUE_PAGE_SIZE = 50

# The steps a reviewer can take on a report, by the report's state.
ACTIONS = {
    "approve": {
        "service": lambda actor, report, form: report_approve(
            actor=actor, report=report, comment=form.cleaned_data["comment"]
        ),
        "label": gettext_lazy("Comment (optional)"),
        "done": gettext_lazy("%(report)s approved."),
        "states": (ReportState.SUBMITTED,),
    },
    "return": {
        "service": lambda actor, report, form: report_return(
            actor=actor,
            report=report,
            comment=form.cleaned_data["comment"],
            indicator_comments=form.line_comments("indicator"),
            activity_comments=form.line_comments("activity"),
        ),
        "label": gettext_lazy("What needs correcting"),
        "done": gettext_lazy("%(report)s returned to the organisation with your comment."),
        "states": (ReportState.SUBMITTED,),
    },
    "reopen": {
        "service": lambda actor, report, form: report_reopen(
            actor=actor, report=report, reason=form.cleaned_data["comment"]
        ),
        "label": gettext_lazy("Reason for reopening"),
        "done": gettext_lazy("%(report)s reopened: it is back with the organisation."),
        "states": (ReportState.APPROVED,),
    },
}


def secretariat_only(view):
    """Reviewers and administrators only. Anonymous visitors never get here:
    the login wall (LoginRequiredMiddleware) sends them to sign in first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_can_review(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def report_title(report: QuarterlyReport) -> str:
    return f"{report.organisation.code} {report.period.code}"


def safe_next(request, fallback: str) -> str:
    """Where to go after an action: back to the queue as it was filtered, never off-site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@secretariat_only
@require_http_methods(["GET", "POST"])
def review_queue(request):
    """Reports waiting for review (or any state), filtered; bulk approval."""
    if request.method == "POST":
        return bulk_approve(request)
    form = ReviewQueueFilterForm(request.GET)
    reports = reports_for_review(user=request.user, **form.filters())
    page = Paginator(reports, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "indicators/review/review_queue.html",
        {
            "nav": "review",
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "can_approve": form.filters()["state"] == ReportState.SUBMITTED,
        },
    )


def bulk_approve(request):
    back = safe_next(request, reverse("review:review_queue"))
    ids = [pk for pk in request.POST.getlist("reports") if pk.isdigit()]
    if not ids:
        messages.info(request, _("Select at least one report to approve."))
        return redirect(back)
    reports = list(
        reports_for_user(request.user).filter(pk__in=ids).order_by("period__index", "organisation")
    )
    approved, skipped = reports_approve(actor=request.user, reports=reports)
    if approved:
        messages.success(
            request,
            ngettext("%(count)d report approved.", "%(count)d reports approved.", len(approved))
            % {"count": len(approved)},
        )
    for report, reason in skipped:
        messages.warning(
            request,
            _("Not approved: %(report)s. %(reason)s") % {"report": report_title(report), "reason": reason},
        )
    gone = len(ids) - len(reports)
    if gone:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected report no longer exists.",
                "%(count)d selected reports no longer exist.",
                gone,
            )
            % {"count": gone},
        )
    return redirect(back)


def evidence_url(pk: int) -> str:
    """The evidence download page, where the report pages provide one."""
    try:
        return reverse("quarterly_report:evidence_download", args=[pk])
    except NoReverseMatch:
        return ""


@secretariat_only
@require_http_methods(["GET", "POST"])
def review_report(request, pk: int):
    """One report as the reviewer reads it, what changed since its previous
    version, its history, and the steps its state allows."""
    report = report_to_review(request.user, pk)
    back = safe_next(request, reverse("review:review_queue"))
    status, bound = 200, {}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            return redirect(request.path)
        form = step_form(
            name, report, report_line_codes(report) if name == "return" else [], data=request.POST
        )
        status = review_step(request, report, name, form)
        if status is None:
            return redirect(back)
        if status not in (403, 409):
            # Shown again with what was typed; after a 409 the report has moved
            # on, and the page offers the steps its new state allows.
            bound[name] = form
    review = report_review(report)
    forms = step_forms(report, review_line_codes(review), user=request.user) | bound
    return render_review(request, report, review, forms, back, status=status)


def report_to_review(user, pk: int) -> QuarterlyReport:
    return report_get_for_user_or_404(
        user, pk, reports_for_user(user).select_related("submitted_by", "approved_by")
    )


def report_line_codes(report: QuarterlyReport) -> list[tuple[str, int, str]]:
    """(kind, id, code) of each line the report holds: the lines a return may comment on."""
    return [
        *(
            ("indicator", pk, code)
            for pk, code in report.indicator_values.values_list("indicator_id", "indicator__code")
        ),
        *(
            ("activity", pk, code)
            for pk, code in report.activity_updates.values_list("activity_id", "activity__code")
        ),
    ]


def review_line_codes(review) -> list[tuple[str, int, str]]:
    """report_line_codes(), from the review already read."""
    lines = [line for p in review.pillars for o in p.objectives for line in (*o.indicators, *o.activities)]
    return [
        ("indicator", line.indicator.pk, line.indicator.code)
        if isinstance(line, ReviewIndicatorLine)
        else ("activity", line.activity.pk, line.activity.code)
        for line in lines
        if (line.value if isinstance(line, ReviewIndicatorLine) else line.update) is not None
    ]


def step_form(name: str, report: QuarterlyReport, lines, data=None) -> ReviewCommentForm:
    if name == "return":
        return ReturnForm(data, prefix=name, lines=lines)
    return ReviewCommentForm(data, prefix=name)


def step_forms(report: QuarterlyReport, lines, *, user) -> dict[str, ReviewCommentForm]:
    """An empty comment form for each step the report's state allows (and,
    for approving, that this reviewer may take: approval_refusal)."""
    return {
        name: step_form(name, report, lines)
        for name, action in ACTIONS.items()
        if report.state in action["states"] and not (name == "approve" and approval_refusal(user, report))
    }


def review_step(request, report: QuarterlyReport, name: str, form: ReviewCommentForm) -> int | None:
    """Approve, return or reopen the report with the reviewer's comment: None
    once done, else the status of the page that says why not."""
    if not form.is_valid():
        return 400
    try:
        ACTIONS[name]["service"](request.user, report, form)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return 403
    except TransitionNotAllowed as refusal:
        # Someone else acted first (or another tab did): say so, show the report as it now is.
        report.refresh_from_db()
        messages.error(
            request,
            _("Someone else already moved this report on; nothing was changed. %(why)s") % {"why": refusal},
        )
        return 409
    except ValidationError as error:
        if isinstance(form, ReturnForm):
            form.add_service_errors(error)
        else:
            for message in error.message_dict.get("comment", error.messages):
                form.add_error("comment", message)
        return 400
    messages.success(request, ACTIONS[name]["done"] % {"report": report_title(report)})
    return None


def render_review(request, report: QuarterlyReport, review, forms: dict, back: str, *, status: int):
    for name, form in forms.items():
        form.fields["comment"].label = ACTIONS[name]["label"]
    link_evidence(review)
    label_events(review)
    attach_comment_boxes(review, forms.get("return"))
    return render(
        request,
        "indicators/review/review_report.html",
        {
            "nav": "review",
            "report": report,
            "review": review,
            "forms": forms,
            "back": back,
            "return_form_id": RETURN_FORM_ID,
            # Why there is no Approve button, when that is why.
            "approval_refusal": approval_refusal(request.user, report)
            if report.state == ReportState.SUBMITTED
            else "",
        },
        status=status,
    )


def attach_comment_boxes(review, form: ReturnForm | None) -> None:
    """Each line's box for a comment, when the report can be returned."""
    for p in review.pillars:
        for o in p.objectives:
            for line in (*o.indicators, *o.activities):
                kind = "indicator" if isinstance(line, ReviewIndicatorLine) else "activity"
                name = line_comment_field(
                    kind, line.indicator.pk if kind == "indicator" else line.activity.pk
                )
                line.comment_box = form[name] if form is not None and name in form.fields else None


def link_evidence(review) -> None:
    for line in (line for p in review.pillars for o in p.objectives for line in o.indicators):
        for item in line.evidence:
            item.download_url = evidence_url(item.pk)
    for item in review.report_evidence:
        item.download_url = evidence_url(item.pk)


def label_events(review) -> None:
    for event in review.events:
        event.from_label = ReportState(event.from_state).label if event.from_state else ""
        event.to_label = ReportState(event.to_state).label


@secretariat_only
@require_GET
def reporting_status_page(request):
    """Organisations × periods of one plan: who reported, in which state, late or missing."""
    plans = list(plans_for_user(request.user).order_by("-start_year", "code"))
    code = request.GET.get("plan")
    plan = next((p for p in plans if p.code == code), None) if code else (plans[0] if plans else None)
    if code and plan is None:
        raise Http404
    every_quarter = request.GET.get("quarters") == "all"
    status = reporting_status(user=request.user, plan=plan, every_quarter=every_quarter) if plan else None
    return render(
        request,
        "indicators/review/review_status.html",
        {"nav": "reporting_status", "plans": plans, "plan": plan, "status": status},
    )
