"""The demo's quarterly reports and figures: each indicator's figures follow
its expected trajectory (the scoring rule, docs/scoring.md) times a fixed
*pace*, with a little seeded noise, so the dashboards show a believable mix
of on-track, at-risk and off-track results.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from django.utils import timezone

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Aggregation,
    DisaggregatedValue,
    Frequency,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    activity_update_errors,
    cell_key,
    value_errors,
)
from plans.models import Organisation, Plan, ReportingPeriod, Role, User
from reports.demo.content import (
    ACTIVITY_NOTES,
    AGE_SHARES,
    CORRECTIVE_ACTIONS,
    EARLIER_RETURN_COMMENTS,
    FIRST_APPROVED,
    FIRST_YEAR,
    GAP_REASONS,
    LAST_APPROVED,
    LAST_YEAR,
    MISSED_QUARTERS,
    OPEN_PERIOD,
    OPEN_PERIOD_STATES,
    OUTLIER_NOTE,
    RETURN_COMMENTS,
    ActivityRow,
    IndicatorRow,
)
from reports.demo.tree import BATCH, DemoTree, SeededActivity, SeededIndicator

# Report timestamps are set in the capital's working day.
WORKDAY_START = datetime.time(8, 0)


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


def reports_planned(plan: Plan, tree: DemoTree, users: dict[str, User]) -> list[PlannedReport]:
    periods = {p.code: p for p in tree.periods}
    first, last = periods[FIRST_APPROVED].index, periods[LAST_APPROVED].index
    duties = organisation_duties(tree)
    index_of = {p.pk: p.index for p in tree.periods}
    previous: dict[tuple[str, int], Decimal] = {}  # last approved value per organisation and indicator
    finished: set[int] = set()  # activities whose approved update says completed or cancelled
    planned = []
    for period in tree.periods:
        if period.index < first or period.index > periods[OPEN_PERIOD].index:
            continue
        for code in sorted(duties):
            state = report_state(code, period, last)
            if state is None:
                continue
            # Seeded noise, the same on every run: demo figures, not secrets.
            rng = random.Random(f"{plan.code}|{code}|{period.code}")  # noqa: S311
            organisation = tree.organisations[code]
            report = _planned_report(organisation, period, state, rng, users)
            report.values = _values(code, duties[code], period, rng, previous)
            report.updates = _updates(duties[code], period, finished, index_of)
            if not report.values and not report.updates:
                continue
            planned.append(report)
            if state == ReportState.APPROVED:
                for value, _cells in report.values:
                    previous[(code, value.indicator.pk)] = value.value
                finished |= {
                    u.activity.pk
                    for u in report.updates
                    if u.status in (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED)
                }
    for report in planned:
        for value, _cells in report.values:
            value.report = report.report
        for update in report.updates:
            update.report = report.report
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


def indicator_due(row: IndicatorRow, period: ReportingPeriod) -> bool:
    return row.frequency == Frequency.QUARTERLY or period.quarter == 4


def share_of_year(row: IndicatorRow, quarter: int) -> float:
    """How much of a year's target is expected by this quarter (scoring.md's f)."""
    if row.frequency == Frequency.QUARTERLY:
        return quarter / 4
    return 1.0 if quarter == 4 else 0.0


def expected_level(row: IndicatorRow, period: ReportingPeriod) -> float:
    """LATEST: the level expected by this quarter, from last year's target (or
    the baseline) toward this year's."""
    start = row.baseline if period.year == FIRST_YEAR else row.target(period.year - 1)
    return start + (row.target(period.year) - start) * share_of_year(row, period.quarter)


def planned_amount(row: IndicatorRow, period: ReportingPeriod) -> float:
    """SUM: the part of the year's target planned for this quarter."""
    if row.frequency == Frequency.QUARTERLY:
        return row.target(period.year) / 4
    return float(row.target(period.year))


