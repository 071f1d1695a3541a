"""Who reads which language (docs/languages.md): the user's own choice, stored
from the language switch, else their organisation's default, else English;
Khmer digits as a per-user option; anonymous visitors as Django decides."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import translation
from rest_framework.views import APIView

from plans.formatting import khmer_digits_on, khmer_digits_set
from plans.languages import UserLanguageMiddleware, user_language
from plans.models import AuditEvent, Organisation, User
from plans.services import user_display_set
from tests.conftest import PASSWORD, token_client
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

KHMER_PAGE = '<html lang="km">'
ENGLISH_PAGE = '<html lang="en">'


def signed_in(user) -> Client:
    """A new browser, with no cookie of its own: a new session."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def home_page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(autouse=True)
def digits_reset():
    yield
    khmer_digits_set(False)


@pytest.mark.parametrize(
    ("own", "organisation", "reads"),
    [("", "", "en"), ("", "km", "km"), ("en", "km", "en"), ("km", "", "km"), ("km", "en", "km")],
)
def test_a_user_reads_their_own_choice_else_their_organisations_default(own, organisation, reads):
    user = User(language=own, organisation=Organisation(language=organisation))

    assert user_language(user) == reads


def test_a_user_without_an_organisation_reads_the_site_language(settings):
    settings.LANGUAGE_CODE = "km"

    assert user_language(User(organisation=None)) == "km"


def test_the_switch_stores_the_choice_and_the_next_session_opens_in_it(focal_point):
    response = signed_in(focal_point).post("/i18n/setlang/", {"language": "km", "next": "/dashboards/"})

    assert (response.status_code, response.url) == (302, "/dashboards/")
    focal_point.refresh_from_db()
    assert focal_point.language == "km"
    event = AuditEvent.objects.get(action="user.display")
    assert (event.actor, event.details) == (focal_point, {"language": "km"})

    another_computer = signed_in(focal_point)
    response = another_computer.get("/")
    assert KHMER_PAGE in response.content.decode()
    assert response["Content-Language"] == "km"


def test_choosing_the_same_language_again_is_no_change(focal_point):
    client = signed_in(focal_point)
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})

    assert AuditEvent.objects.filter(action="user.display").count() == 1


def test_the_organisations_default_applies_to_a_user_who_has_not_chosen(ministry, focal_point):
    ministry.language = "km"
    ministry.save()

    assert KHMER_PAGE in home_page(signed_in(focal_point))


def test_the_users_choice_wins_over_the_organisation_and_the_cookie(ministry, focal_point):
    ministry.language = "km"
    ministry.save()
    focal_point.language = "en"
    focal_point.save()
    client = signed_in(focal_point)
    # The last person on this computer chose Khmer.
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "km"

    assert ENGLISH_PAGE in home_page(client)


def test_the_secretariat_makes_khmer_the_default_of_ministries_in_the_admin(
    admin_user, ministry, other_ministry, focal_point
):
    partner = OrganisationFactory(code="IOM", kind="PARTNER")
    admin = signed_in(admin_user)

    response = admin.post(
        "/admin/plans/organisation/",
        {"action": "language_khmer_default", "_selected_action": [ministry.pk, other_ministry.pk]},
    )

    assert response.status_code == 302
    assert dict(Organisation.objects.values_list("code", "language")) == {
        "MOI": "km",
        "MOJ": "km",
        "IOM": "",
        "NCCT-GS": "",
    }
    assert sorted(
        AuditEvent.objects.filter(action="organisation.update").values_list("object_repr", flat=True)
    ) == [str(ministry), str(other_ministry)]
    assert KHMER_PAGE in home_page(signed_in(focal_point))

    admin.post(
        "/admin/plans/organisation/",
        {"action": "language_english_default", "_selected_action": [ministry.pk, partner.pk]},
    )

    assert dict(Organisation.objects.values_list("code", "language")) == {
        "MOI": "en",
        "MOJ": "km",
        "IOM": "en",
        "NCCT-GS": "",
    }
    assert ENGLISH_PAGE in home_page(signed_in(focal_point))


