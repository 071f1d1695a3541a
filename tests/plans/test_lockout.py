"""Brute force: after a few wrong passwords from one place, an account is
locked out there for a while, on every door that takes a password: the login
page, the admin's login and the API's token endpoint (docs/operations.md,
"Sign-in lockout")."""

import logging

import pytest

from tests.conftest import LAYOUT, PASSWORD

pytestmark = pytest.mark.django_db


def fail(client, url, username, times):
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong-password-guess"})


@pytest.fixture
def limit(settings):
    return getattr(settings, "AXES_FAILURE_LIMIT", 5)


def test_the_defaults_are_five_failures_and_thirty_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def test_thirty_wrong_passwords_on_the_login_page_then_the_right_one_does_not_sign_in(client, focal_point):
    fail(client, "/accounts/login/", "focal", 30)

    response = client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_locked_out_visitor_sees_why_and_for_how_long_in_the_sites_layout(client, focal_point, limit):
    fail(client, "/accounts/login/", "focal", limit - 1)

    response = client.post("/accounts/login/", {"username": "focal", "password": "wrong-password-guess"})

    assert response.status_code == 429
    body = " ".join(response.content.decode().split())
    assert LAYOUT in body
    assert "Too many failed sign-ins" in body
    assert "Try again in 30 minutes" in body
    assert "ask the secretariat administrator" in body


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, focal_point, limit):
    fail(client, "/accounts/login/", "focal", limit - 1)

    response = client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(focal_point.pk)


def test_a_successful_sign_in_forgets_the_earlier_failures(client, focal_point, limit):
    fail(client, "/accounts/login/", "focal", limit - 1)
    client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})
    client.post("/accounts/logout/")

    fail(client, "/accounts/login/", "focal", limit - 1)
    response = client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert response.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, focal_point, limit, settings):
    from axes.models import AccessAttempt

    fail(client, "/accounts/login/", "focal", limit)
    # Half an hour later: the attempts are older than the cool-off.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )

    response = client.post("/accounts/login/", {"username": "focal", "password": PASSWORD})

    assert response.status_code == 302


def test_the_lockout_is_of_the_account_from_that_address_not_of_everyone(client, focal_point, limit):
    fail(client, "/accounts/login/", "focal", limit)

    # The same person at another office's address still signs in.
    response = client.post(
        "/accounts/login/", {"username": "focal", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40"
    )

    assert response.status_code == 302


def test_the_lockout_is_logged(client, focal_point, limit, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, "/accounts/login/", "focal", limit)

    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_the_admin_login_locks_out_too(client, admin_user, limit):
    fail(client, "/admin/login/", "admin", limit)

    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_thirty_wrong_passwords_on_the_token_endpoint_then_the_right_one_gets_no_token(
    client, partner, settings
):
    # Throttling is the other guard of this door (below); this test is about the lockout.
    settings.API_TOKEN_THROTTLE = None
    fail(client, "/api/v1/auth/token/", "partner", 30)

    response = client.post("/api/v1/auth/token/", {"username": "partner", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert int(response["Retry-After"]) == 30 * 60
    assert "token" not in response.json()


def test_the_token_endpoint_is_throttled_per_address(client, partner, settings):
    settings.API_TOKEN_THROTTLE = "3/hour"
    answers = [
        client.post("/api/v1/auth/token/", {"username": "partner", "password": PASSWORD}).status_code
        for _ in range(4)
    ]

    assert answers == [200, 200, 200, 429]


def test_the_token_endpoint_throttle_defaults_to_ten_a_minute(settings):
    assert settings.API_TOKEN_THROTTLE == "10/minute"


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_added(client, focal_point, limit, settings):
    settings.BEHIND_TLS_PROXY = True
    # What the client wrote first is whatever it liked; the proxy appends what it saw.
    for forged in range(limit):
        client.post(
            "/accounts/login/",
            {"username": "focal", "password": "wrong-password-guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.7",
        )

    from_there = client.post(
        "/accounts/login/", {"username": "focal", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    from_elsewhere = client.post(
        "/accounts/login/", {"username": "focal", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.3"
    )

    assert (from_there.status_code, from_elsewhere.status_code) == (429, 302)
