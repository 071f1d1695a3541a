"""The scores and completeness API, with token and session authentication."""

import pytest
from rest_framework.authtoken.models import Token

from reports.scores.recompute import plan_scores_recompute
from tests.conftest import PASSWORD, token_client
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
    publish_through,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_plan(ministry, other_ministry):
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1", pillar__code="P1")
    trained = IndicatorFactory(objective=objective, code="I1", lead=ministry, targets=[100] * 5)
    trained.contributors.add(other_ministry)
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(ministry, periods["2024-Q1"], values={trained: 20})
    approved_report(ministry, periods["2024-Q2"], values={trained: 30})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q2")
    return plan


def test_a_partner_gets_a_token_with_username_and_password(client, partner):
    response = client.post("/api/v1/auth/token/", {"username": "partner", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=partner).key


def test_wrong_password_gets_400_with_the_reason(client, partner):
    response = client.post("/api/v1/auth/token/", {"username": "partner", "password": "nope"})
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]


def test_scores_need_credentials(client, scored_plan):
    response = client.get("/api/v1/plans/NSP/scores/?period=2024-Q2")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_refused(client, scored_plan):
    client.defaults["HTTP_AUTHORIZATION"] = "Token not-a-token"
    assert client.get("/api/v1/plans/NSP/scores/").status_code == 401


@pytest.mark.parametrize("who", ["admin_user", "reviewer", "focal_point", "partner"])
def test_every_role_reads_the_scores_of_a_period(
    client, scored_plan, who, request, django_assert_max_num_queries
):
    token_client(client, request.getfixturevalue(who))
    # token + user, plan, period, count, page of snapshots, the nodes' names (one
    # UNION), partners: the indicators counting people; the request log's organisation
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/plans/NSP/scores/?period=2024-Q2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    by_code = {row["code"]: row for row in body["results"]}
    assert set(by_code) == {"NSP", "P1", "O1", "I1"}
    assert by_code["I1"] == {
        "node": "indicator",
        "code": "I1",
        "name": "Indicator I1",
        "name_km": "",
        "period": "2024-Q2",
        "progress": pytest.approx(0.1),
        "achieved": pytest.approx(0.1),
        "expected": pytest.approx(0.1),
        "status": "ON_TRACK",
        "coverage": 1.0,
        "counts": {"ON_TRACK": 1, "AT_RISK": 0, "OFF_TRACK": 0, "NO_DATA": 0, "NOT_DUE": 0},
        "computed_at": by_code["I1"]["computed_at"],
    }
    assert by_code["NSP"]["node"] == "plan"


def test_session_authentication_works_for_the_browser(client, scored_plan, reviewer):
    client.force_login(reviewer)
    assert client.get("/api/v1/plans/NSP/scores/?period=2024-Q2&node=indicator").json()["count"] == 1


def test_scores_default_to_the_latest_published_period(client, scored_plan, partner):
    token_client(client, partner)
    body = client.get("/api/v1/plans/NSP/scores/").json()
    assert {row["period"] for row in body["results"]} == {"2024-Q2"}


def test_an_unknown_period_is_a_400_with_the_reason(client, scored_plan, partner):
    token_client(client, partner)
    response = client.get("/api/v1/plans/NSP/scores/?period=2025Q2")
    assert response.status_code == 400
    assert "2025Q2 is not a period of plan NSP" in response.json()["period"]
    response = client.get("/api/v1/plans/NSP/scores/?node=ministry")
    assert response.status_code == 400


def test_an_unknown_plan_is_404(client, scored_plan, partner):
    token_client(client, partner)
    assert client.get("/api/v1/plans/NOPE/scores/").status_code == 404


def test_completeness_counts_who_was_expected_and_who_reported(client, scored_plan, reviewer, ministry):
    token_client(client, reviewer)
    body = client.get("/api/v1/plans/NSP/completeness/?period=2024-Q2").json()
    assert (body["expected"], body["received"]) == (2, 1)
    assert body["completeness"] == 0.5
    rows = {row["organisation"]: row for row in body["organisations"]}
    assert rows["MOI"]["received"] and rows["MOI"]["report_state"] == "APPROVED"
    assert not rows["MOJ"]["received"] and rows["MOJ"]["report_state"] is None


def test_a_draft_is_not_received(client, scored_plan, reviewer, other_ministry):
    period = scored_plan.periods.get(code="2024-Q2")
    approved_report(other_ministry, period, state="DRAFT")
    token_client(client, reviewer)
    body = client.get("/api/v1/plans/NSP/completeness/?period=2024-Q2").json()
    assert body["received"] == 1
    assert {r["organisation"]: r["report_state"] for r in body["organisations"]}["MOJ"] == "DRAFT"
