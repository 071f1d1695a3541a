"""Stored scores: computed from approved figures only, recomputed when stale,
the same rows however often the work runs."""

import pytest

from indicators.models import Indicator
from plans.models import ScoreState
from plans.services import scores_mark_stale
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute, scores_take_lease
from strategies.models import Objective
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def worked_example():
    """scoring.md's worked example: a SUM indicator (100 a year) and a LATEST
    percentage (B = 40, targets 50…90) under one objective."""
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    lead = OrganisationFactory(code="MOI")
    trained = IndicatorFactory(
        objective=objective, code="I-SUM", lead=lead, targets=[100, 100, 100, 100, 100]
    )
    referred = IndicatorFactory(
        objective=objective,
        code="I-LATEST",
        lead=lead,
        measure="PERCENT",
        aggregation="LATEST",
        baseline=40,
        targets=[50, 60, 70, 80, 90],
    )
    period = {p.code: p for p in plan.periods.all()}
    approved_report(lead, period["2024-Q1"], values={trained: 20})
    approved_report(lead, period["2024-Q2"], values={trained: 30, referred: 42})
    return plan, period


def scores(plan, period_code):
    return {
        (s.node_type, s.code): s for s in ScoreSnapshot.objects.filter(plan=plan, period__code=period_code)
    }


def test_worked_example_is_stored_as_scoring_md_computes_it(worked_example):
    plan, _ = worked_example
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    q2 = scores(plan, "2024-Q2")
    trained, referred, objective = (
        q2["indicator", "I-SUM"],
        q2["indicator", "I-LATEST"],
        q2["objective", "O1"],
    )
    assert (trained.actual_value, trained.expected_value) == (50, 50)
    assert (trained.achieved, trained.expected, trained.status) == (
        pytest.approx(0.1),
        pytest.approx(0.1),
        "ON_TRACK",
    )
    assert (referred.actual_value, referred.expected_value) == (42, 45)
    assert referred.progress == pytest.approx(0.04)
    assert referred.status == "OFF_TRACK"
    assert objective.achieved == pytest.approx(0.07)
    assert objective.expected == pytest.approx(0.10)
    assert (objective.status, objective.coverage) == ("AT_RISK", 1.0)
    q3 = scores(plan, "2024-Q3")
    assert q3["indicator", "I-SUM"].status == "NO_DATA"
    assert q3["indicator", "I-SUM"].expected == pytest.approx(0.15)


def test_every_node_of_every_period_gets_one_snapshot(worked_example):
    plan, _ = worked_example
    result = plan_scores_recompute(plan_id=plan.pk, everything=True)
    # 20 periods × (2 indicators + 1 objective + 1 pillar + 1 plan)
    assert result.snapshots == 20 * 5
    assert ScoreSnapshot.objects.filter(plan=plan).count() == 100
    assert ScoreState.objects.get(plan=plan).stale_from is None


@pytest.mark.parametrize("state", ["DRAFT", "SUBMITTED", "RETURNED"])
def test_figures_not_yet_approved_never_change_a_score(worked_example, state):
    plan, period = worked_example
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    before = scores(plan, "2024-Q3")["indicator", "I-SUM"]
    trained = Indicator.objects.get(code="I-SUM")
    approved_report(OrganisationFactory(code="MOJ"), period["2024-Q3"], values={trained: 500}, state=state)
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    after = scores(plan, "2024-Q3")["indicator", "I-SUM"]
    assert (after.actual_value, after.status) == (before.actual_value, before.status) == (50, "NO_DATA")


def test_contributors_values_add_up_for_a_sum_but_only_the_lead_counts_for_a_level(worked_example):
    plan, period = worked_example
    trained, referred = Indicator.objects.get(code="I-SUM"), Indicator.objects.get(code="I-LATEST")
    approved_report(OrganisationFactory(code="MOJ"), period["2024-Q2"], values={trained: 10, referred: 99})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    q2 = scores(plan, "2024-Q2")
    assert q2["indicator", "I-SUM"].actual_value == 60
    assert q2["indicator", "I-LATEST"].actual_value == 42


