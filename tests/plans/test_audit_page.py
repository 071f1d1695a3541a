"""The audit trail the secretariat reads at /audit/: sign-ins, failed sign-ins
and lockouts, refusals, changes, approvals, publications; filtered by who,
what, plan and when; newest first, 50 to a page; never editable."""

import datetime

import pytest
from django.apps import apps

from plans.audit.recording import lockout_record
from plans.models import AuditEvent
from plans.publication import period_publish
from plans.services import audit_record, user_save
from tests.conftest import PASSWORD
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

AUDIT = "/audit/"


def event_at(event: AuditEvent, when: datetime.datetime) -> AuditEvent:
    AuditEvent.objects.filter(pk=event.pk).update(at=when)
    return event


def rows(response) -> str:
    """The table's body, without the filters (whose choices name every action)."""
    body = response.content.decode()
    return body[body.index("<tbody>") : body.index("</tbody>")]


def test_signing_in_signing_out_and_a_refused_page_show_in_the_audit_trail(client, reviewer, partner):
    client.post("/accounts/login/", {"username": "partner", "password": PASSWORD})
    assert client.get("/review/").status_code == 403
    client.post("/accounts/logout/")
    client.force_login(reviewer)

    table = rows(client.get(AUDIT))

    assert "Signed in" in table and "Signed out" in table
    assert "Refused a page (403)" in table
    assert "GET /review/" in table
    assert "partner" in table


def test_a_failed_sign_in_keeps_the_username_tried_and_the_address_never_the_password(client, focal_point):
    client.post(
        "/accounts/login/",
        {"username": "focal", "password": "wrong-horse-7731"},
        REMOTE_ADDR="203.0.113.9",
    )

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.object_repr == "focal"
    assert event.details == {"ip": "203.0.113.9"}
    stored = str(AuditEvent.objects.values_list("object_repr", "details"))
    assert "wrong-horse-7731" not in stored


def test_a_wrong_password_on_the_token_endpoint_is_a_failed_sign_in_too(client, partner):
    client.post("/api/v1/auth/token/", {"username": "partner", "password": "not-it"})

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_repr == "partner"
    assert "not-it" not in str(event.details)


def test_a_lockout_is_recorded_with_the_account_and_the_address(client, reviewer):
    # As django-axes sends it (issue 14), once it locks an account out.
    lockout_record("axes", request=None, username="focal", ip_address="198.51.100.4")
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"what": "auth.lockout"}))

    assert "Locked out after failed sign-ins" in table
    assert "focal" in table and "IP 198.51.100.4" in table


def test_repeated_wrong_passwords_end_in_a_lockout_in_the_trail(client, settings, focal_point):
    if not apps.is_installed("axes"):
        pytest.skip("django-axes locks accounts out (issue 14); it is not installed")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "focal", "password": "wrong"}, REMOTE_ADDR="192.0.2.8")

    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert (lockout.object_repr, lockout.details["ip"]) == ("focal", "192.0.2.8")
    assert AuditEvent.objects.filter(action="auth.login_failed", object_repr="focal").count() >= 1


def test_a_refused_page_still_says_why_in_the_sites_layout(client, partner):
    client.force_login(partner)

    response = client.get("/reports/")

    assert response.status_code == 403
    assert "Only focal points and the secretariat administrator fill in reports." in response.content.decode()
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == partner
    assert event.details["path"] == "/reports/"
    assert event.details["reason"] == "Only focal points and the secretariat administrator fill in reports."


