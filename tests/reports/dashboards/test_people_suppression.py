"""Protecting survivors on every dashboard page (docs/privacy.md): a small
count of people, approved in a published quarter, reaches no partner and no
anonymous visitor, neither shown nor by subtraction; the secretariat and
focal points see it."""

import json
import re
from decimal import Decimal

import pytest

from indicators.models import Category, DisaggregatedValue, IndicatorValue
from reports.privacy import HIDDEN
from reports.scores.recompute import plan_scores_recompute
from tests.conftest import token_client
from tests.factories import (
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    approved_report,
    publish_through,
)
from tests.reports.dashboards.builders import sign_in

pytestmark = pytest.mark.django_db

# The planted figure: MOSVY's 3 victims identified in 2024-Q2.
PLANTED = "3"

PAGES = [
    "/dashboards/SRV/",
    "/dashboards/SRV/pillars/P4/",
    "/dashboards/SRV/objectives/O4.1/",
    "/dashboards/SRV/indicators/I4.1.1/",
    "/dashboards/SRV/organisations/",
    "/dashboards/SRV/organisations/MOSVY/",
    "/dashboards/SRV/organisations/MOI/",
    "/dashboards/SRV/justice-chain/",
]


def _cells(report, indicator, **cells):
    value = IndicatorValue.objects.get(report=report, indicator=indicator)
    for cell, number in cells.items():
        DisaggregatedValue.objects.create(indicator_value=value, cell=f"sex={cell}", value=Decimal(number))


@pytest.fixture
def survivors_plan(ministry, other_ministry):
    """Victims identified (counts people) by MOI, MOJ and MOSVY: 2024-Q1 MOI 40
    (F 25, M 15) and MOJ 22 (F 12, M 10); 2024-Q2 MOI 30 (F 20, M 10) and
    MOSVY 3 (F 3). The year is published."""
    mosvy = OrganisationFactory(code="MOSVY", name="Ministry of Social Affairs")
    plan = PlanFactory(code="SRV", is_public=True)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    sex = DimensionFactory(code="sex", name="Sex")
    for position, code in enumerate(("F", "M"), start=1):
        Category.objects.get_or_create(
            dimension=sex, code=code, defaults={"name": code, "position": position}
        )
    victims = IndicatorFactory(
        objective=objective,
        code="I4.1.1",
        lead=ministry,
        targets=[100] * 5,
        unit="people",
        counts_people=True,
    )
    victims.contributors.add(other_ministry, mosvy)
    victims.disaggregation.add(sex)
    periods = {p.code: p for p in plan.periods.all()}
    _cells(approved_report(ministry, periods["2024-Q1"], values={victims: 40}), victims, F=25, M=15)
    _cells(approved_report(other_ministry, periods["2024-Q1"], values={victims: 22}), victims, F=12, M=10)
    _cells(approved_report(ministry, periods["2024-Q2"], values={victims: 30}), victims, F=20, M=10)
    _cells(approved_report(mosvy, periods["2024-Q2"], values={victims: 3}), victims, F=3)
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q4")
    return plan


# Charts of reports and statuses counted, not people: left out of the search.
NOT_PEOPLE_CHARTS = ("chart-completeness", "chart-statuses", "chart-org-statuses")


def shown_figures(body: str) -> list[str]:
    """Every figure a reader sees: the text of table cells and definition
    lists, and each chart's data (values, labels, hover texts) and summary,
    but for the charts that count reports or statuses."""
    figures = []
    for cell in re.findall(r"<(?:td|dd)[^>]*>(.*?)</(?:td|dd)>", body, re.S):
        figures += re.findall(r"&lt;5|\d[\d,.]*", re.sub(r"<[^>]+>", " ", cell))
    for chart in re.findall(r'<figure class="ntip-chart[^"]*">(.*?)</figure>', body, re.S):
        if any(f'data-chart="{name}"' in chart for name in NOT_PEOPLE_CHARTS):
            continue
        for summary in re.findall(r'<p class="small text-body-secondary mb-1">(.*?)</p>', chart, re.S):
            figures += re.findall(r"(?<![\w.-])\d[\d,.]*(?![\w.-])", summary)
        for spec in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', chart, re.S):
            for trace in json.loads(spec).get("data", []):
                for key in ("y", "text", "customdata"):
                    figures += [str(v) for v in trace.get(key) or [] if v is not None]
    return figures


def _is_planted(figure: str) -> bool:
    return figure.replace(",", "") in (PLANTED, f"{PLANTED}.0")


@pytest.mark.parametrize("who", ["partner", "anonymous"])
@pytest.mark.parametrize("page", [*PAGES, "/public/SRV/"])
@pytest.mark.parametrize("period", ["2024-Q2", "2024-Q4"])
def test_the_planted_small_count_appears_on_no_page_a_partner_or_the_public_sees(
    client, survivors_plan, request, who, page, period
):
    sign_in(client, request, who)
    response = client.get(f"{page}?period={period}")
    if who == "anonymous" and not page.startswith("/public/"):
        assert response.status_code == 302  # the login wall
        return
    assert response.status_code == 200
    planted = [f for f in shown_figures(response.content.decode()) if _is_planted(f)]
    assert planted == []


