"""Background work of the imports: a large values file uploaded on a page is
checked, then imported, by a worker (services.import_job_dispatch)."""

from celery import shared_task

from indicators.imports.services import IMPORT_JOB_TASK, import_job_work


@shared_task(name=IMPORT_JOB_TASK, acks_late=True)
def import_job_run(job_id: int) -> str:
    """Check or import the job's file, whichever it waits for. Safe to run
    twice: a job already taken or finished is left as it is."""
    job = import_job_work(job_id=job_id)
    return job.state if job is not None else ""
