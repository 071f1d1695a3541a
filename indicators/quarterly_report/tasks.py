"""Background work of the quarterly report. Each task calls one service."""

from celery import shared_task
from django.utils import timezone

from indicators.quarterly_report.reminders import reminders_send

# Task names keep the module paths they had before the tasks moved here: queued
# messages and the beat schedule (ntip/settings.py) name them.


@shared_task(name="indicators.tasks.send_report_reminders", acks_late=True)
def send_report_reminders() -> int:
    """Daily: e-mail the focal points whose report is due soon or overdue.
    Safe to run twice: a reminder already sent is not sent again."""
    return len(reminders_send(today=timezone.localdate()))
