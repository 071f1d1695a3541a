"""Nobody fills in, submits and approves the same report alone: the person who
submitted a report does not approve it (a plan setting, on by default)."""

import pytest
from django.core.exceptions import PermissionDenied

from indicators.models import ReportState
from indicators.quarterly_report.workflow import report_approve, reports_approve
from tests.factories import IndicatorFactory, ObjectiveFactory, PlanFactory, approved_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_by_admin(ministry, admin_user):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    indicator = IndicatorFactory(objective=objective, lead=ministry)
    report = approved_report(
        ministry, plan.periods.get(code="2024-Q1"), values={indicator: 5}, state="SUBMITTED"
    )
    report.submitted_by = admin_user
    report.save()
    return report


def test_the_submitter_may_not_approve_the_same_report(submitted_by_admin, admin_user):
    with pytest.raises(PermissionDenied, match="You submitted this report"):
        report_approve(actor=admin_user, report=submitted_by_admin)
    submitted_by_admin.refresh_from_db()
    assert submitted_by_admin.state == ReportState.SUBMITTED


def test_another_member_of_the_secretariat_approves_it(submitted_by_admin, reviewer):
    assert report_approve(actor=reviewer, report=submitted_by_admin).state == ReportState.APPROVED


def test_a_plan_may_let_the_submitter_approve(submitted_by_admin, admin_user):
    plan = submitted_by_admin.period.plan
    plan.approval_by_another = False
    plan.save()
    assert report_approve(actor=admin_user, report=submitted_by_admin).state == ReportState.APPROVED


def test_bulk_approval_skips_what_the_reviewer_submitted_and_says_why(submitted_by_admin, admin_user):
    approved, skipped = reports_approve(actor=admin_user, reports=[submitted_by_admin])
    assert approved == [] and "You submitted this report" in skipped[0][1]


def test_the_review_page_says_why_the_approve_button_is_missing(client, submitted_by_admin, admin_user):
    client.force_login(admin_user)
    content = client.get(f"/review/reports/{submitted_by_admin.pk}/").content.decode()
    assert "You submitted this report: another member of the secretariat approves it" in content
    assert 'name="action" value="approve"' not in content
    response = client.post(f"/review/reports/{submitted_by_admin.pk}/", {"action": "approve"})
    assert response.status_code == 403
    submitted_by_admin.refresh_from_db()
    assert submitted_by_admin.state == ReportState.SUBMITTED


def test_the_api_refuses_the_submitters_approval_with_the_reason(client, submitted_by_admin, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/api/v1/reports/{submitted_by_admin.pk}/approve/", {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "You submitted this report" in response.json()["detail"]
