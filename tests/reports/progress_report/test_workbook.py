"""The progress report's workbook: its sheets and columns, figures equal to
the dashboards', published periods only for partners, formulas escaped, small
counts of victims protected."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.completeness import period_completeness
from reports.dashboards.justice_chain import justice_chain
from reports.dashboards.objective import objective_dashboard
from reports.dashboards.plan_overview import plan_overview
from reports.exports.writers import cell_escaped
from tests.conftest import token_client
from tests.reports.progress_report.conftest import (
    FORMULA_ACTION,
    FORMULA_REASON,
    PLANTED,
    PLANTED_NOTE,
    VICTIMS,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/NSP/progress-report/{period}.xlsx"
SHEETS = ["Summary", "Indicators", "Activities", "Completeness", "Justice chain"]


def workbook(client, user, period="2024-Q4"):
    response = token_client(client, user).get(URL.format(period=period))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="NSP-progress-report-{period}.xlsx"' in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def table(sheet, first_header: str) -> list[dict]:
    """The rows under the header row that starts with ``first_header``, as dicts."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    header = rows[start]
    return [dict(zip(header, row, strict=False)) for row in rows[start + 1 :] if any(row)]


def every_text(book) -> str:
    return "\n".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row if value
    )


def test_the_workbook_has_its_five_sheets_with_their_columns(client, plan, reviewer):
    book = workbook(client, reviewer)

    assert book.sheetnames == SHEETS
    summary = list(book["Summary"].iter_rows(values_only=True))
    labels = [row[0] for row in summary]
    for label in ("Quarterly progress report", "Plan", "Period", "Published", "Method"):
        assert label in labels
    assert ("Period", "2024-Q4 (2024-10-01 – 2024-12-31)") in [row[:2] for row in summary]
    assert list(table(book["Summary"], "Code")[0]) == [
        "Code", "Name", "Progress", "Expected", "Status", "Coverage"
    ]  # fmt: skip
    assert list(table(book["Indicators"], "Pillar")[0])[:12] == [
        "Pillar", "Objective", "Code", "Indicator", "Lead", "Unit", "Actual to date",
        "Target for the year", "Expected to date", "Progress", "Expected progress", "Status",
    ]  # fmt: skip
    assert "Reason for the gap" in table(book["Indicators"], "Pillar")[0]
    assert list(table(book["Activities"], "Pillar")[0])[5:8] == [
        "Implementation status", "Percent complete", "Update of"
    ]  # fmt: skip
    assert list(table(book["Completeness"], "Organisation")[0])[:5] == [
        "Organisation", "Name", "Expected to report", "Received", "On time"
    ]  # fmt: skip
    assert list(table(book["Justice chain"], "Chain")[0])[:5] == [
        "Chain",
        "Step",
        "Indicator",
        "Lead",
        "Year",
    ]


def test_numbers_are_numbers_and_percentages_are_formatted_as_such(client, plan, reviewer):
    sheet = workbook(client, reviewer)["Indicators"]
    header = [cell.value for cell in next(row for row in sheet.iter_rows() if row[0].value == "Pillar")]
    row = next(row for row in sheet.iter_rows() if row[2].value == "I1.1.1")
    progress, actual = row[header.index("Progress")], row[header.index("Actual to date")]
    assert isinstance(progress.value, float) and progress.number_format == "0.0%"
    assert isinstance(actual.value, int | float) and "%" not in actual.number_format


