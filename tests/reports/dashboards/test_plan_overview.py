"""The plan overview: headline, pillars, trend, statuses, completeness and the
attention list; kept until the scores change."""

import pytest
from django.utils import timezone

from indicators.models import IndicatorValue
from plans.services import scores_mark_stale
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    approved_report,
)
from tests.reports.dashboards.builders import AS_OF

pytestmark = pytest.mark.django_db


def test_plan_overview_shows_pillars_trend_statuses_and_completeness(client, plan, reviewer):
    client.force_login(reviewer)
    response = client.get("/dashboards/NSP/" + AS_OF)
    body = response.content.decode()
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q4"' in body
    for chart in (
        "chart-overall",
        "chart-pillars",
        "chart-trend-plan",
        "chart-trend-pillars",
        "chart-statuses",
    ):
        assert f'data-chart="{chart}"' in body
        assert f'id="{chart}" type="application/json"' in body
    assert "Scores computed" in body
    assert '<option value="2024-Q4" selected>' in body
    # 4 indicators and 2 activities, each 25 % a year of their target: on track at 2024-Q4 (20 %).
    overview = response.context["overview"]
    assert overview.plan.status == "ON_TRACK"
    assert overview.trend_periods == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert response.context["completeness"].expected == 2
    assert response.context["completeness"].received == 2


