"""The demo's quarterly reports and figures (what they show: docs/demo.md).

Each indicator's figures follow the trajectory the scoring rule expects of it
(reports/scoring.py, explained in docs/scoring.md) times a fixed *pace*, with
a little seeded noise, so the dashboards show a believable mix of on-track,
at-risk and off-track results. Wherever a report has to agree with the rule or
with the report form (is a figure due, is it unusual enough to need a note,
must the lead explain a gap, is an activity still due), the demo asks their
own functions rather than repeating them, so it cannot drift from them.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import product

from django.utils import timezone

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    DisaggregatedValue,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    activity_update_errors,
    cell_key,
    value_errors,
)
from indicators.quarterly_report.selectors import GAP_STATUSES
from indicators.quarterly_report.services import outlier_needs_note
from plans.models import Organisation, Plan, ReportingPeriod, Role, User
from reports import scoring
from reports.demo.content import (
    ACTIVITY_NOTES,
    AGE_SHARES,
    EARLIER_RETURN_COMMENTS,
    FIRST_APPROVED,
    FIRST_YEAR,
    GAP_EXPLANATIONS,
    LAST_APPROVED,
    LAST_YEAR,
    MISSED_QUARTERS,
    OPEN_PERIOD,
    OPEN_PERIOD_STATES,
    OUTLIER_NOTE,
    RETURN_COMMENTS,
    TARGET_REVISIONS,
    ActivityRow,
    IndicatorRow,
)
from reports.demo.tree import BATCH, DemoTree, SeededActivity, SeededIndicator
from reports.scores.inputs import plan_thresholds, value_count

# Report timestamps are set in the capital's working day.
WORKDAY_START = datetime.time(8, 0)

# content.py gives one target per year from FIRST_YEAR, so these are the years the rule reads.
PLAN_YEARS = scoring.PlanYears(FIRST_YEAR, LAST_YEAR)

# The mid-term review's targets, by indicator code and year.
REVISED_TARGETS = {code: values for code, values, _rationale in TARGET_REVISIONS}


@dataclass
class PlannedReport:
    """A report to write, with its rows; timestamps kept apart because
    bulk_create stamps auto_now fields with the time of the run."""

    report: QuarterlyReport
    created_at: datetime.datetime
    updated_at: datetime.datetime
    events: list[tuple[ReportEvent, datetime.datetime]] = field(default_factory=list)
    values: list[tuple[IndicatorValue, dict[str, int]]] = field(default_factory=list)
    updates: list[ActivityUpdate] = field(default_factory=list)


@dataclass
class Duties:
    """What one organisation reports on: indicators it leads or contributes to,
    activities it leads."""

    indicators: list[SeededIndicator] = field(default_factory=list)
    activities: list[SeededActivity] = field(default_factory=list)


def organisation_duties(tree: DemoTree) -> dict[str, Duties]:
    duties: dict[str, Duties] = defaultdict(Duties)
    for seeded in tree.indicators:
        for code in (seeded.lead, *seeded.contributors):
            duties[code].indicators.append(seeded)
    for seeded in tree.activities:
        duties[seeded.lead].activities.append(seeded)
    return duties


def base_organisation(code: str) -> str:
    """The demo organisation a benchmark copy stands for: PCCT-07-R3 → PCCT-07."""
    head, _, tail = code.rpartition("-R")
    return head if head and tail.isdigit() else code


def report_state(organisation: str, period: ReportingPeriod, last_approved: int) -> str | None:
    """The state of an organisation's report for a period, or None when it has none."""
    base = base_organisation(organisation)
    if period.index <= last_approved:
        return None if period.code in MISSED_QUARTERS.get(base, ()) else ReportState.APPROVED
    if period.code == OPEN_PERIOD:
        return OPEN_PERIOD_STATES.get(base)
    return None


