"""The scoring rule: how far each indicator, activity, objective, pillar and the
plan have got by a period, how far they should have got, and their status.

This is the one place the rule lives. It follows ``docs/scoring.md`` ("The
precise rule") line by line; when the two
disagree, one of them is a bug. Everything here is a pure function over plain
values, with no database and no Django, so every branch can be tested directly
and a score computed twice is the same score.

Callers pass only **approved** figures: the selectors that build the inputs
below filter drafts, submitted and returned reports out. Numbers are floats
(convert the models' Decimals with ``float()``); the choice values are the
strings stored on the models (``"SUM"``, ``"QUARTERLY"``, ``"COMPLETED"`` …), so
the models' TextChoices can be passed as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

# "Compare with a tolerance of 1e-9, so that a value exactly on a threshold gets
# the better status": 0.85 × 0.1 is not exactly 0.085 in binary floating point.
TOLERANCE = 1e-9

# Statuses, as the API and the stored scores spell them.
ON_TRACK = "ON_TRACK"
AT_RISK = "AT_RISK"
OFF_TRACK = "OFF_TRACK"
NO_DATA = "NO_DATA"
NOT_DUE = "NOT_DUE"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NOT_DUE)

# The models' choice values (indicators.models), repeated so the rule needs no Django.
MILESTONE = "MILESTONE"
SUM = "SUM"
LATEST = "LATEST"
INCREASE = "INCREASE"
DECREASE = "DECREASE"
QUARTERLY = "QUARTERLY"
ANNUAL = "ANNUAL"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"


class MissingTargetError(ValueError):
    """An indicator lacks a target for a plan year, so the rule cannot score it.

    The rule needs ``T_y`` for every plan year. Guessing one (0, or last year's)
    would put a made-up figure on a dashboard, so the caller is told instead and
    can show "targets not set" for that indicator.
    """


# --- Inputs -------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The plan's two settings: ON_TRACK from ``on_track · X*``, AT_RISK from ``at_risk · X*``."""

    on_track: float = 0.85
    at_risk: float = 0.60

    def __post_init__(self):
        if not 0 <= self.at_risk <= self.on_track:
            raise ValueError("Thresholds must satisfy 0 ≤ at_risk ≤ on_track.")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class PlanYears:
    """The plan's whole years ``Y0..Yn``, both included (2024–2028 for the national plan)."""

    first: int
    last: int

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("A plan's last year cannot be before its first.")

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)


@dataclass(frozen=True)
class PeriodRef:
    """A reporting period: ``2025-Q2`` is ``PeriodRef(2025, 2, index)``, where
    ``index`` counts from 1 at the plan's first quarter."""

    year: int
    quarter: int
    index: int

    def __post_init__(self):
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"A quarter is 1 to 4, not {self.quarter}.")

    def __str__(self):
        return f"{self.year}-Q{self.quarter}"


@dataclass(frozen=True, kw_only=True)
class IndicatorInput:
    """What drives an indicator's score.

    ``targets``: plan year → ``T_y``. ``values``: period index → ``V_p``, the
    approved value of that period, already summed over reporting organisations
    and disaggregation cells (SUM) or the lead organisation's value (LATEST).
    A period with a key counts as reported, even when its value is 0.
    """

    measure: str
    aggregation: str
    baseline: float
    targets: Mapping[int, float]
    values: Mapping[int, float] = field(default_factory=dict)
    direction: str = INCREASE
    frequency: str = QUARTERLY

    def __post_init__(self):
        # The models refuse these too; a plain caller should not get a silent wrong score.
        if self.measure == MILESTONE and (self.aggregation != LATEST or self.direction != INCREASE):
            raise ValueError("A milestone uses the latest value and increases.")
        if self.direction == DECREASE and self.aggregation != LATEST:
            raise ValueError("A decreasing indicator must use the latest value, not a sum.")


class ActivityUpdateInput(NamedTuple):
    """One approved quarterly update; a plain ``(status, percent)`` tuple works too."""

    status: str
    percent_complete: float


@dataclass(frozen=True, kw_only=True)
class ActivityInput:
    """An activity's planned start and end (period indexes) and its approved
    updates by period index."""

    start_index: int
    end_index: int
    updates: Mapping[int, ActivityUpdateInput | tuple[str, float]] = field(default_factory=dict)


