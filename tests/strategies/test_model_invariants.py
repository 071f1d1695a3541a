"""Pillars, objectives and activities refuse bad rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from strategies.models import Objective, Pillar
from tests.factories import (
    ActivityFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def test_database_refuses_two_pillars_with_one_code_in_a_plan():
    plan = PlanFactory()
    PillarFactory(plan=plan, code="P1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.create(plan=plan, code="P1", name="again")


def test_the_same_code_may_be_used_in_another_plan():
    PillarFactory(plan=PlanFactory(code="A"), code="P1")
    PillarFactory(plan=PlanFactory(code="B"), code="P1")
    assert Pillar.objects.filter(code="P1").count() == 2


def test_negative_weight_is_refused_with_a_message():
    pillar = PillarFactory.build(plan=PlanFactory(), weight=-1)
    with pytest.raises(ValidationError) as error:
        pillar.full_clean()
    assert "A weight cannot be negative." in str(error.value)


def test_database_refuses_negative_weight():
    plan = PlanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.create(plan=plan, code="P9", name="x", weight=-0.5)


def test_objective_under_a_pillar_of_another_plan_is_refused():
    pillar = PillarFactory(plan=PlanFactory(code="A"))
    objective = Objective(plan=PlanFactory(code="B"), pillar=pillar, code="O1", name="x")
    with pytest.raises(ValidationError) as error:
        objective.full_clean()
    assert "The pillar belongs to another plan." in error.value.message_dict["pillar"]


def test_activity_ending_before_it_starts_is_refused():
    activity = ActivityFactory()
    activity.start_period = activity.plan.periods.get(index=5)
    activity.end_period = activity.plan.periods.get(index=2)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "The planned end cannot be before the planned start." in error.value.message_dict["end_period"]


def test_activity_planned_in_another_plans_quarters_is_refused():
    activity = ActivityFactory()
    other = PlanFactory(code="OTHER")
    activity.start_period = other.periods.get(index=1)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "Planned quarters must be periods of this plan." in error.value.message_dict["start_period"]


def test_database_refuses_negative_budget():
    objective = ObjectiveFactory()
    activity = ActivityFactory.build(
        objective=objective, plan=objective.plan, lead=OrganisationFactory(), budget_usd=-10
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()
