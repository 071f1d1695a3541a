"""What each recorded action is called on the audit page, and the kinds the
page's "What" filter groups them in.

Actions are the services' own strings (``report.approved``, ``period.publish``);
the admin records ``<model>.create|update|delete`` (plans/admin_site.py). A kind
is a set of prefixes, so an action added later (a token revoked, an export) is
filtered with its kind before anyone gives it words here.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.audit.recording import ACCESS_DENIED, LOCKED_OUT, SIGN_IN_FAILED, SIGNED_IN, SIGNED_OUT


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    prefixes: tuple[str, ...]
    # The actions offered one by one in the filter, with their words.
    actions: tuple[tuple[str, Promise], ...] = ()


SIGN_IN_KIND = Kind(
    "sign_in",
    gettext_lazy("Sign-in and access"),
    ("auth.", "access."),
    (
        (SIGNED_IN, gettext_lazy("Signed in")),
        (SIGNED_OUT, gettext_lazy("Signed out")),
        (SIGN_IN_FAILED, gettext_lazy("Failed sign-in")),
        (LOCKED_OUT, gettext_lazy("Locked out after failed sign-ins")),
        (ACCESS_DENIED, gettext_lazy("Refused a page (403)")),
    ),
)

KINDS = (
    SIGN_IN_KIND,
    Kind(
        "reports",
        gettext_lazy("Reports"),
        ("report.", "evidence.", "values.", "quarterlyreport."),
        (
            ("report.create", gettext_lazy("Started a report")),
            ("report.save", gettext_lazy("Saved a report")),
            ("report.submitted", gettext_lazy("Submitted a report")),
            ("report.returned", gettext_lazy("Returned a report")),
            ("report.approved", gettext_lazy("Approved a report")),
            ("evidence.attach", gettext_lazy("Attached an evidence file")),
            ("evidence.remove", gettext_lazy("Removed an evidence file")),
            ("values.upload", gettext_lazy("Uploaded a values file")),
            ("values.import", gettext_lazy("Imported figures from a values file")),
        ),
    ),
    Kind(
        "publication",
        gettext_lazy("Publication"),
        ("period.",),
        (
            ("period.publish", gettext_lazy("Published a quarter")),
            ("period.withdraw", gettext_lazy("Withdrew a quarter's publication")),
        ),
    ),
    Kind(
        "plan",
        gettext_lazy("Plan changes"),
        (
            "plan.",
            "targets.",
            "pillar.",
            "objective.",
            "activity.",
            "indicator.",
            "dimension.",
            "reportingperiod.",
            "targetrevision.",
        ),
        (
            ("plan.create", gettext_lazy("Created a plan")),
            ("plan.update", gettext_lazy("Changed a plan")),
            ("plan.import", gettext_lazy("Imported a plan workbook")),
            ("targets.revise", gettext_lazy("Revised targets")),
        ),
    ),
    Kind(
        "users",
        gettext_lazy("Users and organisations"),
        ("user.", "organisation."),
        (
            ("user.create", gettext_lazy("Created a user")),
            ("user.update", gettext_lazy("Changed a user")),
            ("user.display", gettext_lazy("Changed their language or digits")),
        ),
    ),
    Kind(
        "tokens",
        gettext_lazy("API tokens"),
        ("token.", "tokenproxy."),
        (
            ("token.create", gettext_lazy("Issued an API token")),
            ("token.revoke", gettext_lazy("Revoked an API token")),
            ("token.expire", gettext_lazy("An API token expired")),
        ),
    ),
    Kind(
        "exports",
        gettext_lazy("Exports"),
        ("export.",),
        (
            ("export.download", gettext_lazy("Downloaded an export")),
            ("export.background", gettext_lazy("Asked for an export to be prepared")),
        ),
    ),
)

# Whatever no kind above claims (the demo's seeding, say).
OTHER = Kind("other", gettext_lazy("Other"), (), (("demo.seed", gettext_lazy("Loaded the demo plan")),))

KIND_PREFIX = "kind:"
WORDS = {action: words for kind in (*KINDS, OTHER) for action, words in kind.actions}
# The admin's saves and deletions (plans/admin_site.py SecretariatAdmin).
ADMIN_ACTION = re.compile(r"(?P<model>\w+)\.(?P<verb>create|update|delete)")
ADMIN_VERBS = {
    "create": gettext_lazy("Created %(thing)s"),
    "update": gettext_lazy("Changed %(thing)s"),
    "delete": gettext_lazy("Deleted %(thing)s"),
}


def kind_of(action: str) -> Kind:
    for kind in KINDS:
        if action.startswith(kind.prefixes):
            return kind
    return OTHER


def kind_get(key: str) -> Kind | None:
    return next((kind for kind in (*KINDS, OTHER) if kind.key == key), None)


def action_choices() -> list:
    """The "What" filter: every kind as a group, led by "all of this kind"."""
    groups = [
        (
            kind.label,
            [
                (KIND_PREFIX + kind.key, _("All: %(kind)s") % {"kind": kind.label}),
                *((action, words) for action, words in kind.actions),
            ],
        )
        for kind in (*KINDS, OTHER)
    ]
    return [("", _("Everything")), *groups]


def action_words(action: str, object_type: str = "", details: dict | None = None) -> str:
    """The action as the page says it: "Approved a report", "Changed indicator"."""
    if action == "report.returned" and (details or {}).get("from") == "APPROVED":
        return _("Reopened an approved report")
    if action in WORDS:
        return str(WORDS[action])
    admin = ADMIN_ACTION.fullmatch(action)
    if admin:
        return str(ADMIN_VERBS[admin["verb"]]) % {"thing": thing_name(object_type, admin["model"])}
    return action


def thing_name(object_type: str, fallback: str = "") -> str:
    """A model's own name ("quarterly report") from its label, with no query."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return fallback
