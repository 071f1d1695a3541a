"""Plans for the dashboard tests: a small scored plan, one with a justice chain, one marked public."""

from decimal import Decimal

import pytest

from indicators.models import IndicatorValue
from reports.dashboards.justice_chain import JUSTICE_INDICATOR_CODES
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
    publish_through,
)
from tests.reports.dashboards.builders import build_plan


@pytest.fixture
def plan(ministry, other_ministry):
    return build_plan("NSP", pillars=1, ministry=ministry, other_ministry=other_ministry)


@pytest.fixture
def submitted_by_other_ministry(plan, other_ministry):
    """MOJ's 2025-Q1 report, submitted but not approved, with a figure and a
    note nobody but the secretariat's review should see."""
    period = plan.periods.get(code="2025-Q1")
    report = approved_report(other_ministry, period, state="SUBMITTED", values={})
    IndicatorValue.objects.create(
        report=report,
        indicator=plan.indicators.get(code="I1.1.1"),
        value=Decimal("987654"),
        note="Unapproved note from MOJ",
    )
    return report


@pytest.fixture
def chain_plan(ministry, other_ministry):
    plan = PlanFactory(code="CHAIN")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    made = {}
    for key in ("identified", "referred", "sent_to_court", "convicted"):
        made[key] = IndicatorFactory(
            objective=objective,
            code=JUSTICE_INDICATOR_CODES[key],
            lead=other_ministry if key == "convicted" else ministry,
            targets=[100] * 5,
        )
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(
        ministry,
        periods["2024-Q2"],
        values={made["identified"]: 40, made["referred"]: 55, made["sent_to_court"]: 10},
    )
    approved_report(other_ministry, periods["2024-Q2"], values={made["convicted"]: 8})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q4")
    return plan


@pytest.fixture
def public_plan(ministry, other_ministry):
    plan = PlanFactory(code="PUB", is_public=True)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    identified = IndicatorFactory(objective=objective, code="I4.1.1", lead=ministry, targets=[100] * 5)
    investigated = IndicatorFactory(objective=objective, code="I3.2.1", lead=ministry, targets=[100] * 5)
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(ministry, periods["2024-Q1"], values={identified: 3, investigated: 3})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q4")
    return plan
