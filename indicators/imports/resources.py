"""The plan workbook's sheets as django-import-export resources, one per sheet
(docs/imports.md, "The plan workbook").

Codes are the keys (``import_id_fields``); a column of codes names other rows
through the widgets below, which look them up among the codes known to the
import (those stored, and those of rows read earlier in the same workbook), so
that an objective can name a pillar created three sheets before. The models'
own ``full_clean()`` gives every message.

The same resources serve the admin's import and export buttons (one sheet at a
time, with the library's preview), ``import_plan`` and ``export_plan``, and the
workbook endpoint (indicators/imports/plan_workbook.py reads and writes the
whole workbook with them, all or nothing).
"""

from collections import Counter, defaultdict
from copy import copy
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.exceptions import FieldError
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Error

from indicators.imports.files import (
    CONTROL_CHARACTERS,
    ImportResult,
    cell_text,
    constraint_field,
    split_codes,
    yes_no,
)
from indicators.models import Category, Dimension, Indicator, Target, contributors_errors
from plans.formatting import plain_number
from plans.models import Organisation, Plan, normalise_text
from plans.services import audit_record, plan_save, plan_sync_periods, scores_mark_stale
from strategies.models import Activity, Objective, Pillar

# --- What the import knows --------------------------------------------------------


class Exchange:
    """What one import knows: the plan the sheets belong to, the codes of each
    kind (stored, or read from an earlier sheet), and the codes whose own row
    was refused. A row naming a refused code is still checked but neither
    saved nor blamed for its parent's mistake."""

    PLAN_KINDS = ("pillars", "objectives", "indicators", "activities", "periods")

    def __init__(self, *, actor=None, plan: Plan | None = None, whole_workbook: bool = False):
        self.actor = actor
        self.plan = plan
        # An import of one sheet (the admin) records itself; the whole workbook once, at the end.
        self.whole_workbook = whole_workbook
        self.known: dict[str, dict] = {}
        self.failed: dict[str, set[str]] = defaultdict(set)
        self.plan_refused = False  # the plan sheet's row was refused
        # Sheets refused whole (a column missing): a code of theirs is not blamed on the row naming it.
        self.refused_sheets: set[str] = set()

    def plan_set(self, plan: Plan | None) -> None:
        self.plan = plan
        for kind in self.PLAN_KINDS:
            self.known.pop(kind, None)

    def codes(self, kind: str) -> dict:
        if kind not in self.known:
            self.known[kind] = self.stored_codes(kind)
        return self.known[kind]

    def stored_codes(self, kind: str) -> dict:
        if kind == "organisations":
            return {o.code: o for o in Organisation.objects.all()}
        if kind == "dimensions":
            return {d.code: d for d in Dimension.objects.all()}
        if self.plan is None or self.plan.pk is None:
            return {}
        if kind == "periods":
            return {p.code: p for p in self.plan.periods.all()}
        model = {"pillars": Pillar, "objectives": Objective, "indicators": Indicator, "activities": Activity}[
            kind
        ]
        found = {}
        for obj in model.objects.filter(plan=self.plan):
            obj.plan = self.plan  # clean() and target_errors() read the plan's years
            found[obj.code] = obj
        return found


class ParentRefused(Exception):
    """The code names a row refused on its own sheet (and reported there)."""


class HeaderProblem(ValueError):
    """A problem of the header row: (line, column, message)."""

    def __str__(self):
        line, column, message = self.args[0]
        return f"{_('line %(line)s') % {'line': line}}, {column}: {message}" if column else message


# --- Widgets: how a cell is read and written ---------------------------------------


class ExchangeWidget(widgets.Widget):
    exchange: Exchange | None = None


class TextWidget(widgets.CharWidget):
    """Text as typed, NFC-normalised as the models store it (Khmer names typed
    with different subscript sequences compare equal). Control characters
    (a NUL byte) are refused."""

    def __init__(self, *, upper: bool = False):
        super().__init__(allow_blank=True)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if CONTROL_CHARACTERS.search(text):
            raise ValueError(_("This cell holds a control character that cannot be imported: type it again."))
        text = normalise_text(text)
        # Choice values (MINISTRY, SUM, …) are capitals; accept "sum" too.
        return text.upper() if self.upper else text


