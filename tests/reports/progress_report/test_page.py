"""The progress report's printable page: its sections and cover, the periods
a reader may open, small counts protected, and a fixed number of queries."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import LAYOUT
from tests.reports.dashboards.builders import build_plan
from tests.reports.progress_report.conftest import FORMULA_REASON, PLANTED, PLANTED_NOTE, VICTIMS

pytestmark = pytest.mark.django_db

URL = "/dashboards/NSP/progress-report/"
SECTIONS = [
    "Summary by pillar",
    "Indicators",
    "Activities",
    "Reporting completeness for 2024-Q4",
    "The justice chain",
]


def test_the_page_has_a_cover_and_every_section_in_the_site_layout(client, plan, partner):
    client.force_login(partner)
    response = client.get(URL + "?period=2024-Q4")

    assert response.status_code == 200
    content = response.content.decode()
    assert LAYOUT in content
    cover = content[content.index("ntip-report-cover") : content.index('id="summary-heading"')]
    assert plan.display_name in cover and "2024-Q4" in cover and "Method in brief" in cover
    published = plan.periods.get(code="2024-Q4").published_at
    assert timezone.localtime(published).strftime("%Y-%m-%d") in cover
    positions = [content.index(f">{title}</h2>") for title in SECTIONS]
    assert positions == sorted(positions)
    assert content.count('class="ntip-report-section') == len(SECTIONS)
    # Every indicator and activity, with the reason for a gap.
    for code in plan.indicators.values_list("code", flat=True):
        assert f">{code}</span>" in content
    for code in plan.activities.values_list("code", flat=True):
        assert f">{code}</span>" in content
    assert FORMULA_REASON.replace('"', "&quot;") in content
    # Printing, the workbook, and the print stylesheet for paper only.
    assert "data-print" in content and "ntip/print_button.js" in content
    assert 'href="/api/v1/plans/NSP/progress-report/2024-Q4.xlsx"' in content
    assert 'ntip/print.css" media="print"' in content


def test_with_no_period_chosen_the_report_is_of_the_latest_published_quarter(client, plan, reviewer):
    client.force_login(reviewer)
    response = client.get(URL)

    assert response.context["period"].code == "2024-Q4"
    assert "/api/v1/plans/NSP/progress-report/2024-Q4.xlsx" in response.content.decode()


def test_a_partner_finds_no_figure_of_an_open_quarter_on_the_page(client, plan, partner):
    client.force_login(partner)
    for query in ("", "?period=2024-Q4", "?period=2024-Q1"):
        content = client.get(URL + query).content.decode()
        assert PLANTED not in content and "987,654" not in content and PLANTED_NOTE not in content
        assert "2025-Q1" not in content
    assert client.get(URL + "?period=2025-Q1").status_code == 404


def test_the_secretariat_reads_the_open_quarter_marked_as_open(client, plan, reviewer):
    client.force_login(reviewer)
    content = client.get(URL + "?period=2025-Q1").content.decode()

    assert "2025-Q1 is open" in content and "Not published" in content


def test_no_one_opens_a_quarter_that_has_not_begun(client, plan, reviewer):
    client.force_login(reviewer)
    future = plan.periods.filter(start__gt=timezone.localdate()).order_by("index").first()

    assert client.get(f"{URL}?period={future.code}").status_code == 404
    assert client.get(URL + "?period=nonsense").status_code == 404
    assert client.get("/dashboards/NOPE/progress-report/").status_code == 404


def test_before_anything_is_published_a_partner_reads_no_figures_published_yet(
    client, ministry, other_ministry, partner
):
    build_plan("NEW", pillars=1, ministry=ministry, other_ministry=other_ministry, published_through=None)
    client.force_login(partner)
    response = client.get("/dashboards/NEW/progress-report/")

    assert response.status_code == 200
    assert "No figures published yet." in response.content.decode()


def test_a_partner_sees_a_small_count_of_victims_as_less_than_five(client, plan, partner, reviewer):
    def identified_row(user):
        client.force_login(user)
        content = client.get(URL + "?period=2024-Q4").content.decode()
        row = content[content.index(">I4.1.1</span>") :]
        return content, row[: row.index("</tr>")]

    content, row = identified_row(reviewer)
    assert f'<td class="text-end text-nowrap">{VICTIMS}</td>' in row
    content, row = identified_row(partner)
    assert f'<td class="text-end text-nowrap">{VICTIMS}</td>' not in row and "&lt;5*" in row
    assert "rounded to the nearest 5" in content
    chain = content[content.index('id="chain-heading"') :]
    assert "&lt;5" in chain


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_plans_size(
    client, ministry, other_ministry, partner, django_assert_max_num_queries
):
    small, large = (
        build_plan(code, pillars=n, ministry=ministry, other_ministry=other_ministry, behind=True)
        for code, n in (("SMALL", 1), ("LARGE", 4))
    )
    client.force_login(partner)
    for plan in (small, large):
        # 1-2 session, user; 3-4 the plan with its score state, its periods;
        # 5-8 the overview: pillars, trend snapshots, snapshots needing
        # attention, their reasons; 9 the indicators needing attention;
        # 10-14 the leaves: indicators, activities, snapshots, targets,
        # activity updates; 15 the chain's indicators (their approved values:
        # none here, no query); 16-19 who owes a report; 20-21 reports, organisations.
        with django_assert_max_num_queries(22):
            response = client.get(f"/dashboards/{plan.code}/progress-report/?period=2024-Q4")
        assert response.status_code == 200


def test_a_khmer_reader_gets_the_page_and_the_workbook_in_khmer(client, plan, partner):
    plan.pillars.filter(code="P1").update(name_km="សសរស្តម្ភទី១")
    # A signed-in user reads their own language (plans/languages.py), not the cookie's.
    partner.language = "km"
    partner.save(update_fields=["language"])
    client.force_login(partner)

    response = client.get(URL + "?period=2024-Q4")
    assert response.status_code == 200
    assert 'lang="km"' in response.content.decode() and "សសរស្តម្ភទី១" in response.content.decode()
    workbook = client.get("/api/v1/plans/NSP/progress-report/2024-Q4.xlsx")
    assert workbook.status_code == 200
    summary = load_workbook(BytesIO(workbook.content)).worksheets[0]
    assert "សសរស្តម្ភទី១" in [row[1] for row in summary.iter_rows(values_only=True)]
