"""Chart specs are data: pure functions from selector rows to Plotly figures,
checked without a database or a browser."""

import itertools
import json
import unicodedata

from django.core.serializers.json import DjangoJSONEncoder

from plans.formatting import share_text
from reports.dashboards import charts
from reports.dashboards.charts import EXPECTED_COLOUR, STATUS_COLOURS, STATUS_ORDER
from reports.dashboards.indicator import CategoryTotal, DimensionBreakdown, IndicatorPoint, OrganisationSeries
from reports.dashboards.justice_chain import JUSTICE_CHAINS, ChainCell, ChainIndicator, ChainTable, ChainYear
from reports.dashboards.plan_overview import TrendSeries
from reports.dashboards.score_rows import ScoreRow
from reports.scoring import Completeness


def row(code, status, achieved, expected, progress=None, name="Pillar"):
    return ScoreRow(
        kind="pillar",
        id=1,
        code=code,
        name=name,
        status=status,
        achieved=achieved,
        expected=expected,
        progress=achieved if progress is None else progress,
    )


def trace(figure, name):
    return next(t for t in figure["data"] if t.get("name") == name)


def test_every_figure_serialises_to_json():
    pillars = [row("P1", "ON_TRACK", 0.5, 0.5)]
    for figure in (
        charts.overall_figure(pillars[0]),
        charts.progress_bars_figure(pillars),
        charts.status_counts_figure({"ON_TRACK": 1}),
    ):
        assert json.loads(json.dumps(figure, cls=DjangoJSONEncoder))["data"]


def test_overall_bullet_shows_achieved_against_expected_in_the_status_colour():
    figure = charts.overall_figure(row("NSP", "AT_RISK", 0.345, 0.5))
    [bullet] = figure["data"]
    assert bullet["type"] == "indicator"
    assert bullet["gauge"]["shape"] == "bullet"
    assert bullet["value"] == 34.5
    assert bullet["gauge"]["threshold"]["value"] == 50.0
    assert bullet["gauge"]["bar"]["color"] == STATUS_COLOURS["AT_RISK"] == "#E69F00"
    assert bullet["gauge"]["axis"]["range"] == [0, 100]
    assert charts.overall_summary(row("NSP", "AT_RISK", 0.345, 0.5)) == (
        "progress 34.5 % against 50 % expected: ▲ At risk"
    )


def test_progress_bars_put_achieved_expected_and_the_status_in_words_side_by_side():
    rows = [
        row("P1", "ON_TRACK", 1.0, 0.6, progress=1.3, name="Laws"),
        row("P2", "OFF_TRACK", 0.1, 0.4, name="Prevention"),
        ScoreRow(kind="pillar", id=3, code="P3", name="Not scored"),
    ]
    figure = charts.progress_bars_figure(rows)
    achieved, expected, words = figure["data"]
    assert achieved["type"] == "bar" and achieved["orientation"] == "h"
    assert achieved["y"] == ["P1 Laws", "P2 Prevention", "P3 Not scored"]
    assert achieved["x"] == [100.0, 10.0, None]
    assert achieved["marker"]["color"] == ["#009E73", "#D55E00", charts.NO_STATUS_COLOUR]
    assert expected["x"] == [60.0, 40.0, None]
    assert expected["marker"]["color"] == EXPECTED_COLOUR
    # Over-achievement reads in full (130 %) though the bar stops at 100 %.
    assert words["text"] == ["130 %<br>● On track", "10 %<br>✕ Off track", "—<br>Not computed"]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    assert "Khmer" in figure["layout"]["font"]["family"]
    assert (
        charts.progress_bars_summary(rows[:2]) == "P1 130 % / 60 %, ● On track; P2 10 % / 40 %, ✕ Off track"
    )


def test_pillar_and_objective_names_wrap_in_the_bar_chart_and_the_chart_grows_with_them():
    name = "Inter-ministerial procedures for identification and referral in force"
    short = charts.progress_bars_figure([row("O1.1", "ON_TRACK", 0.5, 0.5, name="Laws")])
    figure = charts.progress_bars_figure(
        [row("O1.1", "ON_TRACK", 0.5, 0.5, name="Laws"), row("O1.2", "AT_RISK", 0.3, 0.5, name=name)]
    )
    achieved = trace(figure, "Achieved")
    # The whole name, line by line: no "…".
    assert (
        achieved["y"][1]
        == "O1.2 Inter-ministerial<br>procedures for<br>identification and referral<br>in force"
    )
    assert "…" not in "".join(achieved["y"])
    layout = figure["layout"]
    assert layout["yaxis"]["automargin"] is True
    # The margin fits the longest line ("identification and referral", 27
    # characters), not a fixed width; the words stand beyond the 100 % line.
    assert 27 * 5 < layout["margin"]["l"] < 27 * 8
    assert layout["xaxis"]["range"][1] < 110
    # Four lines need more height than one.
    one_line_more = layout["height"] - short["layout"]["height"]
    assert one_line_more > 48 + 2 * charts.LINE_PIXELS