def milestone_reached(row: IndicatorRow, period: ReportingPeriod) -> bool:
    """On pace: reached in the last quarter of the first year whose target is 1."""
    years = [year for year in range(FIRST_YEAR, LAST_YEAR + 1) if row.target(year) >= 1]
    if row.pace < 0.85 or not years:
        return False
    return (period.year, period.quarter) >= (years[0], 4)


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


def figure_for(seeded: SeededIndicator, code: str, period: ReportingPeriod, rng: random.Random) -> Decimal:
    row = seeded.row
    if row.measure == Measure.MILESTONE:
        return Decimal(int(milestone_reached(row, period)))
    if row.aggregation == Aggregation.LATEST:
        progress = (expected_level(row, period) - row.baseline) * row.pace * rng.uniform(0.96, 1.04)
        return as_figure(row, row.baseline + progress)
    weights = {c: reporting_weight(seeded, c) for c in (seeded.lead, *seeded.contributors)}
    share = weights[code] / sum(weights.values())
    return as_figure(row, planned_amount(row, period) * share * row.pace * rng.uniform(0.85, 1.15))


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


def is_outlier(value: Decimal, previous: Decimal | None) -> bool:
    """The report form's check: more than 3× or less than ⅓ of the last approved value."""
    return previous is not None and (value > 3 * previous or 3 * value < previous)


def _values(
    code: str, duties: Duties, period: ReportingPeriod, rng: random.Random, previous: dict
) -> list[tuple[IndicatorValue, dict[str, int]]]:
    values = []
    for seeded in duties.indicators:
        row = seeded.row
        if not indicator_due(row, period):
            continue
        # A level (LATEST) is the lead's figure alone; contributors add to sums.
        if row.aggregation == Aggregation.LATEST and code != seeded.lead:
            continue
        figure = figure_for(seeded, code, period, rng)
        errors = value_errors(row.measure, figure, field="value")
        assert not errors, (row.code, period.code, figure, errors)
        value = IndicatorValue(indicator=seeded.indicator, value=figure)
        if is_outlier(figure, previous.get((code, seeded.indicator.pk))):
            value.note = OUTLIER_NOTE
        if code == seeded.lead and row.pace < 0.85 and period.index > 2:
            value.gap_reason = rng.choice(GAP_REASONS)
            value.corrective_action = rng.choice(CORRECTIVE_ACTIONS)
        cells = split_into_cells(row, int(figure), rng) if row.by else {}
        values.append((value, cells))
    return values


def activity_progress(row: ActivityRow, start: int, end: int, index: int) -> tuple[str, Decimal]:
    """Status and percent complete in quarter ``index``: the plan's straight line
    from start to end, times the activity's pace, in steps of 5 %."""
    planned = (index - start + 1) / (end - start + 1)
    percent = min(100, 5 * round(row.pace * planned * 100 / 5))
    if percent >= 100:
        return ActivityStatus.COMPLETED, Decimal(100)
    if percent == 0:
        return ActivityStatus.NOT_STARTED, Decimal(0)
    if percent < 85 * min(planned, 1.0):
        return ActivityStatus.DELAYED, Decimal(percent)
    return ActivityStatus.IN_PROGRESS, Decimal(percent)


def _updates(
    duties: Duties, period: ReportingPeriod, finished: set[int], index_of: dict[int, int]
) -> list[ActivityUpdate]:
    """An update for each activity due: from its planned start until an
    approved update says completed or cancelled."""
    updates = []
    for seeded in duties.activities:
        activity, row = seeded.activity, seeded.row
        start, end = index_of[activity.start_period_id], index_of[activity.end_period_id]
        if activity.pk in finished or period.index < start:
            continue
        status, percent = activity_progress(row, start, end, period.index)
        if row.cancelled_in == period.code:
            status = ActivityStatus.CANCELLED
        assert not activity_update_errors(status, percent), (row.code, period.code)
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
