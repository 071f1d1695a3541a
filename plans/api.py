"""A plan's periods through the API, and publishing them (docs/api.md,
docs/publication.md): ``GET /api/v1/plans/{code}/periods/``,
``POST …/periods/{period}/publish/`` and ``…/withdraw/`` (``reason`` required);
and the organisations, ``GET /api/v1/organisations/``.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.access import (
    organisations_for_user,
    periods_for_user,
    plan_get_for_user_or_404,
    user_can_publish,
    user_is_secretariat,
)
from plans.api_schema import errors
from plans.models import Organisation, ReportingPeriod, is_period_code
from plans.publication import PublicationConflict, period_publish, period_withdraw


class PublicationRace(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PeriodSerializer(serializers.ModelSerializer):
    published = serializers.BooleanField(source="is_published")
    published_by = serializers.SerializerMethodField()

    class Meta:
        model = ReportingPeriod
        fields = [
            "code",
            "start",
            "end",
            "deadline",
            "published",
            "published_at",
            "revised_at",
            "published_by",
        ]

    def get_published_by(self, period) -> str | None:
        # Who published is the secretariat's to know; partners see when.
        request = self.context.get("request")
        if request is None or not user_is_secretariat(request.user) or period.published_by is None:
            return None
        return period.published_by.username


class PeriodFilter(filters.FilterSet):
    published = filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label="published"
    )
    year = filters.NumberFilter(field_name="year")

    class Meta:
        model = ReportingPeriod
        fields = ["published", "year"]


PLAN_CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The plan's code.")


@extend_schema(parameters=[PLAN_CODE], responses={200: PeriodSerializer(many=True), **errors(400, 401, 404)})
class PlanPeriodsView(ListAPIView):
    """The plan's periods the user may see: up to the current quarter, and for
    partners only published ones. ``?published=true|false``, ``?year=2025``."""

    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return ReportingPeriod.objects.none()
        plan = plan_get_for_user_or_404(self.request.user, self.kwargs["code"])
        return periods_for_user(self.request.user, plan)


class PublishInput(serializers.Serializer):
    """Publishing takes no body."""


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the publication is withdrawn (required).")


@extend_schema(
    parameters=[
        PLAN_CODE,
        OpenApiParameter("period", str, OpenApiParameter.PATH, description="e.g. 2025-Q2"),
    ],
    responses={200: PeriodSerializer, **errors(400, 401, 403, 404, 409)},
)
class PeriodStepView(APIView):
    """``publish`` or ``withdraw`` one period; secretariat only. A withdrawal
    gives its ``reason``."""

    step = ""

    def get_serializer_class(self):
        # What the schema says each step's body holds (publish: nothing).
        return WithdrawInput if self.step == "withdraw" else PublishInput

    def post(self, request, code: str, period: str):
        if not user_can_publish(request.user):
            raise Forbidden(_("Only the secretariat can publish a period or withdraw its publication."))
        plan = plan_get_for_user_or_404(request.user, code)
        found = (
            periods_for_user(request.user, plan).filter(code=period).first()
            if is_period_code(period)
            else None
        )
        if found is None:
            raise Http404
        body = request.data if isinstance(request.data, dict) else {}
        try:
            if self.step == "publish":
                found = period_publish(actor=request.user, period=found)
            else:
                found = period_withdraw(actor=request.user, period=found, reason=str(body.get("reason", "")))
        except PermissionDenied as refusal:
            raise Forbidden(str(refusal)) from refusal
        except PublicationConflict as conflict:
            raise PublicationRace(str(conflict)) from conflict
        except DjangoValidationError as error:
            raise BadRequest(error.message_dict) from error
        return Response(PeriodSerializer(found, context={"request": request}).data)


class OrganisationSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = Organisation
        fields = ["code", "name", "name_km", "kind", "active"]


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)
    active = filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Organisation
        fields = ["kind", "active"]


@extend_schema(responses={200: OrganisationSerializer(many=True), **errors(400, 401)})
class OrganisationListView(ListAPIView):
    """The organisations of the plans: ministries, institutions, provincial
    committees, partners, the secretariat. ``?kind=MINISTRY``, ``?active=true``."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return organisations_for_user(self.request.user).order_by("kind", "code")
