"""Long exports, written by a worker. The task takes an id and calls one service."""

from celery import shared_task

from reports.exports.services import export_build


@shared_task(name="reports.exports.tasks.build_export", acks_late=True, max_retries=2, default_retry_delay=30)
def build_export(export_id: int) -> int:
    """Enqueued once the export's record commits (reports/exports/services.py, export_start)."""
    return export_build(export_id=export_id).rows
