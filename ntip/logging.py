"""Structured logs: one JSON line per request and per task, tied together by a
request id (docs/operations.md, "Logs and the request id").

- ``request_id``: the id of the request (or task) being handled, a context
  variable, so it is right in every thread of gunicorn and every greenlet.
- ``RequestIdFilter`` puts it on every log record, whoever logs.
- ``JsonFormatter`` writes a record as one JSON object, without what could
  carry a figure: Django's request loggers attach the request itself (its
  query string, its body), which is dropped.

Imported by settings (LOGGING names these classes), so nothing here imports Django.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# "" outside a request or a task.
request_id: ContextVar[str] = ContextVar("request_id", default="")

# What an incoming X-Request-ID may be to be kept (a proxy's or a client's id):
# letters, digits and . _ - :, 8 to 64 of them. Anything else is replaced, so a
# log line never carries text a client chose beyond that.
REQUEST_ID_FORMAT = re.compile(r"[A-Za-z0-9._:-]{8,64}")

# Attributes a record may carry that must never reach a log line: Django's
# ``django.request`` and ``django.server`` loggers attach the request.
DROPPED_ATTRS = frozenset({"request", "server_time"})


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_from_header(value: str | None) -> str:
    """The incoming id when it is well formed, else a new one."""
    if value and REQUEST_ID_FORMAT.fullmatch(value):
        return value
    return request_id_new()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (kept if the caller gave one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message, then the
    record's own fields (``extra=``), the request id among them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)
        self._skip_fields.update(DROPPED_ATTRS)


class PlainFormatter(logging.Formatter):
    """For a developer's terminal (DEBUG): the message, then the request id."""

    def __init__(self, *args, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return super().format(record)
