"""The scoring rule of docs/scoring.md, checked by hand and by property.

Pure tests: no database. Figures are worked out in the comments so a reader can
check them against the rule without running anything.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.scoring import (
    ANNUAL,
    AT_RISK,
    CANCELLED,
    COMPLETED,
    DECREASE,
    LATEST,
    MILESTONE,
    NO_DATA,
    NOT_DUE,
    OFF_TRACK,
    ON_TRACK,
    QUARTERLY,
    STATUSES,
    SUM,
    ActivityInput,
    IndicatorInput,
    LeafScore,
    MissingTargetError,
    PeriodRef,
    PlanYears,
    Thresholds,
    activity_score,
    actual_to_date,
    expected_to_date,
    indicator_score,
    leaf_status,
    reporting_completeness,
    rollup,
)

PLAN = PlanYears(first=2024, last=2028)
IN_PROGRESS = "IN_PROGRESS"


def period(code: str, plan: PlanYears = PLAN) -> PeriodRef:
    """``period("2025-Q2")`` → the plan's period with its index."""
    year, quarter = int(code[:4]), int(code[-1])
    return PeriodRef(year=year, quarter=quarter, index=(year - plan.first) * 4 + quarter)


def each_year(value: float, plan: PlanYears = PLAN) -> dict[int, float]:
    return dict.fromkeys(plan.years, value)


def sum_indicator(values=None, targets=None, **fields) -> IndicatorInput:
    """The worked example's flow: 100 a year, 500 over the plan."""
    return IndicatorInput(
        measure="NUMBER",
        aggregation=SUM,
        baseline=0,
        targets=targets if targets is not None else each_year(100),
        values=values or {},
        **fields,
    )


def level_indicator(values=None, **fields) -> IndicatorInput:
    """The worked example's level: from 40 % to 50, 60, 70, 80, 90 %."""
    fields.setdefault("targets", {2024: 50, 2025: 60, 2026: 70, 2027: 80, 2028: 90})
    fields.setdefault("baseline", 40)
    return IndicatorInput(measure="PERCENT", aggregation=LATEST, values=values or {}, **fields)


def score(indicator: IndicatorInput, code: str, plan: PlanYears = PLAN, **kwargs) -> LeafScore:
    return indicator_score(indicator, period(code, plan), plan_years=plan, **kwargs)


def leaf(achieved: float, expected: float, *, due: bool = True, reported: bool = True) -> LeafScore:
    """A leaf with the given P* and X*, its status worked out by the rule."""
    return LeafScore(
        progress=achieved,
        achieved=achieved,
        expected=expected,
        status=leaf_status(due=due, reported=reported, achieved=achieved, expected=expected),
        due=due,
        reported=reported,
    )


# --- The worked example of scoring.md ----------------------------------------------


def test_worked_example_sum_indicator_is_on_track_at_2024_q2():
    result = score(sum_indicator({1: 20, 2: 30}), "2024-Q2")

    assert result.actual == 50
    assert result.expected_value == 50
    assert result.achieved == pytest.approx(0.1)
    assert result.expected == pytest.approx(0.1)
    assert result.status == ON_TRACK


def test_worked_example_sum_indicator_without_a_figure_for_2024_q3_has_no_data():
    result = score(sum_indicator({1: 20, 2: 30}), "2024-Q3")

    assert result.actual == 50
    assert result.expected_value == 75
    assert result.achieved == pytest.approx(0.10)
    assert result.expected == pytest.approx(0.15)
    assert result.due
    assert result.status == NO_DATA


def test_worked_example_level_indicator_is_off_track_at_2024_q2():
    result = score(level_indicator({2: 42}), "2024-Q2")

    assert result.actual == 42
    assert result.expected_value == pytest.approx(45)  # 40 + 10 · 2/4
    assert result.progress == pytest.approx(0.04)  # 2 / 50
    assert result.expected == pytest.approx(0.10)  # 5 / 50
    assert result.status == OFF_TRACK  # 0.04 < 0.6 · 0.10