def test_recomputing_twice_gives_identical_rows(worked_example):
    plan, _ = worked_example
    fields = [
        "period_id",
        "node_type",
        "node_id",
        "progress",
        "achieved",
        "expected",
        "status",
        "coverage",
        "counts",
    ]
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    first = list(
        ScoreSnapshot.objects.filter(plan=plan).order_by("period_id", "node_type", "node_id").values(*fields)
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    second = list(
        ScoreSnapshot.objects.filter(plan=plan).order_by("period_id", "node_type", "node_id").values(*fields)
    )
    assert first == second


def test_an_approval_for_a_period_rewrites_only_the_scores_it_changed(worked_example):
    plan, period = worked_example
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    before = {
        (s.period.index, s.node_type, s.code): (s.pk, s.computed_at)
        for s in ScoreSnapshot.objects.filter(plan=plan).select_related("period")
    }
    trained = Indicator.objects.get(code="I-SUM")
    approved_report(OrganisationFactory(code="MOJ"), period["2024-Q3"], values={trained: 25})
    scores_mark_stale(plan_id=plan.pk, from_index=period["2024-Q3"].index)
    assert ScoreState.objects.get(plan=plan).stale_from == 3
    plan_scores_recompute(plan_id=plan.pk)
    after = {
        (s.period.index, s.node_type, s.code): (s.pk, s.computed_at)
        for s in ScoreSnapshot.objects.filter(plan=plan).select_related("period")
    }
    rewritten = {key for key in after if after[key] != before[key]}
    # The SUM indicator and its parents change from 2024-Q3 on; the level
    # indicator does not, and nothing before 2024-Q3 is touched.
    assert {index for index, _, _ in rewritten} == set(range(3, 21))
    assert {(node, code) for _, node, code in rewritten} == {
        ("indicator", "I-SUM"),
        ("objective", "O1"),
        ("pillar", plan.pillars.get().code),
        ("plan", "NSP"),
    }
    assert scores(plan, "2024-Q3")["indicator", "I-SUM"].actual_value == 75
    assert ScoreState.objects.get(plan=plan).stale_from is None


def test_the_earliest_mark_wins_until_the_scores_are_recomputed(worked_example):
    plan, _ = worked_example
    scores_mark_stale(plan_id=plan.pk, from_index=7)
    scores_mark_stale(plan_id=plan.pk, from_index=4)
    scores_mark_stale(plan_id=plan.pk, from_index=9)
    assert ScoreState.objects.get(plan=plan).stale_from == 4


def test_a_plan_held_by_another_worker_is_left_alone(worked_example):
    plan, _ = worked_example
    scores_mark_stale(plan_id=plan.pk, from_index=1)
    assert scores_take_lease(plan_id=plan.pk)
    result = plan_scores_recompute(plan_id=plan.pk)
    assert result.busy
    assert not ScoreSnapshot.objects.filter(plan=plan).exists()
    assert ScoreState.objects.get(plan=plan).stale_from == 1


def test_an_approval_during_a_recompute_leaves_the_plan_stale_for_another_round(worked_example, monkeypatch):
    plan, _ = worked_example
    from reports.scores import recompute as services

    real_write = services.plan_scores_write
    calls = []

    def write_then_someone_approves(*, plan, from_index):
        calls.append(from_index)
        written = real_write(plan=plan, from_index=from_index)
        if len(calls) == 1:
            scores_mark_stale(plan_id=plan.pk, from_index=5)
        return written

    monkeypatch.setattr(services, "plan_scores_write", write_then_someone_approves)
    scores_mark_stale(plan_id=plan.pk, from_index=2)
    result = plan_scores_recompute(plan_id=plan.pk)
    assert calls == [2, 2]  # the second round starts from the earliest mark still standing
    assert result.rounds == 2
    assert ScoreState.objects.get(plan=plan).stale_from is None


def test_cancelled_activity_is_stored_apart_and_leaves_the_rollup(worked_example):
    plan, period = worked_example
    objective = Objective.objects.get(code="O1")
    activity = ActivityFactory(objective=objective, code="A1")
    approved_report(activity.lead, period["2024-Q2"], updates={activity: ("CANCELLED", 10)})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    q2 = scores(plan, "2024-Q2")
    assert q2["activity", "A1"].cancelled
    assert q2["objective", "O1"].achieved == pytest.approx(0.07)
