"""GET /api/v1/plans/{code}/periods/: publication, filters."""

import pytest
from django.utils import timezone

from tests.conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_period_says_when_it_was_published_and_revised(client, read_plan, partner):
    read_plan.plan.periods.filter(pk=read_plan.published.pk).update(revised_at=timezone.now())
    token_client(client, partner)

    periods = client.get("/api/v1/plans/NSP/periods/").json()["results"]

    newest = periods[-1]
    assert newest["code"] == read_plan.published.code
    assert newest["published"] is True
    assert newest["published_at"] is not None
    assert newest["revised_at"] is not None
    assert newest["published_by"] is None


def test_periods_filter_by_publication_and_year(client, read_plan, reviewer):
    token_client(client, reviewer)

    unpublished = client.get("/api/v1/plans/NSP/periods/?published=false").json()["results"]
    of_a_year = client.get(f"/api/v1/plans/NSP/periods/?year={read_plan.plan.start_year}").json()["results"]

    assert read_plan.open.code in {p["code"] for p in unpublished}
    assert not any(p["published"] for p in unpublished)
    assert [p["code"] for p in of_a_year] == [f"{read_plan.plan.start_year}-Q{q}" for q in (1, 2, 3, 4)]
    assert client.get("/api/v1/plans/NSP/periods/?year=last").status_code == 400


def test_a_partner_lists_no_open_period(client, read_plan, partner):
    token_client(client, partner)

    periods = client.get("/api/v1/plans/NSP/periods/?published=false").json()

    assert periods["count"] == 0
