"""Values files uploaded on the pages (docs/imports.md, "From the pages"): an
ImportJob is started, checked (a dry run of values_import: the preview), then
imported once its uploader confirms. Each step runs values_import, the one
write path of the figures; a file of more than settings.IMPORT_BACKGROUND_ROWS
rows runs as the task indicators.imports.tasks.import_job_run, enqueued once
the job is committed.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.imports.files import ImportResult, rows_estimate
from indicators.imports.values import values_import
from indicators.models import ImportJob, QuarterlyReport, ReportState
from ntip.celery import app as celery_app
from plans.access import user_can_edit_report, user_is_admin
from plans.languages import user_language_override
from plans.models import Plan
from plans.services import audit_record

logger = logging.getLogger(__name__)

IMPORT_JOB_TASK = "indicators.imports.tasks.import_job_run"
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
# How long a running job's progress is kept where its page reads it.
PROGRESS_SECONDS = 60 * 60
# A job taken by a worker that has not finished after this long was abandoned.
ABANDONED_AFTER = datetime.timedelta(hours=1)


class ImportRefused(Exception):
    """The upload cannot start or be confirmed; the message says why."""


def import_job_start(*, actor, plan: Plan, uploaded_file, report: QuarterlyReport | None = None) -> ImportJob:
    """Keep the uploaded file and check it (the preview). With ``report``, a
    focal point's (or the administrator's) figures into that draft; without,
    the secretariat administrator's historical figures, as approved."""
    kind = ImportJob.Kind.DRAFT if report is not None else ImportJob.Kind.APPROVED
    import_job_check_actor(actor=actor, kind=kind, report=report)
    if uploaded_file.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s MB; the largest file that can be imported is %(limit)s MB.")
                % {
                    "size": f"{uploaded_file.size / 1024 / 1024:.1f}",
                    "limit": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f}",
                }
            }
        )
    job = ImportJob(
        created_by=actor,
        plan=plan,
        organisation=report.organisation if report else None,
        report=report,
        kind=kind,
        original_name=(uploaded_file.name or "")[:255],
        rows=rows_estimate(uploaded_file),
    )
    if report is not None:
        import_jobs_abandoned_close(report=report)
    import_files_prune(user_id=actor.pk)
    job.file.save(job.original_name or "values", uploaded_file, save=False)
    try:
        with transaction.atomic():
            job.save()
            audit_record(
                actor=actor,
                action="values.upload",
                target=report,
                plan=plan,
                details={"file": job.original_name, "kind": kind, "rows": job.rows},
            )
            import_job_dispatch(job)
    except IntegrityError:
        job.file.delete(save=False)
        raise ImportRefused(already_running_message()) from None
    job.refresh_from_db()
    return job


# Done with: the file is not needed again (the job's page shows its result).
FINISHED = (ImportJob.State.DONE, ImportJob.State.REFUSED, ImportJob.State.FAILED)


