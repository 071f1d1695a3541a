"""The add_user command: create or update a user from the command line."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from plans.management.commands import add_user
from plans.models import AuditEvent, Role, User
from tests.factories import OrganisationFactory, UserFactory

PASSWORD = "Sombok-rice-2026!"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher takes a noticeable time per password; what is tested here is
    # which password is set, not how it is hashed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def env_password(monkeypatch):
    monkeypatch.setenv("NTIP_PASSWORD", PASSWORD)


@pytest.fixture
def no_env_password(monkeypatch):
    monkeypatch.delenv("NTIP_PASSWORD", raising=False)


def answers(monkeypatch, *typed):
    """What the person types at the getpass prompts, in order."""
    replies = iter(typed)
    monkeypatch.setattr(add_user.getpass, "getpass", lambda prompt="": next(replies))


def test_it_creates_a_focal_point_with_the_password_from_the_environment(ministry, env_password):
    output = run("sokha", "--role", "focal_point", "--organisation", "MOI", "--email", "sokha@moi.example")

    user = User.objects.get(username="sokha")
    assert (user.role, user.organisation, user.email) == (Role.FOCAL_POINT, ministry, "sokha@moi.example")
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert "Created user sokha (focal_point, MOI)." in output


def test_the_new_user_can_sign_in(client, ministry, env_password):
    run("sokha", "--role", "focal_point", "--organisation", "MOI")

    assert client.login(username="sokha", password=PASSWORD)


def test_it_updates_an_existing_user(ministry, secretariat, env_password):
    UserFactory(username="dara", role=Role.FOCAL_POINT, organisation=ministry)

    output = run("dara", "--role", "secretariat_admin", "--organisation", "NCCT-GS")

    user = User.objects.get(username="dara")
    assert (user.role, user.organisation) == (Role.SECRETARIAT_ADMIN, secretariat)
    assert user.is_staff, "an administrator uses the admin pages"
    assert user.check_password(PASSWORD)
    assert "Updated user dara" in output
    assert User.objects.filter(username="dara").count() == 1


def test_it_records_who_was_added_in_the_audit_trail(ministry, env_password):
    run("sokha", "--role", "focal_point", "--organisation", "MOI")

    event = AuditEvent.objects.get(action="user.create")
    assert event.actor is None, "the command acts as the system"
    assert event.details == {"role": "focal_point", "organisation": "MOI"}


def test_it_asks_for_the_password_twice_when_the_environment_has_none(monkeypatch, ministry, no_env_password):
    answers(monkeypatch, PASSWORD, PASSWORD)

    run("sokha", "--role", "focal_point", "--organisation", "MOI")

    assert User.objects.get(username="sokha").check_password(PASSWORD)


def test_it_refuses_two_different_passwords(monkeypatch, ministry, no_env_password):
    answers(monkeypatch, PASSWORD, PASSWORD + "x")

    with pytest.raises(CommandError, match="do not match"):
        run("sokha", "--role", "focal_point", "--organisation", "MOI")
    assert not User.objects.filter(username="sokha").exists()


def test_an_empty_answer_keeps_an_existing_users_password(monkeypatch, ministry, no_env_password):
    UserFactory(username="dara", role=Role.PARTNER, organisation=ministry)
    answers(monkeypatch, "")

    run("dara", "--role", "focal_point", "--organisation", "MOI")

    user = User.objects.get(username="dara")
    assert user.role == Role.FOCAL_POINT
    assert user.check_password("correct horse battery"), "the factory's password is kept"


def test_it_says_what_to_do_when_there_is_no_terminal_to_ask_on(monkeypatch, ministry, no_env_password):
    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr(add_user.getpass, "getpass", no_terminal)

    with pytest.raises(CommandError, match="set the NTIP_PASSWORD environment variable"):
        run("sokha", "--role", "focal_point", "--organisation", "MOI")


def test_it_refuses_a_weak_password(monkeypatch, ministry):
    monkeypatch.setenv("NTIP_PASSWORD", "12345678")

    with pytest.raises(CommandError, match="Password refused"):
        run("sokha", "--role", "focal_point", "--organisation", "MOI")
    assert not User.objects.filter(username="sokha").exists()


def test_it_refuses_an_unknown_role_and_lists_the_roles(ministry, env_password):
    with pytest.raises(CommandError) as refused:
        run("sokha", "--role", "minister", "--organisation", "MOI")

    message = str(refused.value)
    assert "Unknown role 'minister'" in message
    assert all(role in message for role in Role.values)
    assert not User.objects.filter(username="sokha").exists()


def test_it_refuses_an_unknown_organisation(ministry, env_password):
    with pytest.raises(CommandError, match="No organisation with code 'MOX'"):
        run("sokha", "--role", "focal_point", "--organisation", "MOX")
    assert not User.objects.filter(username="sokha").exists()


def test_it_accepts_an_organisation_code_in_lower_case(ministry, env_password):
    run("sokha", "--role", "focal_point", "--organisation", "moi")

    assert User.objects.get(username="sokha").organisation == ministry


def test_it_refuses_a_focal_point_without_an_organisation(db, env_password):
    with pytest.raises(CommandError, match="A focal point must belong to an organisation"):
        run("sokha", "--role", "focal_point")
    assert not User.objects.filter(username="sokha").exists()


def test_a_partner_needs_no_organisation(db, env_password):
    run("reader", "--role", "partner")

    user = User.objects.get(username="reader")
    assert (user.role, user.organisation) == (Role.PARTNER, None)


def test_token_prints_an_api_token_and_the_same_one_next_time(db, env_password):
    OrganisationFactory(code="IOM", kind="PARTNER")

    first = run("iom-api", "--role", "partner", "--organisation", "IOM", "--token")
    second = run("iom-api", "--role", "partner", "--organisation", "IOM", "--token")

    key = Token.objects.get(user__username="iom-api").key
    assert f"API token: {key}" in first
    assert f"API token: {key}" in second


def test_an_api_only_account_can_be_made_without_a_password(monkeypatch, db, no_env_password):
    answers(monkeypatch, "")

    output = run("iom-api", "--role", "partner", "--token")

    user = User.objects.get(username="iom-api")
    assert not user.has_usable_password()
    assert "cannot sign in to the web pages" in output
    assert Token.objects.filter(user=user).exists()
