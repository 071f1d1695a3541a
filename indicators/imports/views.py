"""The import pages: a focal point's report as a workbook to fill in offline
and its upload, the secretariat administrator's historical figures, and the
page of an import job (its preview, progress and result). Thin: the rules are
in services.py, the reads in selectors.py, who may do what in plans.access."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.access import reports_for_user
from indicators.imports.forms import ValuesFileForm
from indicators.imports.selectors import (
    import_job_get_for_user_or_404,
    import_job_page,
    plan_recent_jobs,
    report_values_workbook,
)
from indicators.imports.services import ImportRefused, import_job_confirm, import_job_start
from indicators.models import QuarterlyReport
from plans.access import plan_get_for_user_or_404, user_can_edit_report, user_is_admin
from plans.models import Organisation, ReportingPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def editable_report(request, org_code: str, plan_code: str, period_code: str) -> QuarterlyReport:
    """The report named in the URL, for someone who may fill it in; 404 for
    anyone else (a draft's figures are its organisation's)."""
    plan = plan_get_for_user_or_404(request.user, plan_code)
    organisation = get_object_or_404(Organisation, code=org_code)
    period = get_object_or_404(ReportingPeriod, plan=plan, code=period_code)
    if not user_can_edit_report(request.user, organisation):
        raise Http404
    report = (
        reports_for_user(request.user)
        .select_related("organisation", "period__plan")
        .filter(organisation=organisation, period=period)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_page_url(report: QuarterlyReport) -> str:
    return reverse(
        "quarterly_report:report_form",
        kwargs={
            "org_code": report.organisation.code,
            "plan_code": report.period.plan.code,
            "period_code": report.period.code,
        },
    )


@require_GET
def report_workbook_download(request, org_code: str, plan_code: str, period_code: str):
    """The report's lines as a values workbook, with its draft's figures."""
    report = editable_report(request, org_code, plan_code, period_code)
    response = HttpResponse(report_values_workbook(report).xlsx(), content_type=XLSX)
    name = f"{report.organisation.code}-{report.period.code}-values.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_values_upload(request, org_code: str, plan_code: str, period_code: str):
    """The filled-in workbook, checked first: its job page is the preview."""
    report = editable_report(request, org_code, plan_code, period_code)
    form = ValuesFileForm(request.POST, request.FILES)
    back = report_page_url(report) + "#work-offline"
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect(back)
    try:
        job = import_job_start(
            actor=request.user,
            plan=report.period.plan,
            uploaded_file=form.cleaned_data["file"],
            report=report,
        )
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    return redirect("imports:import_job", pk=job.pk)


@require_http_methods(["GET", "POST"])
def historical_upload(request, plan_code: str):
    """The secretariat administrator's historical figures, stored as approved."""
    plan = plan_get_for_user_or_404(request.user, plan_code)
    if not user_is_admin(request.user):
        raise PermissionDenied(_("Only a secretariat administrator may import figures as approved."))
    form = ValuesFileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = import_job_start(actor=request.user, plan=plan, uploaded_file=form.cleaned_data["file"])
            except (ImportRefused, ValidationError) as refusal:
                form.add_error(
                    "file", str(refusal) if isinstance(refusal, ImportRefused) else refusal.messages
                )
            else:
                return redirect("imports:import_job", pk=job.pk)
        status = 422
    return render(
        request,
        "indicators/imports/historical_upload.html",
        {"nav": "review", "plan": plan, "form": form, "jobs": plan_recent_jobs(user=request.user, plan=plan)},
        status=status,
    )


@require_GET
def import_job(request, pk: int):
    """The preview of an uploaded file, its progress, or what it did."""
    job = import_job_get_for_user_or_404(request.user, pk)
    return render(
        request, "indicators/imports/import_job.html", {"nav": "reports", "page": import_job_page(job)}
    )


@require_POST
def import_job_confirm_view(request, pk: int):
    job = import_job_get_for_user_or_404(request.user, pk)
    try:
        import_job_confirm(actor=request.user, job=job)
    except ImportRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("imports:import_job", pk=job.pk)
