"""A split figure's cells in the dimension's own order (Category.position),
wherever a report's figures are shown: the report form, the review page and
its comparison, the indicator's dashboard."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.quarterly_report.services import IndicatorLine, report_open, report_save
from indicators.quarterly_report.workflow import report_approve, report_return, report_submit
from indicators.review.changes import report_changes_since_last_version
from reports.dashboards.indicator import indicator_dashboard
from tests.factories import CategoryFactory, DimensionFactory, IndicatorFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db

# In the dimension's order; alphabetically (by code or by name) it would be
# "15–17, 18 and over, Under 15".
AGES = [("U15", "Under 15"), ("15_17", "15–17"), ("18P", "18 and over")]


@pytest.fixture
def victims(ministry):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    age = DimensionFactory(code="age_group", name="Age group")
    for position, (code, name) in enumerate(AGES, start=1):
        CategoryFactory(dimension=age, code=code, name=name, position=position)
    indicator = IndicatorFactory(objective=objective, code="VICTIMS", lead=ministry, targets=[100] * 5)
    indicator.disaggregation.add(age)
    return indicator


def cells(**numbers) -> dict[str, Decimal]:
    return {f"age_group={code}": Decimal(n) for code, n in numbers.items()}


def save(report, user, indicator, numbers: dict) -> None:
    report_save(
        actor=user,
        report=report,
        version=report.version,
        indicator_lines=[IndicatorLine(indicator.pk, cells=numbers)],
        activity_lines=[],
    )


def test_the_cells_follow_the_dimensions_order_on_the_form_the_review_and_the_dashboard(
    victims, ministry, focal_point, reviewer
):
    period = victims.plan.periods.get(code="2024-Q2")
    report = report_open(actor=focal_point, organisation=ministry, period=period)
    names = [name for _code, name in AGES]

    focal = Client()
    focal.force_login(focal_point)
    form = focal.get(reverse("quarterly_report:report_form", args=["MOI", "NSP", "2024-Q2"])).context[
        "sections"
    ]
    [block] = form[0].objectives[0].indicators
    assert block.grid.column_labels == names

    save(report, focal_point, victims, cells(**{"U15": 3, "15_17": 2, "18P": 5}))
    report_submit(actor=focal_point, report=report)
    report_return(actor=reviewer, report=report, comment="Check the ages")
    save(report, focal_point, victims, cells(**{"U15": 4, "15_17": 1, "18P": 6}))
    report_submit(actor=focal_point, report=report)

    secretariat = Client()
    secretariat.force_login(reviewer)
    review = secretariat.get(reverse("review:review_report", args=[report.pk])).context["review"]
    [line] = review.pillars[0].objectives[0].indicators
    assert [label for label, _n in line.cells] == [f"Age group: {name}" for name in names]
    change = report_changes_since_last_version(report).indicators[victims.pk]
    assert [str(f.label) for f in change.fields] == ["value", *(f"Age group: {name}" for name in names)]

    report_approve(actor=reviewer, report=report)
    page = indicator_dashboard(plan=victims.plan, code="VICTIMS", period=period, user=reviewer)
    [breakdown] = page.by_category
    assert [(c.name, c.value) for c in breakdown.categories] == [
        ("Under 15", 4.0),
        ("15–17", 1.0),
        ("18 and over", 6.0),
    ]
