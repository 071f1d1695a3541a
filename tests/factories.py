"""Factories for whole plan trees. Plans get their periods laid out as the
service does, so tests see the same shape as real data."""

from decimal import Decimal

import factory

from indicators.models import (
    Category,
    Dimension,
    Indicator,
    QuarterlyReport,
    Target,
)
from plans.models import Organisation, Plan, Role, User
from plans.services import plan_sync_periods
from strategies.models import Activity, Objective, Pillar


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    name_km = ""
    kind = Organisation.Kind.MINISTRY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.FOCAL_POINT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def staff_for_admins(obj, create, extracted, **kwargs):
        obj.is_staff = obj.role == Role.SECRETARIAT_ADMIN
        if create:
            obj.save()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PLAN-{n}")
    name = factory.LazyAttribute(lambda o: f"Plan {o.code}")
    start_year = 2024
    end_year = 2028

    @factory.post_generation
    def periods(obj, create, extracted, **kwargs):
        if create:
            plan_sync_periods(plan=obj)


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.LazyAttribute(lambda o: f"Pillar {o.code}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    pillar = factory.SubFactory(PillarFactory)
    plan = factory.SelfAttribute("pillar.plan")
    code = factory.Sequence(lambda n: f"O{n}")
    name = factory.LazyAttribute(lambda o: f"Objective {o.code}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    objective = factory.SubFactory(ObjectiveFactory)
    plan = factory.SelfAttribute("objective.plan")
    code = factory.Sequence(lambda n: f"I{n}")
    name = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    measure = Indicator.Measure.NUMBER
    aggregation = Indicator.Aggregation.SUM
    direction = Indicator.Direction.INCREASE
    frequency = Indicator.Frequency.QUARTERLY
    baseline = Decimal(0)
    lead = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def targets(obj, create, extracted, **kwargs):
        """``targets=[100, 100, ...]`` sets one target per plan year, in order."""
        if create and extracted:
            for year, value in zip(obj.plan.years, extracted, strict=False):
                Target.objects.create(indicator=obj, year=year, value=Decimal(str(value)))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    objective = factory.SubFactory(ObjectiveFactory)
    plan = factory.SelfAttribute("objective.plan")
    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.LazyAttribute(lambda o: f"Activity {o.code}")
    lead = factory.SubFactory(OrganisationFactory)
    start_period = factory.LazyAttribute(lambda o: o.plan.periods.get(index=1))
    end_period = factory.LazyAttribute(lambda o: o.plan.periods.get(index=4))


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dim{n}")
    name = factory.LazyAttribute(lambda o: o.code)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda o: o.code)


class QuarterlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReport

    organisation = factory.SubFactory(OrganisationFactory)
    period = factory.LazyAttribute(lambda o: PlanFactory().periods.get(index=1))


def approved_report(organisation, period, *, values=None, updates=None, state="APPROVED"):
    """A report of ``organisation`` for ``period`` in ``state`` (APPROVED by default),
    holding ``values`` {indicator: number} and ``updates`` {activity: (status, percent)}.
    Writes rows directly: the workflow services are tested on their own."""
    from django.utils import timezone

    from indicators.models import ActivityUpdate, IndicatorValue

    report, _ = QuarterlyReport.objects.update_or_create(
        organisation=organisation,
        period=period,
        defaults={
            "state": state,
            "first_submitted_at": timezone.now() if state != "DRAFT" else None,
            "approved_at": timezone.now() if state == "APPROVED" else None,
        },
    )
    for indicator, value in (values or {}).items():
        IndicatorValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"value": Decimal(str(value))}
        )
    for activity, (status, percent) in (updates or {}).items():
        ActivityUpdate.objects.update_or_create(
            report=report,
            activity=activity,
            defaults={"status": status, "percent_complete": Decimal(str(percent))},
        )
    return report


def publish_through(plan, code: str, *, by=None):
    """Publish the plan's periods up to and including ``code``, as the
    secretariat would have (plans/publication.py is tested on its own)."""
    from django.utils import timezone

    last = plan.periods.get(code=code)
    plan.periods.filter(index__lte=last.index).update(published_at=timezone.now(), published_by=by)
