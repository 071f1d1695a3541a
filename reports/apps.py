from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Scores, dashboards and exports")

    def ready(self):
        # Register the Celery tasks in every process (web included), so that a
        # service lower down can enqueue them by name.
        import reports.exports.tasks
        import reports.scores.tasks  # noqa: F401
