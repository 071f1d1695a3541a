"""A plan for the read API's tests: two pillars, indicators led and
contributed to, a disaggregated count of people, and figures in every state
that matters: approved in a published quarter, approved in an open one, and
not approved (a submitted report) in the published quarter."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import Category, DisaggregatedValue, IndicatorValue, TargetRevision
from tests.factories import (
    ActivityFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
    approved_report,
    publish_through,
)

# Figures nobody but the secretariat and focal points may read through the
# values API (the open quarter's), or nobody at all (not approved).
OPEN_FIGURE = 777001
UNAPPROVED_FIGURE = 777002


@dataclass
class ReadPlan:
    plan: object
    published: object  # the newest published period
    open: object  # begun, approved figures, not published
    trained: object  # I1: a SUM indicator led by the ministry, the other ministry contributes
    victims: object  # I2: counts people, by sex
    policy: object  # I3: in the second pillar
    activity: object


def plan_build(ministry, other_ministry, *, code="NSP", extra_indicators=0) -> ReadPlan:
    today = timezone.localdate()
    plan = PlanFactory(
        code=code,
        name="National plan",
        name_km="ផែនការជាតិ",
        start_year=today.year - 2,
        end_year=today.year + 2,
    )
    p1 = PillarFactory(plan=plan, code="P1", name="Prevention", name_km="ការបង្ការ", position=1)
    p2 = PillarFactory(plan=plan, code="P2", name="Protection", position=2, weight=Decimal(2))
    o1 = ObjectiveFactory(plan=plan, pillar=p1, code="O1.1", name="Awareness", position=1)
    o2 = ObjectiveFactory(plan=plan, pillar=p2, code="O2.1", name="Shelters", position=1)
    trained = IndicatorFactory(
        plan=plan, objective=o1, code="I1", name="Officials trained", lead=ministry, targets=[100] * 5
    )
    trained.contributors.add(other_ministry)
    sex = DimensionFactory(code="sex", name="Sex")
    for position, category in enumerate(("F", "M"), start=1):
        Category.objects.get_or_create(dimension=sex, code=category, defaults={"position": position})
    victims = IndicatorFactory(
        plan=plan, objective=o2, code="I2", name="Victims referred", lead=ministry, counts_people=True,
        unit="people", targets=[50] * 5,
    )  # fmt: skip
    victims.disaggregation.add(sex)
    policy = IndicatorFactory(plan=plan, objective=o2, code="I3", lead=other_ministry, targets=[1] * 5)
    for n in range(extra_indicators):
        IndicatorFactory(
            plan=plan, objective=o1, code=f"X{n}", lead=ministry, targets=[10] * 5
        ).contributors.add(other_ministry)
    activity = ActivityFactory(plan=plan, objective=o1, code="A1.1", lead=ministry)
    activity.supporting.add(other_ministry)
    TargetRevision.objects.create(
        target=trained.targets.get(year=today.year),
        value=Decimal(80),
        review="Mid-term review",
        rationale="x",
    )

    current = plan.periods.get(start__lte=today, end__gte=today)
    published = plan.periods.get(index=current.index - 2)
    open_period = plan.periods.get(index=current.index - 1)
    publish_through(plan, published.code)

    report = approved_report(ministry, published, values={trained: 120, victims: 43})
    report.indicator_values.filter(indicator=trained).update(note="from the training register")
    victims_value = IndicatorValue.objects.get(report=report, indicator=victims)
    DisaggregatedValue.objects.create(indicator_value=victims_value, cell="sex=F", value=3)
    DisaggregatedValue.objects.create(indicator_value=victims_value, cell="sex=M", value=40)
    approved_report(other_ministry, published, values={trained: 30})
    approved_report(ministry, open_period, values={trained: OPEN_FIGURE})
    # Submitted, not approved: in no answer of the values API.
    approved_report(
        OrganisationFactory(code="MOSVY"), published, values={trained: UNAPPROVED_FIGURE}, state="SUBMITTED"
    )
    return ReadPlan(plan, published, open_period, trained, victims, policy, activity)


@pytest.fixture
def read_plan(ministry, other_ministry) -> ReadPlan:
    return plan_build(ministry, other_ministry)
