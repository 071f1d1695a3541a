"""Reads for the quarterly report's pages and API: "My reports", what a
report holds, the previous approved figures and the gaps to explain."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.access import reports_for_user
from indicators.models import (
    ActivityUpdate,
    Aggregation,
    DisaggregatedValue,
    Evidence,
    Indicator,
    IndicatorValue,
    LineComment,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
)
from indicators.quarterly_report.expected import activity_is_due, report_indicators
from plans.access import plans_for_user
from plans.models import Organisation, Plan, ReportingPeriod
from strategies.models import Activity


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


# "Explain the gap": the stored statuses (reports.models.Status) that call for a
# reason and a corrective action in the next report, as said in a sentence.
GAP_STATUSES = {"AT_RISK": _("at risk"), "OFF_TRACK": _("off track")}


@dataclass(frozen=True)
class GapToExplain:
    """An indicator's status in the period before the report's, which its lead
    must explain in this report."""

    status: str  # a key of GAP_STATUSES
    period_code: str  # the previous period, e.g. "2026-Q2"

    @property
    def status_words(self) -> str:
        return str(GAP_STATUSES[self.status])


def indicators_to_explain(report: QuarterlyReport) -> dict[int, GapToExplain]:
    """The indicators of the report that its organisation leads and whose
    stored score at the plan's previous period is AT_RISK or OFF_TRACK, by id.
    Contributors explain nothing: the dashboards show the lead's reason. None
    in a plan's first period, or before the scores are computed. One query."""
    period = report.period
    if period.index <= 1:
        return {}
    # Scores live in the reports app, above this one (plans ← strategies ←
    # indicators ← reports): read them here, at call time, rather than make the
    # indicators app import reports when it loads. Only this read crosses up.
    from reports.models import NodeType, ScoreSnapshot

    rows = ScoreSnapshot.objects.filter(
        plan_id=period.plan_id,
        period__index=period.index - 1,
        node_type=NodeType.INDICATOR,
        status__in=list(GAP_STATUSES),
        node_id__in=report_indicators(report).filter(lead_id=report.organisation_id).values("pk"),
    ).values_list("node_id", "status", "period__code")
    return {node_id: GapToExplain(status, code) for node_id, status, code in rows}


class NextStep:
    """What an organisation has to do next about one period's report."""

    START = "start"  # due, and not started
    CONTINUE = "continue"  # a draft to finish and submit
    CORRECT = "correct"  # returned by the secretariat: correct and submit again
    AWAIT_REVIEW = "await_review"  # submitted; the secretariat reviews it
    DONE = "done"  # approved


@dataclass
class ReportRow:
    """One period of the "My reports" page: its report, if started, and what is due."""

    period: ReportingPeriod
    report: QuarterlyReport | None
    is_late: bool
    next_step: str


@dataclass
class PlanReports:
    plan: Plan
    rows: list[ReportRow] = field(default_factory=list)


def period_is_due(period: ReportingPeriod, *, today: datetime.date | None = None) -> bool:
    """A period can be reported on from its first day: the current quarter and the past ones."""
    return period.has_begun(today or timezone.localdate())


def organisations_reporting(*, user) -> QuerySet[Organisation]:
    """Organisations that have something to report in some plan the user can see:
    they lead or contribute to an indicator, or lead an activity. For the
    secretariat administrator's "report on behalf of" chooser."""
    plans = plans_for_user(user)
    return Organisation.objects.filter(
        Q(Exists(Indicator.objects.filter(plan__in=plans, lead=OuterRef("pk"))))
        | Q(
            Exists(
                Indicator.objects.filter(
                    plan__in=plans, contributors=OuterRef("pk"), aggregation=Aggregation.SUM
                )
            )
        )
        | Q(Exists(Activity.objects.filter(plan__in=plans, lead=OuterRef("pk")))),
        is_active=True,
    ).order_by("kind", "code")


