"""A published plan for the progress report's tests: a year of figures
(2024, published), an indicator counting victims with a small count, a gap
explained with text a spreadsheet would take for a formula, and a figure
planted in an approved report of the open quarter (2025-Q1)."""

from decimal import Decimal

import pytest

from indicators.models import IndicatorValue
from reports.dashboards.justice_chain import JUSTICE_INDICATOR_CODES
from reports.scores.recompute import plan_scores_recompute
from tests.factories import IndicatorFactory, ObjectiveFactory, PillarFactory, approved_report
from tests.reports.dashboards.builders import build_plan

PLANTED = "987654"
PLANTED_NOTE = "Approved in the open quarter"
FORMULA_REASON = '=HYPERLINK("http://example.invalid","click")'
FORMULA_ACTION = "+call the provincial office"
VICTIMS = 3  # victims identified in 2024-Q2: a small count


@pytest.fixture
def plan(ministry, other_ministry):
    plan = build_plan("NSP", pillars=1, ministry=ministry, other_ministry=other_ministry, behind=True)
    periods = {p.code: p for p in plan.periods.all()}
    pillar = PillarFactory(plan=plan, code="P4", position=4)
    objective = ObjectiveFactory(plan=plan, pillar=pillar, code="O4.1", position=1)
    identified = IndicatorFactory(
        objective=objective,
        code=JUSTICE_INDICATOR_CODES["identified"],
        lead=ministry,
        targets=[100] * 5,
        counts_people=True,
        unit="people",
    )
    investigated = IndicatorFactory(
        objective=objective, code=JUSTICE_INDICATOR_CODES["investigated"], lead=ministry, targets=[100] * 5
    )
    approved_report(ministry, periods["2024-Q2"], values={identified: VICTIMS, investigated: 12})
    # The lead's reason for an off-track indicator (build_plan: every second one is behind).
    IndicatorValue.objects.filter(
        report__organisation=ministry, report__period__code="2024-Q4", indicator__code="I1.1.2"
    ).update(gap_reason=FORMULA_REASON, corrective_action=FORMULA_ACTION)
    report = approved_report(other_ministry, periods["2025-Q1"])
    IndicatorValue.objects.create(
        report=report,
        indicator=plan.indicators.get(code="I1.1.1"),
        value=Decimal(PLANTED),
        note=PLANTED_NOTE,
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan
