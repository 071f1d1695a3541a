"""The pillar and objective pages."""

import pytest

from tests.reports.dashboards.builders import AS_OF

pytestmark = pytest.mark.django_db


def test_pillar_and_objective_pages_link_down_and_back_up(client, plan, partner):
    client.force_login(partner)
    body = client.get("/dashboards/NSP/pillars/P1/" + AS_OF).content.decode()
    assert 'href="/dashboards/NSP/objectives/O1.2/?period=2024-Q4"' in body
    assert 'href="/dashboards/NSP/?period=2024-Q4"' in body
    body = client.get("/dashboards/NSP/objectives/O1.2/" + AS_OF).content.decode()
    assert 'href="/dashboards/NSP/indicators/I1.2.1/?period=2024-Q4"' in body
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q4"' in body
    assert "A1.2" in body
