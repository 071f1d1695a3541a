"""The plan workbook, all or nothing (docs/imports.md, "The plan workbook").

The file is read by the shared reader (files.py: sheets, header checks, limits,
control characters); each sheet then goes through its django-import-export
resource (resources.py), parents first, inside one transaction that is rolled
back when any row of any sheet is bad, and on a dry run. The same resources
write the workbook back out, so that an exported plan imports as it was.
"""

import io
from functools import cache

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from indicators.imports.files import ImportResult, Sheet, SheetSpec, plan_resolve, read_sheets
from indicators.imports.resources import PLAN_SHEETS, SHEET_RESOURCES, Exchange
from plans.access import user_is_admin
from plans.models import Plan
from plans.services import audit_record, scores_mark_stale

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def plan_workbook_sheets() -> dict[str, SheetSpec]:
    """Each sheet's columns, required first, as the resources define them."""
    specs = {}
    for name, resource in SHEET_RESOURCES.items():
        columns = resource.columns()
        specs[name] = SheetSpec(
            name, resource.required, tuple(c for c in columns if c not in resource.required)
        )
    return specs


def plan_workbook_import(
    *, actor, path_or_file, dry_run: bool = False, plan: str | None = None
) -> ImportResult:
    """Create or update a plan's structure from a plan workbook (or one CSV sheet).

    Codes are the keys: a row whose code exists updates that object, a new
    code creates one; nothing is ever deleted. ``plan`` (a code) says which
    plan the sheets belong to when the file has no ``plan`` sheet; it defaults
    to the only plan. ``actor`` None is the system (the command line).
    """
    if actor is not None and not user_is_admin(actor):
        raise PermissionDenied(_("Only a secretariat administrator may import a plan workbook."))
    result = ImportResult(dry_run=dry_run)
    sheets = read_sheets(path_or_file, plan_workbook_sheets(), result)
    with transaction.atomic():
        exchange = Exchange(actor=actor, whole_workbook=True)
        exchange.refused_sheets = {
            e.sheet for e in result.errors if e.message == _("This column is missing.")
        }
        sheets_import(exchange, sheets, result, plan_code=plan)
        if not result.ok:
            result.forget_counts()
            transaction.set_rollback(True)
            return result
        if dry_run:
            transaction.set_rollback(True)
            return result
        audit_record(
            actor=actor,
            action="plan.import",
            target=exchange.plan,
            plan=exchange.plan,
            details={"counts": result.counts()},
        )
        if exchange.plan is not None and result.changed:
            # Structure, weights and targets feed every period's score.
            scores_mark_stale(plan_id=exchange.plan.pk, from_index=1)
    return result


def sheets_import(exchange: Exchange, sheets: dict[str, Sheet], result: ImportResult, *, plan_code) -> None:
    """Each sheet through its resource, parents first; the plan's own sheets
    only once the plan is known."""
    for name, resource_class in SHEET_RESOURCES.items():
        if name not in sheets:
            continue
        if name in PLAN_SHEETS and not plan_known(exchange, sheets, result, plan_code):
            return
        sheet = sheets[name]
        resource = resource_class(exchange=exchange, lines=[row.line for row in sheet.rows])
        # Unknown columns are reported by the reader; the resource reads the others.
        columns = [column for column in sheet.columns if column in plan_workbook_sheets()[name].columns]
        dataset = tablib.Dataset(headers=columns)
        for row in sheet.rows:
            dataset.append([row.cells.get(column, "") for column in columns])
        # dry_run=False: the rows are written, so that later sheets can name
        # them; this function's transaction is rolled back on a dry run or a bad
        # row. No savepoint per row: every row is checked before it is written.
        answer = resource.import_data(
            dataset, dry_run=False, use_transactions=False, raise_errors=False, user=exchange.actor
        )
        resource.results_into(answer, result)
    if exchange.plan is not None:
        result.plan = exchange.plan.code


def plan_known(exchange: Exchange, sheets: dict[str, Sheet], result: ImportResult, plan_code) -> bool:
    """The plan the tree's sheets belong to: the plan sheet's, else ``plan_code``'s
    or the only one (reported when there is none to be had)."""
    if exchange.plan is not None:
        return True
    if "plan" in sheets or exchange.plan_refused:
        return False  # the plan row is bad, and already reported
    try:
        exchange.plan_set(plan_resolve(plan_code))
    except ValidationError as error:
        first = next(name for name in PLAN_SHEETS if name in sheets)
        result.add_error(first, None, "", error.messages[0])
        return False
    return True


def plan_workbook_export(*, plan: Plan) -> bytes:
    """The plan workbook of ``plan`` (XLSX): the plan, every organisation and
    dimension, the plan's tree and the targets as adopted."""
    workbook = Workbook(write_only=True)
    for name, resource_class in SHEET_RESOURCES.items():
        resource = resource_class(plan=plan)
        queryset = Plan.objects.filter(pk=plan.pk) if name == "plan" else None
        dataset = resource.export(queryset)
        worksheet = workbook.create_sheet(name)
        worksheet.append(dataset.headers)
        for values in dataset:
            worksheet.append([text_cell(worksheet, value) for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def text_cell(worksheet, value):
    """A name starting with "=" stays text: never a formula that Excel would run."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def plan_workbook_filename(plan: Plan) -> str:
    safe = "".join(char if char.isalnum() or char in "-_" else "_" for char in plan.code)
    return f"{safe}-plan-workbook.xlsx"