def test_a_partner_sees_less_than_five_and_its_complement_on_the_indicator_page(
    client, survivors_plan, partner
):
    client.force_login(partner)
    body = client.get("/dashboards/SRV/indicators/I4.1.1/?period=2024-Q2").content.decode()
    page = client.get("/dashboards/SRV/indicators/I4.1.1/?period=2024-Q2").context["page"]
    assert "Counts of victims and survivors are rounded to the nearest 5" in body
    series = {s.code: s for s in page.by_organisation}
    # 2024-Q2: MOSVY's 3 is hidden, and MOI's 30 beside it, so that the
    # quarter's total gives nothing; 2024-Q1 has no small figure.
    assert series["MOSVY"].values == [None, HIDDEN]
    assert series["MOI"].values == [40.0, HIDDEN]
    assert series["MOJ"].values == [22.0, None]
    # Totals to date add up quarters: rounded.
    assert [series[c].headline for c in ("MOI", "MOJ", "MOSVY")] == [70, 20, HIDDEN]
    assert {(v.period, v.organisation_code): v.value for v in page.values}[("2024-Q2", "MOSVY")] == HIDDEN
    assert [p.actual for p in page.points[:2]] == [60, 95]
    assert page.score.actual_value == 95
    assert page.score.progress == pytest.approx(95 / 500)


def test_no_quarter_of_the_indicator_page_can_be_worked_out_by_subtraction(client, survivors_plan, partner):
    """A quarter's column has no hidden cell or at least two; the actual to
    date, which differs from one quarter to the next by the quarter's total,
    moves in fives, whatever quarter a partner chooses."""
    client.force_login(partner)
    for period in ("2024-Q1", "2024-Q2", "2024-Q3"):
        page = client.get(f"/dashboards/SRV/indicators/I4.1.1/?period={period}").context["page"]
        for column in range(len(page.value_periods)):
            hidden = [s.values[column] for s in page.by_organisation].count(HIDDEN)
            assert hidden != 1
        actuals = [p.actual for p in page.points if p.actual is not None]
        assert all(a % 5 == 0 for a in actuals)
        for breakdown in page.by_category:
            assert [c.value for c in breakdown.categories].count(HIDDEN) != 1


@pytest.mark.parametrize("who", ["admin_user", "reviewer", "focal_point"])
def test_the_secretariat_and_focal_points_see_the_exact_small_count(client, survivors_plan, request, who):
    sign_in(client, request, who)
    response = client.get("/dashboards/SRV/indicators/I4.1.1/?period=2024-Q2")
    page = response.context["page"]
    assert {s.code: s.values for s in page.by_organisation}["MOSVY"] == [None, 3.0]
    assert page.score.actual_value == 95.0
    assert "Counts of victims and survivors are rounded" not in response.content.decode()
    assert any(_is_planted(f) for f in shown_figures(response.content.decode()))


def test_a_partner_sees_the_justice_chain_rounded_the_secretariat_exact(
    client, survivors_plan, partner, admin_user
):
    client.force_login(partner)
    response = client.get("/dashboards/SRV/justice-chain/?period=2024-Q2")
    identified = response.context["tables"][0][0].years[0].cells[0]
    assert (identified.value, identified.count) == (95, 95)
    q1 = client.get("/dashboards/SRV/justice-chain/?period=2024-Q1").context["tables"][0][0]
    assert q1.years[0].cells[0].value == 60  # 62 to date: the next quarter's 33 cannot be read off
    client.force_login(admin_user)
    q1 = client.get("/dashboards/SRV/justice-chain/?period=2024-Q1").context["tables"][0][0]
    assert q1.years[0].cells[0].value == 62


def test_a_partner_sees_the_progress_of_a_people_count_from_the_rounded_count(
    client, survivors_plan, partner, admin_user
):
    client.force_login(partner)
    row = client.get("/dashboards/SRV/objectives/O4.1/?period=2024-Q1").context["page"].indicators[0]
    assert row.progress == pytest.approx(60 / 500)  # 62 exactly; 12.4 % would give it
    client.force_login(admin_user)
    row = client.get("/dashboards/SRV/objectives/O4.1/?period=2024-Q1").context["page"].indicators[0]
    assert row.progress == pytest.approx(62 / 500)


