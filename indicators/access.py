"""Who may see which quarterly reports, evidence files, import jobs and review comments.

Every page, API view, import and selector reads reports and evidence through
these (the dashboards too); the roles themselves are in plans/access.py.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from indicators.models import (
    Evidence,
    ImportJob,
    QuarterlyReport,
    ReportState,
)
from plans.access import user_fills_in_reports, user_is_secretariat
from plans.models import Role


def reports_for_user(user) -> QuerySet[QuarterlyReport]:
    """The quarterly reports a user may open. The secretariat sees all; a focal
    point sees only their own organisation's; partners see approved reports of
    published periods only (another organisation's unapproved figures, and an
    open quarter's, are never shown)."""
    reports = QuarterlyReport.objects.select_related("organisation", "period", "period__plan")
    if not (user.is_authenticated and user.is_active):
        return reports.none()
    if user_is_secretariat(user):
        return reports
    if user.role == Role.FOCAL_POINT:
        return reports.filter(organisation_id=user.organisation_id)
    # Partners: what the secretariat has approved and published (docs/publication.md).
    return reports.filter(state=ReportState.APPROVED, period__published_at__isnull=False)


def evidence_for_user(user) -> QuerySet[Evidence]:
    """Evidence files a user may download: the secretariat's, and an
    organisation's own. Partners never: a training register or a court list may
    name survivors, and partners get aggregate figures only."""
    if not (user.is_authenticated and user.is_active) or (
        user.role == Role.PARTNER and not user.is_superuser
    ):
        return Evidence.objects.none()
    return Evidence.objects.filter(report__in=reports_for_user(user)).select_related(
        "report__organisation", "report__period__plan"
    )


def import_jobs_for_user(user) -> QuerySet[ImportJob]:
    """The import jobs a user may open: their own uploads (only those who
    fill in reports upload)."""
    if not user_fills_in_reports(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user)


def report_get_for_user_or_404(
    user, pk: int, reports: QuerySet[QuarterlyReport] | None = None
) -> QuarterlyReport:
    """The report with this id if the user may open it, else 404 (a report one
    may not see is not revealed to exist). ``reports`` narrows or extends the
    read (select_related, prefetch) of reports_for_user(user)."""
    reports = reports_for_user(user) if reports is None else reports
    try:
        return reports.get(pk=pk)
    except QuarterlyReport.DoesNotExist:
        raise Http404 from None


def evidence_get_for_user_or_404(user, pk: int) -> Evidence:
    """The evidence file with this id if the user may download it, else 404."""
    try:
        return evidence_for_user(user).get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None


def review_comments_audience(user) -> str:
    """Whose reports' workings a user sees (user_sees_report_workings), as a key
    for pages kept in the cache: everyone's (the secretariat) or one organisation's."""
    if user_is_secretariat(user):
        return "secretariat"
    return f"organisation-{user.organisation_id if user.is_authenticated else None}"


def user_sees_report_workings(user, organisation_id: int) -> bool:
    """How a report was made: who submitted, returned and approved it, the
    secretariat's comments, the evidence files and their names. For the
    secretariat and the organisation's own people only. Partners see the
    approved figures and when each step happened, never who took it: a
    comment may quote figures that were never approved, and a file name or a
    person's name can point to a survivor."""
    return user_is_secretariat(user) or bool(
        user.is_authenticated and user.organisation_id and user.organisation_id == organisation_id
    )


def report_step_by(
    user,
    *,
    report_organisation_id: int,
    username: str | None,
    role: str | None,
    organisation_code: str | None,
    is_superuser: bool = False,
) -> str:
    """Who took a step of a report (submitted or approved it), as this user may
    read it, in an export or any list of steps: the username for those who see
    the report's workings (user_sees_report_workings: the secretariat, the
    organisation's own people); for everyone else the organisation and role
    instead of a person ("MOSVY focal point", "NCCT secretariat"), since a
    person's name can point to a survivor (docs/roles.md). "" when nobody
    took the step."""
    if not username:
        return ""
    if user_sees_report_workings(user, report_organisation_id):
        return username
    if is_superuser or role in (Role.SECRETARIAT_ADMIN, Role.SECRETARIAT_REVIEWER):
        label = _("%(organisation)s secretariat")
    elif role == Role.FOCAL_POINT:
        label = _("%(organisation)s focal point")
    else:
        label = _("%(organisation)s staff")
    return (label % {"organisation": organisation_code or "NCCT"}).strip()


def approval_refusal(user, report: QuarterlyReport) -> str:
    """Why this user may not approve this report although they review ("" when
    they may): where the plan asks for it (Plan.approval_by_another), the
    person who submitted a report does not approve it too."""
    if report.period.plan.approval_by_another and report.submitted_by_id == user.pk:
        return _(
            "You submitted this report: another member of the secretariat approves it "
            "(a setting of the plan)."
        )
    return ""
