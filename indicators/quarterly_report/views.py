"""The focal point's pages: "My reports", the quarterly report form, evidence files.

A focal point reports for their own organisation; the secretariat administrator
may report on behalf of any organisation (plans.access.user_can_edit_report).
Reviewers read reports on the review pages and partners never edit; both may
still read here a report that reports_for_user lets them open.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.access import evidence_get_for_user_or_404, reports_for_user, user_sees_report_workings
from indicators.models import QuarterlyReport, ReportState
from indicators.quarterly_report.evidence import evidence_attach, evidence_remove
from indicators.quarterly_report.expected import report_expected_activities, report_expected_indicators
from indicators.quarterly_report.forms import ReportForm, report_sections
from indicators.quarterly_report.selectors import (
    organisation_report_overview,
    organisations_reporting,
    period_is_due,
    report_contents,
    report_events,
    report_lines_left,
)
from indicators.quarterly_report.services import (
    ReportConflict,
    TransitionNotAllowed,
    report_open,
    report_save,
)
from indicators.quarterly_report.validation import report_lines_check
from indicators.quarterly_report.workflow import report_submit
from plans.access import plan_get_for_user_or_404, user_can_edit_report, user_fills_in_reports, user_is_admin
from plans.models import Organisation, ReportingPeriod

EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


def report_url(report: QuarterlyReport) -> str:
    return reverse(
        "quarterly_report:report_form",
        kwargs={
            "org_code": report.organisation.code,
            "plan_code": report.period.plan.code,
            "period_code": report.period.code,
        },
    )


@require_GET
def my_reports(request):
    """A focal point's organisation's reports, period by period, with what is due;
    the secretariat administrator first chooses the organisation."""
    user = request.user
    if not user_fills_in_reports(user):
        raise PermissionDenied(_("Only focal points and the secretariat administrator fill in reports."))
    if user_is_admin(user):
        organisations = organisations_reporting(user=user)
        code = request.GET.get("organisation", "")
        organisation = organisations.filter(code=code).first() if code else None
        if code and organisation is None:
            raise Http404
    else:
        organisations = None
        organisation = user.organisation
    overview = organisation_report_overview(user=user, organisation=organisation) if organisation else []
    return render(
        request,
        "indicators/quarterly_report/my_reports.html",
        {
            "nav": "reports",
            "organisation": organisation,
            "organisations": organisations,
            "overview": overview,
        },
    )


def report_target(org_code: str, plan_code: str, period_code: str, user):
    """The organisation and period named in the URL, or 404."""
    plan = plan_get_for_user_or_404(user, plan_code)
    organisation = get_object_or_404(Organisation, code=org_code)
    period = get_object_or_404(ReportingPeriod, plan=plan, code=period_code)
    period.plan = plan
    return organisation, period


@require_http_methods(["GET", "POST"])
def report_form(request, org_code: str, plan_code: str, period_code: str):
    """One organisation's report for one period: the form while it is a draft
    or returned, read-only once submitted or approved."""
    organisation, period = report_target(org_code, plan_code, period_code, request.user)
    can_edit = user_can_edit_report(request.user, organisation)
    report = (
        reports_for_user(request.user)
        .select_related("updated_by")
        .filter(organisation=organisation, period=period)
        .first()
    )
    if not can_edit:
        return report_for_reader(request, organisation, report)
    if report is None:
        return report_start(request, organisation, period)
    if report.state not in EDITABLE:
        return report_no_longer_editable(request, report)
    page = ReportFormPage(report)
    if request.method == "GET":
        return page.render(request, page.form())
    return report_form_post(request, page)


class ReportFormPage:
    """An editable report's expected lines and saved contents, read once per
    request: the form and the page around it both need them."""

    def __init__(self, report: QuarterlyReport):
        self.report = report
        self.indicators = report_expected_indicators(report)
        self.activities = report_expected_activities(report)
        self.contents = report_contents(report, indicator_ids=self.indicators)

    def form(self, data=None, files=None) -> ReportForm:
        return ReportForm(
            data,
            files,
            report=self.report,
            indicators=self.indicators,
            activities=self.activities,
            contents=self.contents,
        )

    def render(self, request, form: ReportForm, **options):
        return render_form(
            request, self.report, form, self.indicators, self.activities, self.contents, **options
        )


def report_for_reader(request, organisation: Organisation, report: QuarterlyReport | None):
    # A GET never creates a report; a reader sees only what reports_for_user allows.
    if report is None:
        raise Http404
    if request.method == "POST":
        raise PermissionDenied(_("You may not edit %(org)s's report.") % {"org": organisation.code})
    return render_read_only(request, report)


def report_no_longer_editable(request, report: QuarterlyReport):
    if request.method == "POST":
        messages.error(
            request,
            _("This report is %(state)s and can no longer be edited.")
            % {"state": report.get_state_display()},
        )
        return redirect(report_url(report))
    return render_read_only(request, report)


def report_form_post(request, page: ReportFormPage):
    """The "save" and "submit" buttons: both save the draft first.

    One pass finds every problem at once: what the form cannot read ("twelve"),
    what the rules refuse (validation.py) and, for a submission, what it still
    needs. Anything but the last stops the save, and nothing is written."""
    action = request.POST.get("action")
    if action not in ("save", "submit"):
        return redirect(report_url(page.report))
    # A mutable copy, so that the version can move on after a save.
    form = page.form(request.POST.copy(), request.FILES)
    form.is_valid()
    check = report_lines_check(
        report=page.report,
        indicators=page.indicators,
        activities=page.activities,
        indicator_lines=form.indicator_lines(),
        activity_lines=form.activity_lines(),
        submitting=action == "submit",
    )
    if form.errors or check.save:
        if check.errors:
            form.add_service_errors(ValidationError(check.errors))
        return page.render(request, form, status=422)
    refused = report_save_draft(request, page, form)
    if refused is not None:
        return refused
    if action == "save":
        messages.success(request, _("Your draft is saved. It is not submitted yet."))
        return redirect(report_url(page.report) + place_anchor(request.POST.get("place", "")))
    return report_submit_draft(request, page, form)


# The places of the form a save may return to: a line, a pillar, the early activities.
PLACE = re.compile(r"(indicator|activity|pillar)-\d+|early-activities")


def place_anchor(place: str) -> str:
    """``#indicator-12``: where the focal point was when they saved (set by
    report_form.js), so that the page opens there again; "" for anything else."""
    return f"#{place}" if PLACE.fullmatch(place) else ""


def report_save_draft(request, page: ReportFormPage, form: ReportForm):
    """Save the figures and attach the evidence files, all or nothing; the
    page to show instead when that was refused, else None."""
    report = page.report
    conflict = ""
    try:
        with transaction.atomic():
            report_save(
                actor=request.user,
                report=report,
                version=form.cleaned_data["version"],
                indicator_lines=form.indicator_lines(),
                activity_lines=form.activity_lines(),
            )
            report_attach_evidence(request, report, form)
    except ValidationError as error:
        form.add_service_errors(error)
    except ReportConflict as refusal:
        # The form keeps the version it was opened at: saving again is refused
        # again until the user reloads and sees the other person's changes.
        conflict = str(refusal)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect(report_url(report))
    if conflict or form.has_any_error():
        return page.render(request, form, conflict=conflict, status=422)
    return None


def report_attach_evidence(request, report: QuarterlyReport, form: ReportForm) -> None:
    for indicator, uploaded in form.evidence_uploads():
        evidence_attach(actor=request.user, report=report, indicator=indicator, uploaded_file=uploaded)


def report_submit_draft(request, page: ReportFormPage, form: ReportForm):
    report = page.report
    try:
        report_submit(actor=request.user, report=report)
    except ValidationError as error:
        # The draft was saved; the page now carries its new version.
        form.data["version"] = str(report.version)
        form.add_service_errors(error)
        page.contents = form.contents = report_contents(report, indicator_ids=page.indicators)
        return page.render(request, form, saved_not_submitted=True, status=422)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect(report_url(report))
    messages.success(request, _("Your report is submitted. The secretariat will review it."))
    return redirect(report_url(report))


def report_start(request, organisation: Organisation, period: ReportingPeriod):
    """A report not started yet: a page with a button that starts it (a POST,
    so that opening a link never creates a report)."""
    due = period_is_due(period)
    if request.method == "POST" and request.POST.get("action") == "start":
        if not due:
            messages.error(request, _("This quarter has not begun yet: its report cannot be started."))
        else:
            report = report_open(actor=request.user, organisation=organisation, period=period)
            messages.success(request, _("The report is started as a draft."))
            return redirect(report_url(report))
    return render(
        request,
        "indicators/quarterly_report/report_start.html",
        {"nav": "reports", "organisation": organisation, "period": period, "due": due},
    )


def render_form(
    request,
    report,
    form,
    indicators,
    activities,
    contents,
    *,
    conflict: str = "",
    saved_not_submitted: bool = False,
    status: int = 200,
):
    sections = report_sections(
        report=report, indicators=indicators, activities=activities, contents=contents, form=form
    )
    return render(
        request,
        "indicators/quarterly_report/report_form.html",
        {
            "nav": "reports",
            "report": report,
            "period": report.period,
            "organisation": report.organisation,
            "form": form,
            "sections": sections.pillars,
            "early": sections.early,
            "early_open": sections.early_open,
            "lines_left": report_lines_left(
                report, indicators=indicators, activities=activities, contents=contents
            ),
            "line_comments": list(contents.line_comments.values()),
            "error_summary": form.error_summary(),
            "conflict": conflict,
            "saved_not_submitted": saved_not_submitted,
            "events": report_events(report),
            "editable": True,
            "sees_workings": user_sees_report_workings(request.user, report.organisation_id),
            "has_lines": bool(indicators or activities),
        },
        status=status,
    )


def render_read_only(request, report: QuarterlyReport):
    indicators = report_expected_indicators(report)
    activities = report_expected_activities(report)
    contents = report_contents(report, indicator_ids=indicators)
    sections = report_sections(report=report, indicators=indicators, activities=activities, contents=contents)
    return render(
        request,
        "indicators/quarterly_report/report_form.html",
        {
            "nav": "reports",
            "report": report,
            "period": report.period,
            "organisation": report.organisation,
            "sections": sections.pillars,
            "early": sections.early,
            "early_open": True,
            "line_comments": list(contents.line_comments.values()),
            "events": report_events(report),
            "editable": False,
            "sees_workings": user_sees_report_workings(request.user, report.organisation_id),
            "can_edit": user_can_edit_report(request.user, report.organisation),
            "has_lines": bool(indicators or activities),
        },
    )


@require_GET
def evidence_download(request, pk: int):
    """An evidence file, to those who may open its report; 404 to anyone else.
    Sent as a download with the type recorded at upload, never rendered inline."""
    evidence = evidence_get_for_user_or_404(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_delete(request, pk: int):
    evidence = evidence_get_for_user_or_404(request.user, pk)
    report = evidence.report
    try:
        evidence_remove(actor=request.user, evidence=evidence)
    except TransitionNotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": evidence.original_name})
    return redirect(report_url(report))
