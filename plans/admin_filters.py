"""List filters shared by the admin pages of several apps."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MISSING, PRESENT = "missing", "present"


class KhmerNameMissingFilter(admin.SimpleListFilter):
    """Which rows still have no Khmer name (Khmer pages show their English
    one: plans.models.BilingualName), and which have one: on the admin of every model with
    a ``name_km``. A subclass names another field, e.g. a related one."""

    title = _("Khmer name")
    parameter_name = "khmer_name"
    field = "name_km"

    def lookups(self, request, model_admin):
        return [
            (MISSING, pgettext_lazy("a Khmer name", "missing")),
            (PRESENT, pgettext_lazy("a Khmer name", "present")),
        ]

    def queryset(self, request, queryset):
        # Names are stored stripped (plans.models.normalise_text): empty is missing.
        empty = Q(**{self.field: ""})
        if self.value() == MISSING:
            missing = queryset.filter(empty)
            # Through a relation, a row with two nameless children would be listed twice.
            return missing.distinct() if "__" in self.field else missing
        if self.value() == PRESENT:
            return queryset.exclude(empty)
        return queryset


class CategoryKhmerNameMissingFilter(KhmerNameMissingFilter):
    """Dimensions with a category that has no Khmer name: categories are
    edited on their dimension's page."""

    title = _("Khmer name of a category")
    parameter_name = "category_khmer_name"
    field = "categories__name_km"
