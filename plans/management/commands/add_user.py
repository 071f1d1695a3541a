"""Create or update a user from the command line (the first administrator, a
partner's API account, a focal point before the admin pages are set up)."""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans.models import Organisation, Role, User
from plans.services import user_save
from plans.tokens import token_expires_at, token_issue

PASSWORD_VARIABLE = "NTIP_PASSWORD"  # noqa: S105 (the variable's name, not a password)


class Command(BaseCommand):
    help = (
        "Create or update a user with one role and one organisation. The password comes from "
        f"the {PASSWORD_VARIABLE} environment variable, else it is asked for (twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"one of: {', '.join(Role.values)}")
        parser.add_argument(
            "--organisation",
            metavar="CODE",
            help="organisation code, e.g. MOI or NCCT-GS (required for a focal_point)",
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--token", action="store_true", help="print an API token for the user")

    def handle(self, *args, username, role, organisation, email, token, **options):
        role = self.checked_role(role)
        org = self.find_organisation(organisation)
        if role == Role.FOCAL_POINT and org is None:
            raise CommandError("A focal point must belong to an organisation: give --organisation CODE.")
        existing = User.objects.filter(username=username).first()
        password = self.read_password(User(username=username, email=email), updating=existing is not None)
        try:
            user, created = user_save(
                actor=None, username=username, role=role, organisation=org, password=password, email=email
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        where = f", {org.code}" if org else ""
        self.stdout.write(f"{'Created' if created else 'Updated'} user {username} ({role}{where}).")
        if not user.has_usable_password():
            self.stdout.write(f"{username} has no password and cannot sign in to the web pages.")
        if token:
            # The user's token while it lasts, else a new one (recorded as token.create).
            api_token = token_issue(user=user)
            self.stdout.write(f"API token: {api_token.key} (expires {token_expires_at(api_token):%Y-%m-%d})")

    def checked_role(self, role: str) -> str:
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Choose one of: {', '.join(Role.values)}.")
        return role

    def find_organisation(self, code: str | None) -> Organisation | None:
        if not code:
            return None
        # Codes are upper case (MOI, PCCT-07); accept "moi" too.
        matches = list(Organisation.objects.filter(code__iexact=code.strip())[:2])
        if len(matches) != 1:
            raise CommandError(
                f"No organisation with code {code!r}. Add it in the admin pages first, "
                "or check the code (e.g. MOI, NCCT-GS, PCCT-07)."
            )
        return matches[0]

    def read_password(self, user: User, *, updating: bool) -> str | None:
        """The password to set, or None to keep the current one (or, for a new
        user, to leave them without one: an API-only account)."""
        password = os.environ.get(PASSWORD_VARIABLE)
        if not password:
            password = self.ask_password(updating=updating)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from error
        return password or None

    def ask_password(self, *, updating: bool) -> str:
        hint = " (leave empty to keep the current one)" if updating else ""
        try:
            first = getpass.getpass(f"Password{hint}: ")
            if not first:
                return ""
            second = getpass.getpass("Password again: ")
        except (EOFError, OSError) as error:
            # No terminal to ask on (a script, a container): say what to do instead.
            raise CommandError(
                f"Cannot ask for a password here: set the {PASSWORD_VARIABLE} environment variable."
            ) from error
        if first != second:
            raise CommandError("The two passwords do not match; nothing was changed.")
        return first
