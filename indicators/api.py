"""The plans' structure through the read API (docs/api.md, "The read API"):
``GET /api/v1/plans/``, ``/api/v1/plans/{code}/`` (one plan with its whole
tree) and ``GET /api/v1/indicators/`` (baselines and targets).

Here, not in plans/, because a plan's tree holds strategies' pillars,
objectives and activities and this app's indicators, and plans imports from
neither (docs/architecture.md, "The rule"). Every signed-in reader sees every
plan's structure (plans.access.plans_for_user); figures are elsewhere
(reports/values/api.py), for who may see them.
"""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from indicators.models import Indicator, Target
from indicators.plan_tree import PLAN_ORDER, plan_tree
from plans.access import plan_get_for_user_or_404, plans_for_user
from plans.api_schema import errors
from plans.models import Plan
from strategies.models import Activity

NAMES = ["code", "name", "name_km"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [*NAMES, "start_year", "end_year", "on_track", "at_risk", "is_public"]


class TreeIndicatorSerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.code")

    class Meta:
        model = Indicator
        fields = [*NAMES, "weight", "measure", "unit", "unit_km", "lead"]


class TreeActivitySerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.code")
    supporting = serializers.SerializerMethodField()
    start = serializers.CharField(source="start_period.code")
    end = serializers.CharField(source="end_period.code")

    class Meta:
        model = Activity
        fields = [*NAMES, "weight", "lead", "supporting", "start", "end", "budget_usd"]

    def get_supporting(self, activity: Activity) -> list[str]:
        return sorted(org.code for org in activity.supporting.all())


class TreeObjectiveSerializer(serializers.Serializer):
    code = serializers.CharField(source="objective.code")
    name = serializers.CharField(source="objective.name")
    name_km = serializers.CharField(source="objective.name_km")
    weight = serializers.DecimalField(source="objective.weight", max_digits=8, decimal_places=3)
    indicators = TreeIndicatorSerializer(many=True)
    activities = TreeActivitySerializer(many=True)


class TreePillarSerializer(serializers.Serializer):
    code = serializers.CharField(source="pillar.code")
    name = serializers.CharField(source="pillar.name")
    name_km = serializers.CharField(source="pillar.name_km")
    weight = serializers.DecimalField(source="pillar.weight", max_digits=8, decimal_places=3)
    objectives = TreeObjectiveSerializer(many=True)


class PlanDetailSerializer(PlanSerializer):
    pillars = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "pillars"]

    @extend_schema_field(TreePillarSerializer(many=True))
    def get_pillars(self, plan: Plan) -> list:
        return TreePillarSerializer(plan_tree(plan=plan), many=True).data


class PlanFilter(filters.FilterSet):
    public = filters.BooleanFilter(field_name="is_public")
    year = filters.NumberFilter(method="covering_year", label=_("a year the plan covers"))

    class Meta:
        model = Plan
        fields = ["public", "year"]

    def covering_year(self, plans, name, value):
        return plans.filter(start_year__lte=value, end_year__gte=value)


@extend_schema(responses={200: PlanSerializer(many=True), **errors(400, 401)})
class PlanListView(ListAPIView):
    """The plans you may see: ``?public=true``, ``?year=2026`` (a year the plan covers)."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return plans_for_user(self.request.user).order_by("-start_year", "code")


PLAN_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The plan's code.")


@extend_schema(parameters=[PLAN_CODE], responses={200: PlanDetailSerializer, **errors(401, 404)})
class PlanDetailView(RetrieveAPIView):
    """One plan with its whole tree: pillars → objectives → indicators and
    activities, in the plan's order, each with its names in English and Khmer
    and its weight. A plan you may not see is a 404."""

    serializer_class = PlanDetailSerializer
    queryset = Plan.objects.none()  # for the schema; the object comes from get_object

    def get_object(self):
        return plan_get_for_user_or_404(self.request.user, self.kwargs["code"])


# --- Indicators -----------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    original = serializers.DecimalField(source="value", max_digits=16, decimal_places=4)
    in_force = serializers.DecimalField(max_digits=16, decimal_places=4)
    revised = serializers.BooleanField()

    class Meta:
        model = Target
        fields = ["year", "original", "in_force", "revised"]


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code")
    pillar = serializers.CharField(source="objective.pillar.code")
    objective = serializers.CharField(source="objective.code")
    lead = serializers.CharField(source="lead.code")
    contributors = serializers.SerializerMethodField()
    disaggregation = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True)

    class Meta:
        model = Indicator
        fields = [
            "plan",
            "pillar",
            "objective",
            *NAMES,
            "weight",
            "measure",
            "aggregation",
            "direction",
            "frequency",
            "unit",
            "unit_km",
            "baseline",
            "baseline_year",
            "lead",
            "contributors",
            "disaggregation",
            "counts_people",
            "targets",
        ]

    def get_contributors(self, indicator: Indicator) -> list[str]:
        return sorted(org.code for org in indicator.contributors.all())

    def get_disaggregation(self, indicator: Indicator) -> list[str]:
        return sorted(dimension.code for dimension in indicator.disaggregation.all())


class IndicatorFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__code", label=_("plan code"))
    pillar = filters.CharFilter(field_name="objective__pillar__code", label=_("pillar code"))
    objective = filters.CharFilter(field_name="objective__code", label=_("objective code"))
    organisation = filters.CharFilter(
        method="reported_by", label=_("organisation code: the lead or a contributor")
    )

    class Meta:
        model = Indicator
        fields = ["plan", "pillar", "objective", "organisation"]

    def reported_by(self, indicators, name, value):
        # An organisation reports the indicators it leads and those it contributes to.
        contributes = Indicator.contributors.through.objects.filter(organisation__code=value).values(
            "indicator_id"
        )
        return indicators.filter(Q(lead__code=value) | Q(pk__in=contributes))


@extend_schema(responses={200: IndicatorSerializer(many=True), **errors(400, 401)})
class IndicatorListView(ListAPIView):
    """The indicators of the plans you may see, in plan order, with baseline,
    lead and contributors, disaggregation, and each year's target as adopted
    (``original``) and as in force after any review (``in_force``).
    ``?plan=&pillar=&objective=&organisation=`` (codes)."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return (
            Indicator.objects.filter(plan__in=plans_for_user(self.request.user))
            .select_related("plan", "objective__pillar", "lead")
            .prefetch_related(
                Prefetch("targets", queryset=Target.objects.with_in_force().order_by("year")),
                "contributors",
                "disaggregation",
            )
            .order_by("plan__code", *PLAN_ORDER)
        )
