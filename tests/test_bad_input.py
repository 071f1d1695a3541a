"""Bad bytes and absurd input answer 400 or 404, never 500, and never reach the
database (issue 14): one guard for paths and query strings
(ntip/middleware.py), one for JSON bodies (ntip/parsers.py), and the admin's
date filter. Run on SQLite and, with DATABASE_URL=postgres://…, on PostgreSQL,
which refuses a NUL in a query outright (that was the 500)."""

import json

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import LAYOUT
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

CONTROL_CHARACTERS = ["%00", "%01", "%0A", "%1B", "%7F"]


@pytest.fixture
def plan(db):
    return PlanFactory(code="NSP", is_public=True)


def carries_a_control_character(value) -> bool:
    if isinstance(value, (list, tuple)):
        return any(map(carries_a_control_character, value))
    return isinstance(value, str) and any(ord(c) < 32 or ord(c) == 127 for c in value)


def get_without_touching_the_database_with(client, url, **extra):
    """The answer to ``url``; fails if a query carried a control character,
    in its text or its parameters (SQLite would take a NUL and find nothing,
    PostgreSQL refuses it: either way it must not get that far)."""
    reached = []

    def watch(execute, sql, params, many, context):
        if carries_a_control_character(sql) or carries_a_control_character(list(params or ())):
            reached.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        response = client.get(url, **extra)
    assert not reached, reached
    return response


def token_header(user) -> dict:
    token, _ = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


@pytest.mark.parametrize("byte", CONTROL_CHARACTERS)
def test_a_control_character_in_a_public_path_is_page_not_found_for_anyone(client, plan, byte):
    response = get_without_touching_the_database_with(client, f"/public/{byte}/")

    assert response.status_code == 404
    assert LAYOUT in response.content.decode()


@pytest.mark.parametrize("url", ["/dashboards/%00/", "/dashboards/NSP%00/pillars/P1/", "/plans/%00/"])
def test_a_nul_in_a_signed_in_path_is_page_not_found_in_the_layout(client, reviewer, plan, url):
    client.force_login(reviewer)

    response = get_without_touching_the_database_with(client, url)

    assert response.status_code == 404
    body = response.content.decode()
    assert LAYOUT in body and "Page not found" in body


@pytest.mark.parametrize("byte", CONTROL_CHARACTERS)
def test_a_control_character_in_a_query_value_is_a_bad_request_in_the_layout(client, reviewer, plan, byte):
    client.force_login(reviewer)

    response = get_without_touching_the_database_with(client, f"/dashboards/NSP/?period={byte}")

    assert response.status_code == 400
    body = " ".join(response.content.decode().split())
    assert LAYOUT in body
    assert "The address of this page is not valid" in body


def test_a_control_character_in_a_query_name_is_refused_too(client, reviewer, plan):
    client.force_login(reviewer)

    assert get_without_touching_the_database_with(client, "/review/status/?pl%00an=NSP").status_code == 400


def test_the_api_answers_a_nul_in_a_filter_with_json(client, reviewer, plan):
    response = get_without_touching_the_database_with(
        client, "/api/v1/reports/?plan=%00", **token_header(reviewer)
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "control character" in response.json()["detail"]


def test_the_api_answers_a_nul_in_a_path_with_json(client, reviewer, plan):
    response = get_without_touching_the_database_with(
        client, "/api/v1/plans/%00/scores/", **token_header(reviewer)
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_ordinary_text_in_a_query_still_works(client, reviewer, plan):
    client.force_login(reviewer)

    response = client.get("/review/status/?plan=NSP&q=ក្រសួង%20%C3%A9t%C3%A9")

    assert response.status_code == 200


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_five_thousand_levels_deep_is_a_bad_request(client, focal_point, plan):
    response = client.post(
        "/api/v1/reports/", nested(5000), content_type="application/json", **token_header(focal_point)
    )

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_a_little_too_deep_is_a_bad_request_too(client, focal_point, plan):
    body = json.dumps({"plan": "NSP", "period": "2025-Q1", "x": json.loads(nested(40))})

    response = client.post(
        "/api/v1/reports/", body, content_type="application/json", **token_header(focal_point)
    )

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_nul_inside_a_json_string_is_a_bad_request(client, focal_point, plan):
    body = json.dumps({"plan": "NSP\u0000", "period": "2025-Q1"})

    response = client.post(
        "/api/v1/reports/", body, content_type="application/json", **token_header(focal_point)
    )

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "at__year=99999999999999999999",
        "at__year=2025&at__month=99999999999999999999",
        "at__year=2025&at__month=1&at__day=99999999999999999999",
        "at__year=-1",
    ],
)
def test_an_absurd_date_filter_in_the_admin_shows_the_list_without_it(client, admin_user, query):
    client.force_login(admin_user)

    response = client.get(f"/admin/plans/auditevent/?{query}")

    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/plans/auditevent/?e=1"
        assert client.get(response["Location"]).status_code == 200


class UnreadBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


MiB = 1024 * 1024


def declared(client, url, size: int, **extra):
    return client.generic(
        "POST",
        url,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": UnreadBody()},
        **extra,
    )


def test_a_fifty_mebibyte_upload_is_refused_before_it_is_read_and_nothing_is_written(
    client, focal_point, plan, settings, tmp_path
):
    from indicators.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    client.force_login(focal_point)

    response = declared(client, "/reports/MOI/NSP/2025-Q1/", 50 * MiB)

    assert response.status_code == 413
    body = " ".join(response.content.decode().split())
    assert LAYOUT in body
    assert "What you sent is too large: at most 11 MiB at a time." in body
    assert not Evidence.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_api_refuses_a_large_body_with_json(client, focal_point, plan):
    response = declared(client, "/api/v1/reports/", 6 * MiB, **token_header(focal_point))

    assert response.status_code == 413
    assert response.json()["detail"] == "What you sent is too large: at most 5 MiB at a time."


def test_the_limits_follow_the_path(settings):
    from ntip.middleware import RequestSizeLimitMiddleware

    limit_for = RequestSizeLimitMiddleware.limit_for
    assert limit_for("/reports/MOI/NSP/2025-Q1/") == settings.EVIDENCE_MAX_BYTES + MiB == 11 * MiB
    assert limit_for("/api/v1/reports/1/") == limit_for("/accounts/login/") == 5 * MiB
    # Django's own limit on a form's fields is the same as the general one.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_MAX_BYTES


def test_a_body_within_the_limit_is_read_as_usual(client, partner):
    response = client.post("/api/v1/auth/token/", {"username": "partner", "password": "x" * 1000})

    assert response.status_code == 400
