from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from plans.admin_filters import KhmerNameMissingFilter
from plans.admin_site import RecordAdmin, SecretariatAdmin, SecretariatInline
from plans.models import AuditEvent, Organisation, Plan, ReportingPeriod, User
from plans.services import audit_record, plan_sync_periods
from plans.tokens import REVOKED_BY_ADMIN, key_prefix, token_expires_at, token_revoke


# The plan workbook's Import and Export buttons are added to the organisations' and
# plans' pages by indicators/imports/admin.py, where the sheets' resources are.
@admin.register(Organisation)
class OrganisationAdmin(SecretariatAdmin):
    list_display = ["code", "name", "name_km", "kind", "is_active", "language"]
    list_filter = ["kind", "is_active", "language", KhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km"]
    ordering = ["kind", "code"]
    actions = ["language_khmer_default", "language_english_default"]

    @admin.action(description=_("Khmer by default for their users"))
    def language_khmer_default(self, request, queryset):
        self.language_default_set(request, queryset, "km")

    @admin.action(description=_("English by default"))
    def language_english_default(self, request, queryset):
        self.language_default_set(request, queryset, "en")

    def language_default_set(self, request, queryset, language: str) -> None:
        """The language of the organisations' users who have not chosen one
        (docs/languages.md), each change in the audit trail as the form's would be."""
        changed = list(queryset.exclude(language=language))
        for organisation in changed:
            organisation.language = language
            organisation.save(update_fields=["language"])
            audit_record(
                actor=request.user,
                action="organisation.update",
                target=organisation,
                details={"changed": ["language"]},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation changed: its users who have not chosen a language read %(language)s.",
                "%(count)d organisations changed: their users who have not chosen a language read "
                "%(language)s.",
                len(changed),
            )
            % {"count": len(changed), "language": dict(settings.LANGUAGES)[language]},
            messages.SUCCESS,
        )


@admin.register(User)
class UserAdmin(SecretariatAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "organisation__kind", "is_active", "language"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__code"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Role"), {"fields": ["role", "organisation", "is_active", "is_staff"]}),
        (_("Display"), {"fields": ["language", "khmer_digits"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "role", "organisation"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("full name"))
    def full_name(self, user):
        return user.get_full_name()


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
    list_display = ["code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public"]
    list_filter = ["is_public", KhmerNameMissingFilter]
    search_fields = ["code", "name", "name_km"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_km", "start_year", "end_year", "is_public"]}),
        (_("Scoring thresholds"), {"fields": ["on_track", "at_risk"]}),
        (_("Reporting"), {"fields": ["deadline_days", "reminder_days", "approval_by_another"]}),
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


# DRF registers its own token page, on Django's per-model permissions, which no
# NTIP role has (it answered 403): this one follows the administrator's role.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(SecretariatAdmin, DrfTokenAdmin):
    """The API tokens: who has one, since when and until when. The
    administrator revokes one with Delete (recorded as token.revoke); nobody
    creates or edits one here. The key is never shown: DRF's page names a token
    by its key (its __str__), which would let whoever reads the page act as its
    owner, so every title below names it by a prefix and its user instead."""

    list_display = ["key_start", "user", "user_role", "created", "expires"]
    list_select_related = ["user"]
    fields = ["key_start", "user", "created", "expires"]
    readonly_fields = fields

    @admin.display(description=_("key"))
    def key_start(self, token):
        return key_prefix(token)

    @admin.display(description=_("role"))
    def user_role(self, token):
        return token.user.get_role_display()

    @admin.display(description=_("expires"))
    def expires(self, token):
        return token_expires_at(token)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def label(self, request, object_id) -> "TokenLabel | None":
        token = self.get_object(request, unquote(object_id)) if object_id else None
        return TokenLabel(token) if token is not None else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        label = self.label(request, object_id)
        if label is not None:
            extra_context = {**(extra_context or {}), "subtitle": str(label), "original": label}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        label = self.label(request, object_id)
        if label is not None:
            extra_context = {
                **(extra_context or {}),
                "title": gettext("Change history: %s") % label,
                "object": label,
            }
        return super().history_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        labels = [gettext("API token %(key)s") % {"key": key_prefix(token)} for token in objs]
        return labels, {}, set(), []

    def delete_view(self, request, object_id, extra_context=None):
        label = self.label(request, object_id)
        if label is not None:
            extra_context = {**(extra_context or {}), "object": label}
        return super().delete_view(request, object_id, extra_context)

    def log_deletions(self, request, queryset):
        # Django's admin log would keep str(token), the key; the audit trail
        # records the revocation (token_revoke).
        pass

    def delete_model(self, request, obj):
        token_revoke(actor=request.user, token=obj, reason=REVOKED_BY_ADMIN)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(actor=request.user, token=token, reason=REVOKED_BY_ADMIN)

    def response_delete(self, request, obj_display, obj_id):
        messages.success(request, gettext("The token was revoked: it no longer opens the API."))
        return HttpResponseRedirect(reverse("admin:authtoken_tokenproxy_changelist"))


class TokenLabel:
    """A token as the delete page shows it: its prefix and user, and its pk for the links."""

    def __init__(self, token):
        self.pk = token.pk
        self.text = gettext("%(key)s, of %(user)s") % {"key": key_prefix(token), "user": token.user}

    def __str__(self):
        return self.text
