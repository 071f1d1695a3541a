"""GET /api/v1/indicators/: baselines, who reports, and each year's target as
adopted and as in force."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import plan_build
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


def codes(client, query=""):
    response = client.get(f"/api/v1/indicators/?{query}")
    assert response.status_code == 200, response.content
    return [indicator["code"] for indicator in response.json()["results"]]


@pytest.mark.parametrize("who", ["admin_user", "reviewer", "focal_point", "partner"])
def test_every_role_reads_an_indicator_with_its_original_and_revised_targets(client, read_plan, who, request):
    token_client(client, request.getfixturevalue(who))

    indicator = client.get("/api/v1/indicators/?plan=NSP").json()["results"][0]

    assert {k: v for k, v in indicator.items() if k != "targets"} == {
        "plan": "NSP",
        "pillar": "P1",
        "objective": "O1.1",
        "code": "I1",
        "name": "Officials trained",
        "name_km": "",
        "weight": "1.000",
        "measure": "NUMBER",
        "aggregation": "SUM",
        "direction": "INCREASE",
        "frequency": "QUARTERLY",
        "unit": "",
        "unit_km": "",
        "baseline": "0.0000",
        "baseline_year": None,
        "lead": "MOI",
        "contributors": ["MOJ"],
        "disaggregation": [],
        "counts_people": False,
    }
    assert len(indicator["targets"]) == 5
    revised = next(t for t in indicator["targets"] if t["revised"])
    assert revised["year"] == timezone.localdate().year  # the mid-term review's
    assert (revised["original"], revised["in_force"]) == ("100.0000", "80.0000")
    kept = next(t for t in indicator["targets"] if not t["revised"])
    assert kept["original"] == kept["in_force"] == "100.0000"


def test_a_disaggregated_count_of_people_says_so(client, read_plan, partner):
    token_client(client, partner)

    (victims,) = client.get("/api/v1/indicators/?objective=O2.1&organisation=MOI").json()["results"]

    assert (victims["code"], victims["disaggregation"], victims["counts_people"]) == ("I2", ["sex"], True)


def test_indicators_filter_by_plan_pillar_objective_and_organisation(client, read_plan, partner):
    plan_build(read_plan.trained.lead, read_plan.policy.lead, code="OTHER")
    token_client(client, partner)

    assert codes(client, "plan=NSP") == ["I1", "I2", "I3"]
    assert codes(client, "plan=NSP&pillar=P2") == ["I2", "I3"]
    assert codes(client, "plan=NSP&objective=O1.1") == ["I1"]
    # The lead and the contributors report: MOJ leads I3 and contributes to I1.
    assert codes(client, "plan=NSP&organisation=MOJ") == ["I1", "I3"]
    assert codes(client, "plan=NSP&organisation=MOI") == ["I1", "I2"]
    assert len(codes(client)) == 6
    assert codes(client, "pillar=NOPE") == []


def test_anonymous_gets_401_from_the_indicators(client, read_plan):
    assert client.get("/api/v1/indicators/").status_code == 401


def test_indicators_are_read_in_the_same_number_of_queries_whatever_their_number(
    client, ministry, other_ministry, partner, django_assert_max_num_queries
):
    plan_build(ministry, other_ministry, code="SMALL")
    plan_build(ministry, other_ministry, code="LARGE", extra_indicators=30)
    token_client(client, partner)
    client.get("/api/v1/indicators/?plan=SMALL")

    counts = []
    for plan in ("SMALL", "LARGE"):
        with CaptureQueriesContext(connection) as queries:
            codes(client, f"plan={plan}")
        counts.append(len(queries))

    assert counts[0] == counts[1]
    # The token, the count, the page, targets, contributors, dimensions, the request log's organisation.
    with django_assert_max_num_queries(7):
        codes(client)