def test_the_admin_sets_a_users_language_and_digits(admin_user, focal_point):
    page = signed_in(admin_user).get(f"/admin/plans/user/{focal_point.pk}/change/").content.decode()

    assert 'name="language"' in page and 'name="khmer_digits"' in page


@pytest.mark.parametrize(
    ("accept", "cookie", "reads"), [("km", None, "km"), ("km", "en", "en"), ("en", None, "en")]
)
def test_anonymous_visitors_read_what_django_decides(client, accept, cookie, reads):
    if cookie:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept)

    assert f'<html lang="{reads}">' in response.content.decode()


def test_the_switch_names_each_language_in_itself(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ">English</option>" in page and ">ខ្មែរ</option>" in page


def test_an_anonymous_switch_sets_the_cookie_and_stores_nothing(client, focal_point):
    response = client.post("/i18n/setlang/", {"language": "km", "next": "/accounts/login/"})

    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "km"
    assert User.objects.exclude(language="").count() == 0
    assert not AuditEvent.objects.filter(action="user.display").exists()


def test_the_display_form_turns_khmer_digits_on_and_off(focal_point):
    client = signed_in(focal_point)

    client.post("/i18n/setlang/", {"language": "en", "khmer_digits": "1", "next": "/"})
    focal_point.refresh_from_db()
    assert focal_point.khmer_digits is True
    assert 'value="1" selected' in home_page(client)

    client.post("/i18n/setlang/", {"language": "en", "khmer_digits": "0", "next": "/"})
    focal_point.refresh_from_db()
    assert focal_point.khmer_digits is False
    assert [e.details for e in AuditEvent.objects.filter(action="user.display").order_by("pk")] == [
        {"khmer_digits": True},
        {"khmer_digits": False},
    ]


def test_changing_only_the_digits_keeps_following_the_organisations_default(ministry, focal_point):
    ministry.language = "km"
    ministry.save()
    client = signed_in(focal_point)

    # The form sends the language shown, the organisation's, with the digits.
    client.post("/i18n/setlang/", {"language": "km", "khmer_digits": "1", "next": "/"})
    ministry.language = "en"
    ministry.save()

    focal_point.refresh_from_db()
    assert (focal_point.language, focal_point.khmer_digits) == ("", True)
    assert ENGLISH_PAGE in home_page(client)


def test_the_display_form_is_for_signed_in_users_only(client, focal_point):
    assert 'name="khmer_digits"' not in client.get("/accounts/login/").content.decode()
    assert 'name="khmer_digits"' in home_page(signed_in(focal_point))


def during_request(user) -> tuple[str, bool]:
    """The language and the digits a view sees for ``user``'s request."""
    seen = {}

    def view(request):
        seen["language"], seen["digits"] = translation.get_language(), khmer_digits_on()

    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        UserLanguageMiddleware(view)(request)
    return seen["language"], seen["digits"]


def test_a_users_digits_are_set_for_each_of_their_requests_and_reset_for_anonymous_ones(ministry):
    ministry.language = "km"
    user = UserFactory(organisation=ministry, khmer_digits=True)

    assert during_request(user) == ("km", True)
    assert during_request(AnonymousUser()) == ("en", False)


def test_an_api_request_with_a_token_is_answered_in_the_users_language(monkeypatch, client, partner):
    partner.organisation.language = "km"
    partner.organisation.save()
    partner.khmer_digits = True
    partner.save()
    seen = []
    finalize = APIView.finalize_response

    def finalize_and_look(self, request, response, *args, **kwargs):
        seen.append((translation.get_language(), khmer_digits_on()))
        return finalize(self, request, response, *args, **kwargs)

    monkeypatch.setattr(APIView, "finalize_response", finalize_and_look)

    response = token_client(client, partner).get("/api/v1/organisations/")

    assert response.status_code == 200
    assert response["Content-Language"] == "km"
    assert seen == [("km", True)]


def test_an_unknown_language_is_refused(focal_point):
    with pytest.raises(ValidationError):
        user_display_set(user=focal_point, language="fr")
