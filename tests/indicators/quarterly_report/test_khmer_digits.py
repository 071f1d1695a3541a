"""Figures typed in Khmer digits (០–៩, from a Khmer keyboard) are read as the
number they are, by the report form, the target revision form and the API
(plans.forms.NumberField, plans.formatting.ascii_digits); the report form
then shows them back as the reader reads figures."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from indicators.models import IndicatorValue
from indicators.quarterly_report.api import NumberInput
from indicators.quarterly_report.services import report_open
from indicators.targets.forms import TargetRevisionForm
from tests.factories import ActivityFactory, IndicatorFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(ministry):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1.1", pillar__code="P1")
    return {
        "trained": IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[100] * 5),
        "referred": IndicatorFactory(
            objective=objective,
            code="REFERRED",
            lead=ministry,
            measure="PERCENT",
            aggregation="LATEST",
            targets=[50] * 5,
        ),
        "activity": ActivityFactory(objective=objective, code="ACT", lead=ministry),
        "period": plan.periods.get(code="2024-Q2"),
    }


@pytest.fixture
def draft(plan, ministry, focal_point):
    return report_open(actor=focal_point, organisation=ministry, period=plan["period"])


FORM_URL = reverse(
    "quarterly_report:report_form", kwargs={"org_code": "MOI", "plan_code": "NSP", "period_code": "2024-Q2"}
)


def field(kind, obj, name):
    return f"{kind}-{obj.pk}-{name}"


def test_khmer_digits_typed_in_the_report_form_are_saved_as_the_number(plan, draft, focal_point):
    client = Client()
    client.force_login(focal_point)
    response = client.post(
        FORM_URL,
        {
            "version": draft.version,
            "action": "save",
            field("indicator", plan["trained"], "value"): "១៣៦២",
            field("indicator", plan["referred"], "value"): "៤៥.៥",
            field("activity", plan["activity"], "status"): "IN_PROGRESS",
            field("activity", plan["activity"], "percent_complete"): "៤០",
        },
    )
    assert response.status_code == 302, response.content.decode()
    values = dict(IndicatorValue.objects.filter(report=draft).values_list("indicator__code", "value"))
    assert values == {"TRAINED": Decimal("1362"), "REFERRED": Decimal("45.5")}
    assert draft.activity_updates.get().percent_complete == 40


def test_a_khmer_word_is_still_refused(plan, draft, focal_point):
    client = Client()
    client.force_login(focal_point)
    client.post(
        FORM_URL,
        {"version": draft.version, "action": "save", field("indicator", plan["trained"], "value"): "ដប់"},
    )
    assert not IndicatorValue.objects.filter(report=draft).exists()


def test_the_saved_figure_is_shown_with_its_thousands_in_khmer(plan, draft, focal_point):
    IndicatorValue.objects.create(report=draft, indicator=plan["trained"], value=Decimal("1362"))
    focal_point.language, focal_point.khmer_digits = "km", True
    focal_point.save(update_fields=["language", "khmer_digits"])
    client = Client()
    client.force_login(focal_point)
    page = client.get(FORM_URL).content.decode()
    # The field keeps the plain figure, which the form reads back; the
    # deadline beside it is a Khmer date.
    assert f'name="{field("indicator", plan["trained"], "value")}" value="1362"' in page
    assert "១៥ កក្កដា ២០២៤" in page  # 2024-Q2's deadline, 15 July 2024


def test_the_target_revision_form_reads_khmer_digits():
    form = TargetRevisionForm(
        data={"review": "Mid-term review 2026", "rationale": "Funding cut", "year_2026": "១២០.៥"},
        targets=[SimpleNamespace(year=2026, in_force=Decimal("100"))],
    )
    assert form.is_valid(), form.errors
    assert form.new_values() == {2026: Decimal("120.5")}


def test_the_api_reads_khmer_digits_in_a_figure_sent_as_text():
    number = NumberInput(max_digits=16, decimal_places=4)
    assert number.run_validation("១៣៦២.៥") == Decimal("1362.5")
    assert number.run_validation(12.5) == Decimal("12.5")
    with pytest.raises(ValidationError):
        number.run_validation("ដប់")
