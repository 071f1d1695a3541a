"""gunicorn's settings for NTIP (docs/operations.md, "The web server").

gunicorn reads this file by itself when started in the project's folder (the
image's /app); docker-compose.yml and bench/load.py name it too. Each value
can be set in the environment for a bigger or smaller machine.

Sized to the machine: 2 × CPUs + 1 worker processes (gunicorn's own rule:
while one waits on PostgreSQL another computes), each with a few threads for
the waits that are not CPU (the database, Redis, a slow client behind the
proxy). On the 2-core host: 5 processes × 4 threads, 20 requests at once.
"""

import os

from ntip.env import envint


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this container may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = envint("GUNICORN_WORKERS", 2 * _cpus() + 1)
worker_class = "gthread"
threads = envint("GUNICORN_THREADS", 4)

# A request taking longer than this is a bug or a stuck query: the worker is
# killed and replaced (the largest recompute runs in Celery, never in a request).
timeout = envint("GUNICORN_TIMEOUT", 30)
# On a stop or a reload, requests under way get this long to finish.
graceful_timeout = envint("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind the proxy, which keeps its connections to us open.
keepalive = envint("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after about this many requests (a slow leak never grows
# for long); the jitter keeps them from restarting all at once.
max_requests = envint("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = envint("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The heartbeat file in memory, not on the container's overlay disk.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 — gunicorn's own advice for containers
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# No access log: NTIP logs one JSON line per request itself, with the user,
# the duration and the request id (ntip/request_log.py). gunicorn's own
# messages (starts, worker timeouts) go to stderr, as JSON lines too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ntip.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}

proc_name = "ntip"
# gunicorn 27's control socket (for gunicornc) is not used: signals do its work,
# and its default place, under HOME, is not writable in the image.
control_socket_disable = True
