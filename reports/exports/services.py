"""Exports answered at once, and long ones written in the background
(docs/exports.md, "Long exports"). Each is recorded in the audit trail."""

import datetime
import logging
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.access import plan_get_for_user
from plans.languages import user_language_override
from plans.models import Plan
from plans.services import audit_record
from reports.exports import writers
from reports.exports.datasets import ExportAsk, ExportRefused, Table, export_ask, export_table
from reports.models import Export, ExportState

logger = logging.getLogger(__name__)

# A long export says how far it got every this many rows.
PROGRESS_EVERY = 5000


def export_filename(ask: ExportAsk) -> str:
    period = (
        ask.period.code if ask.period else ("all" if ask.dataset in ("values", "activity-updates") else "")
    )
    parts = [ask.plan.code, ask.dataset, period, *(f"{k}-{v}" for k, v in sorted(ask.filters.items()))]
    return "-".join(p for p in parts if p).replace("/", "_") + f".{ask.format}"


def export_in_background(table: Table) -> bool:
    """A long export goes to a worker; with no broker (tasks inline) every
    export is answered at once, as the file."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    return table.count() > settings.EXPORTS_BACKGROUND_ROWS


def export_record(*, user, ask: ExportAsk, background: bool) -> None:
    audit_record(
        actor=user,
        action="export.background" if background else "export.download",
        target=ask.plan,
        plan=ask.plan,
        details={"dataset": ask.dataset, "format": ask.format, **ask.asked},
    )


def export_stream(table: Table, fmt: str) -> Iterator[bytes]:
    """CSV and JSON, chunk by chunk, as the rows are read."""
    if fmt == "csv":
        return writers.csv_chunks(table.columns, table.rows)
    return writers.json_chunks(table.columns, table.rows)


def export_spooled(table: Table) -> tempfile.SpooledTemporaryFile:
    """XLSX (a zip: written whole, then sent) in a file that stays in memory
    while small and goes to disk beyond a few megabytes."""
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (closed by the response)
    writers.xlsx_write(target, table.columns, table.rows, sheet=table.sheet)
    target.seek(0)
    return target


def export_start(*, user, ask: ExportAsk) -> Export:
    """A long export: record it, and have a worker write it once this commits."""
    from reports.exports.tasks import build_export

    export = Export.objects.create(
        user=user, plan=ask.plan, dataset=ask.dataset, format=ask.format, filters=ask.asked
    )
    export_record(user=user, ask=ask, background=True)
    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _counting(rows: Iterator[dict], export: Export, total: int) -> Iterator[dict]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress = min(99, int(100 * done / total)) if total else 99
            Export.objects.filter(pk=export.pk).update(progress=progress, rows=done)
    export.rows = done


def export_build(*, export_id: int) -> Export:
    """Write a long export's file, as its user may see it today: the same reads
    as an export answered at once. Running it again rewrites the same file."""
    export = Export.objects.select_related("user", "plan").get(pk=export_id)
    if export.state == ExportState.DONE:
        return export
    Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, progress=0)
    # In the asker's language, as an export answered at once would be: its
    # headers and names, and the reason it failed.
    with user_language_override(export.user):
        try:
            plan = plan_get_for_user(export.user, export.plan.code)
            ask = export_ask(
                user=export.user, plan=plan, dataset=export.dataset, fmt=export.format, params=export.filters
            )
            table = export_table(user=export.user, ask=ask)
            table.rows = _counting(table.rows, export, table.count())
            with tempfile.TemporaryFile() as target:
                if export.format == "xlsx":
                    writers.xlsx_write(target, table.columns, table.rows, sheet=table.sheet)
                else:
                    for chunk in export_stream(table, export.format):
                        target.write(chunk)
                target.seek(0)
                export.file.save(export_filename(ask), File(target), save=False)
        except (ExportRefused, Plan.DoesNotExist) as refusal:
            # The user may no longer see it (a role changed, a period was withdrawn).
            why = (
                " ".join(map(str, refusal.errors.values()))
                if isinstance(refusal, ExportRefused)
                else _("you may no longer see this plan.")
            )
            return _export_failed(export, _("This export can no longer be written: %(why)s") % {"why": why})
        except Exception:
            logger.exception("export %s failed", export.pk)
            _export_failed(export, _("The export failed; please ask for it again."))
            raise
    export.state, export.progress, export.finished_at = ExportState.DONE, 100, timezone.now()
    export.save(update_fields=["state", "progress", "rows", "file", "finished_at"])
    exports_prune(user_id=export.user_id)
    return export


def _export_failed(export: Export, error: str) -> Export:
    export.state, export.error, export.finished_at = ExportState.FAILED, error, timezone.now()
    export.save(update_fields=["state", "error", "finished_at"])
    return export


def exports_prune(*, user_id: int, keep: int | None = None) -> int:
    """Keep a user's newest exports (EXPORTS_KEPT_PER_USER), deleting older
    ones and their files, and any older than EXPORTS_KEPT_DAYS."""
    keep = settings.EXPORTS_KEPT_PER_USER if keep is None else keep
    mine = list(Export.objects.filter(user_id=user_id).order_by("-created_at", "-id"))
    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORTS_KEPT_DAYS)
    old = mine[keep:] + [e for e in mine[:keep] if e.created_at < cutoff]
    for export in old:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(old)