def test_a_refusal_in_the_api_is_recorded_too(client, settings, partner):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "EXCEPTION_HANDLER": "plans.audit.views.api_exception_handler",
    }
    PlanFactory(code="NSP")
    client.force_login(partner)

    response = client.post("/api/v1/plans/NSP/periods/2024-Q1/publish/")

    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.details["method"]) == (partner, "POST")
    assert event.details["path"] == "/api/v1/plans/NSP/periods/2024-Q1/publish/"
    assert event.details["reason"] == response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("reviewer", 200), ("focal_point", 403), ("partner", 403), ("anonymous", 302)],
)
def test_only_the_secretariat_opens_the_audit_trail(client, request, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(AUDIT)

    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "shown"),
    [("admin_user", True), ("reviewer", True), ("focal_point", False), ("partner", False)],
)
def test_the_menu_offers_the_audit_trail_to_the_secretariat(client, request, who, shown):
    client.force_login(request.getfixturevalue(who))

    body = client.get("/").content.decode()

    assert ('href="/audit/">Audit trail</a>' in body) is shown


def test_the_audit_trail_cannot_be_changed_from_its_page_or_the_admin(client, admin_user):
    client.force_login(admin_user)
    event = AuditEvent.objects.get(action="auth.login")

    assert client.post(AUDIT, {"who": "x"}).status_code == 405
    change = client.get(f"/admin/plans/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.post(f"/admin/plans/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert client.get(f"/admin/plans/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/plans/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"


@pytest.fixture
def trail(reviewer, admin_user, focal_point):
    """Events of two plans, by three people, on three days."""
    nsp = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    other = PlanFactory(code="OLD", start_year=2019, end_year=2023)
    day = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
    event_at(
        audit_record(
            actor=focal_point,
            action="report.submitted",
            plan=nsp,
            details={"from": "DRAFT", "comment": ""},
        ),
        day,
    )
    event_at(
        audit_record(
            actor=reviewer,
            action="report.returned",
            plan=nsp,
            details={"from": "SUBMITTED", "comment": "The figures by sex do not match the total. " * 10},
        ),
        day + datetime.timedelta(days=1),
    )
    period_publish(actor=reviewer, period=nsp.periods.get(code="2024-Q1"))
    event_at(AuditEvent.objects.get(action="period.publish"), day + datetime.timedelta(days=2))
    event_at(
        audit_record(actor=admin_user, action="plan.update", target=other, plan=other),
        day + datetime.timedelta(days=2),
    )
    return nsp


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Changed a plan", "Published a quarter", "Returned a report", "Submitted a report"]),
        ({"who": "reviewer"}, ["Published a quarter", "Returned a report"]),
        ({"what": "report.returned"}, ["Returned a report"]),
        ({"what": "kind:reports"}, ["Returned a report", "Submitted a report"]),
        ({"what": "kind:publication"}, ["Published a quarter"]),
        ({"what": "kind:plan"}, ["Changed a plan"]),
        ({"plan": "NSP"}, ["Published a quarter", "Returned a report", "Submitted a report"]),
        ({"date_from": "2026-03-11", "date_to": "2026-03-11"}, ["Returned a report"]),
        ({"date_from": "2026-03-12"}, ["Changed a plan", "Published a quarter"]),
        ({"date_to": "2026-03-10", "what": "kind:reports"}, ["Submitted a report"]),
    ],
)
def test_the_secretariat_filters_the_trail_by_who_what_plan_and_when(
    client, trail, reviewer, query, expected
):
    client.force_login(reviewer)
    AuditEvent.objects.filter(action="auth.login").delete()

    table = rows(client.get(AUDIT, query))

    shown = [words for words in expected if words in table]
    assert shown == expected
    others = {"Changed a plan", "Published a quarter", "Returned a report", "Submitted a report"} - set(
        expected
    )
    assert not [words for words in others if words in table]
    assert table.count("<tr>") == len(expected)


def test_events_are_listed_newest_first_in_phnom_penh_time_with_short_details(client, trail, reviewer):
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"what": "kind:reports"}))

    # 03:00 UTC is 10:00 in Phnom Penh.
    assert table.index("2026-03-11 10:00:00") < table.index("2026-03-10 10:00:00")
    assert "from Submitted" in table
    assert "“The figures by sex do not match the total." in table
    # A long comment is cut, and no stored JSON is shown.
    assert table.count("The figures by sex") < 10 and "…”" in table
    assert "{" not in table and '"comment"' not in table