class NumberWidget(widgets.Widget):
    """A number read as the model field reads it (its own message for "abc");
    an empty cell is the field's default. Written as a plain number."""

    def __init__(self, model_field: models.Field):
        super().__init__()
        self.model_field = model_field

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None  # Field.clean() gives the model field's default
        try:
            return self.model_field.to_python(text)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from error

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, Decimal):
            # 10.0000 → 10, 0.850 → 0.85: a number Excel shows as typed; as text
            # the rare figure a binary number would not give back exactly.
            if value == value.to_integral_value():
                return int(value)
            return float(value) if Decimal(repr(float(value))) == value else plain_number(value)
        return value


class YesNoWidget(widgets.Widget):
    """yes/no (also true/false, 1/0); an empty cell is the field's default."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        try:
            return yes_no(text)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class CodeWidget(ExchangeWidget):
    """A code naming one row of another sheet (or a quarter): the object."""

    def __init__(self, kind: str, what, *, unknown=None, upper: bool = False):
        super().__init__()
        self.kind, self.what, self.unknown, self.upper = kind, what, unknown, upper

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if self.upper:
            code = code.upper()
        if not code:
            raise ValueError(_("This field cannot be blank."))
        if code in self.exchange.failed[self.kind]:
            raise ParentRefused(code)
        found = self.exchange.codes(self.kind).get(code)
        if found is None and self.kind in self.exchange.refused_sheets:
            raise ParentRefused(code)
        if found is None:
            message = str(self.unknown or gettext_lazy("Unknown %(what)s code %(code)s."))
            raise ValueError(message % {"what": self.what, "code": code})
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code


class CodesWidget(widgets.ManyToManyWidget, ExchangeWidget):
    """Codes joined by ``;`` (``MOJ;MOSVY``): the objects, each once, in order."""

    def __init__(self, model, kind: str, what):
        super().__init__(model, separator=";", field="code")
        self.kind, self.what = kind, what

    def clean(self, value, row=None, **kwargs):
        codes = split_codes(cell_text(value))
        known = self.exchange.codes(self.kind)
        failed = self.exchange.failed[self.kind]
        unknown = [code for code in codes if code not in known and code not in failed]
        if unknown and self.kind in self.exchange.refused_sheets:
            raise ParentRefused(codes)
        if unknown:
            raise ValueError(
                _("Unknown %(what)s codes: %(codes)s.") % {"what": self.what, "codes": ", ".join(unknown)}
            )
        if any(code in failed for code in codes):
            raise ParentRefused(codes)
        return [known[code] for code in codes]


def text_field(column: str, *, upper: bool = False) -> fields.Field:
    return fields.Field(attribute=column, column_name=column, widget=TextWidget(upper=upper))


def number_field(model, name: str, column: str = "") -> fields.Field:
    model_field = model._meta.get_field(name)
    return fields.Field(
        attribute=name,
        column_name=column or name,
        widget=NumberWidget(model_field),
        default=model_field.default,
    )


def yes_no_field(model, name: str) -> fields.Field:
    return fields.Field(
        attribute=name, column_name=name, widget=YesNoWidget(), default=model._meta.get_field(name).default
    )


def code_field(attribute: str, kind: str, what, column: str = "", **options) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column or attribute, widget=CodeWidget(kind, what, **options)
    )


def codes_field(attribute: str, model, kind: str, what) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=CodesWidget(model, kind, what))


# --- Loading the stored rows -------------------------------------------------------


class KeyedInstanceLoader(BaseInstanceLoader):
    """The stored rows of the sheet, read once and found by their key (a code;
    an indicator's code and a year for a target)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = {resource.instance_key(obj): obj for obj in resource.get_queryset()}

    def get_instance(self, row):
        return self.instances.get(self.resource.row_key(row))


# --- The sheets ----------------------------------------------------------------------


class SheetResource(resources.ModelResource):
    """What every sheet shares: codes as keys, a row given twice refused, rows
    in the sheet's order, every bad row refused with the model's own message,
    and an unchanged row counted as such and not written."""

    sheet = ""
    count_as = ""  # what a row is, in the counts
    required: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ("code",)
    related: tuple[str, ...] = ()  # select_related for reading and exporting
    prefetch: tuple[str, ...] = ()

    def __init__(self, *, exchange: Exchange | None = None, plan=None, actor=None, lines=None, **kwargs):
        super().__init__(**kwargs)
        self.exchange = exchange or Exchange(actor=actor, plan=plan)
        for field in self.fields.values():
            if isinstance(field.widget, ExchangeWidget):
                field.widget.exchange = self.exchange
        # The spreadsheet line of each data row (header = 1), when the file was read before.
        self.lines = lines
        self.problems: list[tuple[int | None, str, str]] = []  # (line, column, message) of the header
        self.seen: dict = {}
        self.position = 0
        self.held: set[str] = set()
        self.extra_counts: dict[str, Counter] = defaultdict(Counter)
        self.snapshot: dict | None = None  # the stored row's values, to tell an unchanged row
        if self.exchange.whole_workbook:
            # No preview page to show a diff on: neither copied nor built, which is faster.
            self._meta = copy(self._meta)
            self._meta.skip_diff = True

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = KeyedInstanceLoader
        store_instance = True  # the row's object, for row_done()

    @classmethod
    def columns(cls) -> list[str]:
        return cls().column_names()

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_export_fields()]

    # -- keys --

    def row_key(self, row):
        key = tuple(cell_text(row.get(column)) for column in self.key_columns)
        return key if all(key) else None

    def instance_key(self, obj):
        return (obj.code,)

    def get_queryset(self):
        return self._meta.model.objects.select_related(*self.related).prefetch_related(*self.prefetch)

    # -- the header (a file read by the admin; the workbook's is read by plan_workbook.py) --

    def before_import(self, dataset, **kwargs):
        if self.lines is not None:
            return
        header = [cell_text(column).lower() for column in dataset.headers or []]
        known = self.column_names()
        for column in header:
            if column and column not in known:
                message = _("Unknown column; the columns are: %(columns)s.") % {"columns": ", ".join(known)}
                self.problems.append((1, column, message))
        missing = [column for column in self.required if column not in header]
        for column in missing:
            self.problems.append((1, column, _("This column is missing.")))
        rows, self.lines = [], []
        for line, values in enumerate(dataset, start=2):
            texts = [cell_text(value) for value in values]
            if any(texts):
                rows.append(texts)
                self.lines.append(line)
        dataset.wipe()
        if missing:
            return  # every row would be reported for the missing column: one error says it
        dataset.headers = header
        for texts in rows:
            dataset.append(texts)

    def line(self, row_number: int | None) -> int | None:
        if row_number is None:
            return None
        return self.lines[row_number - 1] if self.lines else row_number + 1

    # -- a row --

    def init_instance(self, row=None):
        return self._meta.model()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ParentRefused:
            self.held.add(field.attribute)

    def import_instance(self, instance, row, **kwargs):
        self.held = set()
        self.position += 1
        errors = {}
        key = self.row_key(row)
        if key is not None and key in self.seen:
            errors[self.key_columns[-1]] = self.duplicate_message(key, self.seen[key])
        elif key is not None:
            self.seen[key] = self.line(kwargs.get("row_number"))
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.message_dict)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ParentRefused:
                    self.held.add(field.attribute)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        errors.update(self.row_errors(instance, row))
        if errors:
            raise ValidationError(errors)

    def duplicate_message(self, key, line) -> str:
        return _("%(code)s is already on line %(line)s of this sheet.") % {"code": key[0], "line": line}

    def row_errors(self, instance, row) -> dict:
        """Checks of the row beyond its model's ``full_clean()``: field → message."""
        return {}

    def after_init_instance(self, instance, new, row, **kwargs):
        self.snapshot = None if new else self.compared(instance, row, stored=True)

    def compared(self, instance, row, *, stored: bool) -> dict:
        """The values of the row's columns: as stored, or as the row gives them
        (the many-to-many ones are set only after the save)."""
        values = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                related = field.get_value(instance).all() if stored else field.clean(row)
                values[field.attribute] = sorted(obj.pk for obj in related)
            else:
                value = field.get_value(instance)
                values[field.attribute] = value.pk if isinstance(value, models.Model) else value
        return values

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: what is stored is what the row says; not written, nor checked again."""
        if self.held or import_validation_errors or self.snapshot is None:
            return False
        return self.compared(instance, row, stored=False) == self.snapshot

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=set(errors) | self.held, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self.held:  # a row naming a refused parent is checked, not written
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not self.held:
            super().save_m2m(instance, row, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        # Here, not in after_import_row(), which the library calls for good rows only.
        self.row_done(row, row_result)
        return row_result

    def row_done(self, row, row_result) -> None:
        """Remember the row's code: refused, or what later rows name by it."""
        key = self.row_key(row)
        if key is None:
            return
        refused = row_result.import_type in (row_result.IMPORT_TYPE_INVALID, row_result.IMPORT_TYPE_ERROR)
        if refused or self.held:  # held: names a refused parent, and is not saved either
            self.exchange.failed[self.count_as].add(key[0])
        elif row_result.instance is not None:
            self.exchange.codes(self.count_as)[key[0]] = row_result.instance

    # -- the sheet --

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        for problem in self.problems:
            # Shown on the admin's preview, which lists the sheet's errors.
            result.append_base_error(Error(HeaderProblem(problem)))
        if (
            self.exchange.whole_workbook
            or kwargs.get("dry_run")
            or result.has_errors()
            or result.has_validation_errors()
        ):
            return
        # One sheet imported through the admin: recorded, and the scores marked stale.
        outcome = ImportResult()
        self.results_into(result, outcome)
        plan = self.exchange.plan
        audit_record(
            actor=kwargs.get("user") or self.exchange.actor,
            action="plan.import",
            target=plan,
            plan=plan,
            details={"sheet": self.sheet, "counts": outcome.counts()},
        )
        if plan is not None and plan.pk is not None and outcome.changed:
            scores_mark_stale(plan_id=plan.pk, from_index=1)

    def results_into(self, result, outcome: ImportResult) -> None:
        """The library's result as NTIP's: every bad row with its sheet, line,
        column and reason, and the counts."""
        self.errors_into(result, outcome)
        outcomes = {"new": "created", "update": "updated", "skip": "unchanged"}
        for row in result.rows:
            if row.import_type in outcomes:
                outcome.count(self.count_as, outcomes[row.import_type])
        for kind, counts in self.extra_counts.items():
            for name, count in counts.items():
                outcome.count(kind, name)
                getattr(outcome, name)[kind] += count - 1

    def errors_into(self, result, outcome: ImportResult) -> None:
        for line, column, message in self.problems:
            outcome.add_error(self.sheet, line, column, message)
        for error in result.base_errors:
            # A missing key column is said once, as "This column is missing."
            if not isinstance(error.error, HeaderProblem | FieldError):
                outcome.add_error(self.sheet, None, "", str(error.error))
        for invalid in result.invalid_rows:
            for name, messages in invalid.error.message_dict.items():
                for message in messages:
                    outcome.add_error(
                        self.sheet, self.line(invalid.number), self.column_of(name, message), message
                    )
        for number, errors in result.row_errors():
            for error in errors:
                outcome.add_error(self.sheet, self.line(number), "", str(error.error))

    def column_of(self, name: str, message: str) -> str:
        """The column a model's message is about: a database check such as "A
        weight cannot be negative." comes for the whole row, and the officer
        needs to know which cell to fix."""
        if name == NON_FIELD_ERRORS:
            name = constraint_field(self._meta.model, message) or ""
        columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
        return columns.get(name) or (name if name in columns.values() else "")

    # -- export --

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related(*self.related).prefetch_related(*self.prefetch)
        return super().export(queryset, **kwargs)