# --- Results ------------------------------------------------------------------


def _count_one(status: str) -> dict[str, int]:
    return {s: int(s == status) for s in STATUSES}


@dataclass(frozen=True, kw_only=True)
class LeafScore:
    """The score of one indicator or activity at a period.

    ``progress`` is the raw P (1.3 shows a 130 % over-achievement, and it can be
    negative when a level moved the wrong way); ``achieved`` and ``expected`` are
    P* and X*, clipped to [0, 1]. ``actual`` and ``expected_value`` are A and E
    in the indicator's own unit (None for activities).
    """

    progress: float
    achieved: float
    expected: float
    status: str
    due: bool
    reported: bool  # an approved figure or update for the period itself
    cancelled: bool = False
    actual: float | None = None
    expected_value: float | None = None

    # The same counters a NodeScore carries, so a roll-up treats leaves and nodes alike.
    @property
    def due_leaves(self) -> int:
        return int(self.due)

    @property
    def reported_leaves(self) -> int:
        return int(self.due and self.reported)

    @property
    def cancelled_leaves(self) -> int:
        return int(self.cancelled)

    @property
    def counts(self) -> dict[str, int]:
        return _count_one(self.status)

    @property
    def coverage(self) -> float | None:
        return float(self.reported) if self.due else None


@dataclass(frozen=True, kw_only=True)
class NodeScore:
    """The score of an objective, pillar or plan at a period.

    ``progress``, ``achieved`` and ``expected`` are the weighted means P_node
    and X_node (progress equals achieved: a node only ever sees its children's
    P*); all three are None when no child could be scored (status NO_DATA).
    ``counts``, ``due_leaves``, ``reported_leaves`` and ``cancelled_leaves``
    are about the leaves below the node, so a parent can add them up.
    """

    progress: float | None
    achieved: float | None
    expected: float | None
    status: str
    coverage: float | None
    counts: Mapping[str, int]
    due_leaves: int
    reported_leaves: int
    cancelled_leaves: int = 0


# --- Comparisons --------------------------------------------------------------


def _at_least(value: float, bound: float) -> bool:
    return value >= bound - TOLERANCE


def _is_zero(value: float) -> bool:
    return abs(value) <= TOLERANCE


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


# --- Indicators ---------------------------------------------------------------


def _check_period_in_plan(period: PeriodRef, plan_years: PlanYears) -> None:
    if period.year not in plan_years.years:
        raise ValueError(f"{period} is not a period of the plan {plan_years.first}–{plan_years.last}.")
    if period.index != (period.year - plan_years.first) * 4 + period.quarter:
        raise ValueError(f"{period} cannot have index {period.index} in a plan starting {plan_years.first}.")


def _check_targets(indicator: IndicatorInput, plan_years: PlanYears) -> None:
    missing = [year for year in plan_years.years if year not in indicator.targets]
    if missing:
        raise MissingTargetError(
            f"No target for {', '.join(map(str, missing))}: an indicator needs a target for every plan year."
        )


def plan_target(indicator: IndicatorInput, plan_years: PlanYears) -> float:
    """``T_plan``: SUM → Σ T_y over the plan years; LATEST → T of the last year."""
    _check_targets(indicator, plan_years)
    if indicator.aggregation == SUM:
        return float(sum(indicator.targets[year] for year in plan_years.years))
    return float(indicator.targets[plan_years.last])


def actual_to_date(indicator: IndicatorInput, period: PeriodRef) -> float:
    """``A(p)``: SUM → Σ V_q over plan periods q ≤ p (a missing period adds 0);
    LATEST → the V_q of the latest q ≤ p that has one, B when none."""
    periods = [index for index in indicator.values if 1 <= index <= period.index]
    if indicator.aggregation == SUM:
        return float(sum(indicator.values[index] for index in periods))
    return float(indicator.values[max(periods)] if periods else indicator.baseline)


def _year_share(frequency: str, quarter: int) -> float:
    # An ANNUAL indicator is reported in Q4 only, so nothing of its year is
    # expected before that report is due.
    if frequency == ANNUAL:
        return 1.0 if quarter == 4 else 0.0
    return quarter / 4


