"""``GET /api/v1/plans/{code}/progress-report/{period}.xlsx``: the partners'
quarterly progress report as a workbook (docs/api.md, docs/dashboards.md)."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from plans.access import plan_get_for_user_or_404
from reports.as_of import PeriodNotShown, dashboard_period
from reports.progress_report.selectors import progress_report
from reports.progress_report.workbook import CONTENT_TYPE, progress_report_workbook, workbook_filename

_ERROR = inline_serializer("ProgressReportError", fields={"detail": serializers.CharField()})


class ProgressReportWorkbookView(APIView):
    """The report of one plan at one period, for whoever may read that period:
    partners published periods only. A period the reader may not see answers
    404 with the reason, as the API's other periods in a path do."""

    @extend_schema(
        operation_id="plan_progress_report_workbook",
        summary="The quarterly progress report as an XLSX workbook",
        description=(
            "Sheets Summary (with the cover: plan, period, publication, method), Indicators, "
            "Activities, Completeness and Justice chain. Approved figures only; partners get "
            "published periods only, and counts of victims rounded to 5 (“<5” when small)."
        ),
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The plan's code."),
            OpenApiParameter(
                "period", OpenApiTypes.STR, OpenApiParameter.PATH, description="A period code, like 2025-Q2."
            ),
        ],
        responses={
            (200, CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook."),
            401: OpenApiResponse(_ERROR, description="No credentials, or an expired token."),
            403: OpenApiResponse(_ERROR, description="Credentials refused."),
            404: OpenApiResponse(
                _ERROR,
                description=(
                    "No such plan for this reader, or a period they may not see: not a period of "
                    "the plan, not begun, or (for partners) not published."
                ),
            ),
        },
    )
    def get(self, request, code: str, period: str):
        plan = plan_get_for_user_or_404(request.user, code)
        try:
            chosen = dashboard_period(plan=plan, user=request.user, code=period, today=timezone.localdate())
        except PeriodNotShown as refusal:
            raise NotFound(str(refusal)) from None
        report = progress_report(
            plan=plan,
            period=chosen.period,
            periods=chosen.periods,
            user=request.user,
            computed_at=chosen.computed_at,
        )
        response = HttpResponse(progress_report_workbook(report), content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{workbook_filename(report)}"'
        return response
