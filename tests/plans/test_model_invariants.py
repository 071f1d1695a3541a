"""The plan and its periods refuse bad rows: clean() with a message next to
the field, and the database itself where it can."""

import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from plans.models import Plan, ReportingPeriod, Role, User
from plans.services import plan_save, plan_sync_periods
from tests.factories import OrganisationFactory, PlanFactory

pytestmark = pytest.mark.django_db


def messages_for(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict.get(field, [])


def test_plan_refuses_last_year_before_first_year():
    plan = Plan(code="X", name="X", start_year=2028, end_year=2024)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "The last year must not be before the first year." in messages_for(error, "end_year")


@pytest.mark.parametrize(
    ("on_track", "at_risk"),
    [("0.60", "0.85"), ("0.85", "0.85"), ("1.20", "0.60"), ("0.85", "0")],
)
def test_plan_refuses_thresholds_out_of_order(on_track, at_risk):
    plan = Plan(code="X", name="X", start_year=2024, end_year=2028, on_track=on_track, at_risk=at_risk)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "Thresholds must satisfy 0 < at risk < on track ≤ 1." in str(error.value)


def test_database_refuses_thresholds_out_of_order_even_without_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            code="X",
            name="X",
            start_year=2024,
            end_year=2028,
            on_track=Decimal("0.5"),
            at_risk=Decimal("0.7"),
        )


def test_database_refuses_duplicate_plan_code():
    PlanFactory(code="NSP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(code="NSP", name="again", start_year=2024, end_year=2028)


def test_saving_a_plan_lays_out_every_quarter_with_default_deadlines():
    plan = plan_save(actor=None, plan=Plan(code="NSP", name="Plan", start_year=2024, end_year=2028))
    periods = list(plan.periods.order_by("index"))
    assert [p.code for p in periods[:5]] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert len(periods) == 20
    assert [p.index for p in periods] == list(range(1, 21))
    q2 = periods[1]
    assert (str(q2.start), str(q2.end), str(q2.deadline)) == ("2024-04-01", "2024-06-30", "2024-07-15")
    q4 = periods[3]
    assert str(q4.deadline) == "2025-01-15"


def test_resyncing_periods_keeps_a_moved_deadline_and_adds_nothing():
    plan = PlanFactory()
    period = plan.periods.get(code="2025-Q1")
    period.deadline = period.deadline.replace(day=30)
    period.save()
    plan_sync_periods(plan=plan)
    assert plan.periods.count() == 20
    assert plan.periods.get(code="2025-Q1").deadline.day == 30


def test_extending_a_plan_adds_its_new_years_and_shortening_removes_unused_ones():
    plan = PlanFactory(start_year=2024, end_year=2025)
    assert plan.periods.count() == 8
    plan.start_year = 2023
    plan.save()
    plan_sync_periods(plan=plan)
    assert [p.code for p in plan.periods.order_by("index")][:2] == ["2023-Q1", "2023-Q2"]
    assert plan.periods.get(code="2024-Q1").index == 5
    plan.start_year, plan.end_year = 2024, 2024
    plan.save()
    plan_sync_periods(plan=plan)
    assert [p.code for p in plan.periods.order_by("index")] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def test_database_refuses_a_deadline_before_the_quarter_ends():
    plan = PlanFactory()
    period = plan.periods.get(code="2024-Q1")
    period.deadline = period.end.replace(day=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        period.save()


def test_database_refuses_the_same_quarter_twice_in_a_plan():
    plan = PlanFactory()
    existing = plan.periods.get(index=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            plan=plan,
            code=existing.code,
            year=2024,
            quarter=1,
            index=99,
            start=existing.start,
            end=existing.end,
            deadline=existing.deadline,
        )


def test_focal_point_without_organisation_is_refused_with_a_message():
    user = User(username="someone", role=Role.FOCAL_POINT)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "A focal point must belong to an organisation." in messages_for(error, "organisation")


def test_database_refuses_focal_point_without_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone", role=Role.FOCAL_POINT)


def test_database_refuses_unknown_role():
    org = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone", role="superhero", organisation=org)


def test_khmer_names_are_normalised_so_that_two_spellings_compare_equal():
    # Kandal written with COENG + DA vs the precomposed-looking sequence: NFC makes them one.
    decomposed = "ក\u178e\u17d2\u178a\u17b6\u179b"
    org = OrganisationFactory.build(code="PCCT-08", name=" Kandal ", name_km=decomposed)
    org.full_clean()
    assert org.name == "Kandal"
    assert org.name_km == unicodedata.normalize("NFC", decomposed)


def test_display_name_falls_back_to_english_when_khmer_is_empty(settings):
    named = OrganisationFactory.build(name="Ministry of Interior", name_km="ក្រសួងមហាផ្ទៃ")
    unnamed = OrganisationFactory.build(name="IOM", name_km="")
    with translation.override("km"):
        assert named.display_name == "ក្រសួងមហាផ្ទៃ"
        assert unnamed.display_name == "IOM"
    with translation.override("en"):
        assert named.display_name == "Ministry of Interior"
