from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from indicators.imports.admin import WorkbookSheetAdmin
from indicators.imports.resources import DimensionResource, IndicatorResource, TargetResource
from indicators.models import (
    Category,
    Dimension,
    ImportJob,
    Indicator,
    QuarterlyReport,
    ReportEvent,
    Target,
    TargetRevision,
    contributors_errors,
    target_errors,
)
from plans.admin_filters import CategoryKhmerNameMissingFilter, KhmerNameMissingFilter
from plans.admin_site import RecordAdmin, SecretariatAdmin, SecretariatInline
from plans.formatting import plain_number


class CategoryInline(SecretariatInline, admin.TabularInline):
    model = Category
    fields = ["code", "name", "name_km", "position"]
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(WorkbookSheetAdmin, SecretariatAdmin):
    # Import and export as the plan workbook's sheet (indicators/imports/admin.py,
    # which also gives the plans' and strategies' pages theirs).
    resource_classes = [DimensionResource]
    list_display = ["code", "name", "name_km"]
    list_filter = [KhmerNameMissingFilter, CategoryKhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km", "categories__name", "categories__name_km"]
    inlines = [CategoryInline]


class TargetFormSet(BaseInlineFormSet):
    def clean(self):
        # The indicator may be new and unsaved here, so check each target
        # against the indicator being edited rather than a saved one.
        super().clean()
        if self.instance.plan_id is None:
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            errors = target_errors(self.instance, data.get("year"), data.get("value"))
            for field, message in errors.items():
                form.add_error(field, message)
        if any(form.errors for form in self.forms):
            raise ValidationError("")


class TargetInline(SecretariatInline, admin.TabularInline):
    model = Target
    formset = TargetFormSet
    fields = ["year", "value", "in_force_shown"]
    readonly_fields = ["in_force_shown"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).with_in_force()

    @admin.display(description=_("target in force (after revisions)"))
    def in_force_shown(self, target):
        if target.pk is None or not getattr(target, "revised", False):
            return "—"
        return plain_number(target.in_force)


class IndicatorForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        for field, message in contributors_errors(data.get("aggregation"), data.get("contributors")).items():
            self.add_error(field, message)
        return data


@admin.register(Indicator)
class IndicatorAdmin(WorkbookSheetAdmin, SecretariatAdmin):
    # The indicators sheet, and the targets sheet (the targets of the indicators listed).
    resource_classes = [IndicatorResource, TargetResource]
    plan_scoped = True
    form = IndicatorForm
    list_display = [
        "code",
        "name",
        "objective",
        "measure",
        "aggregation",
        "direction",
        "frequency",
        "lead",
        "weight",
    ]
    list_filter = [
        "plan",
        "objective__pillar",
        "measure",
        "aggregation",
        "direction",
        "frequency",
        "counts_people",
        "lead__kind",
        KhmerNameMissingFilter,
    ]
    search_fields = ["code", "name", "name_km", "lead__code"]
    autocomplete_fields = ["objective", "lead"]
    filter_horizontal = ["contributors", "disaggregation"]
    list_select_related = ["objective", "lead"]
    fieldsets = [
        (None, {"fields": ["plan", "objective", "code", "name", "name_km", "position", "weight"]}),
        (
            _("Measure"),
            {
                "fields": [
                    "measure",
                    "aggregation",
                    "direction",
                    "frequency",
                    ("unit", "unit_km"),
                    "counts_people",
                ]
            },
        ),
        (_("Baseline"), {"fields": ["baseline", "baseline_year"]}),
        (_("Who reports"), {"fields": ["lead", "contributors", "disaggregation"]}),
    ]
    inlines = [TargetInline]


class ReportEventInline(SecretariatInline, admin.TabularInline):
    model = ReportEvent
    fields = ["at", "actor", "from_state", "to_state", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(SecretariatAdmin):
    list_display = ["organisation", "period", "state", "first_submitted_at", "approved_at", "approved_by"]
    list_filter = ["state", "period__plan", "period", "organisation__kind"]
    search_fields = ["organisation__code", "organisation__name", "period__code"]
    list_select_related = ["organisation", "period", "approved_by"]
    # The workflow (submit, approve, return, reopen) happens on the report pages,
    # through services that record each step; the admin only looks.
    readonly_fields = [
        "organisation",
        "period",
        "state",
        "version",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
        "review_comment",
        "updated_by",
    ]
    inlines = [ReportEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(TargetRevision)
class TargetRevisionAdmin(RecordAdmin):
    """Revisions are made on the indicator's Revise targets page, through the
    service that records them; here they can only be looked at."""

    list_display = ["target", "value", "review", "revised_at", "revised_by"]
    list_filter = ["target__indicator__plan", "review"]
    search_fields = ["target__indicator__code", "review", "rationale"]
    list_select_related = ["target__indicator", "revised_by"]
    readonly_fields = ["target", "value", "review", "rationale", "revised_at", "revised_by"]


@admin.register(ImportJob)
class ImportJobAdmin(RecordAdmin):
    """Values files uploaded on the pages (indicators/imports/): what each
    check or import found, to look at; the pages start and confirm them."""

    list_display = ["created_at", "created_by", "plan", "organisation", "kind", "original_name", "state"]
    list_filter = ["state", "kind", "plan"]
    search_fields = ["original_name", "created_by__username", "organisation__code"]
    list_select_related = ["created_by", "plan", "organisation"]
    readonly_fields = [
        "created_by",
        "plan",
        "organisation",
        "report",
        "kind",
        "file",
        "original_name",
        "rows",
        "state",
        "progress",
        "result",
        "created_at",
        "started_at",
        "finished_at",
    ]