def import_files_prune(*, user_id: int) -> int:
    """Delete the uploaded files of a user's imports finished more than
    IMPORT_FILES_KEPT_DAYS ago: a values file holds the figures of victims
    and survivors, and is kept no longer than its import needs it. The jobs
    stay, with their results; a checked file waiting to be confirmed is kept."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.IMPORT_FILES_KEPT_DAYS)
    done = ImportJob.objects.filter(
        created_by_id=user_id, state__in=FINISHED, finished_at__lt=cutoff
    ).exclude(file="")
    pruned = 0
    for job in done:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        pruned += 1
    return pruned


def import_jobs_abandoned_close(*, report: QuarterlyReport) -> None:
    """A job a worker took and never finished (the worker died) would keep the
    report's uploads refused for ever: after an hour it is marked failed. Its
    import wrote nothing (one transaction, and reports_lock holds the report)."""
    now = timezone.now()
    ImportJob.objects.filter(
        report=report, state__in=ImportJob.RUNNING, started_at__lt=now - ABANDONED_AFTER
    ).update(state=ImportJob.State.FAILED, finished_at=now, result={"failed": True})


def already_running_message() -> str:
    return _("An import of this report is already running: wait for it to finish, then look at its result.")


def import_job_check_actor(*, actor, kind: str, report: QuarterlyReport | None) -> None:
    """A draft's figures: whoever may edit its organisation's report, while it
    is a draft or returned. Historical figures: the secretariat administrator."""
    if kind == ImportJob.Kind.APPROVED:
        if not user_is_admin(actor):
            raise PermissionDenied(_("Only a secretariat administrator may import figures as approved."))
        return
    if not user_can_edit_report(actor, report.organisation):
        raise PermissionDenied(
            _("You may import the figures of your own organisation only, not those of %(code)s.")
            % {"code": report.organisation.code}
        )
    if report.state not in EDITABLE:
        raise ImportRefused(
            _("This report is %(state)s: figures can be imported into a draft or returned report only.")
            % {"state": report.get_state_display().lower()}
        )


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The uploader saw the preview and imports the file."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded this file may import it."))
    import_job_check_actor(actor=actor, kind=job.kind, report=job.report)
    try:
        with transaction.atomic():
            # Conditional: a second click (or a second tab) finds nothing to claim.
            claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(
                state=ImportJob.State.IMPORTING, progress=0, started_at=None, finished_at=None
            )
            if not claimed:
                raise ImportRefused(_("This file is not waiting for confirmation any more."))
            job.refresh_from_db()
            import_job_dispatch(job)
    except IntegrityError:
        raise ImportRefused(already_running_message()) from None
    job.refresh_from_db()
    return job


def import_job_dispatch(job: ImportJob) -> None:
    """Run the job's next step once the job is committed: in the background
    for a large file, else in this request (the page then shows the result)."""
    job_id = job.pk
    if job.rows > settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: import_job_enqueue(job_id=job_id))
    else:
        transaction.on_commit(lambda: import_job_work(job_id=job_id))


def import_job_enqueue(*, job_id: int) -> None:
    try:
        celery_app.tasks[IMPORT_JOB_TASK].apply_async(args=[job_id], retry=True)
    except Exception:  # kombu raises OperationalError and friends
        # No broker to be had: do the work here rather than leave the job waiting.
        logger.warning("Could not enqueue import job %s; running it inline", job_id, exc_info=True)
        import_job_work(job_id=job_id)


def import_job_work(*, job_id: int) -> ImportJob | None:
    """Check or import the job's file, whichever its state asks; idempotent:
    a job already taken by a worker, or finished, is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, state__in=ImportJob.RUNNING, started_at=None).update(
        started_at=timezone.now()
    )
    job = ImportJob.objects.select_related(
        "created_by", "plan", "report__organisation", "report__period"
    ).get(pk=job_id)
    if not claimed:
        return job
    dry_run = job.state == ImportJob.State.CHECKING
    # Every bad row's message in the uploader's language, as an import on the
    # page itself would write it (the site's if their account is gone).
    language = user_language_override(job.created_by) if job.created_by else contextlib.nullcontext()
    try:
        with job.file.open("rb") as handle, language:
            result = values_import(
                actor=job.created_by,
                path_or_file=handle,
                approve=job.kind == ImportJob.Kind.APPROVED,
                dry_run=dry_run,
                plan=job.plan.code,
                into_report=job.report,
                progress=lambda step, done, total: import_job_progress_tell(job, step, done, total),
            )
    except Exception:
        logger.exception("Import job %s stopped", job_id)
        return import_job_finish(job, ImportJob.State.FAILED, {"failed": True})
    if not result.ok:
        state = ImportJob.State.REFUSED
    else:
        state = ImportJob.State.CHECKED if dry_run else ImportJob.State.DONE
    return import_job_finish(job, state, result_data(result))


def import_job_finish(job: ImportJob, state: str, data: dict) -> ImportJob:
    job.state = state
    job.result = data
    job.progress = 100
    job.finished_at = timezone.now()
    # Ready for the next step (the import after a check) to claim it.
    job.started_at = None
    job.save(update_fields=["state", "result", "progress", "finished_at", "started_at"])
    cache.delete(progress_key(job.pk))
    return job


def result_data(result: ImportResult) -> dict:
    """An ImportResult as the job keeps it (JSON)."""
    return {
        "dry_run": result.dry_run,
        "counts": result.counts(),
        "changed": result.changed,
        "changes": result.changes,
        "errors": [
            {"sheet": e.sheet, "line": e.line, "column": e.column, "message": e.message}
            for e in result.errors
        ],
    }


def progress_key(job_id: int) -> str:
    return f"ntip:import-job:{job_id}:progress"


def import_job_progress_tell(job: ImportJob, step: str, done: int, total: int) -> None:
    """Where a running job has got to, for its page: kept in the cache, since
    the import's own transaction is not visible to the page until it ends."""
    if step == "reading":
        # Reading and checking is most of a check; writing most of an import.
        share = done / job.rows if job.rows else 0
        percent = int(min(share, 1) * (90 if job.state == ImportJob.State.CHECKING else 50))
    else:
        percent = 50 + int(45 * done / total) if total else 50
    cache.set(
        progress_key(job.pk), {"percent": min(percent, 99), "step": step, "done": done}, PROGRESS_SECONDS
    )
