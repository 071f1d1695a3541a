"""Every page in Khmer, as each role: no English interface string on it.

Each page's visible text (and the texts a screen reader or a tooltip shows:
title, aria-label, placeholder, alt) is compared with the catalogue's English
msgids: an msgid found on a Khmer page is a string that was not translated,
or a template that shows it without asking the catalogue
(docs/languages.md, "The catalogue")."""

import io
import re
from html.parser import HTMLParser

import polib
import pytest
from django.core.management import call_command

from plans.catalogue import PLACEHOLDER, catalogue_source, translations
from plans.models import User
from tests.menu_pages import PLAN, menu_pages

pytestmark = pytest.mark.django_db

SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Elements whose text no reader sees as text.
HIDDEN = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


TAG = re.compile(r"</?[a-z][^>]*>")
EDGES = " :.,;()–-"


def english_pattern() -> re.Pattern:
    """One pattern for the whole of any English msgid as a page shows it: each
    placeholder stands for whatever was put in it, and a msgid with HTML in it
    is shown as several texts, one per piece. Entries whose Khmer is the
    English itself (codes, CSV) are not English."""
    pieces = set()
    for entry in polib.pofile(str(catalogue_source("km"))):
        if entry.obsolete or entry.msgid in translations(entry):
            continue
        for english in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in TAG.split(english):
                piece = " ".join(piece.split()).strip(EDGES)
                if not re.search("[A-Za-z]{2}", PLACEHOLDER.sub("", piece)):
                    continue  # a placeholder, a code or punctuation alone
                literal = [re.escape(part) for part in PLACEHOLDER.split(piece)]
                # What goes into a placeholder on a Khmer page: a figure, a
                # code, a date, a Khmer name; never English words.
                pieces.add("[^a-z]{1,60}?".join(literal))
    return re.compile("|".join(sorted(pieces, key=len, reverse=True)))


def english_on(html: str, english: re.Pattern, allowed: set[str]) -> list[str]:
    """The texts of the page that are an English msgid, whole: free text
    people typed (a gap reason in English) is data, not the interface."""
    found = set()
    for text in visible_texts(html):
        text = text.strip(EDGES)
        if text and text not in allowed and english.fullmatch(text):
            found.add(text)
    return sorted(found)


def pages_for(username: str) -> list[str]:
    """The menu's pages, and those reached from them: the progress report, the
    public summary, My exports; the administrator's own."""
    more = [f"/dashboards/{PLAN}/progress-report/", f"/public/{PLAN}/", "/exports/"]
    if username == "admin":
        return [
            "/audit/",
            f"/imports/plans/{PLAN}/historical/",
            f"/plans/{PLAN}/indicators/I2.1.1/targets/",
            f"/review/status/?plan={PLAN}",
            *more,
        ]
    return [*menu_pages(username), *more]


def shown_as_they_are(user=None) -> set[str]:
    """What a Khmer page shows in English that is not the interface: each
    language's name in itself on the switch, and who is signed in."""
    allowed = {"English"}
    if user is not None:
        allowed |= {user.username, user.get_full_name(), user.first_name, user.last_name}
    return allowed


@pytest.fixture(scope="module")
def catalogue_english():
    return english_pattern()


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", ["reviewer", "focal", "partner", "admin"])
def test_no_english_interface_string_on_any_page_in_khmer(client, demo, catalogue_english, username):
    user = User.objects.select_related("organisation").get(username=username)
    user.language = "km"
    user.save(update_fields=["language"])
    client.force_login(user)
    allowed = shown_as_they_are(user)
    untranslated = {}
    for url in pages_for(username):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "km", url
        found = english_on(response.content.decode(), catalogue_english, allowed)
        if found:
            untranslated[url] = found
    assert not untranslated, untranslated


def test_the_sign_in_page_and_the_public_page_in_khmer_for_a_visitor(client, demo, catalogue_english):
    client.cookies["django_language"] = "km"
    for url in ("/accounts/login/", f"/public/{PLAN}/"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert english_on(response.content.decode(), catalogue_english, shown_as_they_are()) == [], url


def test_a_form_error_appears_in_khmer(client, demo):
    """A figure that cannot be read, saved on the report form in Khmer: the
    message next to its field is the catalogue's Khmer for Django's "Enter a
    number." (Django's own Khmer catalogue leaves it empty)."""
    focal = User.objects.get(username="focal")
    focal.language = "km"
    focal.save(update_fields=["language"])
    client.force_login(focal)
    url = f"/reports/MOI/{PLAN}/2026-Q3/"
    form = client.get(url, secure=True).content.decode()
    field = re.search(r'name="(indicator-\d+-value)"', form).group(1)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    response = client.post(url, {"version": version, "action": "save", field: "twelve"}, secure=True)
    assert response.status_code == 422
    shown = re.search(rf'id="id_{field}-error">([^<]*)<', response.content.decode()).group(1).strip()
    khmer = {e.msgid: e.msgstr for e in polib.pofile(str(catalogue_source("km"))) if not e.msgctxt}
    assert shown == khmer["Enter a number."] != "Enter a number."


def test_a_wrong_password_is_refused_in_khmer_on_the_khmer_sign_in_page(client, demo, catalogue_english):
    """Django's own message, which its Khmer catalogue leaves empty, comes
    from ours (plans/library_words.py)."""
    client.cookies["django_language"] = "km"
    response = client.post("/accounts/login/", {"username": "focal", "password": "wrong"}, secure=True)
    assert response.status_code == 200
    refusal = response.context["form"].non_field_errors()
    assert refusal and not english_on(str(refusal), catalogue_english, set())
    assert "Please enter a correct" not in response.content.decode()
