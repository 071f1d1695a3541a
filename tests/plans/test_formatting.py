"""The one formatter of figures and dates (plans/formatting.py, docs/languages.md):
English and Khmer write numbers alike, Khmer dates with Khmer months, Khmer
digits only on the user's option, and Django's own filters agree."""

import contextvars
import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from plans.formatting import (
    ascii_digits,
    date_text,
    khmer_digits_on,
    khmer_digits_set,
    number_text,
    percent_text,
    share_text,
)

PHNOM_PENH = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def khmer_digits():
    khmer_digits_set(True)
    yield
    khmer_digits_set(False)


@pytest.mark.parametrize("language", ["en", "km"])
def test_figures_read_the_same_in_english_and_khmer(language):
    with translation.override(language):
        assert number_text(1362) == "1,362"
        assert number_text(Decimal("1362.5000")) == "1,362.5"
        assert number_text(Decimal("10.0000")) == "10"
        assert number_text(2_159_000.456, 2) == "2,159,000.46"
        assert number_text(Decimal("2.675"), 2) == "2.68"
        assert number_text(-0.001, 2) == "0"
        assert number_text(None) == "—"
        assert number_text("<5") == "<5"
        assert percent_text(51.25) == "51.3 %"
        assert percent_text(50) == "50 %"
        assert share_text(0.513) == "51.3 %"
        assert share_text(12.345) == "1,234.5 %"
        assert share_text(None) == "—"


def test_english_dates_read_as_the_pages_wrote_them_before():
    with translation.override("en"):
        assert date_text(datetime.date(2027, 1, 15)) == "Jan. 15, 2027"
        assert date_text(datetime.date(2027, 1, 15), "Y-m-d") == "2027-01-15"


def test_khmer_dates_have_khmer_months_and_no_words_around_them():
    with translation.override("km"):
        assert date_text(datetime.date(2027, 1, 15)) == "15 មករា 2027"
        # Django's own catalogue misspells March (មិនា).
        assert date_text(datetime.date(2027, 3, 1)) == "1 មីនា 2027"
        assert date_text(datetime.date(2027, 2, 1), "j M Y") == "1 កុម្ភៈ 2027"
        assert date_text(datetime.date(2027, 1, 15), "Y-m-d") == "2027-01-15"


def test_a_moment_is_shown_in_local_time():
    moment = datetime.datetime(2027, 1, 14, 20, 30, tzinfo=datetime.UTC)
    with translation.override("km"):
        assert date_text(moment, "Y-m-d H:i") == "2027-01-15 03:30"
        assert date_text(moment, "SHORT_DATETIME_FORMAT") == "15 មករា 2027, 3:30"
    assert date_text(None) == ""


def test_khmer_digits_are_off_unless_the_user_chose_them():
    # A request or task that sets nothing starts with 0–9.
    assert contextvars.Context().run(khmer_digits_on) is False
    with translation.override("km"):
        assert number_text(1362) == "1,362"


def test_khmer_digits_are_shown_in_khmer_only(khmer_digits):
    with translation.override("km"):
        assert number_text(1362.5) == "១,៣៦២.៥"
        assert share_text(0.513) == "៥១.៣ %"
        assert number_text("<5") == "<៥"
        assert date_text(datetime.date(2027, 1, 15)) == "១៥ មករា ២០២៧"
    with translation.override("en"):
        assert number_text(1362.5) == "1,362.5"
        assert date_text(datetime.date(2027, 1, 15)) == "Jan. 15, 2027"


def test_typed_khmer_digits_read_as_ascii_digits():
    assert ascii_digits("១២៣.៤៥") == "123.45"
    assert ascii_digits("12 ០") == "12 0"


def test_djangos_own_filters_agree_with_the_formatter_in_khmer():
    # ntip/formats/km over Django's km file: "15 ខែ មករា ឆ្នាំ 2027", "1362,5".
    with translation.override("km"):
        assert date_format(datetime.date(2027, 1, 15)) == "15 មករា 2027"
        assert number_format(1362.5, decimal_pos=1, force_grouping=True) == "1,362.5"
    with translation.override("en"):
        assert date_format(datetime.date(2027, 1, 15)) == "Jan. 15, 2027"
        assert number_format(1362.5, decimal_pos=1, force_grouping=True) == "1,362.5"


def test_the_filters_are_in_every_template_without_a_load(khmer_digits):
    template = Template(
        "{{ n|number_text }} · {{ n|number_text:0 }} · {{ f|share_text }} · {{ p|percent_text }} · "
        '{{ d|date_text }} · {{ m|date_text:"Y-m-d H:i" }} · [{{ none|date_text }}]'
    )
    context = Context(
        {
            "n": Decimal("1362.25"),
            "f": 0.513,
            "p": Decimal("40.00"),
            "d": datetime.date(2027, 1, 15),
            "m": datetime.datetime(2027, 1, 15, 8, 5, tzinfo=PHNOM_PENH),
            "none": None,
        }
    )
    with translation.override("en"):
        assert template.render(context) == (
            "1,362.25 · 1,362 · 51.3 % · 40 % · Jan. 15, 2027 · 2027-01-15 08:05 · []"
        )
    with translation.override("km"):
        assert template.render(context) == (
            "១,៣៦២.២៥ · ១,៣៦២ · ៥១.៣ % · ៤០ % · ១៥ មករា ២០២៧ · ២០២៧-០១-១៥ ០៨:០៥ · []"
        )
