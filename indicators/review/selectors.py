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
    LineComment,
    QuarterlyReport,
    ReportEvent,
    Target,
)
from indicators.plan_tree import PLAN_ORDER, PillarNode, group_by_pillar_and_objective
from indicators.quarterly_report.selectors import previous_approved_values
from indicators.quarterly_report.validation import outlier_needs_note
from indicators.review.changes import (
    CellNames,
    LineAuthor,
    LineChange,
    ReportChanges,
    cell_names,
    changes_between,
    line_authors,
    report_history,
)
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
    cells: list[tuple[str, Decimal]] = field(default_factory=list)  # (readable cell, value), in order
    evidence: list[Evidence] = field(default_factory=list)
    change: LineChange | None = None  # None on a first version
    target: Decimal | None = None  # the year's target in force
    previous: Decimal | None = None  # the organisation's previous approved value
    comment: LineComment | None = None  # the reviewer's comment when the report was returned
    author: LineAuthor | None = None  # who last wrote the line

    @property
    def outlier(self) -> bool:
        """More than 3× or less than ⅓ of the previous approved value: the
        report's own rule, which asks the focal point for a note."""
        return self.value is not None and outlier_needs_note(self.value.value, self.previous)

    @property
    def anchor(self) -> str:
        return f"indicator-{self.indicator.pk}"


@dataclass
class ReviewActivityLine:
    activity: Activity
    update: ActivityUpdate | None  # None: removed since the last version
    change: LineChange | None = None
    comment: LineComment | None = None
    author: LineAuthor | None = None
    early: bool = False  # reported before its planned start

    @property
    def anchor(self) -> str:
        return f"activity-{self.activity.pk}"


@dataclass
class ReportReview:
    report: QuarterlyReport
    pillars: list[PillarNode]  # of ReviewIndicatorLine and ReviewActivityLine
    changes: ReportChanges
    events: list[ReportEvent]
    report_evidence: list[Evidence]  # files not tied to one indicator
    line_comments: list[LineComment] = field(default_factory=list)


def report_review(report: QuarterlyReport) -> ReportReview:
    """Everything a reviewer reads about one report: each figure (with its
    cells in the dimensions' order, notes, evidence, the year's target in
    force, the organisation's previous approved value and the outlier flag)
    and each activity update, grouped by pillar and objective; what changed
    since the previous version and who last wrote each line; the comments on
    lines of the last return; the report's history. A fixed number of queries
    (eighteen with the page around it) whatever its size."""
    events = list(report.events.select_related("actor").order_by("at", "id"))
    values = list(IndicatorValue.objects.filter(report=report).prefetch_related("cells"))
    updates = list(ActivityUpdate.objects.filter(report=report))
    evidence = list(Evidence.objects.filter(report=report).order_by("uploaded_at", "id"))
    history = report_history(report)
    names = cell_names() if history.cells or any(v.cells.all() for v in values) else CellNames()
    changes = changes_between(report, events, values, updates, evidence, history, names)
    authors, activity_authors = line_authors(history)
    comments = {c.anchor: c for c in report.line_comments.select_related("written_by").order_by("pk")}

    value_of = {v.indicator_id: v for v in values}
    update_of = {u.activity_id: u for u in updates}
    evidence_of = defaultdict(list)
    for item in evidence:
        evidence_of[item.indicator_id].append(item)
    indicators = list(
        Indicator.objects.filter(pk__in=value_of.keys() | changes.indicators.keys() | evidence_of.keys())
        .select_related("objective__pillar")
        .order_by(*PLAN_ORDER)
    )
    targets = dict(
        Target.objects.with_in_force()
        .filter(indicator__in=indicators, year=report.period.year)
        .values_list("indicator_id", "in_force")
    )
    previous = previous_approved_values(report)
    indicator_lines = []
    for indicator in indicators:
        value = value_of.get(indicator.pk)
        cells = {c.cell: c.value for c in value.cells.all()} if value else {}
        line = ReviewIndicatorLine(
            indicator,
            value,
            [(names.label(key), cells[key]) for key in names.ordered(cells)],
            evidence_of.get(indicator.pk, []),
            changes.indicators.get(indicator.pk),
            target=targets.get(indicator.pk),
            previous=previous.get(indicator.pk),
            comment=comments.get(f"indicator-{indicator.pk}"),
            author=authors.get(indicator.pk),
        )
        indicator_lines.append((indicator.objective, line))
    activities = Activity.objects.filter(pk__in=update_of.keys() | changes.activities.keys())
    activity_lines = [
        (
            activity.objective,
            ReviewActivityLine(
                activity,
                update_of.get(activity.pk),
                changes.activities.get(activity.pk),
                comment=comments.get(f"activity-{activity.pk}"),
                author=activity_authors.get(activity.pk),
                early=activity.start_period.index > report.period.index,
            ),
        )
        for activity in activities.select_related("objective__pillar", "start_period").order_by(*PLAN_ORDER)
    ]
    return ReportReview(
        report=report,
        pillars=group_by_pillar_and_objective(indicator_lines, activity_lines),
        changes=changes,
        events=events,
        report_evidence=evidence_of.get(None, []),
        line_comments=list(comments.values()),
    )