def test_an_admin_change_is_worded_after_what_was_changed(client, reviewer, admin_user):
    plan = PlanFactory(code="NSP")
    audit_record(
        actor=admin_user,
        action="reportingperiod.update",
        target=plan.periods.first(),
        plan=plan,
        details={"changed": ["deadline"]},
    )
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"what": "kind:plan"}))

    assert "Changed reporting period" in table
    assert "changed: deadline" in table


def test_an_action_no_one_gave_words_yet_shows_its_code_under_its_kind(client, reviewer, admin_user):
    audit_record(actor=admin_user, action="export.scorecard", details={"rows": 12, "format": "xlsx"})
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"what": "kind:exports"}))

    assert "export.scorecard" in table and "Exports" in table
    assert "rows: 12 · format: xlsx" in table


def test_a_user_change_reads_the_role_as_the_pages_name_it(client, reviewer, admin_user, ministry):
    user_save(actor=admin_user, username="sokha", role="focal_point", organisation=ministry)
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"what": "kind:users"}))

    assert "Created a user" in table and "User sokha" in table
    assert "role: Focal point · organisation: MOI" in table


def test_a_failed_sign_in_is_found_by_the_username_tried(client, reviewer, focal_point):
    client.post("/accounts/login/", {"username": "focal", "password": "nope"})
    client.force_login(reviewer)

    table = rows(client.get(AUDIT, {"who": "focal"}))

    assert "Failed sign-in" in table


def test_a_bad_filter_is_shown_next_to_its_field_and_left_out(client, trail, reviewer):
    client.force_login(reviewer)

    response = client.get(AUDIT, {"date_from": "2026-03-12", "date_to": "2026-03-01", "what": "no.such"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "The last day must not be before the first." in body
    assert "Select a valid choice." in body
    assert "Changed a plan" in rows(response)


def test_the_trail_comes_fifty_events_to_a_page(client, reviewer):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="demo.seed", object_repr=f"seed {n}") for n in range(120)
    )
    client.force_login(reviewer)

    first = client.get(AUDIT, {"what": "kind:other"})
    last = client.get(AUDIT, {"what": "kind:other", "page": 3})

    assert rows(first).count("<tr>") == 50
    assert rows(last).count("<tr>") == 20
    assert "Page 1 of 3" in first.content.decode()
    assert "what=kind%3Aother&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("events", [0, 10, 120])
def test_the_audit_page_runs_a_fixed_number_of_queries(
    client, reviewer, django_assert_max_num_queries, events
):
    plan = PlanFactory(code="NSP")
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="report.approved",
            actor=reviewer,
            plan=plan,
            object_repr=f"MOI 2024-Q{n % 4 + 1}",
            object_type="indicators.QuarterlyReport",
            details={"from": "SUBMITTED", "comment": "ok"},
        )
        for n in range(events)
    )
    client.force_login(reviewer)

    # The session, the user, the plans to filter by, the count, the page of events.
    with django_assert_max_num_queries(5):
        response = client.get(AUDIT)
    with django_assert_max_num_queries(6):  # and the plan chosen
        client.get(AUDIT, {"plan": "NSP", "what": "kind:reports", "who": "reviewer"})

    assert response.status_code == 200


def test_the_system_and_a_visitor_not_signed_in_are_named_as_such(client, reviewer):
    AuditEvent.objects.create(action="demo.seed")
    client.post("/accounts/login/", {"username": "ghost", "password": "x"})
    client.force_login(reviewer)

    seeded = rows(client.get(AUDIT, {"what": "kind:other"}))
    failed = rows(client.get(AUDIT, {"what": "auth.login_failed"}))

    assert "the system" in seeded and "Loaded the demo plan" in seeded
    assert "not signed in" in failed and "ghost" in failed
