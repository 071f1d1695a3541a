"""Reads of indicators and the plan tree, shaped for pages and the API."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    Category,
    Dimension,
    DisaggregatedValue,
    Evidence,
    Frequency,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
    cell_categories,
)
from plans.access import plans_for_user, user_is_secretariat
from plans.models import Organisation, Plan, ReportingPeriod, Role
from strategies.models import Activity, Objective, Pillar

# Plan order for indicators and activities: pillar, objective, then the item itself.
PLAN_ORDER = [
    "objective__pillar__position",
    "objective__pillar__code",
    "objective__position",
    "objective__code",
    "position",
    "code",
]


@dataclass
class ObjectiveNode:
    """An objective and its lines: the indicators and activities themselves
    (plan_tree), or what a page shows of each (the report form's blocks, the
    review's lines)."""

    objective: Objective
    indicators: list = field(default_factory=list)
    activities: list = field(default_factory=list)


@dataclass
class PillarNode:
    pillar: Pillar
    objectives: list[ObjectiveNode] = field(default_factory=list)


def plan_position(node: Pillar | Objective) -> tuple:
    return (node.position, node.code)


def group_by_pillar_and_objective(
    indicators: Iterable[tuple[Objective, Any]],
    activities: Iterable[tuple[Objective, Any]],
    *,
    pillars: Iterable[Pillar] = (),
    objectives: Iterable[Objective] = (),
) -> list[PillarNode]:
    """Indicator and activity lines, each given with its objective, grouped by
    pillar then objective in the plan's order; within an objective the lines
    keep the order they came in.

    The ``pillars`` and ``objectives`` given are shown even when no line falls
    under them. Any other objective's pillar is read from the objective, so
    select_related it: then this makes no query."""
    pillar_nodes = {pillar.pk: PillarNode(pillar) for pillar in pillars}
    objective_nodes: dict[int, ObjectiveNode] = {}

    def objective_node(objective: Objective) -> ObjectiveNode:
        if objective.pk not in objective_nodes:
            if objective.pillar_id not in pillar_nodes:
                pillar_nodes[objective.pillar_id] = PillarNode(objective.pillar)
            objective_nodes[objective.pk] = ObjectiveNode(objective)
            pillar_nodes[objective.pillar_id].objectives.append(objective_nodes[objective.pk])
        return objective_nodes[objective.pk]

    for objective in objectives:
        objective_node(objective)
    for objective, line in indicators:
        objective_node(objective).indicators.append(line)
    for objective, line in activities:
        objective_node(objective).activities.append(line)
    # Activities may bring objectives and pillars that no indicator line had.
    ordered = sorted(pillar_nodes.values(), key=lambda node: plan_position(node.pillar))
    for node in ordered:
        node.objectives.sort(key=lambda node: plan_position(node.objective))
    return ordered


def plan_tree(*, plan: Plan) -> list[PillarNode]:
    """The plan's pillars → objectives → indicators and activities, in order,
    in a fixed number of queries whatever the plan's size."""
    pillars = list(plan.pillars.all())
    objectives = {objective.pk: objective for objective in plan.objectives.all()}
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.with_in_force().order_by("year")),
            "contributors",
            "disaggregation",
        )
    )
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("lead", "start_period", "end_period")
        .prefetch_related("supporting")
    )
    return group_by_pillar_and_objective(
        [(objectives[indicator.objective_id], indicator) for indicator in indicators],
        [(objectives[activity.objective_id], activity) for activity in activities],
        pillars=pillars,
        objectives=objectives.values(),
    )


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
        .order_by(*PLAN_ORDER)
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


# --- The focal point's report pages ------------------------------------------------


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
    return period.start <= (today or timezone.localdate())


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


def report_contents(report: QuarterlyReport, *, indicator_ids) -> ReportContents:
    """What is saved in the report, the last approved values, this year's
    targets and the gaps to explain: seven queries whatever the number of
    indicators (six in a plan's first period)."""
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
    )