class PlanScopedResource(SheetResource):
    """A sheet of the plan's tree: its rows belong to the plan the import is for."""

    def get_queryset(self):
        return super().get_queryset().filter(plan=self.exchange.plan)

    def init_instance(self, row=None):
        return self._meta.model(plan=self.exchange.plan)

    def import_instance(self, instance, row, **kwargs):
        instance.plan = self.exchange.plan  # clean() reads the plan's years
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # Rows are shown in the order of the sheet.
            instance.position = self.position

    def compared(self, instance, row, *, stored: bool) -> dict:
        return {**super().compared(instance, row, stored=stored), "position": instance.position}


class PlanResource(SheetResource):
    sheet, count_as = "plan", "plans"
    required = ("code", "name", "start_year", "end_year")
    code = text_field("code")
    name = text_field("name")
    name_km = text_field("name_km")
    start_year = number_field(Plan, "start_year")
    end_year = number_field(Plan, "end_year")
    on_track = number_field(Plan, "on_track")
    at_risk = number_field(Plan, "at_risk")
    is_public = yes_no_field(Plan, "is_public")

    class Meta(SheetResource.Meta):
        model = Plan
        fields = ["code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public"]
        import_id_fields = ["code"]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if dataset.headers is None:
            return
        if not len(dataset):
            self.problems.append((2, "", _("Give the plan on the row under the header.")))
        for index in range(len(dataset) - 1, 0, -1):
            self.problems.append(
                (self.line(index + 1), "", _("A workbook holds one plan: one row on this sheet."))
            )
            del dataset[index]

    def save_instance(self, instance, is_create, row, **kwargs):
        # The one service that saves a plan also lays out its quarters.
        before = Plan.objects.filter(pk=instance.pk).values("start_year").first()
        try:
            plan_save(actor=kwargs.get("user") or self.exchange.actor, plan=instance)
        except ValidationError as error:
            column = "start_year" if before and before["start_year"] != instance.start_year else "end_year"
            raise ValidationError({column: error.messages}) from error
        except models.ProtectedError as error:
            raise ValidationError(
                {"end_year": _("Activities are planned in quarters outside these years; move them first.")}
            ) from error

    def row_done(self, row, row_result) -> None:
        if row_result.import_type in (row_result.IMPORT_TYPE_INVALID, row_result.IMPORT_TYPE_ERROR):
            # Check the other sheets against the plan as it stands, if it exists.
            key = self.row_key(row)
            self.exchange.plan_set(Plan.objects.filter(code=key[0]).first() if key else None)
            self.exchange.plan_refused = True
            return
        if row_result.import_type == row_result.IMPORT_TYPE_SKIP:
            plan_sync_periods(plan=row_result.instance)
        self.exchange.plan_set(row_result.instance)


