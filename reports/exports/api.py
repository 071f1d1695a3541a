"""The exports API: /api/v1/plans/{code}/exports/{dataset}.{format} and the
long exports' jobs (docs/exports.md, docs/api.md)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.access import plan_get_for_user_or_404
from plans.api_schema import errors
from reports.exports.answers import export_answer, export_file_response
from reports.exports.datasets import DATASETS, FILTERS, FORMATS, ExportRefused
from reports.exports.selectors import export_get_of_user_or_404
from reports.models import Export, ExportState


class ExportJobSerializer(serializers.ModelSerializer):
    """A long export: how far it got, and where its file is once written."""

    url = serializers.SerializerMethodField()
    plan = serializers.CharField(source="plan.code")

    class Meta:
        model = Export
        fields = [
            "id",
            "plan",
            "dataset",
            "format",
            "filters",
            "state",
            "progress",
            "rows",
            "url",
            "error",
            "created_at",
            "finished_at",
        ]

    def get_url(self, export: Export) -> str | None:
        if export.state != ExportState.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:export-file", args=[export.pk]))


def job_answer(request, export: Export, status: int = 200) -> Response:
    answer = Response(ExportJobSerializer(export, context={"request": request}).data, status=status)
    if status == 202:
        answer["Location"] = request.build_absolute_uri(reverse("api:export-job", args=[export.pk]))
    return answer


class PlanExportView(APIView):
    """One dataset of a plan as CSV, XLSX or JSON: approved figures only, of
    the periods the user may see (partners: published ones), each row with
    its provenance; counts of people suppressed for partners."""

    @extend_schema(
        operation_id="plan_export",
        parameters=[
            OpenApiParameter("dataset", str, OpenApiParameter.PATH, enum=list(DATASETS)),
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=list(FORMATS), description="csv, xlsx or json"
            ),
            OpenApiParameter(
                "period",
                str,
                description="e.g. 2025-Q2; values and activity updates: every period by default",
            ),
            *(
                OpenApiParameter(name, str, description=f"narrow to one {name} (its code)")
                for name in FILTERS
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="the file, streamed"),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            (200, "application/json"): OpenApiResponse(
                {"type": "array", "items": {"type": "object"}}, description="an array of rows"
            ),
            202: OpenApiResponse(ExportJobSerializer, description="a long export: poll Location"),
            # 400: a bad period or filter; 404: no such plan, dataset or format, or nothing published yet.
            **errors(400, 401, 404),
        },
    )
    def get(self, request, code: str, dataset: str, fmt: str):
        plan = plan_get_for_user_or_404(request.user, code)
        try:
            answer = export_answer(
                user=request.user, plan=plan, dataset=dataset, fmt=fmt, params=request.query_params
            )
        except ExportRefused as refusal:
            body = refusal.errors
            if refusal.status == 404:
                body = {"detail": " ".join(refusal.errors.values()), **refusal.errors}
            return Response(body, status=refusal.status)
        if isinstance(answer, Export):
            return job_answer(request, answer, status=202)
        return answer


class ExportJobView(APIView):
    """A long export of one's own: ``{state, progress, url}`` (url once written)."""

    @extend_schema(operation_id="export_job", responses={200: ExportJobSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return job_answer(request, export_get_of_user_or_404(request.user, pk))


class ExportFileView(APIView):
    """The file of a long export of one's own, once written."""

    @extend_schema(
        operation_id="export_file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        export = export_get_of_user_or_404(request.user, pk)
        if export.state != ExportState.DONE or not export.file:
            return Response(
                {"state": export.state, "detail": _("This export is not written yet.")}, status=404
            )
        return export_file_response(export)