def test_worked_example_annual_indicator_is_on_track_and_not_missing_in_q2():
    result = score(sum_indicator({4: 95}, frequency=ANNUAL), "2025-Q2")

    assert result.actual == 95
    assert result.expected_value == 100  # only 2024's target is expected yet
    assert result.achieved == pytest.approx(0.19)
    assert result.expected == pytest.approx(0.20)
    assert not result.due
    assert result.status == ON_TRACK


def test_worked_example_objective_is_at_risk_with_full_coverage():
    flow = score(sum_indicator({1: 20, 2: 30}), "2024-Q2")
    level = score(level_indicator({2: 42}), "2024-Q2")

    objective = rollup([(1, flow), (1, level)])

    assert objective.achieved == pytest.approx(0.07)  # (0.1 + 0.04) / 2
    assert objective.expected == pytest.approx(0.10)
    assert objective.status == AT_RISK  # 0.07 ≥ 0.06 and < 0.085
    assert objective.coverage == 1.0


# --- SUM indicators -----------------------------------------------------------------


def test_sum_indicator_on_track_when_actual_matches_expected():
    # 2025-Q3: expected 100 + 100 · 3/4 = 175; reported 100 in 2024 and 75 in 2025.
    result = score(sum_indicator({4: 100, 7: 75}), "2025-Q3")

    assert result.actual == result.expected_value == 175
    assert result.achieved == result.expected == pytest.approx(0.35)
    assert result.status == ON_TRACK


def test_sum_actual_adds_every_approved_period_up_to_now_and_a_missing_one_adds_nothing():
    indicator = sum_indicator({1: 10, 3: 5, 6: 100})  # nothing for 2024-Q2, 2024-Q4

    assert actual_to_date(indicator, period("2025-Q1")) == 15  # 2025-Q2's 100 is not in yet
    assert actual_to_date(indicator, period("2025-Q2")) == 115


def test_sum_expected_adds_earlier_years_targets_and_a_quarterly_share_of_this_year():
    indicator = sum_indicator(targets={2024: 100, 2025: 200, 2026: 300, 2027: 300, 2028: 300})

    assert expected_to_date(indicator, period("2024-Q1"), plan_years=PLAN) == 25
    assert expected_to_date(indicator, period("2025-Q3"), plan_years=PLAN) == 250  # 100 + 200 · 3/4
    assert expected_to_date(indicator, period("2028-Q4"), plan_years=PLAN) == 1200


def test_over_achievement_keeps_raw_progress_above_100_percent_but_achieved_stops_at_1():
    result = score(sum_indicator({4: 650}), "2024-Q4")

    assert result.progress == pytest.approx(1.3)  # 650 / 500
    assert result.achieved == 1.0
    assert result.expected == pytest.approx(0.2)
    assert result.status == ON_TRACK


def test_sum_indicator_falls_off_track_when_far_behind_expected():
    # 2025-Q4: expected 200 of 500 (X = 0.4); achieved 90 (P = 0.18 < 0.6 · 0.4).
    result = score(sum_indicator({8: 90}), "2025-Q4")

    assert result.expected == pytest.approx(0.4)
    assert result.status == OFF_TRACK


# --- LATEST indicators ----------------------------------------------------------------


def test_level_actual_is_the_most_recent_approved_value_not_a_sum():
    indicator = level_indicator({1: 42, 2: 45})

    assert actual_to_date(indicator, period("2024-Q3")) == 45


def test_level_actual_is_the_baseline_before_any_value_is_approved():
    result = score(level_indicator(), "2024-Q1")

    assert result.actual == 40
    assert result.progress == 0
    assert result.status == NO_DATA


def test_level_expected_starts_from_last_years_target():
    # 2025-Q1: S = T_2024 = 50, T_2025 = 60 → 50 + 10 · 1/4.
    result = score(level_indicator({5: 52.5}), "2025-Q1")

    assert result.expected_value == pytest.approx(52.5)
    assert result.expected == pytest.approx(0.25)  # 12.5 / 50
    assert result.status == ON_TRACK