class OrganisationResource(SheetResource):
    sheet = count_as = "organisations"
    required = ("code", "name", "kind")
    code = text_field("code")
    name = text_field("name")
    name_km = text_field("name_km")
    kind = text_field("kind", upper=True)

    class Meta(SheetResource.Meta):
        model = Organisation
        fields = ["code", "name", "name_km", "kind"]
        import_id_fields = ["code"]

    def get_queryset(self):
        return super().get_queryset().order_by("kind", "code")


class DimensionResource(SheetResource):
    sheet = count_as = "dimensions"
    required = ("code", "name", "categories")
    prefetch = ("categories",)
    code = text_field("code")
    name = text_field("name")
    name_km = text_field("name_km")
    categories = fields.Field(column_name="categories", widget=TextWidget())

    class Meta(SheetResource.Meta):
        model = Dimension
        fields = ["code", "name", "name_km", "categories"]
        import_id_fields = ["code"]

    def dehydrate_categories(self, dimension) -> str:
        return ";".join(
            f"{c.code}={c.name}={c.name_km}" if c.name_km else f"{c.code}={c.name}"
            for c in dimension.categories.all()
        )

    def import_instance(self, instance, row, **kwargs):
        self.wanted = []
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.message_dict
        else:
            errors = {}
        if "categories" in row:
            try:
                self.wanted = categories_read(row["categories"])
            except ValueError as error:
                errors["categories"] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        stored = {c.code: c for c in instance.categories.all()} if instance.pk else {}
        same = all(
            code in stored
            and category_as_wanted(stored[code], position, name, name_km) == category_state(stored[code])
            for position, code, name, name_km in self.wanted
        )
        return same and super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        # Categories left out of the list are kept: stored figures may name them.
        stored = {c.code: c for c in instance.categories.all()}
        errors = {}
        for position, code_, name, name_km in self.wanted:
            category = stored.get(code_) or Category(dimension=instance, code=code_)
            before = category_state(category) if category.pk else None
            after = category_as_wanted(category, position, name, name_km)
            category.position, category.name, category.name_km = after
            if before == after:
                self.extra_counts["categories"]["unchanged"] += 1
                continue
            try:
                category.full_clean()
            except ValidationError as error:
                errors["categories"] = error.messages
                continue
            category.save()
            self.extra_counts["categories"]["created" if before is None else "updated"] += 1
        if errors:
            raise ValidationError(errors)

    def row_done(self, row, row_result) -> None:
        super().row_done(row, row_result)
        if row_result.import_type == row_result.IMPORT_TYPE_SKIP:
            self.extra_counts["categories"]["unchanged"] += len(self.wanted)


