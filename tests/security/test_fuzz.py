"""Fuzzing the doors that take figures (issue 14): the report form, the report
API and the values import, fed whatever hypothesis makes up. None may answer
500 or raise; and a refused save leaves the report exactly as it was: nothing
half-written."""

import io
import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from indicators.imports.values import values_import
from indicators.models import ActivityUpdate, DisaggregatedValue, IndicatorValue
from indicators.quarterly_report.services import report_open
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

# Enough examples to find the odd byte, few enough for CI's time (a few seconds each).
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a user may type, and worse: numbers in every spelling, control
# characters, NUL bytes, very long text, Khmer digits.
TYPED = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=5),
    st.from_regex(r"-?[0-9]{1,25}([.,][0-9]{0,8})?%?", fullmatch=True),
    st.sampled_from(["", " ", "1e309", "NaN", "-0", "٣", "១២", "9" * 40, "\x00", "1\x00", "x" * 6000]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture
def report(ministry, focal_point):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1", pillar__code="P1")
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[100] * 5)
    referred = IndicatorFactory(
        objective=objective, code="REFERRED", lead=ministry, measure="PERCENT", aggregation="LATEST"
    )
    sex = DimensionFactory(code="sex")
    CategoryFactory(dimension=sex, code="F", position=1)
    CategoryFactory(dimension=sex, code="M", position=2)
    victims = IndicatorFactory(objective=objective, code="VICTIMS", lead=ministry)
    victims.disaggregation.add(sex)
    activity = ActivityFactory(objective=objective, code="ACT", lead=ministry)
    report = report_open(actor=focal_point, organisation=ministry, period=plan.periods.get(code="2024-Q2"))
    report.fuzz = {"trained": trained, "referred": referred, "victims": victims, "activity": activity}
    return report


def stored(report) -> tuple:
    """Everything a save could write, to compare before and after."""
    report.refresh_from_db()
    return (
        report.version,
        report.state,
        sorted(IndicatorValue.objects.filter(report=report).values_list("indicator_id", "value", "note")),
        sorted(
            DisaggregatedValue.objects.filter(indicator_value__report=report).values_list("cell", "value")
        ),
        sorted(ActivityUpdate.objects.filter(report=report).values_list("activity_id", "status", "note")),
    )


@FUZZ
@given(
    trained=TYPED,
    referred=TYPED,
    female=TYPED,
    male=TYPED,
    status=TYPED,
    percent=TYPED,
    note=TYPED,
    action=st.sampled_from(["save", "submit", "", "approve"]),
)
def test_the_report_form_never_fails_and_a_refused_save_writes_nothing(
    report, focal_point, trained, referred, female, male, status, percent, note, action
):
    lines = report.fuzz
    client = Client()
    client.force_login(focal_point)
    before = stored(report)
    response = client.post(
        "/reports/MOI/NSP/2024-Q2/",
        {
            "version": report.version,
            "action": action,
            f"indicator-{lines['trained'].pk}-value": trained,
            f"indicator-{lines['trained'].pk}-note": note,
            f"indicator-{lines['referred'].pk}-value": referred,
            f"indicator-{lines['victims'].pk}-cell-sex=F": female,
            f"indicator-{lines['victims'].pk}-cell-sex=M": male,
            f"activity-{lines['activity'].pk}-status": status,
            f"activity-{lines['activity'].pk}-percent_complete": percent,
        },
    )
    assert response.status_code in (200, 302, 400, 409, 422), response.status_code
    if response.status_code in (400, 409):
        assert stored(report) == before


@FUZZ
@given(
    anything=JSON_VALUES,
    value=st.one_of(st.integers(min_value=0, max_value=500), JSON_VALUES, TYPED),
    cell=st.one_of(st.integers(min_value=0, max_value=500), JSON_VALUES, TYPED),
    percent=st.one_of(st.integers(min_value=0, max_value=100), JSON_VALUES, TYPED),
    code=st.sampled_from(["TRAINED", "REFERRED", "TRAINED", "NOPE", "\x00"]),
    shaped=st.booleans(),
)
def test_the_report_api_never_fails_on_any_json_and_a_refusal_writes_nothing(
    report, focal_point, anything, value, cell, percent, code, shaped
):
    token, _ = Token.objects.get_or_create(user=focal_point)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = stored(report)
    # Half the bodies are shaped like a save, so the service's checks are reached too.
    body = (
        {
            "version": report.version,
            "indicator_values": {code: {"value": value}, "VICTIMS": {"cells": {"sex=F": cell}}},
            "activity_updates": {"ACT": {"status": "IN_PROGRESS", "percent_complete": percent}},
        }
        if shaped
        else anything
    )
    response = client.patch(
        f"/api/v1/reports/{report.pk}/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (200, 400, 409), (response.status_code, body)
    if response.status_code != 200:
        assert stored(report) == before


@FUZZ
@given(
    value=TYPED,
    indicator=st.sampled_from(["TRAINED", "REFERRED", "VICTIMS", "NOPE", "", "\x00"]),
    period=st.one_of(st.sampled_from(["2024-Q2", "2031-Q1", "2024Q2", "", "2024-Q5"]), st.text(max_size=8)),
    sex=st.sampled_from(["", "F", "M", "X"]),
    dry_run=st.booleans(),
)
def test_the_values_import_never_raises_and_a_bad_file_writes_nothing(
    report, focal_point, value, indicator, period, sex, dry_run
):
    before = stored(report)
    rows = "indicator,organisation,period,value,note,sex\n" + ",".join(
        json.dumps(cell) for cell in (indicator, "MOI", period, value, "fuzz", sex)
    )
    with transaction.atomic():
        result = values_import(actor=focal_point, path_or_file=io.BytesIO(rows.encode()), dry_run=dry_run)
    if not result.ok or dry_run:
        assert stored(report) == before
