"""Indicators, targets and report lines refuse what the scoring rule cannot score."""

import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from indicators.models import (
    ActivityUpdate,
    Indicator,
    IndicatorValue,
    Target,
    cell_categories,
    cell_key,
)
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    QuarterlyReportFactory,
)

pytestmark = pytest.mark.django_db

M, A, D, F = Indicator.Measure, Indicator.Aggregation, Indicator.Direction, Indicator.Frequency


def build_indicator(**fields) -> Indicator:
    objective = ObjectiveFactory()
    return IndicatorFactory.build(
        objective=objective, plan=objective.plan, lead=OrganisationFactory(), **fields
    )


def test_decreasing_sum_is_refused_with_a_message():
    indicator = build_indicator(aggregation=A.SUM, direction=D.DECREASE)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "A decreasing indicator must use the latest value, not a sum." in str(error.value)


def test_database_refuses_decreasing_sum():
    indicator = build_indicator(aggregation=A.SUM, direction=D.DECREASE)
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


def test_milestone_summed_over_time_is_refused():
    indicator = build_indicator(measure=M.MILESTONE, aggregation=A.SUM)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "it always uses the latest value" in str(error.value)


def test_database_refuses_milestone_that_sums_or_decreases():
    for fields in ({"aggregation": A.SUM}, {"aggregation": A.LATEST, "direction": D.DECREASE}):
        indicator = build_indicator(measure=M.MILESTONE, **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            indicator.save()


def test_decreasing_level_is_accepted():
    indicator = build_indicator(measure=M.NUMBER, aggregation=A.LATEST, direction=D.DECREASE, baseline=120)
    indicator.full_clean()
    indicator.save()
    assert indicator.pk


@pytest.mark.parametrize(
    ("measure", "baseline", "message"),
    [
        (M.PERCENT, Decimal("120"), "A percentage must lie between 0 and 100."),
        (M.NUMBER, Decimal("-1"), "Enter a number of 0 or more."),
        (M.MILESTONE, Decimal("0.5"), "A milestone is 0 (not reached) or 1 (reached)."),
    ],
)
def test_baseline_must_suit_the_measure(measure, baseline, message):
    indicator = build_indicator(measure=measure, aggregation=A.LATEST, baseline=baseline)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert message in error.value.message_dict["baseline"]


def test_targets_only_for_plan_years():
    indicator = IndicatorFactory()
    target = Target(indicator=indicator, year=2030, value=10)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "Targets are set only for the plan's years (2024–2028)." in error.value.message_dict["year"]


def test_percentage_target_above_100_is_refused():
    indicator = IndicatorFactory(measure=M.PERCENT, aggregation=A.LATEST)
    with pytest.raises(ValidationError) as error:
        Target(indicator=indicator, year=2025, value=140).full_clean()
    assert "A percentage must lie between 0 and 100." in error.value.message_dict["value"]


def test_database_refuses_two_targets_for_one_year_and_negative_targets():
    indicator = IndicatorFactory(targets=[100])
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=indicator, year=2024, value=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=indicator, year=2025, value=-5)


def test_database_refuses_duplicate_indicator_code_in_a_plan():
    first = IndicatorFactory(code="I1")
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(code="I1", objective=first.objective)


def test_database_refuses_a_negative_value_and_a_second_value_for_one_indicator():
    indicator = IndicatorFactory()
    report = QuarterlyReportFactory(organisation=indicator.lead, period=indicator.plan.periods.get(index=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(report=report, indicator=indicator, value=-3)
    IndicatorValue.objects.create(report=report, indicator=indicator, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(report=report, indicator=indicator, value=4)


def test_database_refuses_only_one_report_per_organisation_and_period():
    report = QuarterlyReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReportFactory(organisation=report.organisation, period=report.period)


@pytest.mark.parametrize(
    ("status", "percent", "message"),
    [
        ("COMPLETED", Decimal("80"), "A completed activity is 100% complete."),
        ("NOT_STARTED", Decimal("10"), "An activity not started is 0% complete."),
        ("IN_PROGRESS", Decimal("130"), "Percent complete must lie between 0 and 100."),
    ],
)
def test_activity_status_and_percent_must_agree(status, percent, message):
    activity = ActivityFactory()
    report = QuarterlyReportFactory(organisation=activity.lead, period=activity.plan.periods.get(index=1))
    update = ActivityUpdate(report=report, activity=activity, status=status, percent_complete=percent)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert message in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()


def test_cell_key_is_the_same_whatever_the_order_of_dimensions():
    assert cell_key({"sex": "F", "age_group": "U15"}) == "age_group=U15;sex=F"
    assert cell_key({"age_group": "U15", "sex": "F"}) == "age_group=U15;sex=F"
    assert cell_categories("age_group=U15;sex=F") == {"age_group": "U15", "sex": "F"}
    assert cell_key({}) == ""


def test_the_unit_is_shown_in_khmer_to_a_khmer_reader_and_in_english_where_it_has_none():
    counted = build_indicator(unit="people", unit_km="នាក់")
    uncounted = build_indicator(unit="people", unit_km="")
    with translation.override("km"):
        assert (counted.display_unit, uncounted.display_unit) == ("នាក់", "people")
    with translation.override("en"):
        assert (counted.display_unit, uncounted.display_unit) == ("people", "people")


def test_the_khmer_unit_is_normalised_as_names_are():
    # Marks typed out of their canonical order (ATTHACAN before COENG): NFC reorders them.
    typed = " \u1780\u17dd\u17d2\u1780 "
    indicator = build_indicator(unit=" cases ", unit_km=typed)
    indicator.full_clean()
    assert (indicator.unit, indicator.unit_km) == ("cases", unicodedata.normalize("NFC", typed.strip()))
    assert indicator.unit_km != typed.strip()
