from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from indicators.imports.values import values_import
from indicators.management.commands.import_plan import print_result


class Command(BaseCommand):
    help = (
        "Fill quarterly reports from a values file (sheets indicator_values and activity_updates), "
        "as drafts, or with --approve straight as approved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the values workbook (.xlsx) or one sheet as .csv")
        parser.add_argument(
            "--approve", action="store_true", help="store the reports as approved (historical figures)"
        )
        parser.add_argument("--plan", metavar="CODE", help="the plan, when there is more than one")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="who imports (their rights; the history and the audit trail name them); else the system",
        )

    def handle(self, *args, file, approve=False, plan=None, dry_run=False, user=None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {user}.")
        try:
            result = values_import(
                actor=actor, path_or_file=file, approve=approve, dry_run=dry_run, plan=plan
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except PermissionDenied as refusal:
            raise CommandError(str(refusal)) from refusal
        print_result(self, result)