def figures_ensure(*, plan: Plan, tree: DemoTree, users: dict[str, User], created: Counter) -> None:
    """Write the reports (with values, cells, activity updates and events) that
    are not there yet. Each report's figures come from a random generator seeded
    with its plan, organisation and period, so they are the same on every run."""
    have = set(
        QuarterlyReport.objects.filter(period__plan=plan).values_list("organisation__code", "period__code")
    )
    planned = [
        p
        for p in reports_planned(plan, tree, users)
        if (p.report.organisation.code, p.report.period.code) not in have
    ]
    reports_write(planned, created)


@dataclass
class ApprovedSoFar:
    """What the secretariat has approved before the report being written.

    The report form compares a figure with the organisation's last approved
    one, the rule scores approved figures only, and an activity stays due until
    an approved update closes it: so each report is written against these, as
    the checks will read them once the demo is loaded.
    """

    thresholds: scoring.Thresholds
    # (organisation code, indicator id) → its last approved value
    last_values: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    # indicator id → V_p by period index, as recompute adds them up (reports/scores/inputs.py)
    indicator_values: defaultdict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    # activity id → (status, percent complete) by period index
    activity_updates: defaultdict[int, dict[int, tuple[str, float]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def record(self, planned: PlannedReport) -> None:
        organisation, index = planned.report.organisation, planned.report.period.index
        for value, _cells in planned.values:
            indicator = value.indicator
            self.last_values[(organisation.code, indicator.pk)] = value.value
            value_count(
                self.indicator_values[indicator.pk],
                indicator.aggregation,
                indicator.lead_id,
                index,
                organisation.pk,
                value.value,
            )
        for update in planned.updates:
            self.activity_updates[update.activity.pk][index] = (update.status, float(update.percent_complete))

    def gap_to_explain(self, seeded: SeededIndicator, period: scoring.PeriodRef) -> bool:
        """Whether the lead must explain the gap (indicators_to_explain): the
        indicator was at risk or off track in the quarter before. Scored here
        from the approved figures and the targets in force, as recompute will
        score it, so that every report passes the checks of submitting it."""
        before = quarter_before(period)
        if before is None:
            return False
        given = rule_input(
            seeded.row,
            targets=targets_in_force(seeded.row),
            values=self.indicator_values[seeded.indicator.pk],
        )
        score = scoring.indicator_score(given, before, plan_years=PLAN_YEARS, thresholds=self.thresholds)
        return score.status in GAP_STATUSES

    def activity_due(self, start: int, end: int, activity_id: int, period: scoring.PeriodRef) -> bool:
        given = scoring.ActivityInput(
            start_index=start, end_index=end, updates=self.activity_updates[activity_id]
        )
        return scoring.activity_due(given, period)


@dataclass
class DemoReporting:
    """What every report of the demo is written from: the plan, its tree and
    users, who reports on what, and what was approved before it."""

    plan: Plan
    tree: DemoTree
    users: dict[str, User]
    duties: dict[str, Duties] = field(init=False)
    approved: ApprovedSoFar = field(init=False)
    # An activity's planned quarters by period id: reading them off the
    # activities would cost a query each on a second run.
    period_index: dict[int, int] = field(init=False)

    def __post_init__(self):
        self.duties = organisation_duties(self.tree)
        # The scores the submission checks read are computed with the plan's own thresholds.
        self.approved = ApprovedSoFar(thresholds=plan_thresholds(self.plan))
        self.period_index = {p.pk: p.index for p in self.tree.periods}


def quarters_reported(tree: DemoTree) -> list[ReportingPeriod]:
    """From the first approved quarter to the open one; later quarters have no reports yet."""
    by_code = {p.code: p for p in tree.periods}
    first, last = by_code[FIRST_APPROVED].index, by_code[OPEN_PERIOD].index
    return [p for p in tree.periods if first <= p.index <= last]


def reports_planned(plan: Plan, tree: DemoTree, users: dict[str, User]) -> list[PlannedReport]:
    """Every report of the demo, quarter by quarter in order: a report's checks
    read what was approved in the quarters before it."""
    reporting = DemoReporting(plan, tree, users)
    last_approved = next(p.index for p in tree.periods if p.code == LAST_APPROVED)
    planned = []
    for period in quarters_reported(tree):
        for code in sorted(reporting.duties):
            state = report_state(code, period, last_approved)
            if state is None:
                continue
            report = report_for_quarter(reporting, code, period, state)
            if report is None:
                continue
            planned.append(report)
            if state == ReportState.APPROVED:
                reporting.approved.record(report)
    return planned


def report_for_quarter(
    reporting: DemoReporting, code: str, period: ReportingPeriod, state: str
) -> PlannedReport | None:
    """One organisation's report for a quarter, or None when it has nothing to
    report then (no indicator due, no activity under way)."""
    # Seeded noise, the same on every run: demo figures, not secrets.
    rng = random.Random(f"{reporting.plan.code}|{code}|{period.code}")  # noqa: S311
    planned = _planned_report(reporting.tree.organisations[code], period, state, rng, reporting.users)
    duties, quarter = reporting.duties[code], period_ref(period)
    planned.values = _values(code, duties, quarter, rng, reporting.approved)
    planned.updates = _updates(duties, quarter, reporting)
    if not planned.values and not planned.updates:
        return None
    for value, _cells in planned.values:
        value.report = planned.report
    for update in planned.updates:
        update.report = planned.report
    return planned


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    start = datetime.datetime.combine(day, WORKDAY_START, tzinfo=timezone.get_default_timezone())
    return start + datetime.timedelta(minutes=rng.randint(0, 9 * 60))


def _planned_report(
    organisation: Organisation, period: ReportingPeriod, state: str, rng: random.Random, users: dict
) -> PlannedReport:
    """The report's life so far: created, submitted (on time or late), perhaps
    returned once, approved; each step an event with who and when."""
    reviewer = users[Role.SECRETARIAT_REVIEWER]
    focal = users[Role.FOCAL_POINT]
    # Only MOI has a focal point in the demo; the other reports were entered for
    # their organisations, so who submitted them is not known.
    submitter = focal if organisation.pk == focal.organisation_id else None
    after_quarter = period.end + datetime.timedelta(days=1)
    created = _at(after_quarter + datetime.timedelta(days=rng.randint(0, 4)), rng)
    late = rng.random() < 0.15
    submitted = _at(
        period.deadline + datetime.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 9)), rng
    )
    submitted = max(submitted, created + datetime.timedelta(hours=1))

    report = QuarterlyReport(organisation=organisation, period=period, state=state, updated_by=submitter)
    planned = PlannedReport(report=report, created_at=created, updated_at=created)

    def step(from_state, to_state, at, actor, comment=""):
        event = ReportEvent(actor=actor, from_state=from_state, to_state=to_state, comment=comment)
        planned.events.append((event, at))
        planned.updated_at = at

    step("", ReportState.DRAFT, created, submitter)
    if state == ReportState.DRAFT:
        return planned
    step(ReportState.DRAFT, ReportState.SUBMITTED, submitted, submitter)
    report.first_submitted_at = report.submitted_at = submitted
    report.submitted_by = submitter
    if state == ReportState.RETURNED:
        comment = RETURN_COMMENTS.get(base_organisation(organisation.code), EARLIER_RETURN_COMMENTS[0])
        step(
            ReportState.SUBMITTED,
            ReportState.RETURNED,
            submitted + datetime.timedelta(days=3),
            reviewer,
            comment,
        )
        report.review_comment = comment
    elif state == ReportState.APPROVED:
        reviewed = submitted + datetime.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 6))
        if rng.random() < 0.08:
            step(
                ReportState.SUBMITTED,
                ReportState.RETURNED,
                reviewed,
                reviewer,
                rng.choice(EARLIER_RETURN_COMMENTS),
            )
            reviewed += datetime.timedelta(days=rng.randint(2, 5))
            step(ReportState.RETURNED, ReportState.SUBMITTED, reviewed, submitter)
            report.submitted_at = reviewed
            reviewed += datetime.timedelta(days=rng.randint(1, 4))
        step(ReportState.SUBMITTED, ReportState.APPROVED, reviewed, reviewer)
        report.approved_at, report.approved_by = reviewed, reviewer
    report.version = len(planned.events)
    return planned