def test_a_partner_and_the_secretariat_get_their_own_kept_page(client, survivors_plan, partner, admin_user):
    """The indicator page is kept in the cache: never the secretariat's for a partner."""
    client.force_login(admin_user)
    assert "MOSVY" in client.get("/dashboards/SRV/indicators/I4.1.1/?period=2024-Q2").content.decode()
    client.force_login(partner)
    body = client.get("/dashboards/SRV/indicators/I4.1.1/?period=2024-Q2").content.decode()
    assert not [f for f in shown_figures(body) if _is_planted(f)]


# --- The public page: the two subtraction attacks -------------------------------


def public_headline(client, period: str) -> dict:
    summary = client.get(f"/public/SRV/?period={period}").context["summary"]
    return {str(h.label): (h.this_year, h.to_date) for h in summary.headlines if h.found}


@pytest.fixture
def public_victims(ministry):
    """Victims identified: MOI 329 in 2024-Q1, published."""
    plan = PlanFactory(code="SRV", is_public=True)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    victims = IndicatorFactory(
        objective=objective, code="I4.1.1", lead=ministry, targets=[1000] * 5, counts_people=True
    )
    approved_report(ministry, plan.periods.get(code="2024-Q1"), values={victims: 329})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q4")
    return victims


def test_a_late_approval_of_three_victims_changes_nothing_a_subtraction_can_read(
    client, public_victims, other_ministry
):
    """Victims identified 329, then 332 once one organisation's report of 3 is
    approved after publication: the public sees 330 both times."""
    before = public_headline(client, "2024-Q1")["Victims identified"]
    approved_report(
        other_ministry, public_victims.plan.periods.get(code="2024-Q1"), values={public_victims: 3}
    )
    after = public_headline(client, "2024-Q1")["Victims identified"]
    assert before == after == (330, 330)
    body = client.get("/public/SRV/?period=2024-Q1").content.decode()
    assert "Counts of victims and survivors are rounded to the nearest 5" in body
    assert "329" not in body and "332" not in body


def test_consecutive_quarters_year_to_date_give_no_quarters_own_small_count(
    client, public_victims, other_ministry
):
    """2024-Q1: 329 to date; 2024-Q2 adds 3 (332): the year to date of the two
    quarters, as the public sees them, differ by nothing under 5."""
    approved_report(
        other_ministry, public_victims.plan.periods.get(code="2024-Q2"), values={public_victims: 3}
    )
    q1 = public_headline(client, "2024-Q1")["Victims identified"]
    q2 = public_headline(client, "2024-Q2")["Victims identified"]
    assert q1 == q2 == (330, 330)
    for a, b in zip(q1, q2, strict=True):
        assert (b - a) % 5 == 0


def test_a_quarter_that_adds_five_or_more_moves_the_public_figure(client, public_victims, other_ministry):
    approved_report(
        other_ministry, public_victims.plan.periods.get(code="2024-Q2"), values={public_victims: 9}
    )
    assert public_headline(client, "2024-Q2")["Victims identified"] == (340, 340)  # 338


def test_counts_not_of_people_are_shown_exact_on_the_public_page(client, public_plan):
    """Cases investigated (3) count no people: shown as they are."""
    headlines = public_headline_of(client, "/public/PUB/?period=2024-Q1")
    assert headlines["Cases investigated"] == (3.0, 3.0)
    assert headlines["Victims identified"] == (HIDDEN, HIDDEN)


def public_headline_of(client, url: str) -> dict:
    summary = client.get(url).context["summary"]
    return {str(h.label): (h.this_year, h.to_date) for h in summary.headlines if h.found}


# --- The scores API ---------------------------------------------------------------


def indicator_progress(response) -> float | None:
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    return next(r["progress"] for r in rows if r["node"] == "indicator" and r["code"] == "I4.1.1")


def test_the_scores_api_gives_a_partner_the_progress_of_the_rounded_count(
    client, survivors_plan, partner, admin_user
):
    url = "/api/v1/plans/SRV/scores/?period=2024-Q1&node=indicator"
    partner_progress = indicator_progress(token_client(client, partner).get(url))
    assert partner_progress == pytest.approx(60 / 500)  # 62 × 500 would give the count
    assert indicator_progress(token_client(client, admin_user).get(url)) == pytest.approx(62 / 500)


def test_a_partner_is_told_why_no_progress_shows_for_a_small_count(client, partner, ministry):
    plan = PlanFactory(code="SRV")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    victims = IndicatorFactory(
        objective=objective, code="I4.3.1", lead=ministry, targets=[100] * 5, counts_people=True
    )
    approved_report(ministry, plan.periods.get(code="2024-Q1"), values={victims: 2})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q4")
    client.force_login(partner)
    response = client.get("/dashboards/SRV/indicators/I4.3.1/?period=2024-Q1")
    assert response.context["page"].score.progress is None
    assert "No progress is shown while the count is under the threshold" in response.content.decode()
    row = client.get("/dashboards/SRV/objectives/O4.1/?period=2024-Q1").context["page"].indicators[0]
    assert (row.progress, row.achieved) == (None, None)
