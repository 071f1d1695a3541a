"""The admin pages are the secretariat administrator's workbench."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

from plans.access import user_is_admin
from plans.models import Plan
from plans.services import audit_record, scores_mark_stale


class NtipAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return user_is_admin(request.user)


class SecretariatAdmin(admin.ModelAdmin):
    """Role-based rights (not Django's per-model permissions), and every save
    and delete recorded in the audit trail with who did it."""

    def has_module_permission(self, request):
        return user_is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_add_permission(self, request):
        return user_is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def get_changelist_instance(self, request):
        # An absurd date filter (?at__year=99999999999999999999) overflows the
        # date Django builds from it. The admin's answer to a bad filter is the
        # list without it (a redirect to ?e=1), not a 500.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            target=obj,
            plan=plan_of(obj),
            details={"changed": list(form.changed_data)},
        )
        mark_plan_scores_stale(obj)

    def delete_model(self, request, obj):
        plan = plan_of(obj)
        audit_record(actor=request.user, action=f"{obj._meta.model_name}.delete", target=obj, plan=plan)
        super().delete_model(request, obj)
        if plan is not None and plan.pk is not None and not isinstance(obj, Plan):
            scores_mark_stale(plan_id=plan.pk)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user, action=f"{obj._meta.model_name}.delete", target=obj, plan=plan_of(obj)
            )
        plan_ids = {plan.pk for plan in map(plan_of, queryset) if plan is not None}
        super().delete_queryset(request, queryset)
        for plan_id in plan_ids:
            if Plan.objects.filter(pk=plan_id).exists():
                scores_mark_stale(plan_id=plan_id)


class RecordAdmin(SecretariatAdmin):
    """A record kept as it was written (the audit trail, target revisions):
    the administrator can look, and nobody adds, changes or deletes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SecretariatInline:
    """Inlines follow the same role-based rights as their page."""

    def has_view_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return user_is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return user_is_admin(request.user)


def plan_of(obj):
    if isinstance(obj, Plan):
        return obj
    return getattr(obj, "plan", None)


def mark_plan_scores_stale(obj) -> None:
    """A change of structure, weights, thresholds or targets makes all of the
    plan's stored scores stale."""
    plan = plan_of(obj)
    if plan is not None and plan.pk is not None:
        scores_mark_stale(plan_id=plan.pk)