# --- The rule, as the demo's figures use it -------------------------------------------------


def period_ref(period: ReportingPeriod) -> scoring.PeriodRef:
    return scoring.PeriodRef(period.year, period.quarter, period.index)


def quarter_before(period: scoring.PeriodRef) -> scoring.PeriodRef | None:
    """The plan's quarter before ``period``; None for the plan's first quarter."""
    if period.index == 1:
        return None
    if period.quarter == 1:
        return scoring.PeriodRef(period.year - 1, 4, period.index - 1)
    return scoring.PeriodRef(period.year, period.quarter - 1, period.index - 1)


def rule_input(
    row: IndicatorRow, *, targets: dict[int, float] | None = None, values: dict[int, float] | None = None
) -> scoring.IndicatorInput:
    """A demo indicator as the rule reads it; by default with the targets
    adopted with the plan and no approved figures."""
    if targets is None:
        targets = {year: float(row.target(year)) for year in PLAN_YEARS.years}
    return scoring.IndicatorInput(
        measure=row.measure,
        aggregation=row.aggregation,
        direction=row.direction,
        frequency=row.frequency,
        baseline=float(row.baseline),
        targets=targets,
        values=values or {},
    )


@cache
def planned_trajectory(row: IndicatorRow) -> scoring.IndicatorInput:
    # The figures follow the targets adopted with the plan, which the reporters
    # worked to: the mid-term review revised some only in July 2026.
    return rule_input(row)


