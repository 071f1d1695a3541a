"""An export answered: the file at once, or a long export started (shared by
the API and the pages)."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from plans.models import Plan
from reports.exports import writers
from reports.exports.datasets import export_ask, export_table
from reports.exports.services import (
    export_filename,
    export_in_background,
    export_record,
    export_spooled,
    export_start,
    export_stream,
)
from reports.models import Export


def export_answer(*, user, plan: Plan, dataset: str, fmt: str, params) -> HttpResponse | Export:
    """The file (CSV and JSON streamed as the rows are read, XLSX once
    written), or, for a long export with a worker to write it, the Export
    started. Raises ExportRefused for a bad dataset, format, period or filter."""
    ask = export_ask(user=user, plan=plan, dataset=dataset, fmt=fmt, params=params)
    table = export_table(user=user, ask=ask)
    if export_in_background(table):
        return export_start(user=user, ask=ask)
    export_record(user=user, ask=ask, background=False)
    filename = export_filename(ask)
    if fmt == "xlsx":
        return FileResponse(
            export_spooled(table),
            as_attachment=True,
            filename=filename,
            content_type=writers.content_type(fmt),
        )
    response = StreamingHttpResponse(export_stream(table, fmt), content_type=writers.content_type(fmt))
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def export_file_response(export: Export) -> FileResponse:
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
        content_type=writers.content_type(export.format),
    )
