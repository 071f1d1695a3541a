"""Who reads which language (docs/languages.md): the user's own choice, else
their organisation's default, else the site's. The middleware activates it for
each request of a signed-in user, with their choice of digits; the e-mails
are written in it for each recipient; the language switch stores it."""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils import translation
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

from plans.formatting import khmer_digits_on, khmer_digits_set
from plans.services import user_display_set

# The Display form's field next to the language switch (templates/base.html).
KHMER_DIGITS_PARAMETER = "khmer_digits"


def user_language(user) -> str:
    """The language ``user`` reads: their own choice, else their organisation's
    default, else the site's (settings.LANGUAGE_CODE). No query when the
    organisation was loaded with the user, as the sign-in backend and the
    API token do."""
    if user.language:
        return user.language
    if user.organisation is not None and user.organisation.language:
        return user.organisation.language
    return settings.LANGUAGE_CODE


def user_language_activate(user) -> None:
    """For the rest of this request: ``user``'s language and digits."""
    translation.activate(user_language(user))
    khmer_digits_set(user.khmer_digits)


@contextmanager
def user_language_override(user):
    """``user``'s language and digits inside the block, and whatever was
    active before after it: a task writing to one user after another never
    writes to the next in the previous one's language."""
    digits = khmer_digits_on()
    with translation.override(user_language(user)):
        khmer_digits_set(user.khmer_digits)
        try:
            yield
        finally:
            khmer_digits_set(digits)


class UserLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in user's
    pages in their language, whatever the browser's cookie or Accept-Language
    say (a shared computer keeps the last person's cookie). Anonymous visitors
    keep Django's choice (the switch's cookie, then Accept-Language) and 0–9.
    An API request with a token is signed in later, by its authentication
    (plans/tokens.py), which activates the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Every request sets the digits: a thread serves one request after
        # another, and the last one's must not carry over.
        if request.user.is_authenticated:
            user_language_activate(request.user)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            khmer_digits_set(False)
        return self.get_response(request)


@login_not_required
def language_set(request):
    """The language switch and the Display form: Django's set_language (the
    cookie, then back to ``next``), and for a signed-in user the choices stored
    on the user, so that their next session, on any computer, opens in them.

    The form sends the language with the digits: the language the user already
    reads is no choice, so that someone who follows their organisation's
    default and changes only the digits keeps following it."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        language = request.POST.get(LANGUAGE_QUERY_PARAMETER)
        chosen = language in dict(settings.LANGUAGES) and language != user_language(request.user)
        user_display_set(
            user=request.user,
            language=language if chosen else None,
            khmer_digits={"1": True, "0": False}.get(request.POST.get(KHMER_DIGITS_PARAMETER, "")),
        )
    return response
