from django.contrib import admin

from plans.admin_filters import KhmerNameMissingFilter
from plans.admin_site import SecretariatAdmin, SecretariatInline
from strategies.models import Activity, Objective, Pillar


# The plan workbook's Import and Export buttons are added to these pages by
# indicators/imports/admin.py, where the sheets' resources are (this app sits below it).
class ObjectiveInline(SecretariatInline, admin.TabularInline):
    model = Objective
    fields = ["code", "name", "name_km", "weight", "position", "plan"]
    extra = 0
    show_change_link = True


@admin.register(Pillar)
class PillarAdmin(SecretariatAdmin):
    list_display = ["code", "name", "name_km", "plan", "weight", "position"]
    list_filter = ["plan", KhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(SecretariatAdmin):
    list_display = ["code", "name", "name_km", "pillar", "plan", "weight", "position"]
    list_filter = ["plan", "pillar", KhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km"]
    autocomplete_fields = ["pillar"]


@admin.register(Activity)
class ActivityAdmin(SecretariatAdmin):
    list_display = ["code", "name", "objective", "lead", "start_period", "end_period", "weight", "budget_usd"]
    list_filter = ["plan", "objective__pillar", "lead__kind", KhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km", "lead__code"]
    autocomplete_fields = ["objective", "lead", "start_period", "end_period"]
    filter_horizontal = ["supporting"]
    list_select_related = ["objective", "lead", "start_period", "end_period"]
