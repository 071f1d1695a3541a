"""Who may see which quarterly reports and evidence files.

Every page, API view, import and selector of the indicators app reads reports
and evidence through these; the role rules themselves are in plans/access.py.
"""

from django.db.models import QuerySet

from indicators.models import (
    Evidence,
    QuarterlyReport,
    ReportState,
)
from plans.access import user_is_secretariat
from plans.models import Role


def reports_for_user(user) -> QuerySet[QuarterlyReport]:
    """The quarterly reports a user may open. The secretariat sees all; a focal
    point sees only their own organisation's; partners see approved reports only
    (another organisation's unapproved figures are never shown)."""
    reports = QuarterlyReport.objects.select_related("organisation", "period", "period__plan")
    if not (user.is_authenticated and user.is_active):
        return reports.none()
    if user_is_secretariat(user):
        return reports
    if user.role == Role.FOCAL_POINT:
        return reports.filter(organisation_id=user.organisation_id)
    return reports.filter(state=ReportState.APPROVED)


def evidence_for_user(user) -> QuerySet[Evidence]:
    """Evidence files a user may download: the secretariat's, and an
    organisation's own. Partners never: a training register or a court list may
    name survivors, and partners get aggregate figures only."""
    if not (user.is_authenticated and user.is_active) or (
        user.role == Role.PARTNER and not user.is_superuser
    ):
        return Evidence.objects.none()
    return Evidence.objects.filter(report__in=reports_for_user(user)).select_related("report")
