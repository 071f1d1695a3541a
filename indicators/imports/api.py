"""The plan workbook through the API: ``GET /api/v1/plans/{code}/workbook.xlsx``
(docs/imports.md, "The plan workbook"), the import format, so that importing
it into an empty database gives the same plan."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from indicators.imports.plan_workbook import XLSX_CONTENT_TYPE, plan_workbook_export, plan_workbook_filename
from plans.access import plan_get_for_user_or_404
from plans.api_schema import errors


class PlanWorkbookView(APIView):
    """The plan's structure as its workbook: the plan, organisations,
    dimensions, pillars, objectives, indicators, their targets as adopted, and
    activities. Anyone who may see the plan may download it (it holds no figure)."""

    @extend_schema(
        operation_id="plan_workbook",
        summary="The plan workbook (XLSX)",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="The plan's code.")],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The plan workbook: one sheet per kind of row, codes as keys (docs/imports.md).",
            ),
            **errors(401, 404),
        },
    )
    def get(self, request, code: str):
        plan = plan_get_for_user_or_404(request.user, code)
        return HttpResponse(
            plan_workbook_export(plan=plan),
            content_type=XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{plan_workbook_filename(plan)}"'},
        )