def test_trend_draws_achieved_and_dashed_expected_per_node_in_percent():
    series = [
        TrendSeries("NSP", "Plan", achieved=[0.05, 0.1, None], expected=[0.05, 0.125, 0.15]),
        TrendSeries("P1", "Laws", achieved=[0.1, 0.2, 0.3], expected=[0.1, 0.2, 0.3]),
    ]
    figure = charts.trend_figure(["2024-Q1", "2024-Q2", "2024-Q3"], series)
    assert [t["name"] for t in figure["data"]] == ["NSP", "NSP expected", "P1", "P1 expected"]
    plan_achieved, plan_expected, pillar_achieved, _ = figure["data"]
    assert plan_achieved["x"] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert plan_achieved["y"] == [5.0, 10.0, None]
    assert plan_expected["y"] == [5.0, 12.5, 15.0]
    assert plan_expected["line"]["dash"] == "dash"
    assert plan_expected["legendgroup"] == "NSP" and plan_expected["showlegend"] is False
    assert plan_achieved["line"]["color"] != pillar_achieved["line"]["color"]
    assert plan_achieved["marker"]["symbol"] != pillar_achieved["marker"]["symbol"]
    assert figure["layout"]["yaxis"]["range"] == [0, 100]


def test_status_counts_are_bars_in_the_status_order_colours_and_words():
    figure = charts.status_counts_figure({"ON_TRACK": 12, "OFF_TRACK": 3, "NO_DATA": 1})
    [bars] = figure["data"]
    assert bars["y"] == [12, 0, 3, 1, 0]
    assert bars["x"] == ["● On track", "▲ At risk", "✕ Off track", "○ No data", "□ Not due yet"]
    assert bars["marker"]["color"] == [STATUS_COLOURS[s] for s in STATUS_ORDER]
    assert charts.status_counts_summary({"ON_TRACK": 12}) == (
        "On track: 12, At risk: 0, Off track: 0, No data: 0, Not due yet: 0"
    )


def test_completeness_shows_received_and_on_time_as_shares_of_expected():
    figure = charts.completeness_figure(Completeness(expected=40, received=30, on_time=20))
    [bars] = figure["data"]
    assert bars["x"] == [75.0, 50.0]
    assert bars["text"] == ["75 % (30/40)", "50 % (20/40)"]
    nobody = charts.completeness_figure(Completeness(expected=0, received=0, on_time=0))
    assert nobody["data"][0]["x"] == [None, None]


def test_indicator_chart_has_actual_expected_target_steps_and_a_flat_baseline():
    points = [
        IndicatorPoint("2024-Q4", actual=95.0, expected=100.0, target=100.0, status="ON_TRACK"),
        IndicatorPoint("2025-Q1", actual=120.0, expected=125.0, target=200.0, status="ON_TRACK"),
    ]
    figure = charts.indicator_figure(points, baseline=40.0, unit="people")
    assert [t["name"] for t in figure["data"]] == ["Actual", "Expected", "Target (end of year)", "Baseline"]
    assert trace(figure, "Actual")["y"] == [95.0, 120.0]
    assert trace(figure, "Expected")["y"] == [100.0, 125.0]
    assert trace(figure, "Target (end of year)")["y"] == [100.0, 200.0]
    assert trace(figure, "Target (end of year)")["line"]["shape"] == "hv"
    assert trace(figure, "Baseline")["y"] == [40.0, 40.0]
    assert figure["layout"]["yaxis"]["title"]["text"] == "people"
    assert charts.indicator_summary(points, baseline=40.0, unit="people") == (
        "in 2025-Q1: actual 120, expected 125, target 200 people; baseline 40"
    )


def test_after_a_revision_the_chart_draws_the_revised_and_the_original_targets():
    points = [
        IndicatorPoint(
            "2025-Q4", actual=150.0, expected=200.0, target=200.0, status="AT_RISK", original_target=200.0
        ),
        IndicatorPoint(
            "2026-Q1", actual=190.0, expected=237.5, target=350.0, status="AT_RISK", original_target=300.0
        ),
    ]
    figure = charts.indicator_figure(points, baseline=0.0, unit="sites")

    names = [t["name"] for t in figure["data"]]
    assert names == [
        "Actual",
        "Expected",
        "Revised target (end of year)",
        "Original target (end of year)",
        "Baseline",
    ]
    assert trace(figure, "Revised target (end of year)")["y"] == [200.0, 350.0]
    assert trace(figure, "Original target (end of year)")["y"] == [200.0, 300.0]
    assert trace(figure, "Original target (end of year)")["line"]["dash"] == "dashdot"
    assert charts.indicator_summary(points, baseline=0.0, unit="sites") == (
        "in 2026-Q1: actual 190, expected 237.5, target 350 sites; baseline 0; original target 300"
    )


