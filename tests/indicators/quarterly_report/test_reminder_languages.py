"""Reminder e-mails in each recipient's language, with their digits
(docs/languages.md, "Who reads which language")."""

import datetime

import pytest
from django.utils import translation

from indicators.quarterly_report import reminders
from indicators.quarterly_report.reminders import reminders_send
from indicators.quarterly_report.tasks import send_report_reminders
from plans.formatting import khmer_digits_on, khmer_digits_set
from plans.models import Role
from tests.factories import IndicatorFactory, ObjectiveFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

# The plan's first quarter, 2025-Q1, is due on 15 April: reminders go out from the 10th.
REMINDER_DAY = datetime.date(2025, 4, 10)


@pytest.fixture(autouse=True)
def digits_reset():
    yield
    khmer_digits_set(False)


@pytest.fixture
def owing(ministry, other_ministry):
    """MOI and MOJ owe their 2025-Q1 report. Both have a Khmer name."""
    ministry.name_km = "ក្រសួងមហាផ្ទៃ"
    ministry.save()
    other_ministry.name_km = "ក្រសួងយុត្តិធម៌"
    other_ministry.save()
    plan = PlanFactory(code="NSP", name="National Strategic Plan", start_year=2025, end_year=2026)
    indicator = IndicatorFactory(objective=ObjectiveFactory(plan=plan, pillar__plan=plan), lead=ministry)
    indicator.contributors.add(other_ministry)
    return plan


def focal(username, organisation, **extra):
    return UserFactory(
        username=username,
        role=Role.FOCAL_POINT,
        organisation=organisation,
        email=f"{username}@{organisation.code.lower()}.gov.kh",
        **extra,
    )


def by_recipients(mailoutbox) -> dict[frozenset, object]:
    return {frozenset(message.to): message for message in mailoutbox}


def test_each_focal_point_is_reminded_in_the_language_they_read(owing, ministry, other_ministry, mailoutbox):
    other_ministry.language = "km"  # the secretariat's default for MOJ
    other_ministry.save()
    focal("dara", ministry, language="km")
    focal("sokha", ministry)  # follows MOI's default: none, so English
    focal("lina", other_ministry)

    reminders_send(today=REMINDER_DAY)

    mail = by_recipients(mailoutbox)
    assert {to: m.extra_headers["Content-Language"] for to, m in mail.items()} == {
        frozenset({"dara@moi.gov.kh"}): "km",
        frozenset({"sokha@moi.gov.kh"}): "en",
        frozenset({"lina@moj.gov.kh"}): "km",
    }
    khmer, english = mail[frozenset({"dara@moi.gov.kh"})], mail[frozenset({"sokha@moi.gov.kh"})]
    assert english.subject.startswith("Reminder: the 2025-Q1 quarterly report of Ministry of Interior")
    assert khmer.subject != english.subject
    assert "ក្រសួងមហាផ្ទៃ" in khmer.subject and "ក្រសួងមហាផ្ទៃ" in khmer.body
    assert "Ministry of Interior" not in khmer.body
    q1 = owing.periods.get(code="2025-Q1")
    for language, message in (("km", khmer), ("en", english)):
        with translation.override(language):
            expected = reminders.reminder_message(organisation=ministry, period=q1, kind="BEFORE_DEADLINE")
        assert (message.subject, message.body) == expected


def test_colleagues_who_read_the_same_get_one_email(owing, ministry, mailoutbox):
    ministry.language = "km"
    ministry.save()
    focal("dara", ministry)
    focal("sokha", ministry, language="km")

    reminders_send(today=REMINDER_DAY)

    assert [(set(m.to), m.extra_headers["Content-Language"]) for m in mailoutbox] == [
        ({"dara@moi.gov.kh", "sokha@moi.gov.kh"}, "km")
    ]


def test_each_email_is_written_with_its_recipients_digits(owing, ministry, mailoutbox, monkeypatch):
    focal("dara", ministry, language="km", khmer_digits=True)
    focal("sokha", ministry, language="km")
    written = []
    message = reminders.reminder_message

    def message_and_look(**kwargs):
        written.append((translation.get_language(), khmer_digits_on()))
        return message(**kwargs)

    monkeypatch.setattr(reminders, "reminder_message", message_and_look)

    reminders_send(today=REMINDER_DAY)

    assert sorted(written) == [("km", False), ("km", True)]
    assert len(mailoutbox) == 2


def test_the_daily_task_leaves_no_recipients_language_behind(owing, ministry, mailoutbox, monkeypatch):
    monkeypatch.setattr("indicators.quarterly_report.tasks.timezone.localdate", lambda: REMINDER_DAY)
    focal("dara", ministry, language="km", khmer_digits=True)
    focal("sokha", ministry, language="en")

    with translation.override("en"):
        assert send_report_reminders() == 1
        assert (translation.get_language(), khmer_digits_on()) == ("en", False)

    assert sorted(m.extra_headers["Content-Language"] for m in mailoutbox) == ["en", "km"]
