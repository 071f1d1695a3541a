"""Read API for scores and reporting completeness (docs/api.md)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.access import plan_get_for_user_or_404
from plans.models import Plan, ReportingPeriod
from reports.as_of import PeriodNotShown, dashboard_period
from reports.completeness import period_completeness
from reports.models import ScoreSnapshot

NODE_ORDER = ["plan", "pillar", "objective", "indicator", "activity"]


class ScoreSerializer(serializers.ModelSerializer):
    node = serializers.CharField(source="node_type")
    period = serializers.CharField(source="period.code")

    class Meta:
        model = ScoreSnapshot
        fields = [
            "node",
            "code",
            "period",
            "progress",
            "achieved",
            "expected",
            "status",
            "coverage",
            "counts",
            "computed_at",
        ]


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


class PlanScoresView(ListAPIView):
    """The stored scores of every node of a plan for one period."""

    serializer_class = ScoreSerializer

    def get_queryset(self):
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