def category_state(category: Category) -> tuple[int, str, str]:
    return category.position, category.name, category.name_km


def category_as_wanted(
    category: Category, position: int, name: str, name_km: str | None
) -> tuple[int, str, str]:
    """The category as a row of the sheet wants it: a row without a Khmer
    part (a workbook from before there was one) keeps the Khmer name stored."""
    return position, name, category.name_km if name_km is None else name_km


def categories_read(value) -> list[tuple[int, str, str, str | None]]:
    """``F=Female=ស្រី; M=Male`` → [(0, "F", "Female", "ស្រី"), (1, "M", "Male", None)]:
    the Khmer part is optional (None: not given, keep the stored one; an empty
    one after a second ``=`` clears it)."""
    found = []
    for part in cell_text(value).split(";"):
        if not part.strip():
            continue
        pieces = [normalise_text(piece) for piece in part.split("=", 2)]
        code_, name = pieces[0], pieces[1] if len(pieces) > 1 else ""
        name_km = pieces[2] if len(pieces) > 2 else None
        if not code_ or not name or (name_km is not None and "=" in name_km):
            raise ValueError(
                _(
                    "Write each category as CODE=English name or CODE=English name=Khmer name, "
                    "joined by ; (not “%(part)s”)."
                )
                % {"part": part.strip()}
            )
        if code_ in {c for _p, c, _n, _k in found}:
            raise ValueError(_("Category %(code)s is given twice.") % {"code": code_})
        found.append((len(found), code_, name, name_km))  # positions from 0, as the admin's
    if not found:
        raise ValueError(_("Give at least one category."))
    return found


