"""/healthz for compose's health checks: the database, and the broker when
one is configured (a real Redis when NTIP_TEST_REDIS_URL is set; a closed
port for a broker that is down)."""

import os
import time

import pytest

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("NTIP_TEST_REDIS_URL", "")

# Nothing listens on port 1: every connection is refused at once.
CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_without_a_broker_healthz_answers_ok_for_the_database(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    full = client.get("/healthz?full")
    assert full.status_code == 200
    assert full.json() == {"database": "ok", "broker": "not configured"}


def test_healthz_says_the_broker_is_up(client, settings):
    if not REDIS_URL:
        pytest.skip("NTIP_TEST_REDIS_URL is not set: no Redis to ping")
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get("/healthz?full")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert client.get("/healthz").content == b"ok"


def test_healthz_is_503_and_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    started = time.perf_counter()
    response = client.get("/healthz?full")
    assert time.perf_counter() - started < 3, "the health check waited too long for a dead broker"
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}
    plain = client.get("/healthz")
    assert plain.status_code == 503
    assert plain.content == b"down: broker"


def test_healthz_is_503_when_the_database_does_not_answer(client, settings, monkeypatch):
    from django.db import DatabaseError
    from django.db.backends.utils import CursorWrapper

    settings.CELERY_BROKER_URL = ""

    def refuse(self, sql, params=None):
        raise DatabaseError("connection refused")

    # The database "goes away" for this request's SELECT 1 only.
    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz?full")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "not configured"}
