"""The login page: signing in, and the public pages for visitors without an account."""

import pytest

from reports.privacy import SUPPRESSION_THRESHOLD
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_links_every_public_plan_to_its_public_page(client):
    PlanFactory(code="NSP-2024-2028", name="National Strategic Plan 2024–2028", is_public=True)
    PlanFactory(
        code="NAP-2019-2023",
        name="National Action Plan 2019–2023",
        start_year=2019,
        end_year=2023,
        is_public=True,
    )
    PlanFactory(code="DRAFT", name="A plan still being drawn", is_public=False)

    body = client.get("/accounts/login/").content.decode()

    assert '<a href="/public/NSP-2024-2028/">National Strategic Plan 2024–2028</a>' in body
    assert '<a href="/public/NAP-2019-2023/">National Action Plan 2019–2023</a>' in body
    assert body.index("/public/NSP-2024-2028/") < body.index("/public/NAP-2019-2023/"), "newest first"
    assert "/public/DRAFT/" not in body and "A plan still being drawn" not in body


def test_the_login_page_says_what_the_public_page_shows_and_invites_to_sign_in(client):
    PlanFactory(code="NSP", is_public=True)

    body = " ".join(client.get("/accounts/login/").content.decode().split())

    assert "approved and published" in body
    # The same threshold as the public page itself (reports/privacy.py).
    assert f"small counts of victims are shown as “&lt;{SUPPRESSION_THRESHOLD}”" in body
    assert "sign in with the account the secretariat gave you" in body
    assert 'type="submit" class="btn btn-primary w-100">Sign in</button>' in body


def test_without_a_public_plan_the_login_page_offers_only_to_sign_in(client):
    PlanFactory(code="NSP", is_public=False)

    body = client.get("/accounts/login/").content.decode()

    assert "/public/" not in body
    assert "public page" not in body
    assert "sign in with the account the secretariat gave you" in body


def test_a_public_plan_shows_its_khmer_name_on_the_khmer_login_page(client):
    PlanFactory(code="NSP", name="National Strategic Plan", name_km="ផែនការយុទ្ធសាស្ត្រជាតិ", is_public=True)
    client.cookies["django_language"] = "km"

    body = client.get("/accounts/login/").content.decode()

    assert '<a href="/public/NSP/">ផែនការយុទ្ធសាស្ត្រជាតិ</a>' in body


def test_the_login_page_reads_the_public_plans_in_one_query_however_many_there_are(
    client, django_assert_max_num_queries
):
    for n in range(8):
        PlanFactory(code=f"PUB-{n}", is_public=True)

    with django_assert_max_num_queries(1):
        response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert response.content.decode().count('href="/public/PUB-') == 8
