"""The export pages: an export asked for from a dashboard's menu, "My exports",
one long export's progress, and its file (docs/exports.md)."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from plans.access import plan_get_for_user_or_404
from reports.exports.answers import export_answer, export_file_response
from reports.exports.datasets import ExportRefused
from reports.exports.selectors import export_get_of_user_or_404, exports_of_user
from reports.models import Export, ExportState

# A page in progress asks again after this many seconds.
REFRESH_SECONDS = 2
# What an export is asked with, as the refusal page names it (the API keeps the codes).
ASKED_WITH = {
    "dataset": _("Dataset"),
    "format": _("Format"),
    "period": _("Period"),
    "pillar": _("Pillar"),
    "objective": _("Objective"),
    "indicator": _("Indicator"),
    "organisation": _("Organisation"),
}


@require_GET
def plan_export(request, plan_code: str, dataset: str, fmt: str):
    """The file at once, or, for a long export, its progress page."""
    plan = plan_get_for_user_or_404(request.user, plan_code)
    try:
        answer = export_answer(user=request.user, plan=plan, dataset=dataset, fmt=fmt, params=request.GET)
    except ExportRefused as refusal:
        errors = [(ASKED_WITH.get(name, name), message) for name, message in refusal.errors.items()]
        context = {"plan": plan, "errors": errors, "nav": "dashboards"}
        return render(request, "reports/exports/refused.html", context, status=refusal.status)
    if isinstance(answer, Export):
        return redirect("exports:export_job", pk=answer.pk)
    return answer


@require_GET
def my_exports(request):
    exports = list(exports_of_user(request.user))
    running = any(e.state in (ExportState.PENDING, ExportState.RUNNING) for e in exports)
    context = {"exports": exports, "refresh": REFRESH_SECONDS if running else None, "nav": "exports"}
    return render(request, "reports/exports/my_exports.html", context)


@require_GET
def export_job(request, pk: int):
    export = export_get_of_user_or_404(request.user, pk)
    running = export.state in (ExportState.PENDING, ExportState.RUNNING)
    context = {"export": export, "refresh": REFRESH_SECONDS if running else None, "nav": "exports"}
    return render(request, "reports/exports/export_job.html", context)


@require_GET
def export_download(request, pk: int):
    export = export_get_of_user_or_404(request.user, pk)
    if export.state != ExportState.DONE or not export.file:
        return redirect("exports:export_job", pk=export.pk)
    return export_file_response(export)