def test_the_figures_are_the_dashboards_for_the_same_period(client, plan, reviewer):
    period = plan.periods.get(code="2024-Q4")
    book = workbook(client, reviewer)
    overview = plan_overview(plan=plan, period=period, periods=list(plan.periods.all()), attention_limit=None)

    summary = {row["Code"]: row for row in table(book["Summary"], "Code")}
    for score in [overview.plan, *overview.pillars]:
        assert summary[score.code]["Progress"] == pytest.approx(score.progress)
        assert summary[score.code]["Expected"] == pytest.approx(score.expected)
        assert summary[score.code]["Coverage"] == pytest.approx(score.coverage)

    indicators = {row["Code"]: row for row in table(book["Indicators"], "Pillar")}
    activities = {row["Code"]: row for row in table(book["Activities"], "Pillar")}
    shown = 0
    for objective in plan.objectives.all():
        page = objective_dashboard(plan=plan, code=objective.code, period=period)
        for score in page.indicators:
            assert indicators[score.code]["Actual to date"] == pytest.approx(score.actual_value)
            assert indicators[score.code]["Progress"] == pytest.approx(score.progress)
            shown += 1
        for score in page.activities:
            assert activities[score.code]["Progress"] == pytest.approx(score.progress)
            assert activities[score.code]["Percent complete"] == pytest.approx(score.progress)
    assert shown == len(indicators) == plan.indicators.count()
    off_track = {row.score.code: row for row in overview.attention}
    assert set(off_track) == {
        code for code, row in indicators.items() if row["Status"] in ("Off track", "At risk")
    }

    overall, organisations = period_completeness(plan=plan, period=period)
    sheet = book["Completeness"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert facts["Reports expected"] == overall.expected
    assert facts["Completeness"] == pytest.approx(overall.completeness)
    assert [row["Organisation"] for row in table(sheet, "Organisation")] == [o.code for o in organisations]

    chain = justice_chain(plan=plan, period=period)
    counts = {(row["Step"], row["Year"]): row["Count"] for row in table(book["Justice chain"], "Chain")}
    for chain_table in chain:
        for year in chain_table.years:
            for step, cell in zip(chain_table.chain.steps, year.cells, strict=True):
                assert counts[(str(step.label), year.year)] == cell.count
    assert counts[("Identified", 2024)] == VICTIMS  # the secretariat sees the exact count


def test_a_partner_gets_no_figure_of_an_open_quarter(client, plan, partner):
    api = token_client(client, partner)

    refused = api.get(URL.format(period="2025-Q1"))
    assert refused.status_code == 404
    assert "2025-Q1 is not published yet" in refused.json()["detail"]
    book = workbook(client, partner, "2024-Q4")
    text = every_text(book)
    assert PLANTED not in text and "987,654" not in text and PLANTED_NOTE not in text
    assert "2025-Q1" not in text


def test_nobody_gets_a_period_that_has_not_begun_or_is_not_the_plans(client, plan, reviewer):
    api = token_client(client, reviewer)
    future = plan.periods.filter(start__gt=timezone.localdate()).order_by("index").first()

    response = api.get(URL.format(period=future.code))
    assert response.status_code == 404
    assert "has not begun" in response.json()["detail"]
    assert api.get(URL.format(period="1999-Q1")).status_code == 404
    assert api.get(URL.format(period="nonsense")).status_code == 404
    # The secretariat may read the open quarter, marked as such.
    book = workbook(client, reviewer, "2025-Q1")
    published = next(row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0] == "Published")
    assert published.startswith("not published")


def test_a_plan_the_reader_may_not_see_or_without_credentials_is_refused(client, plan):
    assert client.get(URL.format(period="2024-Q4")).status_code == 401


def test_text_a_spreadsheet_would_take_for_a_formula_is_escaped(client, plan, reviewer):
    sheet = workbook(client, reviewer)["Indicators"]
    header = [cell.value for cell in next(row for row in sheet.iter_rows() if row[0].value == "Pillar")]
    row = next(row for row in sheet.iter_rows() if row[2].value == "I1.1.2")
    reason, action = row[header.index("Reason for the gap")], row[header.index("Corrective action")]

    assert reason.value == "'" + FORMULA_REASON and reason.data_type == "s"
    assert action.value == "'" + FORMULA_ACTION and action.data_type == "s"
    assert not any(
        cell.data_type == "f" for sheet in sheet.parent for row in sheet.iter_rows() for cell in row
    )


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_start_of_a_formula_gets_a_leading_apostrophe(text):
    assert cell_escaped(text) == "'" + text


@pytest.mark.parametrize("text", ["Floods", "<5", "—", "2024-Q4", ""])
def test_other_text_is_left_as_it_is(text):
    assert cell_escaped(text) == text


def test_a_partner_sees_a_small_count_of_victims_as_less_than_five(client, plan, partner, reviewer):
    def figures(user):
        book = workbook(client, user)
        indicator = next(row for row in table(book["Indicators"], "Pillar") if row["Code"] == "I4.1.1")
        chain = {(row["Step"], row["Year"]): row for row in table(book["Justice chain"], "Chain")}
        return indicator, chain, every_text(book)

    indicator, chain, _text = figures(reviewer)
    assert indicator["Actual to date"] == VICTIMS and indicator["Progress"] is not None
    assert chain[("Identified", 2024)]["Count"] == VICTIMS

    indicator, chain, text = figures(partner)
    assert indicator["Actual to date"] == "<5"
    assert indicator["Progress"] is None  # progress times the target would give the count back
    assert chain[("Identified", 2024)]["Count"] == "<5" and chain[("Identified", 2024)]["Figure"] == "<5"
    assert "rounded to the nearest 5" in text
    # A count that is not of people is shown exactly.
    assert chain[("Cases investigated", 2024)]["Count"] == 12