def expected_to_date(indicator: IndicatorInput, period: PeriodRef, *, plan_years: PlanYears) -> float:
    """``E(p)``: SUM → Σ T of earlier plan years + T_y·f; LATEST → S + (T_y − S)·f,
    S being last year's target (B in the first year)."""
    _check_period_in_plan(period, plan_years)
    _check_targets(indicator, plan_years)
    share = _year_share(indicator.frequency, period.quarter)
    this_year = indicator.targets[period.year]
    if indicator.aggregation == SUM:
        earlier = sum(indicator.targets[year] for year in plan_years.years if year < period.year)
        return earlier + this_year * share
    start = indicator.baseline if period.year == plan_years.first else indicator.targets[period.year - 1]
    return start + (this_year - start) * share


def indicator_due(indicator: IndicatorInput, period: PeriodRef) -> bool:
    """A QUARTERLY indicator is due every plan period; an ANNUAL one in Q4 periods."""
    return indicator.frequency != ANNUAL or period.quarter == 4


def _reached(indicator: IndicatorInput, actual: float, target: float) -> bool:
    if indicator.direction == DECREASE:
        return _at_least(target, actual)
    return _at_least(actual, target)


def _milestone_expected(indicator: IndicatorInput, period: PeriodRef, plan_years: PlanYears) -> float:
    # X = 1 from the last quarter of the first year whose target is 1.
    for year in plan_years.years:
        if _at_least(indicator.targets[year], 1):
            return 1.0 if (period.year, period.quarter) >= (year, 4) else 0.0
    return 0.0