def test_plan_overview_lists_indicators_at_risk_with_the_reason_their_ministry_gave(
    client, plan, ministry, reviewer
):
    # 2025-Q1: MOI reports 25 for every indicator but 0 for I1.2.2, with a reason.
    behind = plan.indicators.get(code="I1.2.2")
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[behind] = 0
    report = approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    IndicatorValue.objects.filter(report=report, indicator=behind).update(
        gap_reason="Funds were released late.", corrective_action="Ask for next quarter's funds on time."
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    client.force_login(reviewer)
    response = client.get("/dashboards/NSP/?period=2025-Q1")
    # I1.2.2: 100 of 500 achieved (20 %) against 125 expected (25 %): at risk.
    [row] = response.context["overview"].attention
    assert (row.score.code, row.score.status, row.lead_code) == ("I1.2.2", "AT_RISK", "MOI")
    assert (row.gap_reason, row.reported_in) == ("Funds were released late.", "2025-Q1")
    body = response.content.decode()
    assert "Funds were released late." in body
    assert "Ask for next quarter&#x27;s funds on time." in body
    assert 'href="/dashboards/NSP/indicators/I1.2.2/?period=2025-Q1"' in body


def test_the_default_period_is_the_latest_published_one_and_an_unknown_one_is_404(client, plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/NSP/")
    assert response.status_code == 200
    assert response.context["period"].code == "2024-Q4"
    assert [p.code for p in response.context["periods"]][-1] == "2024-Q4"
    assert response.context["period"].end < timezone.localdate()
    assert client.get("/dashboards/NSP/?period=2024Q4").status_code == 404


def test_a_plan_whose_scores_were_never_computed_says_so(client, ministry, reviewer):
    plan = PlanFactory(code="NEW")
    IndicatorFactory(objective=ObjectiveFactory(plan=plan, pillar__plan=plan), lead=ministry, targets=[1] * 5)
    client.force_login(reviewer)
    for url in ("/dashboards/NEW/", "/dashboards/NEW/indicators/" + plan.indicators.get().code + "/"):
        response = client.get(url + AS_OF)
        assert response.status_code == 200
        assert "Scores not computed yet" in response.content.decode()


def test_the_overview_shows_new_figures_as_soon_as_they_are_approved_and_scored(
    client, plan, ministry, reviewer
):
    # The overview's reads are kept until the plan's scores change: an approval
    # and its recompute must show at once, never an older copy.
    client.force_login(reviewer)
    before = client.get("/dashboards/NSP/?period=2025-Q1").context["overview"]
    assert len(before.attention) == 0
    behind = plan.indicators.get(code="I1.2.2")
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[behind] = 0
    approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    scores_mark_stale(plan_id=plan.pk, from_index=5)
    plan.refresh_from_db()
    plan_scores_recompute(plan_id=plan.pk)
    after = client.get("/dashboards/NSP/?period=2025-Q1").context["overview"]
    assert [row.score.code for row in after.attention] == ["I1.2.2"]


def test_who_owes_a_report_follows_a_change_of_structure(client, plan, reviewer):
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2024-Q2"
    assert client.get(url).context["completeness"].expected == 2
    newcomer = OrganisationFactory(code="MOH")
    IndicatorFactory(objective=plan.objectives.first(), code="NEW", lead=newcomer, targets=[1] * 5)
    # As the admin pages and imports do after a change of structure.
    scores_mark_stale(plan_id=plan.pk)
    assert client.get(url).context["completeness"].expected == 3


def test_the_overview_shows_a_report_as_received_as_soon_as_it_is_submitted(client, plan, ministry, reviewer):
    # The sections drawn from stored scores are kept; the reports are rendered anew.
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2025-Q1"
    assert "2 reports not received: 2 not started" in reporting_section(client.get(url))
    approved_report(ministry, plan.periods.get(code="2025-Q1"), state="SUBMITTED")
    response = client.get(url)
    assert "1 report not received: 1 not started" in reporting_section(response)
    [not_started] = response.context["completeness"].not_received
    assert [row.code for row in not_started.organisations] == ["MOJ"]


def reporting_section(response) -> str:
    """The overview's "Reporting for <period>" section, its whitespace collapsed."""
    body = response.content.decode()
    start = body.index('aria-labelledby="completeness-heading"')
    return " ".join(body[start : body.index("</section>", start)].split())


def test_the_overview_lists_reports_not_received_by_state_with_each_organisations_code_and_name(
    client, plan, ministry, other_ministry, reviewer
):
    period = plan.periods.get(code="2025-Q1")
    newcomer = OrganisationFactory(code="MOH", name="Ministry of Health")
    IndicatorFactory(objective=plan.objectives.first(), code="NEW", lead=newcomer, targets=[1] * 5)
    scores_mark_stale(plan_id=plan.pk)
    approved_report(ministry, period, state="RETURNED")
    approved_report(other_ministry, period, state="DRAFT")
    client.force_login(reviewer)

    section = reporting_section(client.get("/dashboards/NSP/?period=2025-Q1"))

    # The words of the reporting status page: not started, draft, returned; late past the deadline.
    assert "3 reports not received: 1 not started, 1 draft, 1 returned" in section
    assert '<span class="badge text-bg-danger">late</span>' in section
    link = (
        '<a href="/dashboards/NSP/organisations/{code}/?period=2025-Q1">'
        '<span class="ntip-code">{code}</span> {name}</a>'
    )
    groups = [
        ("Not started", "MOH", "Ministry of Health"),
        ("Draft", "MOJ", "Ministry of Justice"),
        ("Returned", "MOI", "Ministry of Interior"),
    ]
    positions = []
    for label, code, name in groups:
        heading = f'>{label} <span class="fw-normal text-body-secondary">(1)</span></h4>'
        assert heading in section, label
        assert link.format(code=code, name=name) in section
        positions += [section.index(heading), section.index(link.format(code=code, name=name))]
    assert positions == sorted(positions), "each organisation under its state, in the order of the states"
    assert "— —" not in section and "missing" not in section


def test_a_long_list_of_reports_not_received_is_cut_under_each_state_with_how_many_more(
    client, plan, reviewer, monkeypatch
):
    monkeypatch.setattr("reports.completeness.SHOWN_PER_STATE", 1)
    client.force_login(reviewer)

    section = reporting_section(client.get("/dashboards/NSP/?period=2025-Q1"))

    # MOI and MOJ have not started theirs: the first is listed, the other counted.
    assert "2 reports not received: 2 not started" in section
    assert "/organisations/MOI/" in section and "/organisations/MOJ/" not in section
    assert "<li>and 1 more.</li>" in section


def test_the_overview_says_so_when_every_expected_report_is_in(
    client, plan, ministry, other_ministry, reviewer
):
    period = plan.periods.get(code="2025-Q1")
    approved_report(ministry, period, state="SUBMITTED")
    approved_report(other_ministry, period)
    client.force_login(reviewer)

    section = reporting_section(client.get("/dashboards/NSP/?period=2025-Q1"))

    assert "All 2 expected reports have been received." in section
    assert "not received" not in section and ">late</span>" not in section


def test_the_overview_page_shows_an_approval_at_once_though_its_sections_are_kept(
    client, plan, ministry, reviewer
):
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2025-Q1"
    link = 'href="/dashboards/NSP/indicators/I1.2.2/?period=2025-Q1"'
    before = client.get(url).content.decode()
    assert "No indicator is at risk or off track at this period." in before
    assert link not in before
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[plan.indicators.get(code="I1.2.2")] = 0
    approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    scores_mark_stale(plan_id=plan.pk, from_index=5)
    plan_scores_recompute(plan_id=plan.pk)
    after = client.get(url).content.decode()
    assert link in after
    assert "No indicator is at risk or off track at this period." not in after


def test_the_overview_kept_for_one_period_is_never_shown_for_another(client, plan, reviewer):
    client.force_login(reviewer)
    client.get("/dashboards/NSP/?period=2024-Q4")
    body = client.get("/dashboards/NSP/?period=2024-Q3").content.decode()
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q3"' in body
    assert "?period=2024-Q4" not in body
