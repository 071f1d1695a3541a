"""The dashboards' template tags: what they write must not depend on which
request asked first (percentages and links are memoised)."""

from types import SimpleNamespace

from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.html import json_script

from plans.formatting import khmer_digits_set
from reports.templatetags.dashboard_tags import chart_json, dashboard_url, pct, pct_pair_cells


def test_a_chart_spec_is_written_exactly_as_json_script_writes_it():
    figure = {"data": [{"name": "</script><b>Police & courts</b>", "y": [12.5, None]}], "layout": {}}
    assert chart_json(figure, "chart-x") == json_script(figure, "chart-x")


def test_percentages_follow_the_readers_language_and_digits():
    # Khmer writes numbers as English does ("," between thousands, a decimal
    # point: docs/languages.md); only the digits may differ, on the user's option.
    with translation.override("en"):
        assert (pct(0.345), pct(12.345), pct(None)) == ("34.5 %", "1,234.5 %", "—")
    with translation.override("km"):
        assert (pct(0.345), pct(12.345)) == ("34.5 %", "1,234.5 %")
        assert pct_pair_cells([(0.345, None)]) == '<td class="text-end text-nowrap">34.5 % / —</td>'
        khmer_digits_set(True)
        try:
            assert (pct(0.345), pct(12.345)) == ("៣៤.៥ %", "១,២៣៤.៥ %")
        finally:
            khmer_digits_set(False)
        assert pct(0.345) == "34.5 %"


def test_dashboard_links_keep_the_period_and_follow_the_script_prefix():
    period = SimpleNamespace(code="2024-Q4")
    assert dashboard_url("pillar", "NSP", "P1", period=period) == "/dashboards/NSP/pillars/P1/?period=2024-Q4"
    before = get_script_prefix()
    set_script_prefix("/ntip/")
    try:
        assert (
            dashboard_url("pillar", "NSP", "P1", period=period)
            == "/ntip/dashboards/NSP/pillars/P1/?period=2024-Q4"
        )
    finally:
        set_script_prefix(before)
    assert dashboard_url("plan", "NSP") == "/dashboards/NSP/"
