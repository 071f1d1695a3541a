"""E-mail reminders to focal points whose quarterly report is not submitted
(docs/reporting.md).

Run daily by the beat task ``indicators.tasks.send_report_reminders``. For each
plan and period, an organisation expected to report and whose report is not
SUBMITTED or APPROVED gets:

- one BEFORE_DEADLINE reminder once the deadline is ``plan.reminder_days``
  days away or less (and not passed);
- one OVERDUE reminder once the deadline has passed, for a deadline passed
  within OVERDUE_WINDOW_DAYS, so that the first run on an old database, or a
  report forgotten long ago, does not bring a flood of e-mails.

A ReminderSent row per (organisation, period, kind) is what makes each go out
once: it is written before the e-mail is sent, in the same transaction, and
the database's unique constraint refuses a second one, even from a run in
parallel.

Each recipient reads it in their language, with their digits (plans/languages.py
``user_language``): the focal points of one organisation who read the same get
one e-mail, a colleague who reads the other language another.
"""

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import QuarterlyReport, ReminderKind, ReminderSent, ReportState
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.formatting import date_text
from plans.languages import user_language, user_language_override
from plans.models import Organisation, Plan, ReportingPeriod, Role, User

logger = logging.getLogger(__name__)

OVERDUE_WINDOW_DAYS = 90


def reminders_send(*, today: datetime.date) -> list[ReminderSent]:
    """Send the reminders due ``today`` that have not gone out yet; the
    reminders sent are returned. Running it twice sends nothing the second time."""
    sent = []
    for plan in Plan.objects.all():
        periods = plan.periods.filter(
            deadline__gte=today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
            deadline__lte=today + datetime.timedelta(days=plan.reminder_days),
        ).order_by("index")
        for period in periods:
            kind = ReminderKind.BEFORE_DEADLINE if today <= period.deadline else ReminderKind.OVERDUE
            sent += period_reminders_send(plan=plan, period=period, kind=kind)
    return sent


def period_reminders_send(*, plan: Plan, period: ReportingPeriod, kind: str) -> list[ReminderSent]:
    expected = {
        org for org, periods in plan_expected_reporters(plan, [period]).items() if period.pk in periods
    }
    received = QuarterlyReport.objects.filter(
        period=period, state__in=[ReportState.SUBMITTED, ReportState.APPROVED]
    ).values_list("organisation_id", flat=True)
    reminded = ReminderSent.objects.filter(period=period, kind=kind).values_list("organisation_id", flat=True)
    owing = expected - set(received) - set(reminded)
    if not owing:
        return []
    recipients = defaultdict(list)
    focal_points = (
        User.objects.filter(
            role=Role.FOCAL_POINT, is_active=True, organisation__in=owing, organisation__is_active=True
        )
        .exclude(email="")
        .order_by("email")
    )
    for user in focal_points.select_related("organisation"):
        recipients[user.organisation].append(user)
    sent = []
    for organisation, users in sorted(recipients.items(), key=lambda item: item[0].code):
        reminder = reminder_send(organisation=organisation, period=period, kind=kind, recipients=users)
        if reminder is not None:
            sent.append(reminder)
    # An organisation with no focal point to write to is not recorded as
    # reminded: once someone is given an e-mail address, they get it.
    for code in sorted(
        o.code for o in Organisation.objects.filter(pk__in=owing - {o.pk for o in recipients})
    ):
        logger.info("No focal point with an e-mail address to remind: %s, %s", code, period.code)
    return sent


def reminder_send(
    *, organisation: Organisation, period: ReportingPeriod, kind: str, recipients: list[User]
) -> ReminderSent | None:
    """Record the reminder, then send it, in one transaction: None when it was
    already recorded (by a run in parallel), or when the e-mail could not be
    sent, in which case nothing is recorded and the next run tries again.

    One e-mail for the recipients who read the same language with the same
    digits, written in those (plans/languages.py)."""
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                organisation=organisation,
                period=period,
                kind=kind,
                recipients=[user.email for user in recipients],
            )
            emails = [
                reminder_email(organisation=organisation, period=period, kind=kind, recipients=users)
                for users in reader_groups(recipients)
            ]
            # Should the server fail after the first of two e-mails, nothing is
            # recorded and the next run sends both again: twice rather than never.
            get_connection().send_messages(emails)
    except IntegrityError:
        return None
    except (smtplib.SMTPException, OSError):
        logger.warning(
            "Could not send the %s reminder to %s for %s; the next run tries again",
            kind,
            organisation.code,
            period.code,
            exc_info=True,
        )
        return None
    return reminder


def reader_groups(users: list[User]) -> list[list[User]]:
    """``users`` by the language they read and their digits, in their order."""
    groups = defaultdict(list)
    for user in users:
        groups[(user_language(user), user.khmer_digits)].append(user)
    return list(groups.values())


def reminder_email(
    *, organisation: Organisation, period: ReportingPeriod, kind: str, recipients: list[User]
) -> EmailMessage:
    """The reminder to ``recipients``, who read one language with the same
    digits, in those: the override ends with the e-mail, so the next group's
    is not written in this one's language."""
    with user_language_override(recipients[0]):
        subject, body = reminder_message(organisation=organisation, period=period, kind=kind)
        return EmailMessage(
            subject,
            body,
            to=[user.email for user in recipients],
            headers={"Content-Language": translation.get_language()},
        )


def reminder_message(*, organisation: Organisation, period: ReportingPeriod, kind: str) -> tuple[str, str]:
    """The e-mail's subject and body, in the active language (the recipients':
    reminder_email)."""
    plan = period.plan
    link = settings.SITE_URL.rstrip("/") + reverse(
        "quarterly_report:report_form",
        kwargs={"org_code": organisation.code, "plan_code": plan.code, "period_code": period.code},
    )
    names = {
        "organisation": organisation.display_name,
        "plan": f"{plan.display_name} ({plan.code})",
        "period": period.code,
        # As the pages write a deadline (plans.formatting), Khmer digits too.
        "deadline": date_text(period.deadline, "Y-m-d"),
        "link": link,
    }
    if kind == ReminderKind.OVERDUE:
        subject = _("Overdue: the %(period)s quarterly report of %(organisation)s") % names
        body = (
            _(
                "The quarterly report of %(organisation)s for %(period)s under the plan %(plan)s was due on "
                "%(deadline)s and has not been submitted yet.\n\n"
                "A late report is still accepted, and marked late. Please fill it in and submit it as soon "
                "as you can:\n%(link)s\n\n"
                "NCCT General Secretariat"
            )
            % names
        )
    else:
        subject = (
            _("Reminder: the %(period)s quarterly report of %(organisation)s is due on %(deadline)s") % names
        )
        body = (
            _(
                "The quarterly report of %(organisation)s for %(period)s under the plan %(plan)s is due on "
                "%(deadline)s and has not been submitted yet.\n\n"
                "Please fill it in and submit it by then:\n%(link)s\n\n"
                "NCCT General Secretariat"
            )
            % names
        )
    return subject, body
