"""The plan workbook read into a plan's structure, all or nothing
(docs/imports.md, "Plan workbook").
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from indicators.imports.files import (
    REFERENCE_COLUMNS,
    ImportResult,
    Row,
    Sheet,
    SheetSpec,
    field_snapshot,
    field_value,
    plan_resolve,
    read_sheets,
    report_validation,
    split_codes,
)
from indicators.models import (
    Category,
    Dimension,
    Indicator,
    Target,
    contributors_errors,
)
from plans.access import user_is_admin
from plans.models import Organisation, Plan
from plans.services import audit_record, plan_save, plan_sync_periods, scores_mark_stale
from strategies.models import Activity, Objective, Pillar

PLAN_SHEETS = {
    spec.name: spec
    for spec in (
        SheetSpec(
            "plan",
            ("code", "name", "start_year", "end_year"),
            ("name_km", "on_track", "at_risk", "is_public"),
        ),
        SheetSpec("organisations", ("code", "name", "kind"), ("name_km",)),
        SheetSpec("dimensions", ("code", "name", "categories"), ("name_km",)),
        SheetSpec("pillars", ("code", "name"), ("name_km", "weight")),
        SheetSpec("objectives", ("code", "pillar", "name"), ("name_km", "weight")),
        SheetSpec(
            "indicators",
            ("code", "objective", "name", "measure", "aggregation", "lead"),
            (
                "name_km",
                "direction",
                "frequency",
                "unit",
                "baseline",
                "baseline_year",
                "contributors",
                "disaggregation",
                "weight",
            ),
        ),
        SheetSpec("targets", ("indicator", "year", "target")),
        SheetSpec(
            "activities",
            ("code", "objective", "name", "lead", "start", "end"),
            ("name_km", "supporting", "weight", "budget_usd"),
        ),
    )
}


# Columns read as they are: column → model field.
PLAIN_COLUMNS = {
    "plan": ["code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public"],
    "organisations": ["code", "name", "name_km", "kind"],
    "dimensions": ["code", "name", "name_km"],
    "pillars": ["code", "name", "name_km", "weight"],
    "objectives": ["code", "name", "name_km", "weight"],
    "indicators": [
        "code",
        "name",
        "name_km",
        "measure",
        "aggregation",
        "direction",
        "frequency",
        "unit",
        "baseline",
        "baseline_year",
        "weight",
    ],
    "activities": ["code", "name", "name_km", "weight", "budget_usd"],
}


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
    sheets = read_sheets(path_or_file, PLAN_SHEETS, result)
    with transaction.atomic():
        run = PlanWorkbookRun(actor=actor, result=result, plan_code=plan)
        run.import_sheets(sheets)
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
            target=run.plan,
            plan=run.plan,
            details={"counts": result.counts()},
        )
        if run.plan is not None and result.changed:
            # Structure, weights and targets feed every period's score.
            scores_mark_stale(plan_id=run.plan.pk, from_index=1)
    return result


class PlanWorkbookRun:
    """One import of a plan workbook: the codes met so far, and what failed.

    Sheets are read parents first, so that a row can name a pillar, an
    organisation or a dimension created a few sheets earlier.
    """

    def __init__(self, *, actor, result: ImportResult, plan_code: str | None):
        self.actor = actor
        self.result = result
        self.plan_code = plan_code
        self.plan: Plan | None = None
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.dimensions = {d.code: d for d in Dimension.objects.prefetch_related("categories")}
        self.pillars: dict[str, Pillar] = {}
        self.objectives: dict[str, Objective] = {}
        self.indicators: dict[str, Indicator] = {}
        self.activities: dict[str, Activity] = {}
        self.periods: dict = {}
        # Codes whose own row is bad (and reported): rows naming them are still
        # checked, but neither saved nor blamed for the parent's mistake.
        self.failed: dict[str, set[str]] = defaultdict(set)

    def import_sheets(self, sheets: dict[str, Sheet]) -> None:
        if "plan" in sheets:
            self.import_plan(sheets["plan"])
        if "organisations" in sheets:
            self.import_organisations(sheets["organisations"])
        if "dimensions" in sheets:
            self.import_dimensions(sheets["dimensions"])
        plan_sheets = [
            name
            for name in ("pillars", "objectives", "indicators", "targets", "activities")
            if name in sheets
        ]
        if not plan_sheets:
            return
        if "plan" not in sheets:
            try:
                self.plan = plan_resolve(self.plan_code)
            except ValidationError as error:
                self.result.add_error(plan_sheets[0], None, "", error.messages[0])
                return
        if self.plan is None:
            return  # the plan row is bad, and already reported
        self.result.plan = self.plan.code
        self.load_plan()
        for name in plan_sheets:
            getattr(self, f"import_{name}")(sheets[name])

    def load_plan(self) -> None:
        plan = self.plan
        self.periods = {p.code: p for p in plan.periods.all()}
        self.pillars = {p.code: p for p in Pillar.objects.filter(plan=plan)}
        self.objectives = {o.code: o for o in Objective.objects.filter(plan=plan)}
        self.indicators = {
            i.code: i
            for i in Indicator.objects.filter(plan=plan).prefetch_related("contributors", "disaggregation")
        }
        self.activities = {
            a.code: a for a in Activity.objects.filter(plan=plan).prefetch_related("supporting")
        }

    # -- helpers shared by the sheets ---------------------------------------

    def row_code(self, sheet: Sheet, row: Row, seen: dict, column: str = "code") -> str | None:
        """The row's key, or None (reported) when empty or given twice."""
        code = row.get(column)
        if not code:
            self.result.add_error(sheet.name, row.line, column, _("This field cannot be blank."))
            return None
        if code in seen:
            self.result.add_error(
                sheet.name,
                row.line,
                column,
                _("%(code)s is already on line %(line)s of this sheet.") % {"code": code, "line": seen[code]},
            )
            return None
        seen[code] = row.line
        return code

    def assign(self, sheet: Sheet, row: Row, obj: models.Model, names: list[str]) -> set[str]:
        """Set the plain columns of ``row`` on ``obj``; the fields that could
        not be read (reported) are returned. A column the sheet leaves out
        keeps what is there."""
        bad = set()
        for name in names:
            if name not in row.cells:
                continue
            try:
                setattr(obj, name, field_value(obj._meta.get_field(name), row.cells[name]))
            except ValidationError as error:
                for message in error.messages:
                    self.result.add_error(sheet.name, row.line, name, message)
                bad.add(name)
        return bad

    def reference(
        self, sheet: Sheet, row: Row, column: str, known: dict, kind: str, what: str, unknown: str = ""
    ):
        """The object a code in ``column`` names, or None (reported)."""
        code = row.get(column)
        if not code:
            self.result.add_error(sheet.name, row.line, column, _("This field cannot be blank."))
            return None
        if code in self.failed[kind]:
            # Its own row is reported; the rest of this row is still checked
            # but, like the parent, not saved.
            return None
        if code not in known:
            message = unknown or _("Unknown %(what)s code %(code)s.")
            self.result.add_error(sheet.name, row.line, column, message % {"what": what, "code": code})
            return None
        return known[code]

    def references(self, sheet: Sheet, row: Row, column: str, known: dict, what: str) -> list | None:
        """The objects a list of codes (``A; B``) names; None when the sheet
        has no such column (keep what is there) or a code is unknown."""
        if column not in row.cells:
            return None
        codes = split_codes(row.get(column))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self.result.add_error(
                sheet.name,
                row.line,
                column,
                _("Unknown %(what)s codes: %(codes)s.") % {"what": what, "codes": ", ".join(unknown)},
            )
            return None
        return [known[code] for code in codes]

    def save_row(
        self,
        kind: str,
        sheet: Sheet,
        row: Row,
        obj: models.Model,
        *,
        before: dict | None,
        bad: set[str],
        errors_before: int,
        columns: dict[str, str],
        relations: dict[str, list | None] | None = None,
    ) -> bool:
        """Validate ``obj`` as the admin does and save it if it is new or changed.

        ``before`` is the snapshot taken before the row was applied (None for
        a new object); ``relations`` are many-to-many fields to set exactly.
        Returns False when the row is bad (reported), or names a parent whose
        own row is bad.
        """
        new_relations = {
            name: {o.pk for o in objects}
            for name, objects in (relations or {}).items()
            if objects is not None
        }
        old_relations = (
            {name: {o.pk for o in getattr(obj, name).all()} for name in new_relations}
            if before is not None
            else {}
        )

        def unchanged() -> bool:
            return (
                before is not None
                and field_snapshot(obj, before) == before
                and old_relations == new_relations
            )

        if len(self.result.errors) == errors_before and not bad and unchanged():
            # What is stored is what the row says. It is not written, so
            # checking it again would only slow a re-import down.
            self.result.count(kind, "unchanged")
            return True
        try:
            obj.full_clean(exclude=bad or None)
        except ValidationError as error:
            report_validation(self.result, sheet.name, row.line, error, type(obj), columns)
        if len(self.result.errors) > errors_before or bad:
            return False
        if unchanged():  # equal once clean() has normalised the names
            self.result.count(kind, "unchanged")
            return True
        obj.save()
        for name, ids in new_relations.items():
            getattr(obj, name).set(ids)
        self.result.count(kind, "created" if before is None else "updated")
        return True

    def save_coded_row(
        self,
        kind: str,
        sheet: Sheet,
        row: Row,
        obj: models.Model,
        *,
        code: str,
        known: dict,
        before: dict | None,
        bad: set[str],
        errors_before: int,
        relations: dict[str, list | None] | None = None,
    ) -> bool:
        """save_row() for a row keyed by its code. Saved, ``obj`` is what later
        rows name by that code; refused, the code is marked failed, so that rows
        naming it are checked but neither saved nor blamed for it."""
        saved = self.save_row(
            kind,
            sheet,
            row,
            obj,
            before=before,
            bad=bad,
            errors_before=errors_before,
            columns=self.columns_of(kind),
            relations=relations,
        )
        if saved:
            known[code] = obj
        else:
            self.failed[kind].add(code)
        return saved

    def columns_of(self, sheet_name: str) -> dict[str, str]:
        """Field → column, to put a model's message under the right column."""
        columns = {name: name for name in PLAIN_COLUMNS.get(sheet_name, [])}
        columns.update({name: column for column, name in REFERENCE_COLUMNS.get(sheet_name, {}).items()})
        return columns

    # -- the sheets ---------------------------------------------------------

    def import_plan(self, sheet: Sheet) -> None:
        row = self.plan_row(sheet)
        if row is None:
            return
        code = self.row_code(sheet, row, {})
        if code is None:
            return
        errors_before = len(self.result.errors)
        plan = Plan.objects.filter(code=code).first()
        creating = plan is None
        if creating:
            plan = Plan(code=code)
        names = PLAIN_COLUMNS["plan"]
        before = field_snapshot(plan, names)
        self.check_plan_row(sheet, row, plan, names)
        if len(self.result.errors) > errors_before:
            # Check the other sheets against the plan as it stands, if it exists.
            self.plan = None if creating else Plan.objects.get(pk=plan.pk)
            return
        changed = creating or field_snapshot(plan, names) != before
        if not self.save_plan(sheet, row, plan, before=before, changed=changed):
            self.plan = Plan.objects.get(pk=plan.pk)
            return
        self.result.count("plans", "created" if creating else ("updated" if changed else "unchanged"))
        self.plan = plan

    def plan_row(self, sheet: Sheet) -> Row | None:
        """The sheet's one row, or None (reported) when there is none."""
        if not sheet.rows:
            self.result.add_error(sheet.name, 2, "", _("Give the plan on the row under the header."))
            return None
        for extra in sheet.rows[1:]:
            self.result.add_error(
                sheet.name, extra.line, "", _("A workbook holds one plan: one row on this sheet.")
            )
        return sheet.rows[0]

    def check_plan_row(self, sheet: Sheet, row: Row, plan: Plan, names: list[str]) -> None:
        """Set the row's columns on ``plan`` and check it as the admin does (reported)."""
        bad = self.assign(sheet, row, plan, names)
        try:
            plan.full_clean(exclude=bad or None)
        except ValidationError as error:
            report_validation(self.result, sheet.name, row.line, error, Plan, self.columns_of("plan"))

    def save_plan(self, sheet: Sheet, row: Row, plan: Plan, *, before: dict, changed: bool) -> bool:
        """Save the plan and lay out its quarters; False when refused (reported)."""
        try:
            if changed:
                # The one service that saves a plan also lays out its quarters.
                plan_save(actor=self.actor, plan=plan)
            else:
                plan_sync_periods(plan=plan)
        except ValidationError as error:
            column = "start_year" if plan.start_year != before["start_year"] else "end_year"
            for message in error.messages:
                self.result.add_error(sheet.name, row.line, column, message)
            return False
        except models.ProtectedError:
            self.result.add_error(
                sheet.name,
                row.line,
                "end_year",
                _("Activities are planned in quarters outside these years; move them first."),
            )
            return False
        return True

    def import_organisations(self, sheet: Sheet) -> None:
        names = PLAIN_COLUMNS["organisations"]
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            organisation = self.organisations.get(code) or Organisation(code=code)
            before = field_snapshot(organisation, names) if organisation.pk else None
            bad = self.assign(sheet, row, organisation, names)
            self.save_coded_row(
                "organisations",
                sheet,
                row,
                organisation,
                code=code,
                known=self.organisations,
                before=before,
                bad=bad,
                errors_before=errors_before,
            )

    def import_dimensions(self, sheet: Sheet) -> None:
        names = PLAIN_COLUMNS["dimensions"]
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            dimension = self.dimensions.get(code) or Dimension(code=code)
            before = field_snapshot(dimension, names) if dimension.pk else None
            bad = self.assign(sheet, row, dimension, names)
            categories = self.categories_of(sheet, row)
            if categories is None:
                self.failed["dimensions"].add(code)
            elif self.save_coded_row(
                "dimensions",
                sheet,
                row,
                dimension,
                code=code,
                known=self.dimensions,
                before=before,
                bad=bad,
                errors_before=errors_before,
            ):
                self.import_categories(sheet, row, dimension, categories)

    def categories_of(self, sheet: Sheet, row: Row) -> list[tuple[str, str]] | None:
        """``F=Female; M=Male`` → [("F", "Female"), ("M", "Male")], or None (reported)."""
        categories = []
        for part in row.get("categories").split(";"):
            if not part.strip():
                continue
            code, equals, name = (text.strip() for text in part.partition("="))
            if not equals or not code or not name:
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "categories",
                    _("Write each category as CODE=English name, joined by ; (not “%(part)s”).")
                    % {"part": part.strip()},
                )
                return None
            if code in dict(categories):
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "categories",
                    _("Category %(code)s is given twice.") % {"code": code},
                )
                return None
            categories.append((code, name))
        if not categories:
            self.result.add_error(sheet.name, row.line, "categories", _("Give at least one category."))
            return None
        return categories

    def import_categories(self, sheet: Sheet, row: Row, dimension: Dimension, categories) -> None:
        # Categories not listed are kept: stored figures may name them.
        existing = {c.code: c for c in dimension.categories.all()}
        for position, (code, name) in enumerate(categories, start=1):
            errors_before = len(self.result.errors)
            category = existing.get(code) or Category(dimension=dimension, code=code)
            before = field_snapshot(category, ["name", "position"]) if category.pk else None
            category.name = name
            category.position = position
            self.save_row(
                "categories",
                sheet,
                row,
                category,
                before=before,
                bad=set(),
                errors_before=errors_before,
                columns={"code": "categories", "name": "categories"},
            )

    def import_pillars(self, sheet: Sheet) -> None:
        self.import_plan_rows(sheet, "pillars", Pillar, self.pillars)

    def import_objectives(self, sheet: Sheet) -> None:
        self.import_plan_rows(sheet, "objectives", Objective, self.objectives)

    def import_indicators(self, sheet: Sheet) -> None:
        relations = {
            "contributors": (self.organisations, _("organisation")),
            "disaggregation": (self.dimensions, _("dimension")),
        }
        self.import_plan_rows(
            sheet,
            "indicators",
            Indicator,
            self.indicators,
            relations,
            # The rule the admin's indicator form applies too.
            related_errors=lambda indicator, related: contributors_errors(
                indicator.aggregation, related["contributors"]
            ),
        )

    def import_plan_rows(
        self,
        sheet: Sheet,
        kind: str,
        model: type[models.Model],
        known: dict,
        relations: dict[str, tuple[dict, str]] | None = None,
        related_errors=None,
    ) -> None:
        """A sheet of the plan's tree (pillars, objectives, indicators or
        activities): rows keyed by code, in the plan's order, naming their
        parent (pillar or objective), lead and quarters by code, and a list of
        codes per many-to-many field in ``relations`` (column → known codes,
        what they are). ``related_errors(obj, related)`` checks a row against
        what its many-to-many columns name: column → message."""
        names = [*PLAIN_COLUMNS[kind], *REFERENCE_COLUMNS.get(kind, {}).values(), "position"]
        seen = {}
        for position, row in enumerate(sheet.rows, start=1):
            errors_before = len(self.result.errors)
            code = self.row_code(sheet, row, seen)
            if code is None:
                continue
            obj = known.get(code) or model(plan=self.plan, code=code)
            obj.plan = self.plan  # clean() reads the plan's years
            before = field_snapshot(obj, names) if obj.pk else None
            bad = self.assign(sheet, row, obj, PLAIN_COLUMNS[kind])
            bad |= self.set_references(sheet, row, obj, kind)
            obj.position = position
            related = {
                column: self.references(sheet, row, column, codes, what)
                for column, (codes, what) in (relations or {}).items()
            }
            for column, message in (related_errors(obj, related) if related_errors else {}).items():
                self.result.add_error(sheet.name, row.line, column, message)
                bad.add(column)
            self.save_coded_row(
                kind,
                sheet,
                row,
                obj,
                code=code,
                known=known,
                before=before,
                bad=bad,
                errors_before=errors_before,
                relations=related,
            )

    def set_references(self, sheet: Sheet, row: Row, obj: models.Model, sheet_name: str) -> set[str]:
        """Set the pillar, objective, lead, start and end named by codes; the
        fields that could not be set (reported) are returned."""
        lookups = {
            "pillar": (self.pillars, "pillars", _("pillar")),
            "objective": (self.objectives, "objectives", _("objective")),
            "lead": (self.organisations, "organisations", _("organisation")),
            "start": (self.periods, "periods", _("quarter")),
            "end": (self.periods, "periods", _("quarter")),
        }
        bad = set()
        for column, name in REFERENCE_COLUMNS.get(sheet_name, {}).items():
            known, kind, what = lookups[column]
            unknown = ""
            if kind == "periods":
                row.cells[column] = row.get(column).upper()
                unknown = _("%(code)s is not a quarter of this plan (write it like 2025-Q3).")
            target = self.reference(sheet, row, column, known, kind, what, unknown)
            if target is None:
                bad.add(name)
            else:
                setattr(obj, name, target)
        return bad

    def import_targets(self, sheet: Sheet) -> None:
        existing = {(t.indicator_id, t.year): t for t in Target.objects.filter(indicator__plan=self.plan)}
        seen = {}
        for row in sheet.rows:
            errors_before = len(self.result.errors)
            indicator = self.reference(sheet, row, "indicator", self.indicators, "indicators", _("indicator"))
            # Read the year and the target through a Target, as the admin does.
            target = Target()
            bad = self.assign(sheet, row, target, ["year"])
            try:
                target.value = field_value(Target._meta.get_field("value"), row.get("target"))
            except ValidationError as error:
                self.result.add_error(sheet.name, row.line, "target", error.messages[0])
                bad.add("value")
            if indicator is None or "year" in bad or target.year is None:
                if target.year is None and "year" not in bad:
                    self.result.add_error(sheet.name, row.line, "year", _("This field cannot be blank."))
                continue
            key = (indicator.code, target.year)
            if key in seen:
                self.result.add_error(
                    sheet.name,
                    row.line,
                    "year",
                    _("The target of %(indicator)s for %(year)s is already on line %(line)s.")
                    % {"indicator": indicator.code, "year": target.year, "line": seen[key]},
                )
                continue
            seen[key] = row.line
            indicator.plan = self.plan  # target_errors() reads the plan's years
            value = target.value
            target = existing.get((indicator.pk, target.year)) or Target(year=target.year)
            target.indicator = indicator
            before = field_snapshot(target, ["value"]) if target.pk else None
            if "value" not in bad:
                target.value = value
            self.save_row(
                "targets",
                sheet,
                row,
                target,
                before=before,
                bad=bad,
                errors_before=errors_before,
                columns={"indicator": "indicator", "year": "year", "value": "target"},
            )

    def import_activities(self, sheet: Sheet) -> None:
        relations = {"supporting": (self.organisations, _("organisation"))}
        self.import_plan_rows(sheet, "activities", Activity, self.activities, relations)