def test_level_indicator_expects_the_final_target_in_the_last_quarter():
    result = score(level_indicator({20: 90}), "2028-Q4")

    assert result.expected_value == 90
    assert result.achieved == result.expected == 1.0


SHORT_PLAN = PlanYears(first=2024, last=2025)


def falling_indicator(value: float) -> IndicatorInput:
    # A rate to bring down from 30 to 25 (2024) and 20 (2025).
    return IndicatorInput(
        measure="PERCENT",
        aggregation=LATEST,
        direction=DECREASE,
        baseline=30,
        targets={2024: 25, 2025: 20},
        values={6: value},
    )


@pytest.mark.parametrize(
    ("value", "progress", "status"),
    [
        (22, 0.8, ON_TRACK),  # (22 − 30) / (20 − 30); 0.8 ≥ 0.85 · 0.75
        (24, 0.6, AT_RISK),  # 0.6 < 0.6375 but ≥ 0.45
        (27, 0.3, OFF_TRACK),
    ],
)
def test_decreasing_indicator_progresses_as_the_level_falls(value, progress, status):
    result = score(falling_indicator(value), "2025-Q2", plan=SHORT_PLAN)

    assert result.expected_value == pytest.approx(22.5)  # 25 + (20 − 25) · 2/4
    assert result.expected == pytest.approx(0.75)  # (22.5 − 30) / (20 − 30)
    assert result.progress == pytest.approx(progress)
    assert result.status == status


def test_decreasing_indicator_that_rose_keeps_negative_raw_progress_and_scores_zero():
    result = score(falling_indicator(35), "2025-Q2", plan=SHORT_PLAN)

    assert result.progress == pytest.approx(-0.5)
    assert result.achieved == 0.0
    assert result.status == OFF_TRACK


# --- Zero denominators ---------------------------------------------------------------


def test_sum_indicator_with_no_planned_amount_counts_as_reached_and_fully_expected():
    result = score(sum_indicator({1: 0}, targets=each_year(0)), "2024-Q1")

    assert (result.progress, result.expected) == (1.0, 1.0)
    assert result.status == ON_TRACK


@pytest.mark.parametrize(
    ("direction", "value", "progress", "status"),
    [
        ("INCREASE", 50, 1.0, ON_TRACK),  # held the level
        ("INCREASE", 49, 0.0, OFF_TRACK),  # slipped below it
        (DECREASE, 50, 1.0, ON_TRACK),
        (DECREASE, 45, 1.0, ON_TRACK),  # below is better when decreasing
        (DECREASE, 51, 0.0, OFF_TRACK),
    ],
)
def test_level_indicator_whose_final_target_equals_baseline_is_reached_or_not(
    direction, value, progress, status
):
    indicator = level_indicator({6: value}, baseline=50, targets=each_year(50), direction=direction)

    result = score(indicator, "2025-Q2")

    assert result.progress == progress
    assert result.expected == 1.0
    assert result.status == status


# --- Milestones --------------------------------------------------------------------------


def law_adopted(values: dict[int, float]) -> IndicatorInput:
    """A milestone due by the end of 2025."""
    return IndicatorInput(
        measure=MILESTONE,
        aggregation=LATEST,
        baseline=0,
        targets={2024: 0, 2025: 1, 2026: 1, 2027: 1, 2028: 1},
        values=values,
    )


def test_milestone_is_not_expected_before_the_last_quarter_of_its_target_year():
    result = score(law_adopted({7: 0}), "2025-Q3")

    assert (result.progress, result.expected) == (0, 0)
    assert result.status == NOT_DUE


def test_milestone_not_reached_in_the_last_quarter_of_its_target_year_is_off_track():
    result = score(law_adopted({8: 0}), "2025-Q4")

    assert result.expected == 1.0
    assert result.status == OFF_TRACK


def test_milestone_reached_on_time_is_on_track_and_stays_expected_afterwards():
    reached = law_adopted({8: 1, 9: 1})

    assert score(reached, "2025-Q4").status == ON_TRACK
    assert score(reached, "2026-Q1").expected == 1.0


