"""The Export menu of the dashboards, and the page door it links to."""

import pytest

from tests.reports.exports.conftest import body_of, rows_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("/dashboards/NSP/", "/exports/NSP/values.csv?period=2024-Q1"),
        ("/dashboards/NSP/pillars/P1/", "/exports/NSP/values.csv?period=2024-Q1&amp;pillar=P1"),
        ("/dashboards/NSP/objectives/O1/", "/exports/NSP/scores.xlsx?period=2024-Q1&amp;objective=O1"),
        ("/dashboards/NSP/indicators/I1/", "/exports/NSP/values.json?period=2024-Q1&amp;indicator=I1"),
        ("/dashboards/NSP/organisations/", "/exports/NSP/completeness.csv?period=2024-Q1"),
        ("/dashboards/NSP/organisations/MOI/", "/exports/NSP/values.csv?period=2024-Q1&amp;organisation=MOI"),
        ("/dashboards/NSP/justice-chain/", "/exports/NSP/values.xlsx?period=2024-Q1"),
    ],
)
def test_each_dashboard_offers_an_export_of_what_it_shows(client, export_plan, partner, page, link):
    client.force_login(partner)
    html = client.get(page).content.decode()
    assert "ntip-export-menu" in html
    assert link in html
    assert '/exports/"' in html or 'href="/exports/"' in html  # My exports


def test_the_menu_links_the_progress_report(client, export_plan, partner):
    client.force_login(partner)
    html = client.get("/dashboards/NSP/").content.decode()
    assert "/dashboards/NSP/progress-report/?period=2024-Q1" in html


def test_the_page_door_answers_the_file(client, export_plan, partner):
    client.force_login(partner)
    response = client.get("/exports/NSP/values.csv?period=2024-Q1")
    assert response.status_code == 200
    header, _rows = rows_of(response, "csv")
    assert header[:5] == ["indicator", "indicator_name", "organisation", "organisation_name", "period"]


def test_the_page_door_says_why_it_refuses(client, export_plan, partner):
    client.force_login(partner)
    response = client.get("/exports/NSP/values.csv?period=2024-Q2")
    assert response.status_code == 400
    assert "not published" in body_of(response).decode()
    assert client.get("/exports/NSP/values.docx").status_code == 404
