from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default = True
    name = "plans"
    verbose_name = _("Plans and organisations")

    def ready(self):
        # Imported for what they register: the deploy checks (ntip.E001) with
        # Django's check framework; signal receivers for a session's start at
        # sign-in (the idle and absolute limits) and for tokens revoked by a new
        # password or a deactivation.
        import plans.auth_sessions
        import plans.checks
        import plans.tokens  # noqa: F401
        from plans.audit.recording import signals_connect

        # Signing in and out, failed sign-ins and lockouts go into the audit trail.
        signals_connect()


class NtipAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "plans.admin_site.NtipAdminSite"
