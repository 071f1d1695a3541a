from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default = True
    name = "plans"
    verbose_name = _("Plans and organisations")

    def ready(self):
        # Registers the deploy checks (ntip.E001) with Django's check framework.
        import plans.checks  # noqa: F401


class NtipAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "plans.admin_site.NtipAdminSite"
