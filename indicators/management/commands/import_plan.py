from django.core.management.base import BaseCommand, CommandError

from indicators.imports.files import ImportResult
from indicators.imports.plan_workbook import plan_workbook_import


def print_result(command: BaseCommand, result: ImportResult) -> None:
    """Counts on stdout; on a bad file, every bad row on stderr, then fail."""
    if not result.ok:
        for error in result.errors:
            command.stderr.write(str(error))
        raise CommandError(f"{len(result.errors)} problem(s) found; nothing was written.")
    if result.dry_run:
        command.stdout.write("Dry run: nothing was written. The import would give:")
    for line in result.summary_lines():
        command.stdout.write(line)
    if not result.kinds:
        command.stdout.write("The file holds no rows.")


class Command(BaseCommand):
    help = "Create or update a plan's structure from a plan workbook (XLSX, or one CSV sheet)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the plan workbook (.xlsx) or one sheet as .csv")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--plan", metavar="CODE", help="the plan the sheets belong to, when the file has no plan sheet"
        )

    def handle(self, *args, file, dry_run=False, plan=None, **options):
        try:
            result = plan_workbook_import(actor=None, path_or_file=file, dry_run=dry_run, plan=plan)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        print_result(self, result)