class PillarResource(PlanScopedResource):
    sheet = count_as = "pillars"
    required = ("code", "name")
    code = text_field("code")
    name = text_field("name")
    name_km = text_field("name_km")
    weight = number_field(Pillar, "weight")

    class Meta(SheetResource.Meta):
        model = Pillar
        fields = ["code", "name", "name_km", "weight"]
        import_id_fields = ["code"]


class ObjectiveResource(PlanScopedResource):
    sheet = count_as = "objectives"
    required = ("code", "pillar", "name")
    related = ("pillar",)
    code = text_field("code")
    pillar = code_field("pillar", "pillars", gettext_lazy("pillar"))
    name = text_field("name")
    name_km = text_field("name_km")
    weight = number_field(Objective, "weight")

    class Meta(SheetResource.Meta):
        model = Objective
        fields = ["code", "pillar", "name", "name_km", "weight"]
        import_id_fields = ["code"]


ORGANISATION = gettext_lazy("organisation")


class IndicatorResource(PlanScopedResource):
    sheet = count_as = "indicators"
    required = ("code", "objective", "name", "measure", "aggregation", "lead")
    related = ("objective", "lead")
    prefetch = ("contributors", "disaggregation")
    code = text_field("code")
    objective = code_field("objective", "objectives", gettext_lazy("objective"))
    name = text_field("name")
    name_km = text_field("name_km")
    measure = text_field("measure", upper=True)
    aggregation = text_field("aggregation", upper=True)
    direction = text_field("direction", upper=True)
    frequency = text_field("frequency", upper=True)
    unit = text_field("unit")
    unit_km = text_field("unit_km")
    baseline = number_field(Indicator, "baseline")
    baseline_year = number_field(Indicator, "baseline_year")
    lead = code_field("lead", "organisations", ORGANISATION)
    contributors = codes_field("contributors", Organisation, "organisations", ORGANISATION)
    disaggregation = codes_field("disaggregation", Dimension, "dimensions", gettext_lazy("dimension"))
    weight = number_field(Indicator, "weight")
    counts_people = yes_no_field(Indicator, "counts_people")

    class Meta(SheetResource.Meta):
        model = Indicator
        fields = [
            "code", "objective", "name", "name_km", "measure", "aggregation", "direction", "frequency",
            "unit", "unit_km", "baseline", "baseline_year", "lead", "contributors", "disaggregation",
            "weight", "counts_people",
        ]  # fmt: skip
        import_id_fields = ["code"]

    def row_errors(self, instance, row) -> dict:
        # The rule the admin's indicator form applies too.
        if "contributors" in row:
            try:
                contributors = self.fields["contributors"].clean(row)
            except (ValueError, ParentRefused):
                return {}
        else:
            contributors = list(instance.contributors.all()) if instance.pk else []
        return {
            field: [message]
            for field, message in contributors_errors(instance.aggregation, contributors).items()
        }


