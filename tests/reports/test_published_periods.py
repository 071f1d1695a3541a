"""What partners and the public see is what is published, through every door;
and no door offers a period after the current quarter."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import IndicatorValue
from plans.services import scores_mark_stale
from reports.scores.recompute import plan_scores_recompute
from tests.conftest import token_client
from tests.factories import PlanFactory, approved_report, publish_through
from tests.reports.dashboards.builders import build_plan

pytestmark = pytest.mark.django_db

# A figure and a note planted in an approved report of an open quarter (2025-Q1).
PLANTED = "987654"
PLANTED_NOTE = "Approved in the open quarter"

PAGES = [
    "/dashboards/NSP/",
    "/dashboards/NSP/pillars/P1/",
    "/dashboards/NSP/objectives/O1.1/",
    "/dashboards/NSP/indicators/I1.1.1/",
    "/dashboards/NSP/organisations/MOI/",
    "/dashboards/NSP/justice-chain/",
    "/public/NSP/",
]


@pytest.fixture
def plan(ministry, other_ministry):
    """2024 approved and published; 2025-Q1 approved too, but open."""
    plan = build_plan("NSP", pillars=1, ministry=ministry, other_ministry=other_ministry, is_public=True)
    report = approved_report(other_ministry, plan.periods.get(code="2025-Q1"))
    IndicatorValue.objects.create(
        report=report,
        indicator=plan.indicators.get(code="I1.1.1"),
        value=Decimal(PLANTED),
        note=PLANTED_NOTE,
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan


def sign_in(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


@pytest.mark.parametrize("who", ["partner", "anonymous"])
def test_partners_and_the_public_find_no_figure_of_an_open_period_on_any_page(client, plan, request, who):
    sign_in(client, request, who)
    pages = PAGES if who == "partner" else ["/public/NSP/"]
    for url in pages:
        for query in ("", "?period=2024-Q4", "?period=2024-Q3&values=all"):
            response = client.get(url + query)
            assert response.status_code == 200, (url, query)
            content = response.content.decode()
            assert PLANTED not in content and "987,654" not in content and PLANTED_NOTE not in content
            assert "2025-Q1" not in content, (url, query)
        assert client.get(url + "?period=2025-Q1").status_code == 404


def test_the_secretariat_sees_the_open_period_marked_as_open(client, plan, reviewer):
    client.force_login(reviewer)
    response = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2025-Q1")
    assert response.status_code == 200
    content = response.content.decode()
    assert "2025-Q1 is open" in content and "not published" in content
    assert "987,654" in content or PLANTED in content
    # The default stays the latest published quarter.
    assert client.get("/dashboards/NSP/").context["period"].code == "2024-Q4"
    options = client.get("/dashboards/NSP/").content.decode()
    assert "2025-Q1 (open)" in options and "2024-Q4 (open)" not in options


def test_the_api_gives_partners_no_score_completeness_or_report_of_an_open_period(client, plan, partner):
    api = token_client(client, partner)
    for url in ("/api/v1/plans/NSP/scores/", "/api/v1/plans/NSP/completeness/"):
        response = api.get(url + "?period=2025-Q1")
        assert response.status_code == 400
        assert "2025-Q1 is not published yet" in response.json()["period"]
        assert api.get(url).status_code == 200
    scores = api.get("/api/v1/plans/NSP/scores/").json()["results"]
    assert {row["period"] for row in scores} == {"2024-Q4"}
    reports = api.get("/api/v1/reports/?plan=NSP").json()["results"]
    assert reports and "2025-Q1" not in {row["period"] for row in reports}
    assert PLANTED not in json.dumps(api.get("/api/v1/reports/?plan=NSP&period=2025-Q1").json())


def test_before_anything_is_published_partners_read_no_figures_published_yet(
    client, ministry, other_ministry, partner
):
    build_plan("NEW", pillars=1, ministry=ministry, other_ministry=other_ministry, published_through=None)
    client.force_login(partner)
    response = client.get("/dashboards/NEW/")
    assert response.status_code == 200
    assert "No figures published yet." in response.content.decode()
    assert token_client(client, partner).get("/api/v1/plans/NEW/scores/").status_code == 404


def future_period(plan):
    today = timezone.localdate()
    return plan.periods.filter(start__gt=today).order_by("index").first()


@pytest.mark.parametrize("who", ["reviewer", "focal_point", "partner"])
def test_no_door_offers_a_period_after_the_current_quarter(client, plan, request, who):
    future = future_period(plan)
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get("/dashboards/NSP/")
    assert all(p.start <= timezone.localdate() for p in response.context["periods"])
    assert client.get(f"/dashboards/NSP/?period={future.code}").status_code == 404
    api = token_client(client, user)
    response = api.get(f"/api/v1/plans/NSP/scores/?period={future.code}")
    assert response.status_code == 400
    if who != "partner":
        assert "has not begun" in response.json()["period"]
    periods = api.get("/api/v1/plans/NSP/periods/").json()["results"]
    assert future.code not in {row["code"] for row in periods}


def test_a_report_for_a_period_that_has_not_begun_cannot_be_opened(client, plan, focal_point):
    future = future_period(plan)
    api = token_client(client, focal_point)
    response = api.post(
        "/api/v1/reports/",
        json.dumps({"plan": "NSP", "period": future.code}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "has not begun" in json.dumps(response.json())
    assert not plan.periods.get(code=future.code).reports.exists()

    client.force_login(focal_point)
    page = client.post(f"/reports/MOI/NSP/{future.code}/", {"action": "start"}, follow=True)
    assert "has not begun" in page.content.decode()
    assert not plan.periods.get(code=future.code).reports.exists()


def test_every_headline_shows_its_coverage_beside_it(client, plan, reviewer):
    client.force_login(reviewer)
    for url in ("/dashboards/NSP/", "/dashboards/NSP/pillars/P1/", "/dashboards/NSP/objectives/O1.1/"):
        content = client.get(url + "?period=2024-Q4").content.decode()
        assert "expected, on 100" in content and "of the items due." in content, url


def test_a_published_period_says_when_and_whether_it_was_revised_since(client, plan, reviewer, partner):
    client.force_login(partner)
    content = client.get("/dashboards/NSP/?period=2024-Q4").content.decode()
    assert "2024-Q4 published " in content and "revised since publication" not in content
    # A report of 2024-Q4 approved again after publication changes its scores.
    scores_mark_stale(plan_id=plan.pk, from_index=plan.periods.get(code="2024-Q4").index)
    content = client.get("/dashboards/NSP/?period=2024-Q4").content.decode()
    assert "revised since publication" in content


def test_a_plan_that_is_not_public_has_no_public_page_even_when_published(client, ministry):
    plan = PlanFactory(code="PRIV")
    publish_through(plan, "2024-Q1")
    assert client.get("/public/PRIV/").status_code == 404


def test_an_indicator_without_a_report_says_so_and_which_quarter_its_progress_dates_from(
    client, plan, reviewer
):
    # 2025-Q1: only MOJ reported (I1.1.1); MOI's indicators and activities have no report.
    client.force_login(reviewer)
    content = client.get("/dashboards/NSP/objectives/O1.2/?period=2025-Q1").content.decode()
    assert "No report for 2025-Q1 · progress as of 2024-Q4" in content
    content = client.get("/dashboards/NSP/organisations/MOI/?period=2025-Q1").content.decode()
    assert "No report for 2025-Q1 · progress as of 2024-Q4" in content
    # In a quarter with every report in, nothing of the kind.
    assert (
        "No report for" not in client.get("/dashboards/NSP/objectives/O1.2/?period=2024-Q4").content.decode()
    )