def test_milestone_reached_early_is_on_track():
    result = score(law_adopted({2: 1}), "2024-Q2")

    assert (result.achieved, result.expected) == (1, 0)
    assert result.status == ON_TRACK


def test_milestone_with_no_target_of_1_is_never_expected():
    never = IndicatorInput(measure=MILESTONE, aggregation=LATEST, baseline=0, targets=each_year(0))

    assert score(never, "2028-Q4").expected == 0


# --- Annual indicators -----------------------------------------------------------------


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_annual_indicator_is_not_due_and_expects_nothing_of_this_year_before_q4(quarter):
    result = score(sum_indicator({4: 100}, frequency=ANNUAL), f"2025-Q{quarter}")

    assert not result.due
    assert result.expected_value == 100  # 2024's target only
    assert result.status != NO_DATA


def test_annual_indicator_is_due_in_q4_and_expects_the_whole_year():
    result = score(sum_indicator({4: 100}, frequency=ANNUAL), "2025-Q4")

    assert result.due
    assert result.expected_value == 200
    assert result.status == NO_DATA  # 2025's figure is not in


def test_annual_level_indicator_expects_last_years_target_until_q4():
    indicator = level_indicator({4: 50}, frequency=ANNUAL)

    assert score(indicator, "2025-Q3").expected_value == 50
    assert score(indicator, "2025-Q4").expected_value == 60


# --- Activities ---------------------------------------------------------------------------


def training(updates=None) -> ActivityInput:
    """Planned from 2024-Q3 (index 3) to 2025-Q2 (index 6): four quarters."""
    return ActivityInput(start_index=3, end_index=6, updates=updates or {})


def test_activity_before_its_start_is_not_due_and_not_expected():
    result = activity_score(training(), period("2024-Q2"))

    assert not result.due
    assert result.expected == 0
    assert result.status == NOT_DUE


def test_activity_started_early_is_on_track_before_its_start():
    result = activity_score(training({2: (IN_PROGRESS, 20)}), period("2024-Q2"))

    assert result.achieved == pytest.approx(0.2)
    assert result.status == ON_TRACK


def test_activity_in_progress_is_expected_in_proportion_to_the_quarters_passed():
    # 2024-Q4 is the second of four planned quarters: X = 2/4; P = 0.4 < 0.85 · 0.5.
    result = activity_score(training({4: (IN_PROGRESS, 40)}), period("2024-Q4"))

    assert result.expected == 0.5
    assert result.achieved == pytest.approx(0.4)
    assert result.status == AT_RISK
    assert result.actual is None and result.expected_value is None


@pytest.mark.parametrize("code", ["2025-Q2", "2025-Q4"])
def test_activity_is_fully_expected_from_its_planned_end_on(code):
    assert activity_score(training(), period(code)).expected == 1.0


def test_activity_progress_comes_from_the_latest_update_up_to_the_period():
    updates = {3: (IN_PROGRESS, 30), 5: (IN_PROGRESS, 60), 7: (IN_PROGRESS, 90)}

    result = activity_score(training(updates), period("2025-Q2"))

    assert result.achieved == pytest.approx(0.6)  # 2025-Q3's 90 % is not in yet
    assert result.status == NO_DATA  # due, and nothing for 2025-Q2 itself


def test_activity_due_without_any_update_has_no_data_and_no_progress():
    result = activity_score(training(), period("2024-Q3"))

    assert result.due
    assert result.progress == 0
    assert result.status == NO_DATA


def test_completed_activity_counts_as_reported_in_its_last_quarter_and_is_not_due_after():
    completed = training({5: (COMPLETED, 100)})

    last = activity_score(completed, period("2025-Q1"))
    after = activity_score(completed, period("2025-Q2"))

    assert last.due and last.reported
    assert last.status == ON_TRACK  # 1.0 against 3/4 expected
    assert not after.due
    assert after.status == ON_TRACK


