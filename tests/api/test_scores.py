"""GET /api/v1/plans/{code}/scores/: every node's score with its names."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.scores.recompute import plan_scores_recompute
from tests.api.conftest import plan_build
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


def test_each_score_names_its_node_in_both_languages(client, read_plan, partner):
    plan_scores_recompute(plan_id=read_plan.plan.pk, everything=True)
    token_client(client, partner)

    scores = client.get("/api/v1/plans/NSP/scores/").json()["results"]

    by_node = {(s["node"], s["code"]): s for s in scores}
    assert (by_node["pillar", "P1"]["name"], by_node["pillar", "P1"]["name_km"]) == ("Prevention", "ការបង្ការ")
    assert by_node["plan", "NSP"]["name_km"] == "ផែនការជាតិ"
    assert by_node["indicator", "I1"]["name"] == "Officials trained"
    assert by_node["activity", "A1.1"]["period"] == read_plan.published.code
    assert {"progress", "achieved", "expected", "status", "coverage", "counts", "computed_at"} <= set(
        by_node["indicator", "I1"]
    )


def test_the_names_cost_the_same_queries_whatever_the_plans_size(client, ministry, other_ministry, partner):
    for code, extra in (("SMALL", 0), ("LARGE", 30)):
        built = plan_build(ministry, other_ministry, code=code, extra_indicators=extra)
        plan_scores_recompute(plan_id=built.plan.pk, everything=True)
    token_client(client, partner)
    client.get("/api/v1/plans/SMALL/scores/")

    counts = []
    for code in ("SMALL", "LARGE"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/plans/{code}/scores/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