def targets_in_force(row: IndicatorRow) -> dict[int, float]:
    """The targets the plan's scores are measured against (docs/scoring.md,
    "Revised targets"): the mid-term review's, the only revision in the demo,
    where it revised a year."""
    revised = REVISED_TARGETS.get(row.code, {})
    return {year: float(revised.get(year, row.target(year))) for year in PLAN_YEARS.years}


def expected_this_quarter(row: IndicatorRow, period: scoring.PeriodRef) -> float:
    """SUM: the part of the target the rule expects within this quarter alone,
    since a reporter gives the quarter's own figure and the rule adds them up."""
    trajectory = planned_trajectory(row)
    before = quarter_before(period)
    # Nothing is expected before the plan's first quarter.
    expected_before = scoring.expected_to_date(trajectory, before, plan_years=PLAN_YEARS) if before else 0.0
    return scoring.expected_to_date(trajectory, period, plan_years=PLAN_YEARS) - expected_before


def keeps_pace(pace: float) -> bool:
    """Whether figures at this share of the expected trajectory are on track.
    content.py chose its paces against the default thresholds, so those decide."""
    return scoring.progress_status(pace, 1.0, scoring.DEFAULT_THRESHOLDS) == scoring.ON_TRACK


def milestone_reached(row: IndicatorRow, period: scoring.PeriodRef) -> bool:
    """A milestone on pace is reached in the quarter the rule starts to expect
    it; one behind pace is not reached within the demo."""
    if not keeps_pace(row.pace):
        return False
    return scoring.indicator_score(planned_trajectory(row), period, plan_years=PLAN_YEARS).expected >= 1


def reporting_weight(seeded: SeededIndicator, code: str) -> float:
    """Share of a SUM indicator's figure each reporter brings: the lead most,
    a provincial committee least."""
    if code == seeded.lead:
        return 4.0
    return 1.0 if base_organisation(code).startswith("PCCT-") else 2.0


def as_figure(row: IndicatorRow, amount: float) -> Decimal:
    if row.measure == Measure.NUMBER:
        return Decimal(max(0, round(amount)))
    return Decimal(str(round(min(max(amount, 0.0), 100.0), 1)))


