"""System checks for a production configuration, run by `manage.py check --deploy`.

The web container runs that check before it starts (see docker-compose.yml), so
an error here keeps a misconfigured server from going live.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_development_key(app_configs, **kwargs):
    # Django's own security.W009 also dislikes this key, but only as a warning. A
    # server signing sessions with a key published in the repository lets anyone
    # forge a login, so NTIP makes it an error.
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key published in the repository.",
                hint=(
                    "Set SECRET_KEY in the environment (.env) to a long random secret, e.g. the output of "
                    'python3 -c "import secrets; print(secrets.token_urlsafe(50))".'
                ),
                id="ntip.E001",
            )
        ]
    return []
