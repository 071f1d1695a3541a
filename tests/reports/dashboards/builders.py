"""Building plans for the dashboard tests, and signing in as a role."""

from indicators.models import Category, DisaggregatedValue, ReportEvent
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    ActivityFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    approved_report,
    publish_through,
)

ROLES = ["admin_user", "reviewer", "focal_point", "partner"]


PAGES = [
    "/dashboards/",
    "/dashboards/NSP/",
    "/dashboards/NSP/pillars/P1/",
    "/dashboards/NSP/objectives/O1.1/",
    "/dashboards/NSP/indicators/I1.1.1/",
    "/dashboards/NSP/organisations/MOI/",
    "/dashboards/NSP/justice-chain/",
]


AS_OF = "?period=2024-Q4"


def build_plan(
    code: str,
    *,
    pillars: int,
    ministry,
    other_ministry,
    is_public=False,
    behind=False,
    published_through="2024-Q4",
):
    """A plan of ``pillars`` pillars, each with two objectives of two indicators
    and an activity, and a year of approved figures from both ministries: on
    track, or with ``behind`` every second indicator off track. The year is
    published (``published_through``; None leaves every period open)."""
    plan = PlanFactory(code=code, is_public=is_public)
    periods = {p.code: p for p in plan.periods.all()}
    sex = DimensionFactory(code="sex", name="Sex")
    female, _ = Category.objects.get_or_create(
        dimension=sex, code="F", defaults={"name": "Female", "position": 1}
    )
    Category.objects.get_or_create(dimension=sex, code="M", defaults={"name": "Male", "position": 2})
    values = {ministry: {}, other_ministry: {}}
    updates = {}
    for p in range(1, pillars + 1):
        pillar = PillarFactory(plan=plan, code=f"P{p}", position=p)
        for o in (1, 2):
            objective = ObjectiveFactory(plan=plan, pillar=pillar, code=f"O{p}.{o}", position=o)
            for i in (1, 2):
                indicator = IndicatorFactory(
                    objective=objective, code=f"I{p}.{o}.{i}", lead=ministry, targets=[100] * 5, unit="people"
                )
                indicator.contributors.add(other_ministry)
                indicator.disaggregation.add(sex)
                values[ministry][indicator] = 5 if behind and i == 2 else 20
                values[other_ministry][indicator] = 5
            activity = ActivityFactory(
                objective=objective, code=f"A{p}.{o}", lead=ministry, end_period=periods["2028-Q4"]
            )
            updates[activity] = ("IN_PROGRESS", 50)
    for quarter in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        report = approved_report(ministry, periods[quarter], values=values[ministry], updates=updates)
        approved_report(other_ministry, periods[quarter], values=values[other_ministry])
        for value in report.indicator_values.all():
            DisaggregatedValue.objects.create(
                indicator_value=value, cell=f"sex={female.code}", value=value.value
            )
        ReportEvent.objects.create(report=report, from_state="DRAFT", to_state="SUBMITTED")
        ReportEvent.objects.create(report=report, from_state="SUBMITTED", to_state="APPROVED")
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    if published_through:
        publish_through(plan, published_through)
    return plan


def sign_in(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client
