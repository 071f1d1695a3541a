from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.imports.plan_workbook import plan_workbook_export
from plans.models import Plan


class Command(BaseCommand):
    help = "Write a plan's workbook (XLSX): the import format, so that importing it gives the same plan."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the plan's code")
        parser.add_argument("file", help="where to write the workbook (.xlsx)")

    def handle(self, *args, code, file, **options):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"No plan with code {code}.")
        try:
            Path(file).write_bytes(plan_workbook_export(plan=plan))
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error}") from error
        self.stdout.write(f"Wrote the workbook of {plan.code} to {file}.")
