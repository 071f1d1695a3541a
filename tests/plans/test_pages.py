"""Signing in, the login wall, the language switch and the administration."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.models import AuditEvent, Plan
from tests.conftest import PASSWORD
from tests.factories import (
    IndicatorFactory,
    OrganisationFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


# Pages anyone may open without signing in (public_summary: a plan marked public;
# the API's schema and its docs hold no data, docs/api.md "The schema").
OPEN_PAGES = {"login", "set_language", "healthz", "public:public_summary", "schema", "api-docs"}


def all_url_names(resolver=None, prefix="", outer=()):
    """Every named URL with the names of its arguments, those of the includes
    around it (``<str:plan_code>/progress-report/``) too."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from all_url_names(pattern, prefix + namespace, (*outer, *pattern.pattern.converters))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, (*outer, *pattern.pattern.converters)


def url_for_test(name, arguments, plan_code):
    kwargs = {key: plan_code if key in ("code", "plan_code") else "1" for key in arguments}
    return reverse(name, kwargs=kwargs)


def test_every_page_but_login_asks_anonymous_visitors_to_sign_in(client):
    plan = PlanFactory(code="NSP")
    checked = 0
    for name, pattern in all_url_names():
        # The admin has its own wall (tested below); the API answers 401 (tests/reports/test_api.py).
        if name in OPEN_PAGES or name.startswith(("admin:", "api:")):
            continue
        url = url_for_test(name, pattern, plan.code)
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/"), name
        checked += 1
    assert checked >= 2


def test_admin_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/plans/plan/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_and_health_check_are_open(client):
    assert client.get("/accounts/login/").status_code == 200
    health = client.get("/healthz")
    assert (health.status_code, health.content) == (200, b"ok")


def test_focal_point_signs_in_and_sees_the_plans(client, focal_point):
    PlanFactory(code="NSP-2024-2028", name="National Strategic Plan")
    response = client.post("/accounts/login/", {"username": "focal", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"National Strategic Plan" in response.content
    assert b"Focal point" in response.content


def test_wrong_password_shows_a_message_and_does_not_sign_in(client, focal_point):
    response = client.post("/accounts/login/", {"username": "focal", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, focal_point):
    client.force_login(focal_point)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_shows_khmer_names(client, focal_point):
    PlanFactory(code="NSP", name="National Strategic Plan", name_km="ផែនការយុទ្ធសាស្ត្រជាតិ")
    client.force_login(focal_point)
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    assert "ផែនការយុទ្ធសាស្ត្រជាតិ".encode() in client.get("/").content


class TestAdministration:
    def test_secretariat_admin_manages_plans_in_the_admin(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/indicators/indicator/add/").status_code == 200

    @pytest.mark.parametrize("who", ["reviewer", "focal_point", "partner"])
    def test_other_roles_cannot_open_the_admin(self, client, who, request):
        user = request.getfixturevalue(who)
        user.is_staff = True  # even a stray staff flag does not open it
        user.save()
        client.force_login(user)
        response = client.get("/admin/indicators/indicator/")
        assert response.status_code == 302
        assert "/admin/login/" in response.url

    def test_creating_a_plan_in_the_admin_lays_out_periods_and_records_who(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(
            "/admin/plans/plan/add/",
            {
                "code": "NSP-2029",
                "name": "Next plan",
                "name_km": "",
                "start_year": 2029,
                "end_year": 2033,
                "on_track": "0.85",
                "at_risk": "0.60",
                "deadline_days": 15,
                "reminder_days": 5,
                "periods-TOTAL_FORMS": 0,
                "periods-INITIAL_FORMS": 0,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        plan = Plan.objects.get(code="NSP-2029")
        assert plan.periods.count() == 20
        event = AuditEvent.objects.get(action="plan.create")
        assert (event.actor, event.plan) == (admin_user, plan)

    def test_admin_refuses_a_target_outside_the_plan_years_next_to_the_field(self, client, admin_user):
        indicator = IndicatorFactory(targets=[100])
        client.force_login(admin_user)
        response = client.post(
            f"/admin/indicators/indicator/{indicator.pk}/change/",
            {
                "plan": indicator.plan_id,
                "objective": indicator.objective_id,
                "code": indicator.code,
                "name": indicator.name,
                "name_km": "",
                "position": 0,
                "weight": "1",
                "measure": "NUMBER",
                "aggregation": "SUM",
                "direction": "INCREASE",
                "frequency": "QUARTERLY",
                "unit": "",
                "baseline": "0",
                "baseline_year": "",
                "lead": indicator.lead_id,
                "targets-TOTAL_FORMS": 2,
                "targets-INITIAL_FORMS": 1,
                "targets-0-id": indicator.targets.get().pk,
                "targets-0-indicator": indicator.pk,
                "targets-0-year": 2024,
                "targets-0-value": "100",
                "targets-1-indicator": indicator.pk,
                "targets-1-year": 2031,
                "targets-1-value": "50",
            },
        )
        assert response.status_code == 200
        assert "Targets are set only for the plan&#x27;s years (2024–2028)." in response.content.decode()
        assert indicator.targets.count() == 1

    @pytest.mark.parametrize(("aggregation", "refused"), [("LATEST", True), ("SUM", False)])
    def test_admin_refuses_contributors_on_a_latest_value_next_to_the_field(
        self, client, admin_user, aggregation, refused
    ):
        indicator = IndicatorFactory()
        contributor = OrganisationFactory(code="MOJ")
        client.force_login(admin_user)
        response = client.post(
            f"/admin/indicators/indicator/{indicator.pk}/change/",
            {
                "plan": indicator.plan_id,
                "objective": indicator.objective_id,
                "code": indicator.code,
                "name": indicator.name,
                "name_km": "",
                "position": 0,
                "weight": "1",
                "measure": "NUMBER",
                "aggregation": aggregation,
                "direction": "INCREASE",
                "frequency": "QUARTERLY",
                "unit": "",
                "baseline": "0",
                "baseline_year": "",
                "lead": indicator.lead_id,
                "contributors": [contributor.pk],
                "targets-TOTAL_FORMS": 0,
                "targets-INITIAL_FORMS": 0,
            },
        )
        indicator.refresh_from_db()
        if refused:
            assert response.status_code == 200
            assert "Only indicators that add up over time (SUM) have contributing organisations" in (
                response.content.decode()
            )
            assert (indicator.aggregation, indicator.contributors.count()) == ("SUM", 0)
        else:
            assert response.status_code == 302
            assert list(indicator.contributors.all()) == [contributor]