def test_activity_reopened_after_completion_is_due_again():
    reopened = training({4: (COMPLETED, 100), 5: (IN_PROGRESS, 80)})

    result = activity_score(reopened, period("2025-Q2"))

    assert result.due
    assert result.status == NO_DATA


def test_cancelled_activity_is_marked_and_no_longer_due():
    cancelled = training({4: (CANCELLED, 10)})

    at_cancellation = activity_score(cancelled, period("2024-Q4"))
    after = activity_score(cancelled, period("2025-Q1"))

    assert at_cancellation.cancelled and at_cancellation.due
    assert after.cancelled and not after.due


def test_cancellation_reported_later_does_not_cancel_an_earlier_period():
    result = activity_score(training({4: (IN_PROGRESS, 10), 6: (CANCELLED, 10)}), period("2025-Q1"))

    assert not result.cancelled


def test_cancelled_activity_leaves_the_objective_and_is_counted_apart():
    indicator = score(sum_indicator({1: 20, 2: 30}), "2024-Q2")
    cancelled = activity_score(
        ActivityInput(start_index=1, end_index=4, updates={2: (CANCELLED, 0)}), period("2024-Q2")
    )

    objective = rollup([(1, indicator), (1, cancelled)])

    assert objective.achieved == indicator.achieved
    assert objective.expected == indicator.expected
    assert objective.status == ON_TRACK
    assert sum(objective.counts.values()) == 1
    assert objective.due_leaves == 1
    assert objective.coverage == 1.0  # its own last report is not counted either
    assert objective.cancelled_leaves == 1


# --- Status of a leaf ------------------------------------------------------------------


def test_due_leaf_with_nothing_for_the_period_has_no_data_even_if_its_figures_look_good():
    assert leaf_status(due=True, reported=False, achieved=1.0, expected=0.5) == NO_DATA


def test_leaf_not_due_is_scored_on_its_figures_to_date():
    assert leaf_status(due=False, reported=False, achieved=0.5, expected=0.5) == ON_TRACK


def test_leaf_with_nothing_expected_and_nothing_achieved_is_not_due():
    assert leaf_status(due=True, reported=True, achieved=0, expected=0) == NOT_DUE


def test_leaf_with_nothing_achieved_against_something_expected_is_off_track():
    assert leaf_status(due=True, reported=True, achieved=0, expected=0.25) == OFF_TRACK


@pytest.mark.parametrize(
    ("achieved", "status"),
    [(0.75, ON_TRACK), (0.5, AT_RISK), (0.4999, OFF_TRACK)],
)
def test_value_exactly_on_a_threshold_gets_the_better_status(achieved, status):
    thresholds = Thresholds(on_track=0.75, at_risk=0.5)  # exact in binary

    assert (
        leaf_status(due=True, reported=True, achieved=achieved, expected=1.0, thresholds=thresholds) == status
    )


def test_indicator_exactly_at_85_percent_of_expected_is_on_track_despite_rounding():
    # E = 160 + 240 · 2/4 = 280 of 1000 → X = 0.28; A = 238 → P = 0.238 = 0.85 · 0.28,
    # but 0.85 * 0.28 is 0.23800000000000002 in floating point.
    targets = {2024: 160, 2025: 240, 2026: 200, 2027: 200, 2028: 200}

    result = score(sum_indicator({6: 238}, targets=targets), "2025-Q2")

    assert result.expected == 0.28
    assert result.achieved == 0.238
    assert result.status == ON_TRACK


def test_value_exactly_at_60_percent_of_expected_is_at_risk_despite_rounding():
    assert leaf_status(due=True, reported=True, achieved=0.204, expected=0.34) == AT_RISK  # 0.6 · 0.34


def test_value_just_below_a_threshold_gets_the_worse_status():
    assert leaf_status(due=True, reported=True, achieved=0.85 - 1e-6, expected=1.0) == AT_RISK


def test_thresholds_in_the_wrong_order_are_refused():
    with pytest.raises(ValueError, match="at_risk"):
        Thresholds(on_track=0.5, at_risk=0.6)


# --- Roll-up --------------------------------------------------------------------------------


