"""A return with a comment on one line, in a real browser: the reviewer
comments on a figure and returns the report; the focal point sees the comment
at that field, corrects it and resubmits; the reviewer sees exactly that
change, and their comment beside it."""

import re

import pytest
from playwright.sync_api import expect

from indicators.models import LineComment
from indicators.quarterly_report.services import ActivityLine, IndicatorLine, report_open, report_save
from indicators.quarterly_report.workflow import report_submit
from plans.models import Role
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
def submitted():
    """MOI's 2024-Q1 report, submitted: two figures and an activity."""
    ministry = OrganisationFactory(code="MOI", name="Ministry of Interior")
    secretariat = OrganisationFactory(code="NCCT-GS", name="NCCT General Secretariat", kind="SECRETARIAT")
    focal = UserFactory(username="focal", role=Role.FOCAL_POINT, organisation=ministry)
    UserFactory(username="reviewer", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat)
    plan = PlanFactory(code="NSP", name="National Strategic Plan")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, pillar__code="P1", code="O1")
    trained = IndicatorFactory(
        objective=objective, code="I1", name="Officials trained", lead=ministry, targets=[100] * 5
    )
    shelters = IndicatorFactory(
        objective=objective, code="I2", name="Shelters inspected", lead=ministry, targets=[8] * 5
    )
    activity = ActivityFactory(objective=objective, code="A1", name="Train provincial police", lead=ministry)
    report = report_open(actor=focal, organisation=ministry, period=plan.periods.get(code="2024-Q1"))
    report_save(
        actor=focal,
        report=report,
        version=report.version,
        indicator_lines=[IndicatorLine(trained.pk, value=50), IndicatorLine(shelters.pk, value=2)],
        activity_lines=[ActivityLine(activity.pk, status="IN_PROGRESS", percent_complete=40)],
    )
    report_submit(actor=focal, report=report)
    return {"report": report, "trained": trained, "shelters": shelters}


def test_a_line_comment_reaches_its_field_and_the_reviewer_sees_exactly_the_fix(page, submitted):
    report, trained = submitted["report"], submitted["trained"]
    comment = "The training register shows 25, not 50"

    # The reviewer comments on I1 and returns the report.
    sign_in(page, "reviewer", PASSWORD)
    page.goto(f"/review/reports/{report.pk}/")
    row = page.locator(f"#indicator-{trained.pk}")
    row.get_by_text("Comment on this line").click()
    row.locator("textarea").fill(comment)
    page.fill('textarea[name="return-comment"]', "One figure to correct, see the comment at I1")
    page.get_by_role("button", name="Return to the organisation").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert LineComment.objects.get(report=report).indicator_id == trained.pk
    sign_out(page)

    # The focal point sees the comment at that figure, corrects it and resubmits.
    sign_in(page, "focal", PASSWORD)
    page.goto("/reports/MOI/NSP/2024-Q1/")
    card = page.locator(f"#indicator-{trained.pk}")
    expect(card.get_by_text(comment)).to_be_visible()
    expect(page.get_by_role("link", name="I1")).to_be_visible()  # the notice at the top links to it
    expect(page.locator(f"#indicator-{submitted['shelters'].pk}").get_by_text(comment)).to_have_count(0)
    card.locator(f'input[name="indicator-{trained.pk}-value"]').fill("25")
    card.locator(f'textarea[name="indicator-{trained.pk}-note"]').fill("Corrected from the register")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Your report is submitted").first).to_be_visible()
    sign_out(page)

    # The reviewer sees that change and nothing else, beside their comment.
    sign_in(page, "reviewer", PASSWORD)
    page.goto(f"/review/reports/{report.pk}/")
    expect(page.get_by_text("0 added, 1 changed, 0 removed.")).to_be_visible()
    row = page.locator(f"#indicator-{trained.pk}")
    expect(row.get_by_text("changed", exact=True)).to_be_visible()
    expect(row.locator("li").filter(has_text=re.compile(r"value:\s*was\s*50\D*now\s*25"))).to_be_visible()
    expect(
        row.locator("li").filter(has_text=re.compile(r"note:[\s\S]*now\s*Corrected from the register"))
    ).to_be_visible()
    expect(row.get_by_text(comment)).to_be_visible()
    expect(row.get_by_text(re.compile("Last written by focal"))).to_be_visible()
    expect(page.locator(f"#indicator-{submitted['shelters'].pk}").get_by_text("unchanged")).to_be_visible()
    assert page.console_errors == []
