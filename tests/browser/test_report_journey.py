"""The main journey, in a real browser: a focal point fills in and submits the
quarterly report; a reviewer returns it with a comment; the focal point
corrects and resubmits; the reviewer approves; the plan's scores show it; the
next quarter's report must explain the gap before it is submitted."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Role
from reports.models import ScoreSnapshot
from tests.browser.conftest import sign_in, sign_out
from tests.conftest import PASSWORD
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan():
    ministry = OrganisationFactory(code="MOI", name="Ministry of Interior")
    secretariat = OrganisationFactory(code="NCCT-GS", name="NCCT General Secretariat", kind="SECRETARIAT")
    UserFactory(username="focal", role=Role.FOCAL_POINT, organisation=ministry)
    UserFactory(username="reviewer", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat)
    plan = PlanFactory(code="NSP", name="National Strategic Plan")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, pillar__code="P1", code="O1")
    trained = IndicatorFactory(
        objective=objective, code="I1", name="Officials trained", lead=ministry, targets=[100] * 5
    )
    activity = ActivityFactory(objective=objective, code="A1", name="Train provincial police", lead=ministry)
    return {"plan": plan, "trained": trained, "activity": activity}


def test_a_report_goes_from_focal_point_to_reviewer_and_back_and_is_approved(page, plan):
    trained, activity = plan["trained"], plan["activity"]
    value = f'input[name="indicator-{trained.pk}-value"]'

    # The focal point starts, fills in and submits the 2024-Q1 report.
    sign_in(page, "focal", PASSWORD)
    page.get_by_role("link", name="My reports").first.click()
    expect(page.get_by_role("heading", name="My reports")).to_be_visible()
    page.goto("/reports/MOI/NSP/2024-Q1/")
    page.get_by_role("button", name="Start report").click()
    page.fill(value, "25")
    page.select_option(f'select[name="activity-{activity.pk}-status"]', "IN_PROGRESS")
    page.fill(f'input[name="activity-{activity.pk}-percent_complete"]', "40")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    sign_out(page)

    # The reviewer returns it with a comment.
    sign_in(page, "reviewer", PASSWORD)
    page.goto("/review/")
    page.get_by_role("link", name=re.compile("Review MOI 2024-Q1")).click()
    page.fill('textarea[name="return-comment"]', "The training count looks doubled")
    page.get_by_role("button", name="Return to the organisation").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    sign_out(page)

    # The focal point sees why, corrects and resubmits.
    sign_in(page, "focal", PASSWORD)
    page.goto("/reports/")
    expect(page.get_by_text("The training count looks doubled")).to_be_visible()
    page.goto("/reports/MOI/NSP/2024-Q1/")
    page.fill(value, "12")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    sign_out(page)

    # The reviewer sees what changed and approves.
    sign_in(page, "reviewer", PASSWORD)
    page.goto("/review/")
    page.get_by_role("link", name=re.compile("Review MOI 2024-Q1")).click()
    expect(page.locator("li").filter(has_text=re.compile(r"was\s*25\D*now\s*12"))).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()

    # Approval recomputed the plan's scores (inline: no broker in tests).
    score = ScoreSnapshot.objects.get(node_type="indicator", code="I1", period__code="2024-Q1")
    # 12 of the 25 expected by the end of Q1 (100 a year): under 60 % of expected.
    assert (score.actual_value, score.status) == (12, "OFF_TRACK")
    page.goto("/dashboards/NSP/indicators/I1/?period=2024-Q1")
    expect(page.get_by_role("heading", name=re.compile("Officials trained"))).to_be_visible()
    sign_out(page)

    # Off track in Q1: the next report must explain the gap before it is submitted.
    sign_in(page, "focal", PASSWORD)
    page.goto("/reports/MOI/NSP/2024-Q2/")
    page.get_by_role("button", name="Start report").click()
    expect(page.get_by_text(re.compile("off track in 2024-Q1")).first).to_be_visible()
    page.fill(value, "30")
    page.select_option(f'select[name="activity-{activity.pk}-status"]', "IN_PROGRESS")
    page.fill(f'input[name="activity-{activity.pk}-percent_complete"]', "60")
    page.get_by_role("button", name="Submit", exact=True).click()
    reason = page.locator(f'textarea[name="indicator-{trained.pk}-gap_reason"]')
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("I1 was off track in 2024-Q1: say why it fell short.").first).to_be_visible()
    assert page.locator(value).input_value() == "30", "what was typed is kept"
    reason.fill("The police academy postponed the Q1 course.")
    page.fill(f'textarea[name="indicator-{trained.pk}-corrective_action"]', "Two courses are held in Q2.")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    expect(page.get_by_text("The police academy postponed the Q1 course.")).to_be_visible()
    assert page.console_errors == []