class TargetResource(SheetResource):
    sheet = count_as = "targets"
    required = ("indicator", "year", "target")
    key_columns = ("indicator", "year")
    related = ("indicator",)
    indicator = code_field("indicator", "indicators", gettext_lazy("indicator"))
    year = number_field(Target, "year")
    target = number_field(Target, "value", "target")

    class Meta(SheetResource.Meta):
        model = Target
        fields = ["indicator", "year", "target"]
        import_id_fields = ["indicator", "year"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(indicator__plan=self.exchange.plan)
            .order_by("indicator__position", "indicator__code", "year")
        )

    def row_key(self, row):
        indicator, year = cell_text(row.get("indicator")), cell_text(row.get("year"))
        try:
            return (indicator, int(Decimal(year))) if indicator and year else None
        except ArithmeticError:
            return None

    def instance_key(self, obj):
        return (obj.indicator.code, obj.year)

    def duplicate_message(self, key, line) -> str:
        return _("The target of %(indicator)s for %(year)s is already on line %(line)s.") % {
            "indicator": key[0],
            "year": key[1],
            "line": line,
        }

    def row_done(self, row, row_result) -> None:
        pass  # nothing names a target

    def export(self, queryset=None, **kwargs):
        # From the indicators' admin page: the targets of the indicators listed.
        if queryset is not None and queryset.model is Indicator:
            queryset = Target.objects.filter(indicator__in=queryset).order_by(
                "indicator__position", "indicator__code", "year"
            )
        return super().export(queryset, **kwargs)


class ActivityResource(PlanScopedResource):
    sheet = count_as = "activities"
    required = ("code", "objective", "name", "lead", "start", "end")
    related = ("objective", "lead", "start_period", "end_period")
    prefetch = ("supporting",)
    quarter = gettext_lazy("%(code)s is not a quarter of this plan (write it like 2025-Q3).")
    code = text_field("code")
    objective = code_field("objective", "objectives", gettext_lazy("objective"))
    name = text_field("name")
    name_km = text_field("name_km")
    lead = code_field("lead", "organisations", ORGANISATION)
    supporting = codes_field("supporting", Organisation, "organisations", ORGANISATION)
    start = code_field(
        "start_period", "periods", gettext_lazy("quarter"), "start", unknown=quarter, upper=True
    )
    end = code_field("end_period", "periods", gettext_lazy("quarter"), "end", unknown=quarter, upper=True)
    weight = number_field(Activity, "weight")
    budget_usd = number_field(Activity, "budget_usd")

    class Meta(SheetResource.Meta):
        model = Activity
        fields = [
            "code",
            "objective",
            "name",
            "name_km",
            "lead",
            "supporting",
            "start",
            "end",
            "weight",
            "budget_usd",
        ]
        import_id_fields = ["code"]


# In the order they are imported: a sheet names rows of the sheets before it.
SHEET_RESOURCES: dict[str, type[SheetResource]] = {
    resource.sheet: resource
    for resource in (
        PlanResource,
        OrganisationResource,
        DimensionResource,
        PillarResource,
        ObjectiveResource,
        IndicatorResource,
        TargetResource,
        ActivityResource,
    )
}
PLAN_SHEETS = ("pillars", "objectives", "indicators", "targets", "activities")