def organisation_report_overview(*, user, organisation: Organisation) -> list[PlanReports]:
    """For each plan the organisation reports in, its reports newest period first:
    every period that has begun (whether or not a report was started) and any
    later one that already has a report. Four queries whatever the plan's size.

    Reports are read through reports_for_user, so a user sees here only what
    they may open."""
    today = timezone.localdate()
    plans = list(
        plans_for_user(user)
        .filter(
            Q(Exists(Indicator.objects.filter(plan=OuterRef("pk"), lead=organisation)))
            | Q(
                Exists(
                    Indicator.objects.filter(
                        plan=OuterRef("pk"), contributors=organisation, aggregation=Aggregation.SUM
                    )
                )
            )
            | Q(Exists(Activity.objects.filter(plan=OuterRef("pk"), lead=organisation)))
            | Q(
                Exists(QuarterlyReport.objects.filter(period__plan=OuterRef("pk"), organisation=organisation))
            )
        )
        .order_by("-start_year", "code")
    )
    reports = {
        report.period_id: report
        for report in reports_for_user(user).filter(organisation=organisation, period__plan__in=plans)
    }
    periods = ReportingPeriod.objects.filter(plan__in=plans).filter(
        Q(start__lte=today) | Q(pk__in=list(reports))
    )
    by_plan = {plan.pk: PlanReports(plan) for plan in plans}
    for period in periods.order_by("plan_id", "-index"):
        report = reports.get(period.pk)
        if report is None:
            row = ReportRow(period, None, is_late=today > period.deadline, next_step=NextStep.START)
        else:
            report.period = period
            row = ReportRow(period, report, is_late=report.is_late, next_step=REPORT_NEXT_STEP[report.state])
        by_plan[period.plan_id].rows.append(row)
    return list(by_plan.values())


REPORT_NEXT_STEP = {
    ReportState.DRAFT: NextStep.CONTINUE,
    ReportState.RETURNED: NextStep.CORRECT,
    ReportState.SUBMITTED: NextStep.AWAIT_REVIEW,
    ReportState.APPROVED: NextStep.DONE,
}


@dataclass
class ReportContents:
    """Everything the report form shows besides the expected lines themselves."""

    values: dict[int, IndicatorValue]  # by indicator id, with their cells
    updates: dict[int, ActivityUpdate]  # by activity id
    previous: dict[int, Decimal]  # last approved value, by indicator id
    targets: dict[int, Decimal]  # the target for the period's year, by indicator id
    evidence: dict[int | None, list[Evidence]]  # by indicator id
    # Indicators whose gap must be explained in this report (indicators_to_explain).
    to_explain: dict[int, GapToExplain] = field(default_factory=dict)
    # The secretariat's comments on lines, by the line's anchor ("indicator-12").
    line_comments: dict[str, LineComment] = field(default_factory=dict)


def report_contents(report: QuarterlyReport, *, indicator_ids) -> ReportContents:
    """What is saved in the report, the last approved values, this year's
    targets, the gaps to explain and the secretariat's comments on lines:
    eight queries whatever the number of indicators (seven in a plan's first
    period)."""
    values = {
        value.indicator_id: value
        for value in report.indicator_values.prefetch_related(
            Prefetch("cells", queryset=DisaggregatedValue.objects.order_by("cell"))
        )
    }
    updates = {update.activity_id: update for update in report.activity_updates.all()}
    targets = dict(
        Target.objects.with_in_force()
        .filter(indicator_id__in=list(indicator_ids), year=report.period.year)
        .values_list("indicator_id", "in_force")
    )
    evidence: dict[int | None, list[Evidence]] = {}
    for item in report.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk"):
        evidence.setdefault(item.indicator_id, []).append(item)
    return ReportContents(
        values=values,
        updates=updates,
        previous=previous_approved_values(report),
        targets=targets,
        evidence=evidence,
        to_explain=indicators_to_explain(report),
        line_comments={
            comment.anchor: comment
            for comment in report.line_comments.select_related("indicator", "activity").order_by("pk")
        },
    )


@dataclass(frozen=True)
class LinesLeft:
    """How much of a report is still to fill: lines that are due and hold nothing."""

    left: int
    due: int
    overdue: bool  # the deadline has passed


def report_lines_left(
    report: QuarterlyReport,
    *,
    indicators: dict[int, Indicator],
    activities: dict[int, Activity],
    contents: ReportContents,
) -> LinesLeft:
    """Every indicator of the report and every activity that is due, against
    what is saved (activities not due yet are not counted: they are optional)."""
    due_activities = [pk for pk, activity in activities.items() if activity_is_due(activity, report.period)]
    left = sum(1 for pk in indicators if pk not in contents.values) + sum(
        1 for pk in due_activities if pk not in contents.updates
    )
    return LinesLeft(
        left=left,
        due=len(indicators) + len(due_activities),
        overdue=timezone.localdate() > report.period.deadline,
    )


def report_events(report: QuarterlyReport) -> QuerySet[ReportEvent]:
    """The report's history, oldest first, with who took each step."""
    return report.events.select_related("actor").order_by("at", "pk")
