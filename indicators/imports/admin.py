"""The admin's import and export buttons for the sheets of the plan workbook
(django-import-export, with its preview and confirm steps), for the
secretariat administrator only, and the whole workbook as an action on the
plans' page (docs/imports.md, "In the administration").

The plans' and strategies' admin classes are given their buttons here, where
the resources are: those apps sit below the imports and do not import them.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm

from indicators.imports.plan_workbook import XLSX_CONTENT_TYPE, plan_workbook_export, plan_workbook_filename
from indicators.imports.resources import (
    ActivityResource,
    ObjectiveResource,
    OrganisationResource,
    PillarResource,
    PlanResource,
)
from plans.access import user_is_admin
from plans.admin import OrganisationAdmin, PlanAdmin
from plans.models import Organisation, Plan
from strategies.admin import ActivityAdmin, ObjectiveAdmin, PillarAdmin
from strategies.models import Activity, Objective, Pillar


class PlanImportForm(ImportForm):
    """The import form of a sheet of the plan's tree: which plan its rows belong to."""

    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), label=_("Plan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(Plan.objects.all()[:2])
        if len(plans) == 1:
            self.fields["plan"].initial = plans[0].pk


class PlanConfirmImportForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), widget=forms.HiddenInput)


class WorkbookSheetAdmin(ImportExportMixin):
    """Import and export one sheet of the plan workbook, as XLSX or CSV. The
    import is all or nothing, and recorded in the audit trail by the resource
    (not in Django's admin log)."""

    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    skip_admin_log = True
    plan_scoped = False  # the sheet's rows belong to a plan, chosen on the import form

    def has_import_permission(self, request):
        return user_is_admin(request.user)

    def has_export_permission(self, request):
        return user_is_admin(request.user)

    def get_import_form_class(self, request):
        return PlanImportForm if self.plan_scoped else super().get_import_form_class(request)

    def get_confirm_form_class(self, request):
        return PlanConfirmImportForm if self.plan_scoped else super().get_confirm_form_class(request)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if self.plan_scoped and import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        return {"plan": data.get("plan"), "actor": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A row that turns bad between the preview and the confirmation writes nothing either.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs


@admin.action(description=_("Download the plan workbook (XLSX)"))
def plan_workbook_download(modeladmin, request, queryset):
    """The same workbook as export_plan and /api/v1/plans/{code}/workbook.xlsx."""
    plans = list(queryset[:2])
    if len(plans) != 1:
        modeladmin.message_user(request, gettext("Choose one plan."), level=messages.WARNING)
        return None
    plan = plans[0]
    return HttpResponse(
        plan_workbook_export(plan=plan),
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{plan_workbook_filename(plan)}"'},
    )


class PlanWorkbookAdmin(WorkbookSheetAdmin, PlanAdmin):
    resource_classes = [PlanResource]
    actions = [plan_workbook_download]


class OrganisationWorkbookAdmin(WorkbookSheetAdmin, OrganisationAdmin):
    resource_classes = [OrganisationResource]


class PillarWorkbookAdmin(WorkbookSheetAdmin, PillarAdmin):
    resource_classes = [PillarResource]
    plan_scoped = True


class ObjectiveWorkbookAdmin(WorkbookSheetAdmin, ObjectiveAdmin):
    resource_classes = [ObjectiveResource]
    plan_scoped = True


class ActivityWorkbookAdmin(WorkbookSheetAdmin, ActivityAdmin):
    resource_classes = [ActivityResource]
    plan_scoped = True


for model, model_admin in (
    (Plan, PlanWorkbookAdmin),
    (Organisation, OrganisationWorkbookAdmin),
    (Pillar, PillarWorkbookAdmin),
    (Objective, ObjectiveWorkbookAdmin),
    (Activity, ActivityWorkbookAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
