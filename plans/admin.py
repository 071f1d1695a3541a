from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from plans.admin_site import RecordAdmin, SecretariatAdmin, SecretariatInline
from plans.models import AuditEvent, Organisation, Plan, ReportingPeriod, User
from plans.services import plan_sync_periods


@admin.register(Organisation)
class OrganisationAdmin(SecretariatAdmin):
    list_display = ["code", "name", "name_km", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_km"]
    ordering = ["kind", "code"]


@admin.register(User)
class UserAdmin(SecretariatAdmin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "organisation__kind", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__code"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "organisation", "is_active", "is_staff"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "role", "organisation"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


class PeriodInline(SecretariatInline, admin.TabularInline):
    model = ReportingPeriod
    fields = ["code", "start", "end", "deadline"]
    readonly_fields = ["code", "start", "end"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Periods follow the plan's years; they are laid out when the plan is saved.
        return False


@admin.register(Plan)
class PlanAdmin(SecretariatAdmin):
    list_display = ["code", "name", "start_year", "end_year", "on_track", "at_risk", "is_public"]
    list_filter = ["is_public"]
    search_fields = ["code", "name", "name_km"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_km", "start_year", "end_year", "is_public"]}),
        (_("Scoring thresholds"), {"fields": ["on_track", "at_risk"]}),
        (_("Reporting"), {"fields": ["deadline_days", "reminder_days"]}),
    ]
    inlines = [PeriodInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        plan_sync_periods(plan=obj)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SecretariatAdmin):
    list_display = ["code", "plan", "start", "end", "deadline"]
    list_filter = ["plan", "year", "quarter"]
    search_fields = ["code", "plan__code"]
    fields = ["plan", "code", "start", "end", "deadline"]
    readonly_fields = ["plan", "code", "start", "end"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = ["at", "actor", "action", "object_repr", "plan"]
    list_filter = ["action", "plan"]
    search_fields = ["object_repr", "actor__username", "action"]
    date_hierarchy = "at"
