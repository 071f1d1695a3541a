"""Reads of indicators and the plan tree, shaped for pages and the API."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    Dimension,
    Frequency,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportState,
    Target,
)
from plans.access import user_is_secretariat
from plans.models import Plan, Role
from strategies.models import Activity, Objective, Pillar


@dataclass
class ObjectiveNode:
    objective: Objective
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


@dataclass
class PillarNode:
    pillar: Pillar
    objectives: list[ObjectiveNode] = field(default_factory=list)


def plan_tree(*, plan: Plan) -> list[PillarNode]:
    """The plan's pillars → objectives → indicators and activities, in order,
    in a fixed number of queries whatever the plan's size."""
    pillars = {p.pk: PillarNode(p) for p in plan.pillars.all()}
    objectives = {}
    for objective in plan.objectives.all():
        node = ObjectiveNode(objective)
        objectives[objective.pk] = node
        pillars[objective.pillar_id].objectives.append(node)
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            "contributors",
            "disaggregation",
        )
    )
    for indicator in indicators:
        objectives[indicator.objective_id].indicators.append(indicator)
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("lead", "start_period", "end_period")
        .prefetch_related("supporting")
    )
    for activity in activities:
        objectives[activity.objective_id].activities.append(activity)
    return list(pillars.values())


# --- The quarterly report -------------------------------------------------------


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


def report_expected_indicators(report: QuarterlyReport) -> dict[int, Indicator]:
    """The indicators the organisation reports for the period: those it leads,
    and the SUM indicators it contributes to; ANNUAL ones in Q4 only."""
    period = report.period
    indicators = (
        Indicator.objects.filter(plan_id=period.plan_id)
        .filter(
            Q(lead_id=report.organisation_id)
            | Q(contributors=report.organisation_id, aggregation=Aggregation.SUM)
        )
        .select_related("objective__pillar")
        .prefetch_related(
            Prefetch("disaggregation", queryset=Dimension.objects.prefetch_related("categories"))
        )
        .distinct()
        .order_by(
            "objective__pillar__position",
            "objective__pillar__code",
            "objective__position",
            "objective__code",
            "position",
            "code",
        )
    )
    if period.quarter != 4:
        indicators = indicators.exclude(frequency=Frequency.ANNUAL)
    return {indicator.pk: indicator for indicator in indicators}


def report_expected_activities(report: QuarterlyReport) -> dict[int, Activity]:
    """The activities the organisation leads that are due: started by this
    period, and not completed or cancelled in an earlier approved update."""
    period = report.period
    finished = ActivityUpdate.objects.filter(
        report__state=ReportState.APPROVED,
        report__period__plan_id=period.plan_id,
        report__period__index__lt=period.index,
        status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED],
    ).values("activity_id")
    activities = (
        Activity.objects.filter(
            plan_id=period.plan_id, lead_id=report.organisation_id, start_period__index__lte=period.index
        )
        .exclude(pk__in=finished)
        .select_related("objective__pillar", "start_period", "end_period")
        .order_by(
            "objective__pillar__position",
            "objective__pillar__code",
            "objective__position",
            "objective__code",
            "position",
            "code",
        )
    )
    return {activity.pk: activity for activity in activities}


def previous_approved_values(report: QuarterlyReport) -> dict[int, Decimal]:
    """The organisation's latest approved value of each indicator before this period."""
    rows = (
        IndicatorValue.objects.filter(
            report__organisation_id=report.organisation_id,
            report__state=ReportState.APPROVED,
            report__period__plan_id=report.period.plan_id,
            report__period__index__lt=report.period.index,
        )
        .order_by("indicator_id", "report__period__index")
        .values_list("indicator_id", "value")
    )
    # Ordered by period: the last one written for an indicator is its latest.
    return dict(rows)
