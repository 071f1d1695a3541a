"""The quarterly report form: one field per figure, cell, note and activity update.

The form only parses what was typed (numbers by Django's DecimalField, with its
translated messages, in either digit set: plans.forms.NumberField) and turns
it into the services' IndicatorLine and ActivityLine, naming the parts it
could not read ("twelve", "1,250"). What a figure may be is decided by the one
check of the lines (validation.py), asked in the same pass as the parsing, so
the page shows every problem at once; its errors come back keyed by the same
names as the fields here (``indicator-12-value``), so each lands next to its field.
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import (
    ActivityStatus,
    ActivityUpdate,
    Evidence,
    Indicator,
    IndicatorValue,
    LineComment,
    Measure,
    QuarterlyReport,
    cell_key,
)
from indicators.plan_tree import PillarNode, group_by_pillar_and_objective
from indicators.quarterly_report.evidence import evidence_file_errors
from indicators.quarterly_report.expected import activity_is_due
from indicators.quarterly_report.lines import ActivityLine, IndicatorLine, line_field
from indicators.quarterly_report.selectors import GapToExplain, ReportContents
from plans.formatting import plain_number
from plans.forms import NumberField, ServiceForm
from strategies.models import Activity

TEXT_FIELDS = ("note", "gap_reason", "corrective_action")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files, each checked by the one evidence rule
    (evidence.evidence_file_errors: type, size and content)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        errors = [message for uploaded in files for message in evidence_file_errors(uploaded)]
        if errors:
            raise ValidationError(errors)
        return files


def number_field(label: str, *, max_digits: int = 16, decimal_places: int = 4) -> forms.DecimalField:
    # A text input, not type="number": browsers send an empty string for a number
    # they cannot read, and a figure typed wrong must be refused, not dropped.
    # Khmer digits are read too (NumberField).
    return NumberField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=decimal_places,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}
        ),
    )


def text_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )


def milestone_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=Decimal,
        empty_value=None,
        choices=[("", "—"), ("1", gettext_lazy("Reached (1)")), ("0", gettext_lazy("Not reached yet (0)"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


@dataclass
class GridCell:
    key: str
    label: str  # e.g. "Under 15 · Female", for screen readers
    field: forms.BoundField | None
    saved: Decimal | None


@dataclass
class Grid:
    """A disaggregated indicator's cells: rows are the categories of the first
    dimension (or one row when there is one dimension), columns those of the last."""

    row_title: str  # "" when there is one dimension: one row, no row headers
    dimension_names: str  # "Age group × Sex"
    column_labels: list[str]
    rows: list[tuple[str, list[GridCell]]]


@dataclass
class IndicatorBlock:
    indicator: Indicator
    saved: IndicatorValue | None
    previous: Decimal | None
    target: Decimal | None
    files: list[Evidence]
    # Set when the indicator was at risk or off track in the previous period:
    # the gap reason and corrective action are then needed to submit.
    gap: GapToExplain | None = None
    grid: Grid | None = None
    value: forms.BoundField | None = None
    note: forms.BoundField | None = None
    gap_reason: forms.BoundField | None = None
    corrective_action: forms.BoundField | None = None
    evidence: forms.BoundField | None = None
    # Errors about the whole figure of a disaggregated indicator (the total),
    # which has no field of its own.
    total_errors: list[str] = field(default_factory=list)
    # The secretariat's comment on this line when it returned the report.
    comment: LineComment | None = None

    @property
    def anchor(self) -> str:
        return f"indicator-{self.indicator.pk}"

    @property
    def explanation_open(self) -> bool:
        """Show the gap reason and corrective action unfolded when they hold something."""
        if self.gap_reason is None:
            return bool(self.saved and (self.saved.gap_reason or self.saved.corrective_action))
        return any(
            bound.errors or (bound.value() or "").strip()
            for bound in (self.gap_reason, self.corrective_action)
        )


@dataclass
class ActivityBlock:
    activity: Activity
    saved: ActivityUpdate | None
    status: forms.BoundField | None = None
    percent_complete: forms.BoundField | None = None
    note: forms.BoundField | None = None
    comment: LineComment | None = None
    # Before its planned start: may be reported (work began early), not required.
    early: bool = False

    @property
    def anchor(self) -> str:
        return f"activity-{self.activity.pk}"


def indicator_grid_keys(indicator: Indicator) -> tuple[list, list[list[tuple[str, list]]]]:
    """The dimensions of a disaggregated indicator and its cells laid out as rows:
    [(row label, [(cell key, cell label), …]), …]. Uses the prefetched
    dimensions and categories (no query)."""
    dimensions = list(indicator.disaggregation.all())
    if not dimensions:
        return [], []
    *row_dims, column_dim = dimensions
    columns = list(column_dim.categories.all())
    rows = []
    for combination in itertools.product(*(list(d.categories.all()) for d in row_dims)):
        row_label = " · ".join(category.display_name for category in combination)
        cells = []
        for column in columns:
            categories = {d.code: c.code for d, c in zip(row_dims, combination, strict=True)}
            categories[column_dim.code] = column.code
            label = f"{row_label} · {column.display_name}" if row_label else column.display_name
            cells.append((cell_key(categories), label))
        rows.append((row_label, cells))
    return dimensions, rows


class ReportForm(ServiceForm):
    """One organisation's quarterly report, built from the lines it is expected to give."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        files=None,
        *,
        report: QuarterlyReport,
        indicators: dict[int, Indicator],
        activities: dict[int, Activity],
        contents: ReportContents,
    ):
        self.report = report
        self.indicators = indicators
        self.activities = activities
        self.contents = contents
        # Errors from the services that belong to no single field, by line_field name.
        self.line_errors: dict[str, list[str]] = {}
        self.grids = {pk: indicator_grid_keys(indicator) for pk, indicator in indicators.items()}
        super().__init__(data, files, initial=self.saved_initial())
        for indicator in indicators.values():
            self.add_indicator_fields(indicator)
        for activity in activities.values():
            self.add_activity_fields(activity)

    # --- Fields --------------------------------------------------------------------

    def add_indicator_fields(self, indicator: Indicator) -> None:
        name = indicator.code

        def key(part: str) -> str:
            return line_field("indicator", indicator.pk, part)

        _dimensions, rows = self.grids[indicator.pk]
        if rows:
            for _row_label, cells in rows:
                for cell, label in cells:
                    number = number_field(f"{name} · {label}")
                    number.widget.attrs.update({"data-grid": str(indicator.pk), "aria-label": label})
                    self.fields[key(f"cell-{cell}")] = number
        elif indicator.measure == Measure.MILESTONE:
            self.fields[key("value")] = milestone_field(_("%(code)s: value") % {"code": name})
        else:
            self.fields[key("value")] = number_field(_("%(code)s: value") % {"code": name})
        self.fields[key("note")] = text_field(_("%(code)s: note") % {"code": name})
        self.fields[key("gap_reason")] = text_field(_("%(code)s: reason for the gap") % {"code": name})
        self.fields[key("corrective_action")] = text_field(_("%(code)s: corrective action") % {"code": name})
        if indicator.pk in self.contents.to_explain:
            # Needed to submit, not to save a draft: told to screen readers, not
            # enforced by the browser.
            for part in ("gap_reason", "corrective_action"):
                self.fields[key(part)].widget.attrs["aria-required"] = "true"
        evidence = EvidenceFilesField(label=_("%(code)s: evidence files") % {"code": name}, required=False)
        evidence.widget.attrs.update({"class": "form-control", "accept": ",".join(settings.EVIDENCE_TYPES)})
        self.fields[key("evidence")] = evidence

    def add_activity_fields(self, activity: Activity) -> None:
        def key(part: str) -> str:
            return line_field("activity", activity.pk, part)

        self.fields[key("status")] = forms.ChoiceField(
            label=_("%(code)s: status") % {"code": activity.code},
            required=False,
            choices=[("", _("— choose —")), *ActivityStatus.choices],
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields[key("percent_complete")] = number_field(
            _("%(code)s: percent complete") % {"code": activity.code}, max_digits=5, decimal_places=2
        )
        self.fields[key("note")] = text_field(_("%(code)s: note") % {"code": activity.code})

    def saved_initial(self) -> dict:
        initial = {"version": self.report.version}
        for indicator_id, value in self.contents.values.items():
            cells = list(value.cells.all())
            if cells:
                for cell in cells:
                    initial[line_field("indicator", indicator_id, f"cell-{cell.cell}")] = plain_number(
                        cell.value
                    )
            else:
                initial[line_field("indicator", indicator_id, "value")] = plain_number(value.value)
            for name in TEXT_FIELDS:
                initial[line_field("indicator", indicator_id, name)] = getattr(value, name)
        for activity_id, update in self.contents.updates.items():
            initial[line_field("activity", activity_id, "status")] = update.status
            initial[line_field("activity", activity_id, "percent_complete")] = plain_number(
                update.percent_complete
            )
            initial[line_field("activity", activity_id, "note")] = update.note
        return initial

    # --- Parsing -------------------------------------------------------------------

    def unreadable(self, kind: str, object_id: int, parts) -> frozenset[str]:
        """The parts of a line whose field could not be read (its message is
        the field's own): the services leave them to it."""
        return frozenset(part for part in parts if line_field(kind, object_id, part) in self.errors)

    def indicator_line(self, indicator: Indicator) -> IndicatorLine:
        data = getattr(self, "cleaned_data", {})

        def get(part: str):
            return data.get(line_field("indicator", indicator.pk, part))

        line = IndicatorLine(
            indicator.pk,
            note=get("note") or "",
            gap_reason=get("gap_reason") or "",
            corrective_action=get("corrective_action") or "",
        )
        _dimensions, rows = self.grids[indicator.pk]
        if rows:
            line.cells = {cell: get(f"cell-{cell}") for _label, cells in rows for cell, _ in cells}
            parts = [f"cell-{cell}" for cell in line.cells]
        else:
            line.value = get("value")
            parts = ["value"]
        line.unreadable = self.unreadable("indicator", indicator.pk, parts)
        return line

    def activity_line(self, activity: Activity) -> ActivityLine:
        data = getattr(self, "cleaned_data", {})

        def get(part: str):
            return data.get(line_field("activity", activity.pk, part))

        return ActivityLine(
            activity.pk,
            status=get("status") or "",
            percent_complete=get("percent_complete"),
            note=get("note") or "",
            unreadable=self.unreadable("activity", activity.pk, ("status", "percent_complete")),
        )

    def indicator_lines(self) -> list[IndicatorLine]:
        return [self.indicator_line(indicator) for indicator in self.indicators.values()]

    def activity_lines(self) -> list[ActivityLine]:
        return [self.activity_line(activity) for activity in self.activities.values()]

    def evidence_uploads(self) -> list[tuple[Indicator, object]]:
        return [
            (indicator, uploaded)
            for indicator in self.indicators.values()
            for uploaded in self.cleaned_data.get(line_field("indicator", indicator.pk, "evidence")) or []
        ]

    # --- Errors --------------------------------------------------------------------

    def add_line_error(self, name: str, message: str) -> None:
        """A line's message without a field of its own (a total, a cell grid)
        is kept for the line's block."""
        if name in self.fields:
            self.add_error(name, message)
        else:
            self.line_errors.setdefault(name, []).append(message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, what, message) for every error, in the order of the page."""
        summary = [("", "", message) for message in self.non_field_errors()]
        for name, bound in self.fields.items():
            for message in self.errors.get(name, []):
                summary.append((self[name].id_for_label, bound.label, message))
        for name, messages in self.line_errors.items():
            kind, object_id, _part = name.split("-", 2)
            what = self.line_label(kind, int(object_id))
            anchor = f"{kind}-{object_id}" if what else ""
            summary.extend((anchor, what, message) for message in messages)
        return summary

    def line_label(self, kind: str, object_id: int) -> str:
        line = (self.indicators if kind == "indicator" else self.activities).get(object_id)
        return line.code if line else ""

    def has_any_error(self) -> bool:
        return bool(self.errors or self.line_errors)

    # --- Layout --------------------------------------------------------------------

    def bound(self, name: str) -> forms.BoundField:
        bound = self[name]
        if bound.errors:
            # Bootstrap's red border, and a screen reader reads the message with the field.
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{bound.id_for_label}-error"
        return bound


@dataclass
class ReportSections:
    """The report's lines as the page lays them out: the due ones by pillar
    and objective, then the activities not due yet (optional) apart."""

    pillars: list[PillarNode]
    early: list[ActivityBlock]

    @property
    def early_open(self) -> bool:
        """Shown unfolded when one of them holds something, or a message."""
        return any(
            block.saved
            or any(bound is not None and bound.errors for bound in (block.status, block.percent_complete))
            for block in self.early
        )


def report_sections(
    *,
    report: QuarterlyReport,
    indicators: dict[int, Indicator],
    activities: dict[int, Activity],
    contents: ReportContents,
    form: ReportForm | None = None,
) -> ReportSections:
    """The report's lines in the plan's order; with the form's fields when it
    is being edited, the saved figures otherwise."""
    blocks = [activity_block(activity, contents=contents, form=form) for activity in activities.values()]
    for block in blocks:
        block.early = not activity_is_due(block.activity, report.period)
    return ReportSections(
        pillars=group_by_pillar_and_objective(
            [
                (indicator.objective, indicator_block(indicator, contents=contents, form=form))
                for indicator in indicators.values()
            ],
            [(block.activity.objective, block) for block in blocks if not block.early],
        ),
        early=[block for block in blocks if block.early],
    )


def activity_block(activity: Activity, *, contents: ReportContents, form: ReportForm | None) -> ActivityBlock:
    block = ActivityBlock(
        activity,
        saved=contents.updates.get(activity.pk),
        comment=contents.line_comments.get(f"activity-{activity.pk}"),
    )
    if form is not None:
        block.status = form.bound(line_field("activity", activity.pk, "status"))
        block.percent_complete = form.bound(line_field("activity", activity.pk, "percent_complete"))
        block.note = form.bound(line_field("activity", activity.pk, "note"))
    return block


def indicator_block(
    indicator: Indicator, *, contents: ReportContents, form: ReportForm | None
) -> IndicatorBlock:
    saved = contents.values.get(indicator.pk)
    block = IndicatorBlock(
        indicator,
        saved=saved,
        previous=contents.previous.get(indicator.pk),
        target=contents.targets.get(indicator.pk),
        files=contents.evidence.get(indicator.pk, []),
        gap=contents.to_explain.get(indicator.pk),
        comment=contents.line_comments.get(f"indicator-{indicator.pk}"),
    )
    dimensions, rows = form.grids[indicator.pk] if form is not None else indicator_grid_keys(indicator)
    saved_cells = {cell.cell: cell.value for cell in saved.cells.all()} if saved else {}

    def name(part: str) -> str:
        return line_field("indicator", indicator.pk, part)

    if rows:
        block.grid = Grid(
            row_title=" · ".join(d.display_name for d in dimensions[:-1]),
            dimension_names=" × ".join(d.display_name for d in dimensions),
            column_labels=[c.display_name for c in dimensions[-1].categories.all()],
            rows=[
                (
                    row_label,
                    [
                        GridCell(
                            key,
                            label,
                            form.bound(name(f"cell-{key}")) if form is not None else None,
                            saved_cells.get(key),
                        )
                        for key, label in cells
                    ],
                )
                for row_label, cells in rows
            ],
        )
    if form is not None:
        if not rows:
            block.value = form.bound(name("value"))
        block.note = form.bound(name("note"))
        block.gap_reason = form.bound(name("gap_reason"))
        block.corrective_action = form.bound(name("corrective_action"))
        block.evidence = form.bound(name("evidence"))
        if rows:
            block.total_errors = form.line_errors.get(name("value"), [])
    return block