def test_heavier_child_counts_more_in_the_objective():
    # P = (3 · 0.2 + 1 · 0.6) / 4 = 0.3; X = 0.4; 0.3 < 0.34 but ≥ 0.24.
    objective = rollup([(3, leaf(0.2, 0.4)), (1, leaf(0.6, 0.4))])

    assert objective.achieved == pytest.approx(0.3)
    assert objective.expected == pytest.approx(0.4)
    assert objective.status == AT_RISK


def test_child_with_weight_zero_is_left_out_of_progress_coverage_and_counts():
    tracked_only = leaf(0.0, 0.5, reported=False)

    objective = rollup([(1, leaf(0.4, 0.4)), (0, tracked_only)])

    assert objective.achieved == pytest.approx(0.4)
    assert objective.coverage == 1.0
    assert sum(objective.counts.values()) == 1


def test_child_with_no_data_lowers_coverage_but_not_progress():
    missing = leaf(0.0, 0.5, reported=False)

    objective = rollup([(1, leaf(0.5, 0.5)), (1, missing)])

    assert missing.status == NO_DATA
    assert objective.achieved == pytest.approx(0.5)
    assert objective.status == ON_TRACK
    assert objective.coverage == 0.5
    assert objective.counts[ON_TRACK] == objective.counts[NO_DATA] == 1


def test_objective_whose_children_all_have_no_data_has_no_data_and_no_figures():
    objective = rollup([(1, leaf(0.2, 0.4, reported=False)), (2, leaf(0.1, 0.4, reported=False))])

    assert objective.status == NO_DATA
    assert objective.achieved is None and objective.expected is None
    assert objective.coverage == 0.0
    assert objective.counts[NO_DATA] == 2


@pytest.mark.parametrize("children", [[], [(0, leaf(0.5, 0.5))]], ids=["empty", "all weights zero"])
def test_objective_with_nothing_to_score_has_no_data_and_no_coverage(children):
    objective = rollup(children)

    assert objective.status == NO_DATA
    assert objective.coverage is None
    assert objective.due_leaves == 0
    assert set(objective.counts) == set(STATUSES)
    assert sum(objective.counts.values()) == 0


def test_child_not_due_yet_still_counts_in_the_means():
    not_started = leaf(0.0, 0.0, due=False, reported=False)

    objective = rollup([(1, leaf(0.4, 0.4)), (1, not_started)])

    assert not_started.status == NOT_DUE
    assert objective.achieved == pytest.approx(0.2)
    assert objective.expected == pytest.approx(0.2)
    assert objective.coverage == 1.0  # only the due leaf counts


def test_objective_with_no_leaf_due_has_no_coverage():
    objective = rollup([(1, leaf(0.0, 0.0, due=False, reported=False))])

    assert objective.status == NOT_DUE
    assert objective.coverage is None


def test_objective_that_achieved_nothing_of_what_was_expected_is_off_track():
    objective = rollup([(1, leaf(0.0, 0.2))])

    assert objective.status == OFF_TRACK


def test_pillar_coverage_and_counts_come_from_the_leaves_not_the_objectives():
    first = rollup([(1, leaf(0.5, 0.5)), (1, leaf(0.5, 0.5)), (1, leaf(0.0, 0.5, reported=False))])
    second = rollup([(1, leaf(0.5, 0.5))])

    pillar = rollup([(1, first), (1, second)])

    assert pillar.coverage == 0.75  # 3 of 4 due leaves, not the mean of 2/3 and 1
    assert pillar.counts[ON_TRACK] == 3
    assert pillar.counts[NO_DATA] == 1
    assert (pillar.due_leaves, pillar.reported_leaves) == (4, 3)


def test_leaves_of_an_objective_with_no_data_still_count_in_the_pillar():
    silent = rollup([(1, leaf(0.2, 0.5, reported=False)), (1, leaf(0.3, 0.5, reported=False))])
    busy = rollup([(1, leaf(0.6, 0.5))])

    pillar = rollup([(1, silent), (1, busy)])

    assert pillar.achieved == pytest.approx(0.6)
    assert pillar.coverage == pytest.approx(1 / 3)
    assert pillar.counts[NO_DATA] == 2


