"""The plans anyone may follow without signing in, for the login page."""

from django import template
from django.contrib.auth.models import AnonymousUser

from plans.access import plans_for_user

register = template.Library()


@register.simple_tag
def public_plans() -> list:
    """Plans marked public, newest first, each with a public page at
    /public/<code>/: what an anonymous visitor may see, whoever asks
    (plans.access.plans_for_user). One query."""
    return list(plans_for_user(AnonymousUser()).order_by("-start_year", "code"))
