"""``GET /api/v1/values/?plan=&indicator=&organisation=&period=``: approved
figures in long format, as the values workbook has them (docs/api.md,
"Values"). Partners read published periods only, and small counts of people
as "<5" (reports/values/selectors.py).
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from indicators.models import IndicatorValue
from plans.api_schema import errors
from plans.models import PERIOD_CODE
from reports.privacy import HIDDEN
from reports.values.selectors import approved_values_for_user, dimension_codes, rows_as_read, value_rows

DECIMAL = serializers.DecimalField(max_digits=16, decimal_places=4)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"},
            {"type": "string", "enum": [HIDDEN]},
        ],
        "description": "The figure, with its stored decimals; a small count of people as "
        f'"{HIDDEN}" for a reader who may not see it.',
    }
)
class ValueField(serializers.Field):
    def to_representation(self, value):
        return value if isinstance(value, str) else DECIMAL.to_representation(value)


class ValueRowSerializer(serializers.Serializer):
    """A row as in the values workbook's ``indicator_values`` sheet, plus its
    plan, cell and when it was approved; then one field per disaggregation
    dimension (its code, e.g. ``sex``) holding the cell's category, null when
    the indicator is not split by it."""

    plan = serializers.CharField()
    indicator = serializers.CharField()
    organisation = serializers.CharField()
    period = serializers.CharField(help_text="e.g. 2025-Q2")
    value = ValueField()
    note = serializers.CharField(allow_blank=True)
    cell = serializers.CharField(
        allow_blank=True, help_text='The cell, e.g. "age_group=U15;sex=F"; empty when not disaggregated.'
    )
    approved_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, row: dict) -> dict:
        data = super().to_representation(row)
        # The dimensions' fields, after the fixed ones (which keep their names).
        for code in self.context["dimensions"]:
            data.setdefault(code, row[code])
        return data


class ValueRowSchema(OpenApiSerializerExtension):
    """The dimensions' fields in the schema: any other field is a dimension's
    code holding a category code, or null."""

    target_class = ValueRowSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = {
            "type": "string",
            "nullable": True,
            "description": "A disaggregation dimension's code: the row's category of it.",
        }
        return schema


class ValueFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="indicator__plan__code", label="plan code")
    indicator = filters.CharFilter(field_name="indicator__code", label="indicator code")
    organisation = filters.CharFilter(field_name="report__organisation__code", label="organisation code")
    period = filters.CharFilter(
        field_name="report__period__code",
        label="period code, e.g. 2025-Q2",
        validators=[RegexValidator(PERIOD_CODE, _("Write a period like 2025-Q2."))],
    )

    class Meta:
        model = IndicatorValue
        fields = ["plan", "indicator", "organisation", "period"]


@extend_schema(responses={200: ValueRowSerializer(many=True), **errors(400, 401)})
class ValueListView(ListAPIView):
    """The approved figures of the periods you may see, in long format (one
    row per cell of a disaggregated figure), in plan order, then by period,
    organisation and cell. Partners: published periods only, small counts of
    people as "<5". ``?plan=&indicator=&organisation=&period=`` (codes)."""

    serializer_class = ValueRowSerializer
    filterset_class = ValueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator
            return IndicatorValue.objects.none()
        return value_rows(approved_values_for_user(self.request.user))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        dimensions = dimension_codes()
        rows = rows_as_read(page, user=request.user, dimensions=dimensions)
        serializer = self.get_serializer(rows, many=True, context={"dimensions": dimensions})
        return self.get_paginated_response(serializer.data)