def figure_for(seeded: SeededIndicator, code: str, period: scoring.PeriodRef, rng: random.Random) -> Decimal:
    row = seeded.row
    if row.measure == Measure.MILESTONE:
        return Decimal(int(milestone_reached(row, period)))
    if row.aggregation == Aggregation.LATEST:
        expected = scoring.expected_to_date(planned_trajectory(row), period, plan_years=PLAN_YEARS)
        progress = (expected - row.baseline) * row.pace * rng.uniform(0.96, 1.04)
        return as_figure(row, row.baseline + progress)
    weights = {c: reporting_weight(seeded, c) for c in (seeded.lead, *seeded.contributors)}
    share = weights[code] / sum(weights.values())
    return as_figure(row, expected_this_quarter(row, period) * share * row.pace * rng.uniform(0.85, 1.15))


def split_into_cells(row: IndicatorRow, total: int, rng: random.Random) -> dict[str, int]:
    """Split a whole-number total over the cells (sex × age group …) so that they
    add up exactly: largest remainders get the leftover units."""
    shares = {"sex": {"F": row.female, "M": 1 - row.female}, "age_group": AGE_SHARES}
    dims = sorted(row.by)
    weights = {}
    for combo in product(*(shares[d].items() for d in dims)):
        weight = 1.0
        for _, share in combo:
            weight *= share
        categories = {d: c for d, (c, _) in zip(dims, combo, strict=True)}
        weights[cell_key(categories)] = weight * rng.uniform(0.8, 1.2)
    scale = total / sum(weights.values())
    exact = {key: w * scale for key, w in weights.items()}
    cells = {key: int(x) for key, x in exact.items()}
    leftover = total - sum(cells.values())
    for key in sorted(exact, key=lambda k: exact[k] - cells[k], reverse=True)[:leftover]:
        cells[key] += 1
    return cells


def _values(
    code: str, duties: Duties, period: scoring.PeriodRef, rng: random.Random, approved: ApprovedSoFar
) -> list[tuple[IndicatorValue, dict[str, int]]]:
    # Contributors are only ever to sums (the seed checks contributors_errors),
    # so every indicator in the duties is one this organisation gives a figure for.
    values = []
    for seeded in duties.indicators:
        row = seeded.row
        if not scoring.indicator_due(planned_trajectory(row), period):
            continue
        figure = figure_for(seeded, code, period, rng)
        errors = value_errors(row.measure, figure, field="value")
        assert not errors, (row.code, str(period), figure, errors)
        value = IndicatorValue(indicator=seeded.indicator, value=figure)
        # Without the note the report form would refuse to submit the figure.
        if outlier_needs_note(figure, approved.last_values.get((code, seeded.indicator.pk))):
            value.note = OUTLIER_NOTE
        # Contributors explain nothing: the dashboards show the lead's reason.
        if code == seeded.lead and approved.gap_to_explain(seeded, period):
            value.gap_reason, value.corrective_action = rng.choice(GAP_EXPLANATIONS)
        cells = split_into_cells(row, int(figure), rng) if row.by else {}
        values.append((value, cells))
    return values


def activity_progress(
    row: ActivityRow, start: int, end: int, period: scoring.PeriodRef
) -> tuple[str, Decimal]:
    """Status and percent complete in ``period``: the planned straight line from
    start to end, times the activity's pace, in steps of 5 %. The line runs on
    past the planned end, so that an activity behind pace finishes late rather
    than never."""
    planned = (period.index - start + 1) / (end - start + 1)
    percent = min(100, 5 * round(row.pace * planned * 100 / 5))
    if percent >= 100:
        return ActivityStatus.COMPLETED, Decimal(100)
    if percent == 0:
        return ActivityStatus.NOT_STARTED, Decimal(0)
    if behind_schedule(start, end, period, percent):
        return ActivityStatus.DELAYED, Decimal(percent)
    return ActivityStatus.IN_PROGRESS, Decimal(percent)