def indicator_score(
    indicator: IndicatorInput,
    period: PeriodRef,
    *,
    plan_years: PlanYears,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> LeafScore:
    """Score one indicator at a period. Raises MissingTargetError when a plan
    year has no target."""
    actual = actual_to_date(indicator, period)
    expected_value = expected_to_date(indicator, period, plan_years=plan_years)
    target = plan_target(indicator, plan_years)

    if indicator.measure == MILESTONE:
        progress = actual
        expected = _milestone_expected(indicator, period, plan_years)
    else:
        start = 0.0 if indicator.aggregation == SUM else indicator.baseline
        distance = target - start
        if _is_zero(distance):
            # Nothing to gain over the plan: reached or not, and fully expected.
            progress = 1.0 if _reached(indicator, actual, target) else 0.0
            expected = 1.0
        else:
            # For a DECREASE both sides are negative, so a fall counts as progress.
            progress = (actual - start) / distance
            expected = (expected_value - start) / distance

    due = indicator_due(indicator, period)
    reported = period.index in indicator.values
    achieved, expected = _clip(progress), _clip(expected)
    return LeafScore(
        progress=progress,
        achieved=achieved,
        expected=expected,
        status=leaf_status(
            due=due, reported=reported, achieved=achieved, expected=expected, thresholds=thresholds
        ),
        due=due,
        reported=reported,
        actual=actual,
        expected_value=expected_value,
    )


# --- Activities ---------------------------------------------------------------


def _latest_update(activity: ActivityInput, last_index: int) -> ActivityUpdateInput | None:
    indexes = [index for index in activity.updates if index <= last_index]
    return ActivityUpdateInput(*activity.updates[max(indexes)]) if indexes else None


def activity_due(activity: ActivityInput, period: PeriodRef) -> bool:
    """Due from the planned start on, until an approved update says COMPLETED or CANCELLED.

    Read as: the latest approved update *before* p says so. The update that
    completes or cancels the activity is itself required (so it counts for
    coverage), and an activity reopened by a later update is due again.
    """
    if period.index < activity.start_index:
        return False
    previous = _latest_update(activity, period.index - 1)
    return previous is None or previous.status not in (COMPLETED, CANCELLED)


def activity_score(
    activity: ActivityInput, period: PeriodRef, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> LeafScore:
    """Score one activity at a period: P from the latest approved percent
    complete, X from how much of the planned span has passed."""
    latest = _latest_update(activity, period.index)
    progress = latest.percent_complete / 100 if latest else 0.0

    start, end = activity.start_index, activity.end_index
    if period.index < start:
        expected = 0.0
    elif period.index >= end:
        expected = 1.0
    else:
        expected = (period.index - start + 1) / (end - start + 1)

    due = activity_due(activity, period)
    reported = period.index in activity.updates
    achieved = _clip(progress)
    expected = _clip(expected)
    return LeafScore(
        progress=progress,
        achieved=achieved,
        expected=expected,
        status=leaf_status(
            due=due, reported=reported, achieved=achieved, expected=expected, thresholds=thresholds
        ),
        due=due,
        reported=reported,
        cancelled=latest is not None and latest.status == CANCELLED,
    )


# --- Status and roll-up -------------------------------------------------------


def progress_status(achieved: float, expected: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """Rules 2–5 of a status, shared by leaves and nodes."""
    if _is_zero(expected) and _is_zero(achieved):
        return NOT_DUE
    if _at_least(achieved, thresholds.on_track * expected):
        return ON_TRACK
    if _at_least(achieved, thresholds.at_risk * expected):
        return AT_RISK
    return OFF_TRACK


def leaf_status(
    *,
    due: bool,
    reported: bool,
    achieved: float,
    expected: float,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> str:
    """Rules 1–5: a due leaf with nothing approved for the period has NO_DATA,
    whatever its figures to date."""
    if due and not reported:
        return NO_DATA
    return progress_status(achieved, expected, thresholds)


def rollup(
    children: Iterable[tuple[float, LeafScore | NodeScore]], *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> NodeScore:
    """Score an objective, pillar or plan from ``(weight, score)`` of its children.

    Children with weight 0 (or less) and cancelled activities leave the roll-up
    entirely: the means, the coverage and the counts. NO_DATA children leave
    only the means; their leaves still count as due and unreported.
    """
    weighted = [(weight, child) for weight, child in children if weight > 0]
    # Cancelled activities are listed apart, so the parent still learns how many there are.
    cancelled_leaves = sum(child.cancelled_leaves for _, child in weighted)
    included = [(w, child) for w, child in weighted if not (isinstance(child, LeafScore) and child.cancelled)]

    counts = dict.fromkeys(STATUSES, 0)
    for _, child in included:
        for status, count in child.counts.items():
            counts[status] += count
    due_leaves = sum(child.due_leaves for _, child in included)
    reported_leaves = sum(child.reported_leaves for _, child in included)
    coverage = reported_leaves / due_leaves if due_leaves else None

    scored = [(w, child) for w, child in included if child.status != NO_DATA]
    if not scored:
        achieved = expected = None
        status = NO_DATA
    else:
        achieved = _weighted_mean([(w, child.achieved) for w, child in scored])
        expected = _weighted_mean([(w, child.expected) for w, child in scored])
        status = progress_status(achieved, expected, thresholds)
    return NodeScore(
        progress=achieved,
        achieved=achieved,
        expected=expected,
        status=status,
        coverage=coverage,
        counts=counts,
        due_leaves=due_leaves,
        reported_leaves=reported_leaves,
        cancelled_leaves=cancelled_leaves,
    )


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    mean = sum(weight * value for weight, value in pairs) / sum(weight for weight, _ in pairs)
    # Rounding must not carry a node past its children (nor past 100 %).
    values = [value for _, value in pairs]
    return min(max(values), max(min(values), mean))


# --- Reporting completeness ---------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """Reports expected, received (SUBMITTED or APPROVED) and on time (first
    submitted by the deadline), for one organisation or for all of them."""

    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class CompletenessReport:
    overall: Completeness
    by_organisation: Mapping[Hashable, Completeness]


def reporting_completeness(
    *, expected: Iterable[Hashable], received: Iterable[Hashable], on_time: Iterable[Hashable]
) -> CompletenessReport:
    """Completeness and timeliness of one period's reports.

    Each argument holds organisations (ids or codes): ``expected`` those that
    lead or contribute to a leaf due at the period, ``received`` those whose
    report is SUBMITTED or APPROVED, ``on_time`` those whose report was first
    submitted by the deadline. A report nobody expected is listed for its
    organisation but never raises the overall figures.
    """
    expected, received, on_time = set(expected), set(received), set(on_time)
    by_organisation = {
        organisation: Completeness(
            expected=int(organisation in expected),
            received=int(organisation in received),
            on_time=int(organisation in on_time),
        )
        for organisation in expected | received | on_time
    }
    overall = Completeness(
        expected=len(expected),
        received=len(received & expected),
        on_time=len(on_time & expected),
    )
    return CompletenessReport(overall=overall, by_organisation=by_organisation)
