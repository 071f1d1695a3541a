"""Read API for scores and reporting completeness (docs/api.md)."""

from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.models import Indicator
from plans.access import plan_get_for_user_or_404, user_sees_small_counts
from plans.api_schema import errors
from plans.models import Plan, ReportingPeriod
from reports.as_of import PeriodNotShown, dashboard_period
from reports.completeness import period_completeness
from reports.models import NodeType, ScoreSnapshot
from reports.privacy import protected_progress
from reports.scoring import SUM
from strategies.models import Activity, Objective, Pillar

NODE_ORDER = ["plan", "pillar", "objective", "indicator", "activity"]


# Where each kind of node's names are read (node_names).
NODE_MODELS = {
    NodeType.PLAN: Plan,
    NodeType.PILLAR: Pillar,
    NodeType.OBJECTIVE: Objective,
    NodeType.INDICATOR: Indicator,
    NodeType.ACTIVITY: Activity,
}


def node_names(snapshots) -> dict[tuple[str, int], tuple[str, str]]:
    """(name, name_km) of each snapshot's node, by (node type, id): one query
    (a UNION over the kinds of node on the page), whatever its length."""
    ids: dict[str, set[int]] = {}
    for snapshot in snapshots:
        ids.setdefault(snapshot.node_type, set()).add(snapshot.node_id)
    reads = [
        NODE_MODELS[node_type]
        .objects.filter(pk__in=wanted)
        .annotate(kind=Value(str(node_type), output_field=CharField()))
        .values_list("kind", "pk", "name", "name_km")
        .order_by()
        for node_type, wanted in ids.items()
    ]
    if not reads:
        return {}
    names = reads[0].union(*reads[1:], all=True)
    return {(kind, pk): (name, name_km) for kind, pk, name, name_km in names}


def people_progress_protected(snapshots) -> None:
    """For partners: the progress of an indicator counting people worked out
    from its rounded count, as on the dashboards (docs/privacy.md, "Progress").
    One query, and none for a page without indicators. Changes the snapshots
    in memory only."""
    ids = [s.node_id for s in snapshots if s.node_type == NodeType.INDICATOR]
    if not ids:
        return
    starts = {
        pk: 0.0 if aggregation == SUM else float(baseline)
        for pk, aggregation, baseline in Indicator.objects.filter(pk__in=ids, counts_people=True).values_list(
            "pk", "aggregation", "baseline"
        )
    }
    for snapshot in snapshots:
        if snapshot.node_type == NodeType.INDICATOR and snapshot.node_id in starts:
            snapshot.progress, snapshot.achieved = protected_progress(
                snapshot.progress, actual=snapshot.actual_value, start=starts[snapshot.node_id]
            )


class ScoreSerializer(serializers.ModelSerializer):
    node = serializers.CharField(source="node_type")
    period = serializers.CharField(source="period.code")
    name = serializers.SerializerMethodField()
    name_km = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSnapshot
        fields = [
            "node",
            "code",
            "name",
            "name_km",
            "period",
            "progress",
            "achieved",
            "expected",
            "status",
            "coverage",
            "counts",
            "computed_at",
        ]

    def node_name(self, snapshot: ScoreSnapshot) -> tuple[str, str]:
        return self.context.get("names", {}).get((snapshot.node_type, snapshot.node_id), ("", ""))

    def get_name(self, snapshot: ScoreSnapshot) -> str:
        return self.node_name(snapshot)[0]

    def get_name_km(self, snapshot: ScoreSnapshot) -> str:
        return self.node_name(snapshot)[1]


def period_for_request(request, plan: Plan) -> ReportingPeriod:
    """``?period=2025-Q2`` if the user may see it (else 400 with the reason),
    or the default "as of" period (reports/as_of.py): the same rule as the
    dashboards."""
    try:
        chosen = dashboard_period(
            plan=plan,
            user=request.user,
            code=request.query_params.get("period"),
            today=timezone.localdate(),
        )
    except PeriodNotShown as refusal:
        raise ValidationError({"period": str(refusal)}) from None
    if chosen.period is None:
        raise NotFound(_("No figures of plan %(plan)s are published yet.") % {"plan": plan.code})
    return chosen.period