def test_over_achieving_child_does_not_push_its_parent_past_100_percent():
    ahead = score(sum_indicator({4: 650}), "2024-Q4")

    objective = rollup([(1, ahead)])

    assert ahead.progress > 1
    assert objective.progress == objective.achieved == 1.0


def test_cancelled_leaves_add_up_to_the_plan():
    cancelled = activity_score(training({3: (CANCELLED, 0)}), period("2024-Q3"))
    objective = rollup([(1, cancelled), (1, leaf(0.5, 0.5))])

    plan = rollup([(1, rollup([(1, objective)]))])

    assert plan.cancelled_leaves == 1
    assert sum(plan.counts.values()) == 1


# --- Reporting completeness ------------------------------------------------------------


def test_completeness_and_timeliness_over_all_organisations_and_for_each():
    report = reporting_completeness(
        expected={"MOI", "MOJ", "MOWA", "MOH"},
        received={"MOI", "MOJ", "MOWA"},
        on_time={"MOI"},
    )

    assert report.overall.completeness == 0.75
    assert report.overall.timeliness == 0.25
    assert report.by_organisation["MOJ"].completeness == 1.0
    assert report.by_organisation["MOJ"].timeliness == 0.0
    assert report.by_organisation["MOH"].completeness == 0.0


def test_completeness_is_empty_when_no_report_was_expected():
    report = reporting_completeness(expected=set(), received=set(), on_time=set())

    assert report.overall.completeness is None
    assert report.overall.timeliness is None


def test_report_nobody_expected_is_listed_but_does_not_raise_completeness():
    report = reporting_completeness(expected={"MOI", "MOJ"}, received={"MOI", "MOT"}, on_time={"MOI", "MOT"})

    assert report.overall.completeness == 0.5
    assert report.overall.timeliness == 0.5
    assert report.by_organisation["MOT"].received == 1
    assert report.by_organisation["MOT"].completeness is None


# --- Inputs the rule cannot score -----------------------------------------------------


def test_indicator_missing_a_years_target_is_refused_with_the_year_named():
    targets = {2024: 100, 2025: 100, 2027: 100, 2028: 100}

    with pytest.raises(MissingTargetError, match="2026"):
        score(sum_indicator({1: 10}, targets=targets), "2024-Q1")


def test_period_outside_the_plan_is_refused():
    with pytest.raises(ValueError, match="2029-Q1"):
        indicator_score(sum_indicator(), PeriodRef(2029, 1, 21), plan_years=PLAN)


def test_milestone_summed_over_time_is_refused():
    with pytest.raises(ValueError, match="milestone"):
        IndicatorInput(measure=MILESTONE, aggregation=SUM, baseline=0, targets=each_year(1))


# --- Properties --------------------------------------------------------------------------

amounts = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1000, allow_subnormal=False))