def report_events(report: QuarterlyReport) -> QuerySet[ReportEvent]:
    """The report's history, oldest first, with who took each step."""
    return report.events.select_related("actor").order_by("at", "pk")


def evidence_for_user(user) -> QuerySet[Evidence]:
    """Evidence files a user may download: the secretariat's, and an
    organisation's own. Partners never: a training register or a court list may
    name survivors, and partners get aggregate figures only."""
    if not (user.is_authenticated and user.is_active) or (
        user.role == Role.PARTNER and not user.is_superuser
    ):
        return Evidence.objects.none()
    return Evidence.objects.filter(report__in=reports_for_user(user)).select_related("report")


# --- Review by the secretariat ----------------------------------------------------
# The review queue, one report's review page (with what changed since the version
# the reviewer saw before) and the reporting status grid. Each runs a fixed number
# of queries whatever the number of reports or lines.


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


class Change(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FieldChange:
    """One field of a line that differs: ``old`` → ``new`` as shown to a reader
    ("" where there was nothing)."""

    label: str
    old: str
    new: str


@dataclass
class LineChange:
    object_id: int  # the indicator's or the activity's id
    change: Change
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ReportChanges:
    """How the report's figures differ from the version before the one on screen.

    ``since`` is when that earlier version was submitted (None: this is the
    first version); ``since_approved`` says it had been approved. Lines are keyed
    by indicator id and activity id; removed lines are there too. ``untracked``
    counts lines first written without history (bulk imports, demo data), whose
    earlier state is not known: they are shown as unchanged.
    """

    since: datetime.datetime | None = None
    since_approved: bool = False
    indicators: dict[int, LineChange] = field(default_factory=dict)
    activities: dict[int, LineChange] = field(default_factory=dict)
    untracked: int = 0

    @property
    def first_version(self) -> bool:
        return self.since is None

    def count(self, change: Change) -> int:
        return sum(
            1 for line in (*self.indicators.values(), *self.activities.values()) if line.change == change
        )

    @property
    def added(self) -> int:
        return self.count(Change.ADDED)

    @property
    def changed(self) -> int:
        return self.count(Change.CHANGED)

    @property
    def removed(self) -> int:
        return self.count(Change.REMOVED)


INDICATOR_FIELDS = [
    ("value", _("value")),
    ("note", _("note")),
    ("gap_reason", _("reason for the gap")),
    ("corrective_action", _("corrective action")),
]
ACTIVITY_FIELDS = [
    ("status", _("status")),
    ("percent_complete", _("percent complete")),
    ("note", _("note")),
]


def shown_number(value: Decimal | None) -> str:
    """10.0000 → "10", 2.5000 → "2.5"; None → ""."""
    return "" if value is None else format(value.normalize(), "f")


def shown_field(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return shown_number(value)
    if name == "status":
        return str(ActivityStatus(value).label) if value in ActivityStatus.values else value
    return str(value)


def cell_labels() -> dict[str, tuple[str, str]]:
    """(dimension code, category code) → readable names, for every category."""
    return {
        (c.dimension.code, c.code): (c.dimension.display_name, c.display_name)
        for c in Category.objects.select_related("dimension")
    }


def cell_label(key: str, labels: dict) -> str:
    """``age_group=U15;sex=F`` → ``Age group: Under 15 · Sex: Female``."""
    parts = []
    for dim, cat in cell_categories(key).items():
        dim_name, cat_name = labels.get((dim, cat), (dim, cat))
        parts.append(f"{dim_name}: {cat_name}")
    return " · ".join(parts)


def history_as_of(records: list, at: datetime.datetime, key) -> tuple[dict, set]:
    """From history rows in time order: the row each key had at ``at`` (keys
    deleted or not yet created then are left out), and the keys whose row at
    ``at`` is known: those with a record by then, or whose history starts
    later with their creation or deletion. A history that starts later with a
    change means the row was first written without history (a bulk import): what
    it held at ``at`` is not known."""
    rows, known, seen = {}, set(), set()
    for record in records:
        k = key(record)
        if k not in seen:
            seen.add(k)
            if record.history_date <= at or record.history_type != "~":
                known.add(k)
            if record.history_date > at and record.history_type == "-":
                rows[k] = record  # deleted later, unchanged till then
        if record.history_date <= at:
            if record.history_type == "-":
                rows.pop(k, None)
            else:
                rows[k] = record
    return rows, known


def line_change(object_id: int, before, now, fields, extra: list[FieldChange] = ()) -> LineChange:
    if before is None:
        return LineChange(object_id, Change.ADDED)
    if now is None:
        return LineChange(
            object_id,
            Change.REMOVED,
            [FieldChange(label, shown_field(name, getattr(before, name)), "") for name, label in fields[:2]],
        )
    diffs = [
        FieldChange(label, shown_field(name, getattr(before, name)), shown_field(name, getattr(now, name)))
        for name, label in fields
        if getattr(before, name) != getattr(now, name)
    ] + list(extra)
    return LineChange(object_id, Change.CHANGED if diffs else Change.UNCHANGED, diffs)


def report_versions_since(report: QuarterlyReport, events: list[ReportEvent]) -> tuple:
    """When the version before the one on screen was submitted, and whether it was approved.

    A SUBMITTED or APPROVED report shows its last submission, so it is compared
    with the submission before; a DRAFT or RETURNED one shows work in progress,
    compared with its last submission. Figures cannot change between a
    submission and its approval, so "at the previous approval" is the same point.
    """
    submissions = [e.at for e in events if e.to_state == ReportState.SUBMITTED]
    current = None
    if report.state in (ReportState.SUBMITTED, ReportState.APPROVED) and submissions:
        current = submissions.pop()
    if not submissions:
        return None, False
    since = submissions[-1]
    approved = any(
        e.to_state == ReportState.APPROVED and e.at > since and (current is None or e.at < current)
        for e in events
    )
    return since, approved


def report_changes_since_last_version(report: QuarterlyReport) -> ReportChanges:
    """What changed in the report's figures and updates since its previous version.

    Compares the current lines with those as of the previous submission, read
    from django-simple-history's records: lines added, changed (old → new, cell
    by cell for disaggregated figures) and removed. Eight queries at most,
    whatever the report's size.
    """
    events = list(report.events.order_by("at", "id"))
    values = list(IndicatorValue.objects.filter(report=report).prefetch_related("cells"))
    updates = list(ActivityUpdate.objects.filter(report=report))
    return changes_between(report, events, values, updates)


def changes_between(
    report: QuarterlyReport,
    events: list[ReportEvent],
    values: list[IndicatorValue],
    updates: list[ActivityUpdate],
    labels: dict | None = None,
) -> ReportChanges:
    """report_changes_since_last_version(), given the report's events and its
    current lines (so that a page that shows them reads them only once)."""
    since, since_approved = report_versions_since(report, events)
    if since is None:
        return ReportChanges()
    changes = ReportChanges(since=since, since_approved=since_approved)

    value_history = list(
        IndicatorValue.history.filter(report_id=report.pk).order_by("history_date", "history_id")
    )
    before_values, known_values = history_as_of(value_history, since, key=lambda r: r.indicator_id)
    cell_history = DisaggregatedValue.history.filter(
        Q(indicator_value_id__in=IndicatorValue.history.filter(report_id=report.pk).values("id"))
        | Q(indicator_value_id__in=IndicatorValue.objects.filter(report_id=report.pk).values("id"))
    ).order_by("history_date", "history_id")
    before_cells, known_cells = history_as_of(
        list(cell_history), since, key=lambda r: (r.indicator_value_id, r.cell)
    )
    cells_by_value = defaultdict(dict)
    for (value_id, cell), row in before_cells.items():
        cells_by_value[value_id][cell] = row.value
    if labels is None:
        labels = cell_labels() if before_cells or any(v.cells.all() for v in values) else {}

    now_values = {v.indicator_id: v for v in values}
    for indicator_id in now_values.keys() | before_values.keys():
        now, before = now_values.get(indicator_id), before_values.get(indicator_id)
        if now is not None and indicator_id not in known_values:
            # Written without history: nothing to compare it with.
            changes.untracked += 1
            changes.indicators[indicator_id] = LineChange(indicator_id, Change.UNCHANGED)
            continue
        cell_diffs = []
        if now is not None and before is not None:
            cells_now = {c.cell: c.value for c in now.cells.all()}
            cells_before = dict(cells_by_value.get(before.id, {}))
            for cell, number in cells_now.items():
                if (now.pk, cell) not in known_cells:
                    cells_before.setdefault(cell, number)
            cell_diffs = [
                FieldChange(
                    cell_label(cell, labels),
                    shown_number(cells_before.get(cell)),
                    shown_number(cells_now.get(cell)),
                )
                for cell in sorted(cells_now.keys() | cells_before.keys())
                if cells_before.get(cell) != cells_now.get(cell)
            ]
        changes.indicators[indicator_id] = line_change(
            indicator_id, before, now, INDICATOR_FIELDS, cell_diffs
        )

    update_history = ActivityUpdate.history.filter(report_id=report.pk).order_by("history_date", "history_id")
    before_updates, known_updates = history_as_of(list(update_history), since, key=lambda r: r.activity_id)
    now_updates = {u.activity_id: u for u in updates}
    for activity_id in now_updates.keys() | before_updates.keys():
        now, before = now_updates.get(activity_id), before_updates.get(activity_id)
        if now is not None and activity_id not in known_updates:
            changes.untracked += 1
            changes.activities[activity_id] = LineChange(activity_id, Change.UNCHANGED)
            continue
        changes.activities[activity_id] = line_change(activity_id, before, now, ACTIVITY_FIELDS)
    return changes


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


@dataclass
class StatusCell:
    """One organisation's report for one period, or its absence."""

    period: ReportingPeriod
    report: QuarterlyReport | None
    expected: bool
    overdue: bool = False  # the period's deadline has passed

    @property
    def missing(self) -> bool:
        return self.expected and self.report is None


@dataclass
class StatusRow:
    organisation: Organisation
    cells: list[StatusCell]


@dataclass
class ReportingStatus:
    plan: Plan
    periods: list[ReportingPeriod]
    rows: list[StatusRow]


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
    finished_at: dict[int, int] = {}
    finished = ActivityUpdate.objects.filter(
        report__state=ReportState.APPROVED,
        report__period__plan=plan,
        status__in=[ActivityStatus.COMPLETED, ActivityStatus.CANCELLED],
    ).values_list("activity_id", "report__period__index")
    for activity_id, index in finished:
        finished_at[activity_id] = min(index, finished_at.get(activity_id, index))
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


def reporting_status(*, user, plan: Plan, today: datetime.date | None = None) -> ReportingStatus:
    """Organisations × periods up to the current one: each report (state, late)
    or its absence, and whether one is expected. A fixed number of queries."""
    today = today or timezone.localdate()
    periods = list(plan.periods.filter(start__lte=today).order_by("index"))
    expected = plan_expected_reporters(plan, periods)
    reports = {
        (r.organisation_id, r.period_id): r
        for r in reports_for_user(user).filter(period__in=[p.pk for p in periods])
    }
    organisation_ids = {org for org, ids in expected.items() if ids} | {org for org, _p in reports}
    rows = [
        StatusRow(
            organisation,
            [
                StatusCell(
                    period,
                    reports.get((organisation.pk, period.pk)),
                    period.pk in expected.get(organisation.pk, ()),
                    overdue=today > period.deadline,
                )
                for period in periods
            ],
        )
        for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("kind", "code")
    ]
    return ReportingStatus(plan=plan, periods=periods, rows=rows)
