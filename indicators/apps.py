from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators and quarterly reports")

    def ready(self):
        # Register the Celery tasks in every process: autodiscovery looks for
        # <app>.tasks only, and ours live with their feature.
        import indicators.imports.tasks
        import indicators.quarterly_report.tasks  # noqa: F401