PLAN_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The plan's code.")
PERIOD = OpenApiParameter(
    "period",
    str,
    description="e.g. 2025-Q2; by default the latest published period (reports/as_of.py).",
)


@extend_schema(
    parameters=[
        PLAN_CODE,
        PERIOD,
        OpenApiParameter("node", str, enum=NODE_ORDER, description="Only the nodes of this kind."),
    ],
    responses={200: ScoreSerializer(many=True), **errors(400, 401, 404)},
)
class PlanScoresView(ListAPIView):
    """The stored scores of every node of a plan for one period, each with
    its node's names in English and Khmer."""

    serializer_class = ScoreSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return ScoreSnapshot.objects.none()
        plan = plan_get_for_user_or_404(self.request.user, self.kwargs["code"])
        period = period_for_request(self.request, plan)
        queryset = ScoreSnapshot.objects.filter(plan=plan, period=period).select_related("period")
        node = self.request.query_params.get("node")
        if node is not None:
            if node not in NODE_ORDER:
                raise ValidationError(
                    {"node": _("Choose one of: %(nodes)s.") % {"nodes": ", ".join(NODE_ORDER)}}
                )
            queryset = queryset.filter(node_type=node)
        return queryset.order_by("node_type", "code")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if not user_sees_small_counts(request.user):
            people_progress_protected(page)
        context = {**self.get_serializer_context(), "names": node_names(page)}
        return self.get_paginated_response(ScoreSerializer(page, many=True, context=context).data)


OrganisationCompletenessSerializer = inline_serializer(
    "OrganisationCompleteness",
    fields={
        "organisation": serializers.CharField(),
        "name": serializers.CharField(),
        "expected": serializers.BooleanField(),
        "received": serializers.BooleanField(),
        "on_time": serializers.BooleanField(),
        "report_state": serializers.CharField(allow_null=True),
        "first_submitted_at": serializers.DateTimeField(allow_null=True),
    },
)
CompletenessSerializer = inline_serializer(
    "PlanCompleteness",
    fields={
        "plan": serializers.CharField(),
        "period": serializers.CharField(),
        "deadline": serializers.DateField(),
        "published_at": serializers.DateTimeField(allow_null=True),
        "expected": serializers.IntegerField(),
        "received": serializers.IntegerField(),
        "on_time": serializers.IntegerField(),
        "completeness": serializers.FloatField(allow_null=True),
        "timeliness": serializers.FloatField(allow_null=True),
        "organisations": serializers.ListField(child=OrganisationCompletenessSerializer),
    },
)


@extend_schema(
    parameters=[PLAN_CODE, PERIOD], responses={200: CompletenessSerializer, **errors(400, 401, 404)}
)
class PlanCompletenessView(APIView):
    """Per organisation: expected to report, received, on time, report state."""

    def get(self, request, code: str):
        plan = plan_get_for_user_or_404(request.user, code)
        period = period_for_request(request, plan)
        overall, rows = period_completeness(plan=plan, period=period)
        return Response(
            {
                "plan": plan.code,
                "period": period.code,
                "deadline": period.deadline,
                "published_at": period.published_at,
                "expected": overall.expected,
                "received": overall.received,
                "on_time": overall.on_time,
                "completeness": overall.completeness,
                "timeliness": overall.timeliness,
                "organisations": [
                    {
                        "organisation": row.code,
                        "name": row.name,
                        "expected": row.expected,
                        "received": row.received,
                        "on_time": row.on_time,
                        "report_state": row.report_state,
                        "first_submitted_at": row.first_submitted_at,
                    }
                    for row in rows
                ],
            }
        )
