"""The Celery app. Settings come from Django's, prefixed CELERY_.

Every task carries the request id of the request (or task) that enqueued it,
in its message headers, and logs one JSON line when it ends: its name, id,
state, duration and that request id (docs/operations.md, "Logs and the
request id").
"""

import logging
import os
import time

from celery import Celery, signals

from ntip.logging import request_id, request_id_new

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntip.settings")

app = Celery("ntip")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The worker logs through Django's LOGGING (JSON lines), not a handler of its own.
app.conf.worker_hijack_root_logger = False
app.autodiscover_tasks()

logger = logging.getLogger("ntip.task")

HEADER = "ntip_request_id"

# task id → (started, context token), between prerun and postrun. A worker's
# pool runs one task per thread or process at a time; the dict is per process.
_running: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def task_carries_request_id(headers=None, **kwargs):
    """Runs in the process that enqueues (a web request, a task, beat)."""
    if headers is not None and not headers.get(HEADER):
        headers[HEADER] = request_id.get() or request_id_new()


@signals.task_prerun.connect
def task_started(task_id=None, task=None, **kwargs):
    # Inline (no broker) a task runs inside the request, whose id is already set.
    rid = getattr(task.request, HEADER, None) or request_id.get() or request_id_new()
    _running[task_id] = (time.perf_counter(), request_id.set(rid))


@signals.task_postrun.connect
def task_ended(task_id=None, task=None, state=None, **kwargs):
    started, token = _running.pop(task_id, (None, None))
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    try:
        level = logging.INFO if state in ("SUCCESS", "RETRY") else logging.ERROR
        logger.log(
            level,
            "task %s %s %sms",
            task.name,
            state,
            duration_ms,
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": duration_ms,
                "request_id": request_id.get(),
            },
        )
    finally:
        if token is not None:
            request_id.reset(token)
