"""What each organisation owes in a quarterly report: the indicators it leads
or contributes to, the activities it leads, and who owes a report at all.
"""

from collections import defaultdict

from django.db.models import Prefetch, Q, QuerySet

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    Dimension,
    Frequency,
    Indicator,
    QuarterlyReport,
    ReportState,
)
from indicators.plan_tree import PLAN_ORDER
from plans.models import Plan, ReportingPeriod
from strategies.models import Activity


def report_indicators(report: QuarterlyReport) -> QuerySet[Indicator]:
    """The indicators the organisation reports for the period: those it leads,
    and the SUM indicators it contributes to; ANNUAL ones in Q4 only."""
    period = report.period
    indicators = Indicator.objects.filter(plan_id=period.plan_id).filter(
        Q(lead_id=report.organisation_id)
        | Q(contributors=report.organisation_id, aggregation=Aggregation.SUM)
    )
    if period.quarter != 4:
        indicators = indicators.exclude(frequency=Frequency.ANNUAL)
    return indicators


def report_expected_indicators(report: QuarterlyReport) -> dict[int, Indicator]:
    """report_indicators() in the plan's order, with what the form needs."""
    indicators = (
        report_indicators(report)
        .select_related("objective__pillar")
        .prefetch_related(
            Prefetch("disaggregation", queryset=Dimension.objects.prefetch_related("categories"))
        )
        .distinct()
        .order_by(*PLAN_ORDER)
    )
    return {indicator.pk: indicator for indicator in indicators}


def report_expected_activities(report: QuarterlyReport) -> dict[int, Activity]:
    """The activities the organisation leads that are not finished (completed or
    cancelled in an earlier approved update), in the plan's order: those due by
    this period (activity_is_due) and those not yet due, which may be reported
    early when their work began before the planned start (docs/reporting.md)."""
    period = report.period
    finished = ActivityUpdate.objects.filter(
        report__state=ReportState.APPROVED,
        report__period__plan_id=period.plan_id,
        report__period__index__lt=period.index,
        status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED],
    ).values("activity_id")
    activities = (
        Activity.objects.filter(plan_id=period.plan_id, lead_id=report.organisation_id)
        .exclude(pk__in=finished)
        .select_related("objective__pillar", "start_period", "end_period")
        .order_by(*PLAN_ORDER)
    )
    return {activity.pk: activity for activity in activities}


def activity_is_due(activity: Activity, period: ReportingPeriod) -> bool:
    """Due (its update needed to submit) from its planned start on; before
    that an update is welcome but optional. The same start as the scoring rule's."""
    return activity.start_period.index <= period.index


def activities_finished_at(plan_id: int, also: dict[int, int] | None = None) -> dict[int, int]:
    """Each activity of the plan an approved update completed or cancelled:
    the index of the first quarter that did (with ``also``, more of the same,
    the earlier of the two kept). One query."""
    finished_at = dict(also or {})
    finished = ActivityUpdate.objects.filter(
        report__state=ReportState.APPROVED,
        report__period__plan_id=plan_id,
        status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED],
    ).values_list("activity_id", "report__period__index")
    for activity_id, index in finished:
        finished_at[activity_id] = min(index, finished_at.get(activity_id, index))
    return finished_at


def plan_expected_reporters(plan: Plan, periods: list[ReportingPeriod]) -> dict[int, set[int]]:
    """Which organisations owe a report for which periods: organisation id → period ids.

    The same rule as the report form (report_expected_indicators,
    report_expected_activities) applied to the whole plan at once: an organisation
    that leads or contributes to (SUM) a quarterly indicator reports every quarter;
    to an ANNUAL one, in Q4; the lead of an activity, from its planned start until
    the quarter it was reported completed or cancelled. Four queries.
    """
    quarterly, annual = set(), set()
    for lead_id, frequency in Indicator.objects.filter(plan=plan).values_list("lead_id", "frequency"):
        (annual if frequency == Frequency.ANNUAL else quarterly).add(lead_id)
    contributions = Indicator.contributors.through.objects.filter(
        indicator__plan=plan, indicator__aggregation=Aggregation.SUM
    ).values_list("organisation_id", "indicator__frequency")
    for organisation_id, frequency in contributions:
        (annual if frequency == Frequency.ANNUAL else quarterly).add(organisation_id)
    finished_at = activities_finished_at(plan.pk)
    activities = Activity.objects.filter(plan=plan).values_list("pk", "lead_id", "start_period__index")

    expected: dict[int, set[int]] = defaultdict(set)
    for organisation_id in quarterly:
        expected[organisation_id].update(p.pk for p in periods)
    for organisation_id in annual:
        expected[organisation_id].update(p.pk for p in periods if p.quarter == 4)
    for activity_id, lead_id, start in activities:
        end = finished_at.get(activity_id)
        expected[lead_id].update(
            p.pk for p in periods if p.index >= start and (end is None or p.index <= end)
        )
    return expected


class PlanExpectations:
    """report_expected_indicators and report_expected_activities for many
    reports of one plan, read once (a values file fills hundreds of reports:
    asking the database twice per report cost more than writing them).

    The same rule, applied in Python to the plan's indicators and activities;
    tests/indicators/quarterly_report/test_expected.py checks that both give
    the same answer for every organisation and quarter of the demo plan.
    ``finishing`` adds activities that figures about to be stored as approved
    complete or cancel, by the index of their quarter: they are finished for
    the quarters after it, as if those figures were already stored.
    """

    def __init__(self, plan_id: int, finishing: dict[int, int] | None = None):
        self.indicators = list(
            Indicator.objects.filter(plan_id=plan_id)
            .select_related("objective__pillar")
            .prefetch_related(
                Prefetch("disaggregation", queryset=Dimension.objects.prefetch_related("categories"))
            )
            .order_by(*PLAN_ORDER)
        )
        self.contributors: dict[int, set[int]] = defaultdict(set)
        for indicator_id, organisation_id in Indicator.contributors.through.objects.filter(
            indicator__plan_id=plan_id
        ).values_list("indicator_id", "organisation_id"):
            self.contributors[indicator_id].add(organisation_id)
        self.activities = list(
            Activity.objects.filter(plan_id=plan_id)
            .select_related("objective__pillar", "start_period", "end_period")
            .order_by(*PLAN_ORDER)
        )
        self.finished_from = activities_finished_at(plan_id, also=finishing)

    def indicators_for(self, organisation_id: int, period: ReportingPeriod) -> dict[int, Indicator]:
        """report_indicators(): led, or contributed to (SUM); ANNUAL ones in Q4 only."""
        return {
            indicator.pk: indicator
            for indicator in self.indicators
            if (period.quarter == 4 or indicator.frequency != Frequency.ANNUAL)
            and (
                indicator.lead_id == organisation_id
                or (
                    indicator.aggregation == Aggregation.SUM
                    and organisation_id in self.contributors[indicator.pk]
                )
            )
        }

    def activities_for(self, organisation_id: int, period: ReportingPeriod) -> dict[int, Activity]:
        """report_expected_activities(): led, and not finished in an earlier quarter."""
        return {
            activity.pk: activity
            for activity in self.activities
            if activity.lead_id == organisation_id
            and self.finished_from.get(activity.pk, period.index) >= period.index
        }
