"""GET /api/v1/plans/ and /api/v1/plans/{code}/: the plans and one plan's tree."""

import pytest

from tests.api.conftest import plan_build
from tests.conftest import token_client
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

READERS = ["admin_user", "reviewer", "focal_point", "partner"]


@pytest.mark.parametrize("who", READERS)
def test_every_role_lists_the_plans(client, read_plan, who, request, django_assert_max_num_queries):
    token_client(client, request.getfixturevalue(who))

    # The token and its user, the count, the page; the request log's
    # organisation code (ntip/request_log.py).
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/plans/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "NSP",
            "name": "National plan",
            "name_km": "ផែនការជាតិ",
            "start_year": read_plan.plan.start_year,
            "end_year": read_plan.plan.end_year,
            "on_track": "0.850",
            "at_risk": "0.600",
            "is_public": False,
        }
    ]


def test_anonymous_gets_401_from_the_plans(client, read_plan):
    assert client.get("/api/v1/plans/").status_code == 401
    assert client.get("/api/v1/plans/NSP/").status_code == 401


def test_plans_filter_by_public_and_by_a_year_they_cover(client, read_plan, partner):
    PlanFactory(code="OLD", start_year=2015, end_year=2019, is_public=True)
    token_client(client, partner)

    def codes(query):
        return [plan["code"] for plan in client.get(f"/api/v1/plans/?{query}").json()["results"]]

    assert codes("public=true") == ["OLD"]
    assert codes("public=false") == ["NSP"]
    assert codes("year=2017") == ["OLD"]
    assert client.get("/api/v1/plans/?year=soon").status_code == 400


def test_one_plan_comes_with_its_whole_tree_in_plan_order(client, read_plan, partner):
    token_client(client, partner)

    plan = client.get("/api/v1/plans/NSP/").json()

    assert plan["code"] == "NSP"
    assert [p["code"] for p in plan["pillars"]] == ["P1", "P2"]
    p1, p2 = plan["pillars"]
    assert (p1["name"], p1["name_km"], p1["weight"]) == ("Prevention", "ការបង្ការ", "1.000")
    assert p2["weight"] == "2.000"
    objective = p1["objectives"][0]
    assert objective["code"] == "O1.1"
    assert objective["indicators"] == [
        {
            "code": "I1",
            "name": "Officials trained",
            "name_km": "",
            "weight": "1.000",
            "measure": "NUMBER",
            "unit": "",
            "unit_km": "",
            "lead": "MOI",
        }
    ]
    (activity,) = objective["activities"]
    assert activity["code"] == "A1.1"
    assert activity["lead"] == "MOI"
    assert activity["supporting"] == ["MOJ"]
    assert activity["start"] == read_plan.activity.start_period.code
    assert [i["code"] for i in p2["objectives"][0]["indicators"]] == ["I2", "I3"]


def test_a_plan_that_does_not_exist_is_404(client, read_plan, partner):
    token_client(client, partner)
    assert client.get("/api/v1/plans/NOPE/").status_code == 404


def test_the_tree_is_read_in_the_same_number_of_queries_whatever_its_size(
    client, ministry, other_ministry, partner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan_build(ministry, other_ministry, code="SMALL")
    plan_build(ministry, other_ministry, code="LARGE", extra_indicators=30)
    token_client(client, partner)
    client.get("/api/v1/plans/SMALL/")  # what the first request of all reads once

    counts = []
    for code in ("SMALL", "LARGE"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/plans/{code}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[0] <= 12
