"""Reminder e-mails to focal points whose quarterly report is due or overdue."""

import datetime
import smtplib

import pytest
from django.conf import settings

from indicators.models import ReminderKind, ReminderSent
from indicators.quarterly_report import reminders
from indicators.quarterly_report.reminders import reminder_send, reminders_send
from indicators.quarterly_report.tasks import send_report_reminders
from ntip.celery import app as celery_app
from plans.models import Role
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db

# 2025-Q2 ends on 30 June; its deadline is 15 days later. Reminders go out
# from 5 days before it (the plan's default).
DEADLINE = datetime.date(2025, 7, 15)
REMINDER_DAY = DEADLINE - datetime.timedelta(days=5)
DAY_AFTER = DEADLINE + datetime.timedelta(days=1)


@pytest.fixture
def nsp(ministry, other_ministry):
    """MOI leads a quarterly indicator that MOJ contributes to. MOSVY leads an
    annual one (due in Q4 only), MOWA contributes to a level (which only its
    lead reports) and MOLVT leads an activity that starts in 2025-Q3: none of
    those three owes a report for 2025-Q2."""
    plan = PlanFactory(code="NSP", name="National Strategic Plan", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    victims = IndicatorFactory(objective=objective, code="VICTIMS", lead=ministry)
    victims.contributors.add(other_ministry)
    mosvy, mowa, molvt = (OrganisationFactory(code=code) for code in ("MOSVY", "MOWA", "MOLVT"))
    IndicatorFactory(objective=objective, lead=mosvy, frequency="ANNUAL")
    level = IndicatorFactory(objective=objective, lead=ministry, aggregation="LATEST")
    level.contributors.add(mowa)
    ActivityFactory(
        objective=objective,
        lead=molvt,
        start_period=plan.periods.get(code="2025-Q3"),
        end_period=plan.periods.get(code="2025-Q4"),
    )
    periods = {p.code: p for p in plan.periods.all()}
    assert periods["2025-Q2"].deadline == DEADLINE
    # Everyone reported 2025-Q1, so that only 2025-Q2 is owed.
    for organisation in (ministry, other_ministry):
        approved_report(organisation, periods["2025-Q1"], state="SUBMITTED")
    return {"plan": plan, "periods": periods, "q2": periods["2025-Q2"]}


@pytest.fixture
def people(ministry, other_ministry, reviewer, nsp):
    def focal(username, organisation, email, **extra):
        return UserFactory(
            username=username, role=Role.FOCAL_POINT, organisation=organisation, email=email, **extra
        )

    reviewer.email = "reviewer@ncct.gov.kh"
    reviewer.save()
    return {
        "moi": focal("dara", ministry, "dara@interior.gov.kh"),
        "moi_2": focal("sokha", ministry, "sokha@interior.gov.kh"),
        "moi_no_email": focal("vanna", ministry, ""),
        "moi_left": focal("chea", ministry, "chea@interior.gov.kh", is_active=False),
        "moj": focal("lina", other_ministry, "lina@justice.gov.kh"),
        **{
            code.lower(): focal(code.lower(), OrganisationFactory(code=code), f"fp@{code.lower()}.gov.kh")
            for code in ("MOSVY", "MOWA", "MOLVT")
        },
    }


def mail_to(mailoutbox) -> dict[str, set[str]]:
    """Each e-mail's first words of subject → its recipients."""
    return {message.subject: set(message.to) for message in mailoutbox}


def test_focal_points_who_owe_a_report_are_reminded_before_the_deadline(nsp, people, mailoutbox):
    sent = reminders_send(today=REMINDER_DAY)

    assert sorted((r.organisation.code, r.period.code, r.kind) for r in sent) == [
        ("MOI", "2025-Q2", "BEFORE_DEADLINE"),
        ("MOJ", "2025-Q2", "BEFORE_DEADLINE"),
    ]
    assert mail_to(mailoutbox) == {
        "Reminder: the 2025-Q2 quarterly report of Ministry of Interior is due on 2025-07-15": {
            "dara@interior.gov.kh",
            "sokha@interior.gov.kh",
        },
        "Reminder: the 2025-Q2 quarterly report of Ministry of Justice is due on 2025-07-15": {
            "lina@justice.gov.kh"
        },
    }
    body = next(m.body for m in mailoutbox if "Interior" in m.subject)
    assert "Ministry of Interior for 2025-Q2 under the plan National Strategic Plan (NSP)" in body
    assert "due on 2025-07-15" in body
    assert f"{settings.SITE_URL}/reports/MOI/NSP/2025-Q2/" in body
    assert ReminderSent.objects.get(organisation__code="MOI").recipients == [
        "dara@interior.gov.kh",
        "sokha@interior.gov.kh",
    ]


@pytest.mark.parametrize(
    ("state", "reminded"), [("SUBMITTED", False), ("APPROVED", False), ("DRAFT", True), ("RETURNED", True)]
)
def test_only_a_report_not_submitted_brings_a_reminder(
    nsp, people, other_ministry, mailoutbox, state, reminded
):
    approved_report(other_ministry, nsp["q2"], state=state)

    reminders_send(today=REMINDER_DAY)

    assert any("lina@justice.gov.kh" in m.to for m in mailoutbox) is reminded
    assert any("dara@interior.gov.kh" in m.to for m in mailoutbox)


def test_a_reminder_goes_out_once_however_often_the_task_runs(nsp, people, mailoutbox):
    reminders_send(today=REMINDER_DAY)
    reminders_send(today=REMINDER_DAY)
    reminders_send(today=REMINDER_DAY + datetime.timedelta(days=2))
    reminders_send(today=DEADLINE)

    assert len(mailoutbox) == 2
    assert ReminderSent.objects.count() == 2


@pytest.mark.parametrize(
    "today",
    [
        REMINDER_DAY - datetime.timedelta(days=1),  # six days before the deadline
        datetime.date(2025, 5, 1),  # the quarter has not even ended
    ],
)
def test_nothing_goes_out_far_from_a_deadline(nsp, people, mailoutbox, today):
    assert reminders_send(today=today) == []
    assert mailoutbox == []


def test_the_plan_says_how_many_days_before_the_deadline(nsp, people, mailoutbox):
    nsp["plan"].reminder_days = 10
    nsp["plan"].save()

    reminders_send(today=DEADLINE - datetime.timedelta(days=10))

    assert len(mailoutbox) == 2


def test_an_overdue_report_brings_one_more_reminder(nsp, people, other_ministry, mailoutbox):
    reminders_send(today=REMINDER_DAY)
    approved_report(other_ministry, nsp["q2"], state="SUBMITTED")  # MOJ submits in time

    reminders_send(today=DAY_AFTER)
    reminders_send(today=DAY_AFTER + datetime.timedelta(days=7))

    overdue = [m for m in mailoutbox if m.subject.startswith("Overdue")]
    assert [(m.subject, set(m.to)) for m in overdue] == [
        (
            "Overdue: the 2025-Q2 quarterly report of Ministry of Interior",
            {"dara@interior.gov.kh", "sokha@interior.gov.kh"},
        )
    ]
    assert "was due on 2025-07-15" in overdue[0].body and "marked late" in overdue[0].body
    assert sorted(ReminderSent.objects.values_list("organisation__code", "kind")) == [
        ("MOI", "BEFORE_DEADLINE"),
        ("MOI", "OVERDUE"),
        ("MOJ", "BEFORE_DEADLINE"),
    ]


def test_reports_overdue_long_ago_bring_no_flood_of_mail(nsp, people, mailoutbox):
    # First run on a database where 2024's reports were never submitted:
    # only the deadline passed within the last quarter is recalled.
    today = DEADLINE + datetime.timedelta(days=reminders.OVERDUE_WINDOW_DAYS)

    reminders_send(today=today)

    assert {(r.period.code, r.kind) for r in ReminderSent.objects.all()} == {
        ("2025-Q2", "OVERDUE"),
        ("2025-Q3", "BEFORE_DEADLINE"),  # due on 2025-10-15, two days later
    }


def test_a_reminder_recorded_by_a_parallel_run_is_not_sent_again(nsp, ministry, mailoutbox):
    # The other run recorded it after this one looked: the unique constraint decides.
    ReminderSent.objects.create(organisation=ministry, period=nsp["q2"], kind=ReminderKind.BEFORE_DEADLINE)

    reminder = reminder_send(
        organisation=ministry,
        period=nsp["q2"],
        kind=ReminderKind.BEFORE_DEADLINE,
        recipients=[UserFactory(organisation=ministry, email="a@b.kh")],
    )

    assert reminder is None and mailoutbox == []
    assert ReminderSent.objects.count() == 1


def test_a_reminder_that_could_not_be_sent_is_tried_again_next_run(nsp, people, mailoutbox, monkeypatch):
    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", mail_server_down)
    assert reminders_send(today=REMINDER_DAY) == []
    assert not ReminderSent.objects.exists()

    monkeypatch.undo()
    assert len(reminders_send(today=REMINDER_DAY + datetime.timedelta(days=1))) == 2
    assert len(mailoutbox) == 2


def test_an_organisation_without_a_focal_point_to_write_to_is_reminded_once_it_has_one(
    nsp, other_ministry, mailoutbox
):
    assert reminders_send(today=REMINDER_DAY) == []

    UserFactory(
        username="lina", role=Role.FOCAL_POINT, organisation=other_ministry, email="lina@justice.gov.kh"
    )
    reminders_send(today=REMINDER_DAY + datetime.timedelta(days=1))

    assert [m.to for m in mailoutbox] == [["lina@justice.gov.kh"]]


def test_the_daily_task_sends_todays_reminders(nsp, people, mailoutbox, monkeypatch):
    monkeypatch.setattr("indicators.quarterly_report.tasks.timezone.localdate", lambda: REMINDER_DAY)

    assert send_report_reminders() == 2
    assert len(mailoutbox) == 2


def test_the_task_is_scheduled_every_morning():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "indicators.tasks.send_report_reminders"
    )
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Phnom_Penh"
    assert "indicators.tasks.send_report_reminders" in celery_app.tasks