def behind_schedule(start: int, end: int, period: scoring.PeriodRef, percent: int) -> bool:
    """A lead calls an activity delayed when the dashboards would not show it
    on track (with the default thresholds content.py's paces were chosen against)."""
    update = {period.index: (ActivityStatus.IN_PROGRESS, float(percent))}
    given = scoring.ActivityInput(start_index=start, end_index=end, updates=update)
    return scoring.activity_score(given, period).status != scoring.ON_TRACK


def _updates(duties: Duties, period: scoring.PeriodRef, reporting: DemoReporting) -> list[ActivityUpdate]:
    """An update for each activity the rule finds due: from its planned start
    until an approved update says completed or cancelled."""
    updates = []
    for seeded in duties.activities:
        activity, row = seeded.activity, seeded.row
        start = reporting.period_index[activity.start_period_id]
        end = reporting.period_index[activity.end_period_id]
        if not reporting.approved.activity_due(start, end, activity.pk, period):
            continue
        status, percent = activity_progress(row, start, end, period)
        if row.cancelled_in == str(period):
            status = ActivityStatus.CANCELLED
        assert not activity_update_errors(status, percent), (row.code, str(period))
        updates.append(
            ActivityUpdate(
                activity=activity, status=status, percent_complete=percent, note=ACTIVITY_NOTES[status]
            )
        )
    return updates


def reports_write(planned: list[PlannedReport], created: Counter) -> None:
    """Insert in bulk: a benchmark plan has tens of thousands of rows."""
    reports = [p.report for p in planned]
    QuarterlyReport.objects.bulk_create(reports, batch_size=BATCH)
    for p in planned:
        p.report.created_at, p.report.updated_at = p.created_at, p.updated_at
    # bulk_create stamped created_at/updated_at with the time of the run; put
    # back the dates the report's life actually had.
    QuarterlyReport.objects.bulk_update(reports, ["created_at", "updated_at"], batch_size=BATCH)

    events = []
    for p in planned:
        for event, at in p.events:
            event.report = p.report
            events.append((event, at))
    ReportEvent.objects.bulk_create([e for e, _ in events], batch_size=BATCH)
    for event, at in events:
        event.at = at
    ReportEvent.objects.bulk_update([e for e, _ in events], ["at"], batch_size=BATCH)

    values = [value for p in planned for value, _ in p.values]
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
    cells = [
        DisaggregatedValue(indicator_value=value, cell=key, value=Decimal(n))
        for p in planned
        for value, value_cells in p.values
        for key, n in value_cells.items()
    ]
    DisaggregatedValue.objects.bulk_create(cells, batch_size=BATCH)
    updates = [u for p in planned for u in p.updates]
    ActivityUpdate.objects.bulk_create(updates, batch_size=BATCH)

    created["reports"] += len(reports)
    created["report_events"] += len(events)
    created["indicator_values"] += len(values)
    created["disaggregated_values"] += len(cells)
    created["activity_updates"] += len(updates)


def plan_totals(plan: Plan) -> dict[str, int]:
    reports = QuarterlyReport.objects.filter(period__plan=plan)
    return {
        "pillars": plan.pillars.count(),
        "objectives": plan.objectives.count(),
        "indicators": plan.indicators.count(),
        "activities": plan.activities.count(),
        "reporting organisations": reports.values("organisation").distinct().count(),
        "reports": reports.count(),
        "indicator values": IndicatorValue.objects.filter(indicator__plan=plan).count(),
        "disaggregated values": DisaggregatedValue.objects.filter(
            indicator_value__indicator__plan=plan
        ).count(),
        "activity updates": ActivityUpdate.objects.filter(activity__plan=plan).count(),
    }


def reports_by_state(plan: Plan) -> dict[str, int]:
    counts = Counter(QuarterlyReport.objects.filter(period__plan=plan).values_list("state", flat=True))
    return {state: counts[state] for state in ReportState.values if counts[state]}
