"""The justice chain: steps side by side, warnings where figures do not add up."""

import pytest

from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
    publish_through,
)

pytestmark = pytest.mark.django_db


def test_justice_chain_warns_when_more_victims_are_referred_than_identified(client, chain_plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/CHAIN/justice-chain/?period=2024-Q4")
    victims, cases = response.context["tables"]
    [year_2024] = [y for y in victims[0].years if y.year == 2024]
    assert [c.value for c in year_2024.cells] == [40, 55, None]
    assert len(year_2024.warnings) == 1
    assert (
        "Referred to services (55, reported by MOI) is more than Identified (40, reported by MOI)"
        in (year_2024.warnings[0])
    )
    body = response.content.decode()
    assert "Some figures do not add up." in body
    assert "reported by MOI) is more than Identified" in body
    # Convicted (8) does not exceed sent to court (10): no warning there.
    assert all(not y.warnings for y in cases[0].years)


def test_justice_chain_says_no_indicator_where_the_plan_has_none(client, chain_plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/CHAIN/justice-chain/?period=2024-Q4")
    victims, cases = response.context["tables"]
    assert [i.code if i else None for i in victims[0].indicators] == ["I4.1.1", "I4.1.2", None]
    assert [i.code if i else None for i in cases[0].indicators] == [None, "I3.2.2", "I3.3.1"]
    assert response.content.decode().count("no indicator") == 2


def test_justice_chain_estimates_a_count_from_a_percentage_and_does_not_warn_on_it(client, ministry, partner):
    plan = PlanFactory(code="PCT")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    identified = IndicatorFactory(objective=objective, code="I4.1.1", lead=ministry, targets=[100] * 5)
    referred = IndicatorFactory(
        objective=objective,
        code="I4.1.2",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        baseline=40,
        targets=[50, 60, 70, 80, 90],
    )
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(ministry, periods["2024-Q1"], values={identified: 100, referred: 60})
    approved_report(ministry, periods["2024-Q2"], values={identified: 100, referred: 75})
    publish_through(plan, "2024-Q4")
    client.force_login(partner)
    victims, _cases = client.get("/dashboards/PCT/justice-chain/?period=2024-Q4").context["tables"]
    [year_2024] = [y for y in victims[0].years if y.year == 2024]
    referred_cell = year_2024.cells[1]
    # The year's latest level, 75 %, of the 200 identified.
    assert (referred_cell.value, referred_cell.count, referred_cell.estimated) == (75, 150, True)
    assert year_2024.warnings == []
