"""Reads for the secretariat's review: the queue and one report with its context."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, QuerySet

from indicators.access import reports_for_user
from indicators.models import (
    ActivityUpdate,
    Evidence,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
)
from indicators.plan_tree import PLAN_ORDER, PillarNode, group_by_pillar_and_objective
from indicators.review.changes import LineChange, ReportChanges, cell_label, cell_labels, changes_between
from plans.models import Plan
from strategies.models import Activity, Pillar


def reports_for_review(
    *,
    user,
    plan: Plan | None = None,
    period_code: str = "",
    state: str = "",
    pillar: Pillar | None = None,
    organisation=None,
) -> QuerySet[QuarterlyReport]:
    """The review queue: the reports the user may open, filtered; oldest
    submission first, so that what has waited longest is seen first. ``pillar``
    keeps reports that hold a figure or an update for that pillar."""
    reports = reports_for_user(user).select_related("submitted_by")
    if plan is not None:
        reports = reports.filter(period__plan=plan)
    if period_code:
        reports = reports.filter(period__code=period_code)
    if state:
        reports = reports.filter(state=state)
    if organisation is not None:
        reports = reports.filter(organisation=organisation)
    if pillar is not None:
        reports = reports.filter(
            Exists(IndicatorValue.objects.filter(report=OuterRef("pk"), indicator__objective__pillar=pillar))
            | Exists(ActivityUpdate.objects.filter(report=OuterRef("pk"), activity__objective__pillar=pillar))
        )
    return reports.order_by(
        F("submitted_at").asc(nulls_last=True), "period__plan__code", "period__index", "organisation__code"
    )


@dataclass
class ReviewIndicatorLine:
    indicator: Indicator
    value: IndicatorValue | None  # None: removed since the last version
    cells: list[tuple[str, Decimal]] = field(default_factory=list)  # (readable cell, value)
    evidence: list[Evidence] = field(default_factory=list)
    change: LineChange | None = None  # None on a first version


@dataclass
class ReviewActivityLine:
    activity: Activity
    update: ActivityUpdate | None  # None: removed since the last version
    change: LineChange | None = None


@dataclass
class ReportReview:
    report: QuarterlyReport
    pillars: list[PillarNode]  # of ReviewIndicatorLine and ReviewActivityLine
    changes: ReportChanges
    events: list[ReportEvent]
    report_evidence: list[Evidence]  # files not tied to one indicator


def report_review(report: QuarterlyReport) -> ReportReview:
    """Everything a reviewer reads about one report: each figure (with its cells,
    notes and evidence) and each activity update grouped by pillar and
    objective, what changed since the previous version, and the report's
    history. A fixed number of queries (about a dozen) whatever its size."""
    events = list(report.events.select_related("actor").order_by("at", "id"))
    values = list(IndicatorValue.objects.filter(report=report).prefetch_related("cells"))
    updates = list(ActivityUpdate.objects.filter(report=report))
    evidence = list(Evidence.objects.filter(report=report).order_by("uploaded_at", "id"))
    labels = cell_labels() if any(v.cells.all() for v in values) else None
    changes = changes_between(report, events, values, updates, labels=labels)
    labels = labels or {}

    value_of = {v.indicator_id: v for v in values}
    update_of = {u.activity_id: u for u in updates}
    evidence_of = defaultdict(list)
    for item in evidence:
        evidence_of[item.indicator_id].append(item)
    indicators = Indicator.objects.filter(pk__in=value_of.keys() | changes.indicators.keys())
    activities = Activity.objects.filter(pk__in=update_of.keys() | changes.activities.keys())

    indicator_lines = []
    for indicator in indicators.select_related("objective__pillar").order_by(*PLAN_ORDER):
        value = value_of.get(indicator.pk)
        cells = [(cell_label(c.cell, labels), c.value) for c in value.cells.all()] if value else []
        line = ReviewIndicatorLine(
            indicator,
            value,
            cells,
            evidence_of.get(indicator.pk, []),
            changes.indicators.get(indicator.pk),
        )
        indicator_lines.append((indicator.objective, line))
    activity_lines = [
        (
            activity.objective,
            ReviewActivityLine(activity, update_of.get(activity.pk), changes.activities.get(activity.pk)),
        )
        for activity in activities.select_related("objective__pillar").order_by(*PLAN_ORDER)
    ]
    return ReportReview(
        report=report,
        pillars=group_by_pillar_and_objective(indicator_lines, activity_lines),
        changes=changes,
        events=events,
        report_evidence=evidence_of.get(None, []),
    )
