"""GET /api/v1/values/: approved figures in long format; partners read
published quarters only, and small counts of people as "<5"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import OPEN_FIGURE, UNAPPROVED_FIGURE, plan_build
from tests.conftest import token_client
from tests.factories import PlanFactory, approved_report

pytestmark = pytest.mark.django_db


def rows(client, query=""):
    response = client.get(f"/api/v1/values/?{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_row_is_a_line_of_the_values_workbook_with_its_approval(client, read_plan, reviewer):
    token_client(client, reviewer)

    (row,) = rows(client, f"indicator=I1&organisation=MOI&period={read_plan.published.code}")

    report = read_plan.trained.values.get(
        report__organisation__code="MOI", report__period=read_plan.published
    )
    assert row == {
        "plan": "NSP",
        "indicator": "I1",
        "organisation": "MOI",
        "period": read_plan.published.code,
        "value": "120.0000",
        "note": "from the training register",
        "cell": "",
        "approved_at": row["approved_at"],
        "sex": None,
    }
    assert row["approved_at"].startswith(str(report.report.approved_at.year))


def test_a_disaggregated_figure_has_a_row_per_cell(client, read_plan, reviewer):
    token_client(client, reviewer)

    found = rows(client, "indicator=I2")

    assert [(r["cell"], r["sex"], r["value"]) for r in found] == [
        ("sex=F", "F", "3.0000"),
        ("sex=M", "M", "40.0000"),
    ]


@pytest.mark.parametrize("who", ["admin_user", "reviewer", "focal_point"])
def test_the_secretariat_and_focal_points_read_the_open_quarters_approved_figures(
    client, read_plan, who, request
):
    token_client(client, request.getfixturevalue(who))

    values = {r["value"] for r in rows(client, "indicator=I1")}

    assert f"{OPEN_FIGURE}.0000" in values
    assert {"120.0000", "30.0000"} <= values


def test_a_partner_gets_no_figure_of_an_open_quarter(client, read_plan, partner):
    token_client(client, partner)

    found = rows(client)

    assert {r["period"] for r in found} == {read_plan.published.code}
    assert str(OPEN_FIGURE) not in str(found)
    assert rows(client, f"period={read_plan.open.code}") == []


@pytest.mark.parametrize("who", ["admin_user", "focal_point", "partner"])
def test_nobody_gets_a_figure_that_is_not_approved(client, read_plan, who, request):
    token_client(client, request.getfixturevalue(who))

    response = client.get("/api/v1/values/")

    assert str(UNAPPROVED_FIGURE) not in response.content.decode()
    assert "MOSVY" not in {r["organisation"] for r in response.json()["results"]}


def test_a_partner_reads_small_counts_of_people_as_under_five(client, read_plan, partner):
    token_client(client, partner)

    found = rows(client, "indicator=I2")

    # 3 is under five; 40 goes too, or the total (43, on the dashboards) less it would give 3.
    assert [(r["cell"], r["value"]) for r in found] == [("sex=F", "<5"), ("sex=M", "<5")]


def test_a_partner_gets_the_same_suppression_whatever_the_filter_and_the_page(client, read_plan, partner):
    token_client(client, partner)

    alone = rows(client, "indicator=I2&organisation=MOI")
    everything = [r for r in rows(client) if r["indicator"] == "I2"]

    assert alone == everything
    assert {r["value"] for r in alone} == {"<5"}


def test_the_secretariat_reads_small_counts_as_they_are(client, read_plan, reviewer):
    token_client(client, reviewer)
    assert "<5" not in {r["value"] for r in rows(client, "indicator=I2")}


def test_values_filter_by_plan_indicator_organisation_and_period(client, read_plan, reviewer):
    other = PlanFactory(code="OTHER", start_year=read_plan.plan.start_year, end_year=read_plan.plan.end_year)
    from tests.factories import IndicatorFactory, ObjectiveFactory

    indicator = IndicatorFactory(
        plan=other,
        objective=ObjectiveFactory(plan=other, pillar__plan=other),
        code="I1",
        lead=read_plan.trained.lead,
    )
    approved_report(
        read_plan.trained.lead, other.periods.get(code=read_plan.published.code), values={indicator: 5}
    )
    token_client(client, reviewer)

    assert {r["plan"] for r in rows(client)} == {"NSP", "OTHER"}
    assert {r["plan"] for r in rows(client, "plan=OTHER")} == {"OTHER"}
    assert {r["organisation"] for r in rows(client, "plan=NSP&indicator=I1")} == {"MOI", "MOJ"}
    assert {r["indicator"] for r in rows(client, "organisation=MOJ")} == {"I1"}
    assert {r["period"] for r in rows(client, f"plan=NSP&period={read_plan.open.code}")} == {
        read_plan.open.code
    }
    assert rows(client, "indicator=NOPE") == []


def test_a_period_not_written_like_2025_q2_is_a_400_next_to_the_field(client, read_plan, partner):
    token_client(client, partner)

    response = client.get("/api/v1/values/?period=2025Q2")

    assert response.status_code == 400
    assert "period" in response.json()


def test_anonymous_gets_401_from_the_values(client, read_plan):
    assert client.get("/api/v1/values/").status_code == 401


def test_values_are_paginated(client, read_plan, reviewer, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    # The page size is read from the settings once, when DRF is imported.
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    token_client(client, reviewer)

    first = client.get("/api/v1/values/").json()
    assert first["next"].endswith("/api/v1/values/?page=2")
    second = client.get("/api/v1/values/?page=2").json()

    assert first["count"] == 5  # I1: MOI and MOJ published, MOI open; I2: two cells
    assert len(first["results"]) == 2
    assert second["results"] != first["results"]


@pytest.mark.parametrize("who", ["reviewer", "partner"])
def test_values_are_read_in_the_same_number_of_queries_whatever_their_number(
    client, ministry, other_ministry, who, request, django_assert_max_num_queries
):
    token_client(client, request.getfixturevalue(who))
    plan_build(ministry, other_ministry, code="SMALL")
    more = plan_build(ministry, other_ministry, code="MORE", extra_indicators=30)
    approved_report(
        ministry, more.published, values=dict.fromkeys(more.plan.indicators.exclude(code="I2"), 7)
    )
    client.get("/api/v1/values/?plan=SMALL")

    counts = []
    for plan in ("SMALL", "MORE"):
        with CaptureQueriesContext(connection) as queries:
            rows(client, f"plan={plan}")
        counts.append(len(queries))

    assert counts[0] == counts[1]
    # The token, the plans, the count, the page, the dimensions, the suppression's
    # groups (partners), the request log's organisation.
    with django_assert_max_num_queries(8):
        rows(client)
