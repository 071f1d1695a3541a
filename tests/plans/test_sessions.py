"""Sessions end after 30 minutes without activity and 12 hours after signing in
(SESSION_IDLE_MINUTES, SESSION_HOURS; plans/auth_sessions.py), and keeping one
alive costs a page no query but once a minute."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.auth_sessions import SEEN_AT, SIGNED_IN_AT
from tests.conftest import PASSWORD
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return PlanFactory(code="NSP")


def shift(client, **seconds_ago):
    """Move the session's times into the past, as if that much time had gone by."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = session[key] - ago
    session.save()


def test_the_defaults_are_thirty_minutes_idle_and_twelve_hours_in_all(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS


def test_signing_in_starts_the_clock(client, focal_point):
    client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert client.session[SIGNED_IN_AT] == client.session[SEEN_AT] > 0


def test_after_thirty_minutes_idle_the_next_page_asks_to_sign_in_again_and_says_why(
    client, focal_point, plan
):
    client.force_login(focal_point)
    shift(client, ntip_seen_at=31 * 60, ntip_signed_in_at=31 * 60)

    response = client.get("/", follow=True)

    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert "signed out after 30 minutes without activity" in response.content.decode()


def test_twenty_nine_minutes_idle_keeps_the_session_and_moves_it_on(client, focal_point, plan):
    client.force_login(focal_point)
    shift(client, ntip_seen_at=29 * 60)
    before = client.session[SEEN_AT]

    assert client.get("/").status_code == 200
    assert client.session[SEEN_AT] > before


def test_after_twelve_hours_the_session_ends_however_busy(client, focal_point, plan):
    client.force_login(focal_point)
    shift(client, ntip_signed_in_at=12 * 60 * 60 + 1)

    response = client.get("/", follow=True)

    assert "_auth_user_id" not in client.session
    assert "a session lasts at most 12 hours" in response.content.decode()


def test_the_limits_are_settings(client, focal_point, plan, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    client.force_login(focal_point)
    shift(client, ntip_seen_at=6 * 60)

    assert client.get("/").status_code == 302


def test_an_api_session_ends_too(client, focal_point, plan):
    client.force_login(focal_point)
    shift(client, ntip_seen_at=31 * 60)

    assert client.get("/api/v1/plans/NSP/periods/").status_code in (401, 403)


def writes_to_the_session(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_pages_within_the_minute_write_nothing_to_the_session(client, focal_point, plan):
    client.force_login(focal_point)

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/dashboards/")

    assert writes_to_the_session(queries.captured_queries) == []


def test_a_minute_later_the_visit_is_written_once(client, focal_point, plan):
    client.force_login(focal_point)
    shift(client, ntip_seen_at=61)

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/dashboards/")

    assert len(writes_to_the_session(queries.captured_queries)) == 1
