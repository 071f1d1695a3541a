"""The public summary: no login, small victim counts suppressed."""

import re
from decimal import Decimal

import pytest

from reports.privacy import SUPPRESSION_THRESHOLD, suppress_small
from tests.factories import (
    approved_report,
)
from tests.reports.dashboards.builders import sign_in

pytestmark = pytest.mark.django_db


def headline_row(body: str, label: str) -> str:
    match = re.search(rf"<tr><th scope=\"row\"[^>]*>{label}</th>.*?</tr>", body, re.S)
    assert match, label
    return match.group(0)


def test_the_public_page_needs_no_login_and_suppresses_small_victim_counts(client, public_plan):
    response = client.get("/public/PUB/?period=2024-Q1")
    assert response.status_code == 200
    body = response.content.decode()
    # Three victims are shown as "<5"; three cases are not victims, and are shown.
    assert headline_row(body, "Victims identified").count("&lt;5") == 2
    assert ">3<" not in headline_row(body, "Victims identified")
    assert headline_row(body, "Cases investigated").count(">3<") == 2
    assert 'data-chart="chart-public-pillars"' in body
    assert "Sign out" not in body


def test_the_public_page_shows_victim_counts_from_the_threshold_on(client, public_plan, ministry):
    indicator = public_plan.indicators.get(code="I4.1.1")
    approved_report(ministry, public_plan.periods.get(code="2024-Q2"), values={indicator: 2})
    body = client.get("/public/PUB/?period=2024-Q2").content.decode()
    assert headline_row(body, "Victims identified").count(">5<") == 2


@pytest.mark.parametrize("who", ["anonymous", "focal_point", "admin_user"])
def test_the_public_page_of_a_plan_that_is_not_public_is_404(client, plan, request, who):
    sign_in(client, request, who)
    assert client.get("/public/NSP/").status_code == 404


def test_suppress_small_hides_counts_below_the_threshold():
    assert SUPPRESSION_THRESHOLD == 5
    assert [suppress_small(n) for n in (0, 1, 4, 4.9, 5, 6, 523)] == ["<5", "<5", "<5", "<5", 5, 6, 523]
    assert suppress_small(None) is None
    assert suppress_small(9, threshold=10) == "<10"
    assert suppress_small(Decimal(10), threshold=10) == Decimal(10)
