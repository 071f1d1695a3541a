"""A figure reads the same in a dashboard's table and in its chart, in Khmer
too, with Khmer digits when the reader chose them (plans/formatting.py,
docs/languages.md "Numbers and dates")."""

import html
import json
import re

import pytest

from reports.models import NodeType, ScoreSnapshot

pytestmark = pytest.mark.django_db


def chart_spec(body: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def khmer_reader(user, *, digits=False):
    user.language = "km"
    user.khmer_digits = digits
    user.save(update_fields=["language", "khmer_digits"])
    return user


@pytest.fixture
def pillar_at_51_3(plan):
    ScoreSnapshot.objects.filter(
        plan=plan, period__code="2024-Q4", node_type=NodeType.PILLAR, code="P1"
    ).update(progress=0.513, achieved=0.513)


@pytest.fixture
def indicator_at_1362_5(plan):
    ScoreSnapshot.objects.filter(
        plan=plan, period__code="2024-Q4", node_type=NodeType.INDICATOR, code="I1.1.1"
    ).update(actual_value=1362.5)


@pytest.mark.parametrize(("digits", "shown"), [(False, "51.3 %"), (True, "៥១.៣ %")])
def test_a_khmer_page_and_its_chart_show_a_percentage_alike(client, partner, pillar_at_51_3, digits, shown):
    client.force_login(khmer_reader(partner, digits=digits))
    body = client.get("/dashboards/NSP/?period=2024-Q4").content.decode()
    assert 'lang="km"' in body
    assert f'<td class="text-end">{shown}<div' in body  # the pillars' table
    pillars = chart_spec(body, "chart-pillars")
    bars = pillars["data"][0]
    assert bars["customdata"] == [shown]  # the bar's hover text
    assert pillars["data"][2]["text"][0].startswith(shown + "<br>")  # the words beside it
    assert pillars["layout"]["separators"] == ".,"
    assert "51,3" not in body


def test_a_thousands_separator_stays_in_khmer(client, partner, indicator_at_1362_5):
    client.force_login(khmer_reader(partner))
    body = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2024-Q4").content.decode()
    assert '<td class="text-end">1,362.5</td>' in body
    assert "1,362.5 people" in html.unescape(body)  # actual to date
    actual = chart_spec(body, "chart-indicator")["data"][0]
    assert actual["customdata"][-1] == "1,362.5"
    assert "1362" not in re.sub(r"<script.*?</script>", "", body, flags=re.S)


def test_with_khmer_digits_the_chart_writes_its_own_axis(client, partner, indicator_at_1362_5):
    client.force_login(khmer_reader(partner, digits=True))
    body = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2024-Q4").content.decode()
    assert '<td class="text-end">១,៣៦២.៥</td>' in body
    spec = chart_spec(body, "chart-indicator")
    assert spec["data"][0]["customdata"][-1] == "១,៣៦២.៥"
    # Plotly writes 0–9 only: the ticks are the formatter's.
    assert spec["layout"]["yaxis"]["ticktext"][:2] == ["០", "៥០០"]


def test_an_english_reader_sees_no_khmer_digits_whatever_the_option(client, partner, indicator_at_1362_5):
    partner.khmer_digits = True
    partner.save(update_fields=["khmer_digits"])
    client.force_login(partner)
    body = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2024-Q4").content.decode()
    assert '<td class="text-end">1,362.5</td>' in body
    assert "ticktext" not in chart_spec(body, "chart-indicator")["layout"]["yaxis"]
