"""Django's and Django REST framework's own words that NTIP's users meet,
for our catalogue (docs/languages.md, "The catalogue").

Django's Khmer catalogue leaves these empty, and DRF ships none: a figure typed
wrong ("twelve", too many digits), a bad cell of an uploaded workbook, a wrong
password or an API refusal would be answered in English on a Khmer page.
Listed here, makemessages puts them in locale/km/, and the libraries' own
calls then answer in Khmer: Django reads every catalogue of the "django"
domain, ours (LOCALE_PATHS) first. Nothing imports this module; each string
must stay exactly as its library writes it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_WORDS = (
    # The sign-in page (django.contrib.auth.forms.AuthenticationForm).
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    # DecimalField, DecimalValidator: a figure, a cell, percent complete.
    gettext_noop("Enter a number."),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    # ChoiceField: an activity's status, a milestone's reached or not.
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    # Model fields, on a cell of a values file or a plan workbook (indicators/imports/).
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)

DRF_WORDS = (
    # The API tokens' admin page (rest_framework/authtoken/apps.py, models.py).
    gettext_noop("Auth Token"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("Key"),
    gettext_noop("Created"),
    # The token endpoint, /api/v1/auth/token/ (rest_framework/authtoken/serializers.py).
    gettext_noop("Password"),
    gettext_noop("Unable to log in with provided credentials."),
    gettext_noop('Must include "username" and "password".'),
    # Token authentication (rest_framework/authentication.py).
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    # Refusals and bad requests (rest_framework/exceptions.py, pagination.py).
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Request was throttled."),
    gettext_noop("Invalid page."),
)
