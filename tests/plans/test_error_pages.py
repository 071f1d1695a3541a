"""What a visitor sees when a page is not found, not allowed or fails: the
site's layout, what happened in plain words, and a way back (DEBUG is off in
tests, as in production, so Django renders templates/403.html, 404.html, 500.html)."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.conftest import LAYOUT
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

STYLES = ('href="/static/bootstrap/css/bootstrap.min.css"', 'href="/static/ntip/ntip.css"')


def test_an_unknown_plan_shows_page_not_found_in_the_sites_layout_with_a_link_home(client, reviewer):
    PlanFactory(code="NSP")
    client.force_login(reviewer)

    response = client.get("/dashboards/NOPE/")

    assert response.status_code == 404
    body = response.content.decode()
    assert LAYOUT in body
    assert "Page not found" in body
    assert "<code>/dashboards/NOPE/</code>" in body
    assert 'class="btn btn-primary" href="/">Back to your plans</a>' in body
    # A signed-in reader keeps the menu and is not asked to sign in again.
    assert "Sign out" in body
    assert 'href="/accounts/login/"' not in body


def test_an_anonymous_visitor_on_a_missing_page_is_offered_to_sign_in(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert LAYOUT in body and "Page not found" in body
    assert 'href="/"' in body
    assert 'href="/accounts/login/">Sign in</a>' in body


def test_a_page_the_role_may_not_open_says_why_in_the_sites_layout(client, partner):
    client.force_login(partner)

    response = client.get("/reports/")

    assert response.status_code == 403
    body = response.content.decode()
    assert LAYOUT in body
    assert "You may not open this page" in body
    assert "Only focal points and the secretariat administrator fill in reports." in body
    assert 'href="/">Back to your plans</a>' in body


def test_a_refusal_without_a_message_still_says_what_happened(client, partner):
    client.force_login(partner)

    response = client.get("/review/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "You may not open this page" in body
    assert '<p class="lead">' not in body
    assert 'href="/"' in body


def test_a_server_error_shows_a_plain_page_with_the_sites_look_and_a_link_home(monkeypatch, focal_point):
    def broken(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("plans.views.plans_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(focal_point)

    response = client.get("/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert all(style in body for style in STYLES)
    assert "ntip-navbar" in body
    assert 'class="btn btn-primary" href="/">Go to the start page</a>' in body
    assert "database went away" not in body


def test_the_server_error_page_needs_neither_a_request_context_nor_the_database(
    django_assert_num_queries,
):
    # Django renders 500.html with an empty context: no user, no request.
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert all(style in body for style in STYLES)
    assert 'href="/"' in body
