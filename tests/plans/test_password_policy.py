"""Passwords: at least 12 characters, not a common one, not like the user's
name (AUTH_PASSWORD_VALIDATORS), wherever a password is set: the admin, the
add_user command and the demo's printed logins."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from plans.models import User
from reports.demo.seed import new_password

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("partner3", "at least 12 characters"),
        ("Kampuchea12", "at least 12 characters"),
        ("password1234", "too common"),
        ("sokha.chan.moi", "too similar"),
        ("481516234200", "entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password, reason):
    user = User(username="sokha.chan", email="sokha.chan@moi.example")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_a_twelve_character_phrase_is_accepted():
    validate_password("rice-and-rain", User(username="sokha"))


def test_add_user_refuses_the_eight_character_password_it_used_to_take(monkeypatch, ministry):
    monkeypatch.setenv("NTIP_PASSWORD", "partner3")

    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("add_user", "sokha", "--role", "focal_point", "--organisation", "MOI")


def test_the_demos_printed_passwords_pass_the_policy():
    for username in ("admin", "reviewer", "focal", "partner"):
        validate_password(new_password(), User(username=username, email=f"{username}@example.org"))


def test_the_admins_new_user_form_refuses_a_short_password(client, admin_user, ministry):
    client.force_login(admin_user)

    response = client.post(
        "/admin/plans/user/add/",
        {
            "username": "dara",
            "password1": "short-pw",
            "password2": "short-pw",
            "usable_password": "true",
            "role": "focal_point",
            "organisation": ministry.pk,
        },
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(username="dara").exists()
