"""The indicator page: values by organisation and category, provenance, the newest values."""

import pytest

from indicators.quarterly_report.workflow import report_approve
from reports.dashboards.indicator import target_to_date
from reports.scores.recompute import plan_scores_recompute
from tests.factories import IndicatorFactory, approved_report
from tests.reports.dashboards.builders import AS_OF

pytestmark = pytest.mark.django_db


def test_indicator_page_shows_values_by_organisation_category_and_who_approved(client, plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/NSP/indicators/I1.1.1/" + AS_OF)
    page = response.context["page"]
    # Actual to date: 4 quarters × (20 + 5); target of 2024: 100.
    assert [p.actual for p in page.points] == [25, 50, 75, 100]
    assert [p.target for p in page.points] == [100, 100, 100, 100]
    assert {s.code: s.values for s in page.by_organisation} == {"MOI": [20] * 4, "MOJ": [5] * 4}
    [sex] = page.by_category
    assert [(c.code, c.value) for c in sex.categories] == [("F", 80), ("M", 0)]
    assert len(page.values) == 8
    moi_q4 = next(v for v in page.values if v.period == "2024-Q4" and v.organisation_code == "MOI")
    assert [(s.from_state, s.to_state) for s in moi_q4.history] == [
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "APPROVED"),
    ]
    body = response.content.decode()
    assert 'data-chart="chart-indicator"' in body
    assert 'data-chart="chart-dimension-sex"' in body
    assert 'href="/dashboards/NSP/objectives/O1.1/?period=2024-Q4"' in body


def test_indicator_page_shows_only_figures_up_to_the_chosen_period(client, plan, partner):
    client.force_login(partner)
    page = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2024-Q2").context["page"]
    assert {v.period for v in page.values} == {"2024-Q1", "2024-Q2"}
    assert [p.period for p in page.points] == ["2024-Q1", "2024-Q2"]


def test_the_target_line_adds_up_the_years_of_a_flow_and_not_of_a_level():
    targets = {2024: 100.0, 2025: 120.0, 2026: 150.0}
    assert [target_to_date("SUM", targets, y) for y in (2024, 2025, 2026)] == [100, 220, 370]
    assert [target_to_date("LATEST", targets, y) for y in (2024, 2025, 2026)] == [100, 120, 150]
    assert target_to_date("SUM", targets, 2027) is None


def test_the_indicator_page_shows_a_figure_as_soon_as_it_is_approved(
    client, submitted_by_other_ministry, focal_point, reviewer
):
    # The page's reads are kept until the plan's scores change; an approval
    # through the workflow changes them, so the figure shows at once.
    client.force_login(focal_point)
    url = "/dashboards/NSP/indicators/I1.1.1/?period=2025-Q1"
    assert "987,654" not in client.get(url).content.decode()
    report_approve(actor=reviewer, report=submitted_by_other_ministry)
    assert "987,654" in client.get(url).content.decode()


def test_the_indicator_page_lists_the_newest_values_and_offers_them_all(client, plan, partner, monkeypatch):
    monkeypatch.setattr("reports.dashboards.views.VALUES_SHOWN", 3)
    client.force_login(partner)
    url = "/dashboards/NSP/indicators/I1.1.1/?period=2024-Q4"

    response = client.get(url)

    listed = [(v.period, v.organisation_code) for v in response.context["page"].values]
    assert listed == [("2024-Q4", "MOI"), ("2024-Q4", "MOJ"), ("2024-Q3", "MOI")], "newest first"
    assert response.context["page"].values_total == 8
    assert "Show all 8 approved values" in response.content.decode()
    everything = client.get(url + "&values=all")
    assert len(everything.context["page"].values) == 8
    assert "Show all" not in everything.content.decode()


QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")


def add_indicator(plan, code, *, lead, figures, **fields):
    """An indicator of the plan's first objective with ``figures``
    {organisation: [value per quarter of 2024]}, approved and scored."""
    indicator = IndicatorFactory(objective=plan.objectives.get(code="O1.1"), code=code, lead=lead, **fields)
    periods = {p.code: p for p in plan.periods.all()}
    for organisation, values in figures.items():
        if organisation != lead:
            indicator.contributors.add(organisation)
        for quarter, value in zip(QUARTERS, values, strict=False):
            approved_report(organisation, periods[quarter], values={indicator: value})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return indicator


def test_a_percent_indicator_by_organisation_shows_the_latest_value_not_a_sum(
    client, plan, ministry, other_ministry, partner
):
    add_indicator(
        plan,
        "I1.1.9",
        lead=ministry,
        figures={ministry: [40, 45, 50, 55], other_ministry: [30, 32, 35]},
        measure="PERCENT",
        aggregation="LATEST",
        baseline=35,
        unit="%",
        targets=[60, 70, 80, 90, 95],
    )
    client.force_login(partner)
    response = client.get("/dashboards/NSP/indicators/I1.1.9/" + AS_OF)
    body = response.content.decode()
    assert {s.code: s.headline for s in response.context["page"].by_organisation} == {"MOI": 55, "MOJ": 35}
    # Under the chart and in the table: each organisation's latest value, as
    # the score reads it, never the quarters added up (MOI 190, MOJ 97).
    assert "Latest approved value: MOI 55 (2024-Q4); MOJ 35 (2024-Q3)" in body
    assert '<th scope="col" class="text-end">Latest</th>' in body
    assert not any(total in body for total in ("MOI 190", "MOJ 97", ">190<", ">97<"))
    assert "the score uses the lead organisation's (MOI)" in body


def test_a_flow_by_organisation_shows_each_organisations_total_to_date(client, plan, partner):
    client.force_login(partner)
    body = client.get("/dashboards/NSP/indicators/I1.1.1/" + AS_OF).content.decode()
    # MOI approved 20 a quarter, MOJ 5: the score adds them all up.
    assert "Total to date: MOI 80; MOJ 20" in body
    assert '<th scope="col" class="text-end">Total to date</th>' in body


def milestone(plan, code, *, lead, values, targets=(0, 1, 1, 1, 1)):
    return add_indicator(
        plan,
        code,
        lead=lead,
        figures={lead: values},
        measure="MILESTONE",
        aggregation="LATEST",
        frequency="QUARTERLY",
        unit="",
        targets=list(targets),
    )


def test_a_milestone_says_when_it_is_due_and_when_it_was_achieved_instead_of_a_chart(
    client, plan, ministry, partner
):
    milestone(plan, "I1.1.8", lead=ministry, values=[0, 0, 1, 1])
    client.force_login(partner)
    body = client.get("/dashboards/NSP/indicators/I1.1.8/" + AS_OF).content.decode()
    assert "Due by the end of 2025 · Achieved in 2024-Q3" in body
    # No empty 0–1 chart with 0.2 steps: neither the trend nor by organisation.
    assert "data-chart=" not in body
    assert "Approved values by organisation and period" in body, "the figures stay, as a table"


def test_a_milestone_not_reached_yet_says_so(client, plan, ministry, partner):
    milestone(plan, "I1.1.7", lead=ministry, values=[0, 0, 0, 0], targets=(0, 0, 1, 1, 1))
    client.force_login(partner)
    body = client.get("/dashboards/NSP/indicators/I1.1.7/" + AS_OF).content.decode()
    assert "Due by the end of 2026 · Not yet achieved" in body
    assert "data-chart=" not in body