@st.composite
def indicators_at_a_period(draw):
    first = draw(st.integers(min_value=2020, max_value=2030))
    plan = PlanYears(first=first, last=first + draw(st.integers(min_value=0, max_value=4)))
    last_index = len(plan.years) * 4
    kind = draw(st.sampled_from(["flow", "rising level", "falling level", "milestone"]))
    if kind == "milestone":
        figures = st.sampled_from([0.0, 1.0])
        measure, aggregation, direction = MILESTONE, LATEST, "INCREASE"
    else:
        figures = amounts
        measure = "NUMBER"
        aggregation = SUM if kind == "flow" else LATEST
        direction = DECREASE if kind == "falling level" else "INCREASE"
    indicator = IndicatorInput(
        measure=measure,
        aggregation=aggregation,
        direction=direction,
        frequency=draw(st.sampled_from([QUARTERLY, ANNUAL])),
        baseline=0.0 if aggregation == SUM else draw(figures),
        targets={year: draw(figures) for year in plan.years},
        values=draw(st.dictionaries(st.integers(1, last_index), figures, max_size=last_index)),
    )
    index = draw(st.integers(1, last_index))
    return indicator, PeriodRef(first + (index - 1) // 4, (index - 1) % 4 + 1, index), plan


@st.composite
def activities_at_a_period(draw):
    start = draw(st.integers(1, 20))
    end = draw(st.integers(start, 20))
    updates = draw(
        st.dictionaries(
            st.integers(1, 20),
            st.tuples(
                st.sampled_from(["NOT_STARTED", IN_PROGRESS, "DELAYED", COMPLETED, CANCELLED]),
                st.floats(min_value=0, max_value=100),
            ),
            max_size=20,
        )
    )
    index = draw(st.integers(1, 20))
    return ActivityInput(start_index=start, end_index=end, updates=updates), PeriodRef(
        2024 + (index - 1) // 4, (index - 1) % 4 + 1, index
    )


@given(indicators_at_a_period())
def test_indicator_achieved_and_expected_always_lie_between_0_and_1(case):
    indicator, at, plan = case

    result = indicator_score(indicator, at, plan_years=plan)

    assert 0 <= result.achieved <= 1
    assert 0 <= result.expected <= 1
    assert result.status in STATUSES
    assert (result.status == NO_DATA) == (result.due and not result.reported)


@given(activities_at_a_period())
def test_activity_achieved_and_expected_always_lie_between_0_and_1(case):
    activity, at = case

    result = activity_score(activity, at)

    assert 0 <= result.achieved <= 1
    assert 0 <= result.expected <= 1
    assert (result.status == NO_DATA) == (result.due and not result.reported)


@given(indicators_at_a_period(), activities_at_a_period())
def test_scoring_twice_gives_the_same_result(indicator_case, activity_case):
    indicator, at, plan = indicator_case
    activity, activity_at = activity_case

    assert indicator_score(indicator, at, plan_years=plan) == indicator_score(indicator, at, plan_years=plan)
    assert activity_score(activity, activity_at) == activity_score(activity, activity_at)


fractions = st.floats(min_value=0, max_value=1)
weights = st.one_of(st.just(0.0), st.floats(min_value=0.001, max_value=100))
leaves = st.builds(
    lambda achieved, expected, due, reported, cancelled: LeafScore(
        progress=achieved,
        achieved=achieved,
        expected=expected,
        status=leaf_status(due=due, reported=reported, achieved=achieved, expected=expected),
        due=due,
        reported=reported,
        cancelled=cancelled,
    ),
    fractions,
    fractions,
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
objectives = st.lists(st.tuples(weights, leaves), max_size=6).map(rollup)
children_lists = st.lists(st.tuples(weights, st.one_of(leaves, objectives)), max_size=6)


def _counted(children: list) -> list:
    return [
        (weight, child)
        for weight, child in children
        if weight > 0 and not (isinstance(child, LeafScore) and child.cancelled) and child.status != NO_DATA
    ]


@given(children_lists)
def test_parent_lies_between_its_childrens_extremes(children):
    parent = rollup(children)

    counted = _counted(children)
    if not counted:
        assert parent.status == NO_DATA and parent.achieved is None
        return
    assert min(c.achieved for _, c in counted) <= parent.achieved <= max(c.achieved for _, c in counted)
    assert min(c.expected for _, c in counted) <= parent.expected <= max(c.expected for _, c in counted)


@given(children_lists)
def test_parent_coverage_and_counts_add_up_from_the_leaves_below(children):
    parent = rollup(children)

    included = [
        child
        for weight, child in children
        if weight > 0 and not (isinstance(child, LeafScore) and child.cancelled)
    ]
    assert sum(parent.counts.values()) == sum(sum(child.counts.values()) for child in included)
    assert parent.due_leaves == sum(child.due_leaves for child in included)
    assert parent.coverage is None or 0 <= parent.coverage <= 1
    assert (parent.coverage is None) == (parent.due_leaves == 0)


@given(children_lists)
def test_rolling_up_twice_gives_the_same_result(children):
    assert rollup(children) == rollup(children)
