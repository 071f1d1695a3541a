"""GET /api/v1/organisations/."""

import pytest

from tests.conftest import token_client
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin_user", "reviewer", "focal_point", "partner"])
def test_every_role_lists_the_organisations(client, who, request, django_assert_max_num_queries):
    OrganisationFactory(code="KDL", name="Kandal committee", name_km="កណ្ដាល", kind="PROVINCIAL_COMMITTEE")
    token_client(client, request.getfixturevalue(who))

    # The token, the count, the page, the request log's organisation.
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/organisations/")

    assert response.status_code == 200
    found = {org["code"]: org for org in response.json()["results"]}
    assert found["KDL"] == {
        "code": "KDL",
        "name": "Kandal committee",
        "name_km": "កណ្ដាល",
        "kind": "PROVINCIAL_COMMITTEE",
        "active": True,
    }


def test_organisations_filter_by_kind_and_a_bad_kind_is_a_400(client, partner, ministry):
    token_client(client, partner)

    found = client.get("/api/v1/organisations/?kind=PARTNER").json()["results"]

    assert [org["code"] for org in found] == ["IOM"]
    response = client.get("/api/v1/organisations/?kind=CLUB")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_anonymous_gets_401_from_the_organisations(client, ministry):
    assert client.get("/api/v1/organisations/").status_code == 401