def test_values_by_organisation_are_stacked_one_trace_per_organisation():
    series = [
        OrganisationSeries("MOI", "Interior", [20.0, None]),
        OrganisationSeries("MOJ", "Justice", [5.0, 6.0]),
    ]
    figure = charts.organisation_values_figure(["2024-Q1", "2024-Q2"], series)
    assert figure["layout"]["barmode"] == "stack"
    assert [(t["name"], t["y"]) for t in figure["data"]] == [("MOI", [20.0, None]), ("MOJ", [5.0, 6.0])]
    assert (
        charts.organisation_values_summary(["2024-Q1", "2024-Q2"], series) == "Total to date: MOI 20; MOJ 11"
    )


def test_a_percent_indicator_by_organisation_shows_the_latest_value_not_a_sum():
    # A level (LATEST), e.g. "% of committees using the referral procedures":
    # adding up its quarters ("MOSVY 768.2") means nothing.
    periods = ["2024-Q1", "2024-Q2", "2024-Q3"]
    series = [
        OrganisationSeries("MOSVY", "Social Affairs", [41.8, 43.7, 45.3], "LATEST"),
        OrganisationSeries("MOI", "Interior", [30.0, 35.0, None], "LATEST"),
    ]
    assert [s.headline for s in series] == [45.3, 35.0]
    assert charts.organisation_values_summary(periods, series) == (
        "Latest approved value: MOSVY 45.3 (2024-Q3); MOI 35 (2024-Q2)"
    )
    figure = charts.organisation_values_figure(periods, series)
    # Levels side by side, one line each, never stacked into a sum.
    assert "barmode" not in figure["layout"]
    assert [(t["type"], t["mode"]) for t in figure["data"]] == [("scatter", "lines+markers")] * 2


def test_a_dimension_is_drawn_as_one_bar_per_category():
    breakdown = DimensionBreakdown(
        "sex", "Sex", [CategoryTotal("F", "Female", 80.0), CategoryTotal("M", "Male", 20.0)]
    )
    [bars] = charts.category_figure(breakdown)["data"]
    assert (bars["x"], bars["y"]) == (["Female", "Male"], [80.0, 20.0])
    assert charts.category_summary(breakdown) == "Female: 80, Male: 20"


def test_justice_chain_groups_steps_per_year_leaves_out_missing_indicators_and_marks_estimates():
    victims = JUSTICE_CHAINS[0]
    identified = ChainIndicator(1, "I4.1.1", "Victims identified", "people", "NUMBER", "MOSVY")
    referred = ChainIndicator(2, "I4.1.2", "Referred", "%", "PERCENT", "MOSVY")
    table = ChainTable(
        chain=victims,
        indicators=[identified, referred, None],
        years=[
            ChainYear(
                2024,
                partial=False,
                cells=[ChainCell(548.0, 548.0), ChainCell(75.0, 411, estimated=True), ChainCell(None, None)],
                warnings=[],
            ),
            ChainYear(
                2025,
                partial=True,
                cells=[ChainCell(100.0, 100.0), ChainCell(None, None, estimated=True), ChainCell(None, None)],
                warnings=[],
            ),
        ],
    )
    figure = charts.justice_chain_figure(table)
    assert figure["layout"]["barmode"] == "group"
    assert [t["name"] for t in figure["data"]] == ["Identified", "Referred to services (≈)"]
    identified_bars, referred_bars = figure["data"]
    assert identified_bars["x"] == ["2024", "2025*"]
    assert identified_bars["y"] == [548.0, 100.0]
    assert referred_bars["y"] == [411, None]
    assert referred_bars["text"] == ["≈ 411", "≈ —"]
    assert charts.justice_chain_summary(table).startswith("2024: Identified 548, Referred to services ≈ 411;")


def test_long_names_wrap_onto_lines_at_words_and_nothing_is_cut_off():
    lines = charts.wrapped_lines("P2", "Prevention of human trafficking and child sexual abuse")
    assert lines == ["P2 Prevention of human", "trafficking and child sexual", "abuse"]
    assert all(len(line) <= charts.LABEL_WIDTH for line in lines)
    assert charts.wrapped_lines("P1", "Laws") == ["P1 Laws"]
    # Khmer has no spaces between words: a long run is cut, but never before a
    # vowel sign nor after a subscript sign (COENG), and nothing is lost.
    khmer = "ជនរងគ្រោះដែលត្រូវបានកំណត់អត្តសញ្ញាណ"
    pieces = charts.wrapped_lines("I4.1.1", khmer, width=10)
    assert "".join(pieces[1:]) == khmer
    for before, after in itertools.pairwise(pieces[1:]):
        assert not unicodedata.category(after[0]).startswith("M") and before[-1] != "\u17d2"


def test_statuses_always_have_words():
    assert charts.status_text(None) == "Not computed"
    assert share_text(0.125) == "12.5 %"
    assert share_text(None) == "—"
