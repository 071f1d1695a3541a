"""The permission walk (issue 14): every URL pattern the resolver knows (pages,
API, admin), requested as every role and anonymously, with secrets planted in
the owner ministry's draft, submitted, returned, open-period and published
reports (tests/security/planted.py).

It fails when
- a planted secret shows to someone who may not read it (planted.may_see);
- an answer is a 500, to anyone;
- a URL is not in DOORS below, the registry of who may open each URL: a new
  URL must say who may open it before the suite passes;
- someone opens a URL the registry says is not theirs, or is refused one that
  is (refused: 401, 403, 404, or a redirect to a sign-in page).

When it was written it found partners reading review comments, who took each
step and evidence file names (issue 14, holes 1 and 2); those are closed by
indicators.access.user_sees_report_workings, and the walk keeps them closed.
"""

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.contrib.contenttypes.models import ContentType
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from tests.security.planted import (
    ACTOR,
    COMMENT,
    EVIDENCE,
    FIGURE,
    NOTE,
    REPORTS,
    ROLES,
    SECRETARIAT,
    Planted,
    Secret,
    plant,
)

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = frozenset({"secretariat_admin"})
NOBODY = frozenset()
FOCAL_POINTS = frozenset({"owner_focal_point", "outsider_focal_point"})
REPORTERS = ADMIN | FOCAL_POINTS  # fill in reports: the admin on behalf of any organisation
SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")


# --- What a URL is filled with ----------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One way to fill a URL's arguments, and which planted report it is about."""

    label: str
    kwargs: dict = field(default_factory=dict)
    report: str = ""


def no_kwargs(planted: Planted) -> list[Target]:
    return [Target("")]


def the_plan(key: str) -> Callable[[Planted], list[Target]]:
    return lambda planted: [Target(planted.plan.code, {key: planted.plan.code})]


def each_report_page(planted: Planted) -> list[Target]:
    return [
        Target(
            label,
            {
                "org_code": planted.owner.code,
                "plan_code": planted.plan.code,
                "period_code": report.period.code,
            },
            label,
        )
        for label, report in planted.reports.items()
    ]


def each_report_id(planted: Planted) -> list[Target]:
    return [Target(label, {"pk": report.pk}, label) for label, report in planted.reports.items()]


def each_evidence_id(planted: Planted) -> list[Target]:
    return [Target(label, {"pk": evidence.pk}, label) for label, evidence in planted.evidence.items()]


def plan_node(node: str) -> Callable[[Planted], list[Target]]:
    return lambda planted: [
        Target(node, {"plan_code": planted.plan.code, "code": getattr(planted, node).code})
    ]


def each_organisation(planted: Planted) -> list[Target]:
    return [
        Target(org.code, {"plan_code": planted.plan.code, "org_code": org.code})
        for org in (planted.owner, planted.outsider)
    ]


def a_period(which: str, plan_key: str, period_key: str) -> Callable[[Planted], list[Target]]:
    return lambda planted: [
        Target(
            which,
            {plan_key: planted.plan.code, period_key: getattr(planted, which).code},
        )
    ]


def each_export(*datasets: str) -> Callable[[Planted], list[Target]]:
    """Exports of the plan (dataset.format), e.g. "values.csv"."""
    return lambda planted: [
        Target(name, {"code": planted.plan.code, "dataset": name.split(".")[0], "fmt": name.split(".")[1]})
        for name in datasets
    ]


def each_export_page(*datasets: str) -> Callable[[Planted], list[Target]]:
    return lambda planted: [
        Target(t.label, {"plan_code": t.kwargs["code"], **{k: t.kwargs[k] for k in ("dataset", "fmt")}})
        for t in each_export(*datasets)(planted)
    ]


def the_admins_export(planted: Planted) -> list[Target]:
    """A long export of the administrator's, written (reports/exports/): theirs alone to open."""
    from django.core.files.base import ContentFile

    from reports.models import Export

    owner = planted.users["secretariat_admin"]
    export = Export.objects.filter(user=owner).first()
    if export is None:
        export = Export.objects.create(
            user=owner, plan=planted.plan, dataset="values", format="csv", state="DONE", rows=1
        )
        export.file.save("values.csv", ContentFile(b"indicator\n"))
    return [Target("admin's export", {"pk": export.pk})]


def every_period(planted: Planted) -> list[dict]:
    return [{"period": period.code} for period in planted.periods.values()]


def dashboard_queries(planted: Planted) -> list[dict]:
    """Each planted quarter; and the pages' switches, in the published quarter and the open one."""
    switches = [{"values": "all"}, {"attention": "all"}, {"targets": "original"}, {"sort": "name"}]
    quarters = (planted.newest_published.code, planted.next_to_publish.code)
    return every_period(planted) + [{**switch, "period": code} for code in quarters for switch in switches]


def report_list_queries(planted: Planted) -> list[dict]:
    return [
        *every_period(planted),
        *({"state": state} for state in ("DRAFT", "SUBMITTED", "RETURNED", "APPROVED")),
        {"organisation": planted.owner.code},
        {"plan": planted.plan.code},
    ]


# --- Who may open what --------------------------------------------------------------


def an_import_job(planted: Planted) -> list[Target]:
    job = apps.get_model("indicators", "ImportJob").objects.get()
    return [Target("draft", {"pk": job.pk}, "draft")]


def report_readers(target: Target) -> frozenset:
    """Who opens a report (docs/roles.md): the secretariat, its own
    organisation, and partners once it is approved and published."""
    return (
        SECRETARIAT
        | {"owner_focal_point"}
        | ({"partner"} if target.report == "published_approved" else set())
    )


def report_editors(target: Target) -> frozenset:
    """Who may write to a report at all (the service may still say no to its state)."""
    return ADMIN | {"owner_focal_point"}


def evidence_readers(target: Target) -> frozenset:
    """Evidence files: the secretariat and the organisation; never partners."""
    return SECRETARIAT | {"owner_focal_point"}


@dataclass(frozen=True)
class Door:
    """Who may open a URL. ``opens``: the roles a GET answers ``status`` (the
    rest must be refused); a set, or a rule of the target. ``post``: who may
    POST (anything but a 500 then); everyone else must be refused or get 405.
    ``destructive``: those who may are not made to POST (a delete page)."""

    opens: frozenset | Callable[[Target], frozenset]
    each: Callable[[Planted], list[Target]] = no_kwargs
    status: int | dict = 200
    post: frozenset | Callable[[Target], frozenset] = NOBODY
    patch: frozenset | Callable[[Target], frozenset] = NOBODY
    queries: Callable[[Planted], list[dict]] = lambda planted: []
    destructive: bool = False
    signs_out: bool = False  # a POST here ends the session
    post_data: Callable[[Planted], dict] = lambda planted: {}  # what is POSTed: a form that passes validation

    def openers(self, target: Target) -> frozenset:
        return self.opens(target) if callable(self.opens) else self.opens

    def posters(self, target: Target, method: str) -> frozenset:
        allowed = self.post if method == "post" else self.patch
        return allowed(target) if callable(allowed) else allowed

    def status_for(self, role: str) -> int:
        if isinstance(self.status, dict):
            return self.status.get(role, self.status.get("others", 200))
        return self.status


POST_ONLY = 405  # a GET to a door that only acts on POST

PAGES = {
    "home": Door(SIGNED_IN),
    "login": Door(EVERYONE, post=EVERYONE),
    # POST only (Django's LogoutView).
    "logout": Door(SIGNED_IN, status=POST_ONLY, post=EVERYONE, signs_out=True),
    # A GET only sends you back where you came from.
    "set_language": Door(EVERYONE, status=302, post=EVERYONE),
    "healthz": Door(EVERYONE),
    "plan_page:plan_structure": Door(SIGNED_IN, the_plan("code")),
    "targets:target_revise": Door(ADMIN, plan_node("indicator"), post=ADMIN),
    "quarterly_report:my_reports": Door(REPORTERS, queries=lambda p: [{"organisation": p.owner.code}]),
    "quarterly_report:evidence_download": Door(evidence_readers, each_evidence_id),
    "quarterly_report:evidence_remove": Door(
        SIGNED_IN, each_evidence_id, status=POST_ONLY, post=report_editors, destructive=True
    ),
    "quarterly_report:report_form": Door(report_readers, each_report_page, post=report_editors),
    # Values files (indicators/imports/): the report's workbook and its upload for those who fill it in,
    # historical figures for the administrator, a job's page for its uploader alone.
    "imports:report_workbook": Door(report_editors, each_report_page),
    "imports:report_upload": Door(SIGNED_IN, each_report_page, status=POST_ONLY, post=report_editors),
    "imports:historical_upload": Door(ADMIN, the_plan("plan_code"), post=ADMIN),
    "imports:import_job": Door({"owner_focal_point"}, an_import_job),
    "imports:import_job_confirm": Door(
        SIGNED_IN, an_import_job, status=POST_ONLY, post={"owner_focal_point"}
    ),
    "review:review_queue": Door(
        SECRETARIAT,
        post=SECRETARIAT,
        queries=lambda p: [{"state": "ALL"}, {"state": "DRAFT"}, {"plan": p.plan.code, "state": "RETURNED"}],
    ),
    "review:review_report": Door(SECRETARIAT, each_report_id, post=SECRETARIAT),
    "review:reporting_status": Door(
        SECRETARIAT, queries=lambda p: [{"plan": p.plan.code, "quarters": "all"}]
    ),
    "review:period_publish": Door(
        SECRETARIAT, a_period("next_to_publish", "plan_code", "period_code"), post=SECRETARIAT
    ),
    "review:period_withdraw": Door(
        SECRETARIAT, a_period("newest_published", "plan_code", "period_code"), post=SECRETARIAT
    ),
    "dashboards:index": Door(SIGNED_IN),
    "dashboards:plan": Door(SIGNED_IN, the_plan("plan_code"), queries=dashboard_queries),
    "dashboards:pillar": Door(SIGNED_IN, plan_node("pillar"), queries=dashboard_queries),
    "dashboards:objective": Door(SIGNED_IN, plan_node("objective"), queries=dashboard_queries),
    "dashboards:indicator": Door(SIGNED_IN, plan_node("indicator"), queries=dashboard_queries),
    "dashboards:organisations": Door(SIGNED_IN, the_plan("plan_code"), queries=dashboard_queries),
    "dashboards:organisation": Door(SIGNED_IN, each_organisation, queries=dashboard_queries),
    "dashboards:justice_chain": Door(SIGNED_IN, the_plan("plan_code"), queries=dashboard_queries),
    "dashboards:progress-report": Door(SIGNED_IN, the_plan("plan_code"), queries=every_period),
    # Exports (reports/exports/, docs/exports.md): what each role may see of the plan;
    # a long export's page and file are its owner's only.
    "exports:plan_export": Door(
        SIGNED_IN, each_export_page("values.csv", "completeness.csv"), queries=every_period
    ),
    "exports:my_exports": Door(SIGNED_IN),
    "exports:export_job": Door(ADMIN, the_admins_export),
    "exports:export_download": Door(ADMIN, the_admins_export),
    # The plan is public: its summary is open to everyone.
    "public:public_summary": Door(EVERYONE, the_plan("plan_code"), queries=every_period),
    "audit:audit_list": Door(
        SECRETARIAT,
        queries=lambda p: [{"what": "kind:reports"}, {"who": "walk-owner"}, {"plan": p.plan.code}],
    ),
}

# DRF answers 401 to a request without credentials, and 405 to a GET where only
# POST acts (after the sign-in check, before any object is looked up).
API = {
    # POST a username and password for a token (anyone); DELETE revokes one's own.
    "api:token": Door(SIGNED_IN, status=POST_ONLY, post=EVERYONE),
    "api:plan-scores": Door(
        SIGNED_IN, the_plan("code"), queries=lambda p: [*every_period(p), {"node": "P1"}, {"node": "I1.1.1"}]
    ),
    "api:plan-completeness": Door(SIGNED_IN, the_plan("code"), queries=every_period),
    "api:plan-periods": Door(SIGNED_IN, the_plan("code")),
    # The read API (indicators/api.py, reports/values/api.py): structure for every
    # reader; approved figures, of published quarters for partners.
    "api:plans": Door(SIGNED_IN, queries=lambda p: [{"public": "true"}, {"year": p.plan.start_year}]),
    "api:plan": Door(SIGNED_IN, the_plan("code")),
    "api:organisations": Door(SIGNED_IN, queries=lambda p: [{"kind": "MINISTRY"}]),
    "api:indicators": Door(
        SIGNED_IN, queries=lambda p: [{"plan": p.plan.code}, {"organisation": p.owner.code}, {"pillar": "P1"}]
    ),
    "api:values": Door(
        SIGNED_IN,
        queries=lambda p: [
            *every_period(p),
            {"plan": p.plan.code, "indicator": p.indicator.code},
            {"organisation": p.owner.code},
        ],
    ),
    # The plan workbook: structure only, for whoever sees the plan.
    "api:plan-workbook": Door(SIGNED_IN, the_plan("code")),
    # The progress report's workbook: a published quarter for all signed in, an open one not for partners.
    "api:progress-report": Door(
        lambda target: SIGNED_IN - ({"partner"} if target.label == "next_to_publish" else set()),
        lambda p: [
            *a_period("newest_published", "code", "period")(p),
            *a_period("next_to_publish", "code", "period")(p),
        ],
    ),
    "api:plan-export": Door(
        SIGNED_IN,
        each_export("values.csv", "values.json", "activity-updates.csv", "scores.json", "completeness.csv"),
        queries=every_period,
    ),
    "api:export-job": Door(ADMIN, the_admins_export),
    "api:export-file": Door(ADMIN, the_admins_export),
    "api:period-publish": Door(
        SIGNED_IN, a_period("next_to_publish", "code", "period"), status=POST_ONLY, post=SECRETARIAT
    ),
    "api:period-withdraw": Door(
        SIGNED_IN, a_period("newest_published", "code", "period"), status=POST_ONLY, post=SECRETARIAT
    ),
    # POST opens a report: for the organisation's own focal point, or the admin on its behalf.
    "api:reports": Door(
        SIGNED_IN,
        post=ADMIN | {"owner_focal_point"},
        post_data=lambda p: {
            "plan": p.plan.code,
            "period": p.plan.periods.get(index=1).code,
            "organisation": p.owner.code,
        },
        queries=report_list_queries,
    ),
    "api:report": Door(report_readers, each_report_id, patch=report_editors),
    "api:report-submit": Door(SIGNED_IN, each_report_id, status=POST_ONLY, post=report_editors),
    "api:report-approve": Door(SIGNED_IN, each_report_id, status=POST_ONLY, post=SECRETARIAT),
    "api:report-return": Door(SIGNED_IN, each_report_id, status=POST_ONLY, post=SECRETARIAT),
    "api:report-reopen": Door(SIGNED_IN, each_report_id, status=POST_ONLY, post=SECRETARIAT),
}


# The administration (plans/admin_site.py): the secretariat administrator only;
# everyone else is sent to the admin's sign-in page. Every registered model is
# listed with what the administrator may do with it; the doors follow.
# Each view of a model: (who opens it, who may POST to it). The admin's pages
# answer a POST to a page that only shows (history) as a GET.
VIEWS = ("changelist", "add", "history", "delete", "change")
EDITABLE = dict.fromkeys(VIEWS, (ADMIN, ADMIN))
NO_ADD = {**EDITABLE, "add": (NOBODY, NOBODY)}
# Kept as written: the administrator looks, and nobody adds, changes or deletes.
RECORD = {**EDITABLE, "add": (NOBODY, NOBODY), "delete": (NOBODY, NOBODY), "change": (ADMIN, NOBODY)}
# Listed and revoked (deleted), never added or edited: the API tokens.
REVOCABLE = {**RECORD, "delete": (ADMIN, ADMIN)}
# Django's per-model permissions, which no role is given: superusers only.
NOT_FOR_THE_SECRETARIAT = dict.fromkeys(VIEWS, (NOBODY, NOBODY))
ADMIN_MODELS = {
    "auth.group": NOT_FOR_THE_SECRETARIAT,
    # The administrator lists API tokens and revokes them (issue 14, hole 4).
    "authtoken.tokenproxy": REVOCABLE,
    "plans.organisation": EDITABLE,
    "plans.user": EDITABLE,
    "plans.plan": EDITABLE,
    "plans.reportingperiod": NO_ADD,  # periods follow the plan's years
    "plans.auditevent": RECORD,
    "strategies.pillar": EDITABLE,
    "strategies.objective": EDITABLE,
    "strategies.activity": EDITABLE,
    "indicators.dimension": EDITABLE,
    "indicators.indicator": EDITABLE,
    # Reports are opened by their organisation (or imported), never added here.
    "indicators.quarterlyreport": NO_ADD,
    "indicators.targetrevision": RECORD,
    "indicators.importjob": RECORD,  # uploads are looked at; the pages start and confirm them
}


def first_object(label: str) -> Callable[[Planted], list[Target]]:
    def fill(planted: Planted) -> list[Target]:
        obj = apps.get_model(label).objects.order_by("pk").first()
        assert obj is not None, f"plant one {label} (tests/security/planted.py) so its admin pages are walked"
        return [Target(str(obj.pk), {"object_id": str(obj.pk)})]

    return fill


def admin_doors() -> dict:
    doors = {}
    for label, rights in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        fill = first_object(label)
        for view, (opens, post) in rights.items():
            doors[f"admin:{app_label}_{model_name}_{view}"] = Door(
                opens,
                no_kwargs if view in ("changelist", "add") else fill,
                post=post,
                destructive=view == "delete",
            )
        # <object_id>/ redirects to the change page, for whoever passes the admin's wall.
        doors[f"admin/{app_label}/{model_name}/<path:object_id>/"] = Door(ADMIN, fill, status=302, post=ADMIN)
    return doors


def each_admin_app(planted: Planted) -> list[Target]:
    labels = sorted({model._meta.app_label for model in admin_site._registry})
    return [Target(label, {"app_label": label}) for label in labels]


def app_list_openers(target: Target) -> frozenset:
    return ADMIN if target.label in ADMIN_APPS else NOBODY


# Apps with a model the secretariat administrator may open (see ADMIN_MODELS).
ADMIN_APPS = {label.split(".")[0] for label, rights in ADMIN_MODELS.items() if rights["changelist"][0]}

ADMIN_PAGES = {
    "admin:index": Door(ADMIN, post=ADMIN),
    # The admin's sign-in page; one already signed in as the administrator is sent on to the index.
    "admin:login": Door(EVERYONE, status={"secretariat_admin": 302}, post=EVERYONE),
    # POST only; anyone else signed in is sent to the admin's index, which sends them to sign in.
    "admin:logout": Door(
        SIGNED_IN, status={"secretariat_admin": POST_ONLY, "others": 302}, post=SIGNED_IN, signs_out=True
    ),
    "admin:password_change": Door(ADMIN, post=ADMIN),
    "admin:password_change_done": Door(ADMIN),
    # Asked without its parameters it refuses even the administrator.
    "admin:autocomplete": Door(NOBODY),
    "admin:jsi18n": Door(ADMIN),
    # No model here has a page of its own outside the admin: nothing to redirect to.
    "admin:view_on_site": Door(
        NOBODY,
        lambda p: [
            Target(
                "plan",
                {"content_type_id": ContentType.objects.get_for_model(p.plan).pk, "object_id": p.plan.pk},
            )
        ],
    ),
    "admin:auth_user_password_change": Door(
        ADMIN, lambda p: [Target("owner", {"id": p.users["owner_focal_point"].pk})], post=ADMIN
    ),
    "admin:app_list": Door(app_list_openers, each_admin_app, post=app_list_openers),
    # Anything else under /admin/: not found, behind the admin's wall.
    "admin/(?P<url>.*)$": Door(NOBODY, lambda p: [Target("unknown", {"url": "no-such-page/"})]),
}

# The plan workbook's import and export buttons (indicators/imports/admin.py),
# for the administrator only; the confirmation of an import is POST only.
WORKBOOK_SHEETS = ("plans_plan", "plans_organisation", "indicators_dimension", "strategies_pillar")
WORKBOOK_SHEETS += ("strategies_objective", "indicators_indicator", "strategies_activity")
WORKBOOK_ADMIN = {
    f"admin:{model}_{view}": Door(ADMIN, status=POST_ONLY if view == "process_import" else 200, post=ADMIN)
    for model in WORKBOOK_SHEETS
    for view in ("import", "process_import", "export")
}

# The API's OpenAPI schema and its Swagger UI (ntip/urls.py): open, they hold no data.
API_DOCS = {
    "schema": Door(EVERYONE),
    "api-docs": Door(EVERYONE, queries=lambda p: [{"script": ""}]),
}

DOORS = {**PAGES, **API, **API_DOCS, **admin_doors(), **ADMIN_PAGES, **WORKBOOK_ADMIN}


# --- The walk --------------------------------------------------------------------


def url_patterns(resolver=None, namespace="", route=""):
    """Every pattern the resolver knows: (registry key, pattern). The key is the
    URL's name, with its namespace; an unnamed one is keyed by its route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}{pattern.name}" if pattern.name else route + str(pattern.pattern)
            yield key, pattern


def url_of(key: str, pattern: URLPattern, target: Target) -> str:
    if pattern.name:
        return reverse(key, kwargs=target.kwargs)
    # An unnamed pattern: its sibling's namespace, its route filled by hand.
    path = "/" + key
    for name, value in target.kwargs.items():
        for placeholder in (f"<path:{name}>", f"(?P<{name}>.*)$", f"<{name}>"):
            path = path.replace(placeholder, str(value))
    return path


@dataclass(frozen=True)
class Answer:
    role: str
    method: str
    url: str
    key: str
    target: Target
    status: int
    body: str
    location: str
    error: str


@dataclass(frozen=True)
class Leak:
    role: str
    key: str
    secret: Secret
    answer: Answer

    @property
    def known(self) -> tuple[str, str, str, str]:
        return (self.role, self.key, self.secret.kind, self.secret.report)


class Walker:
    """Requests as one role, keeping what came back."""

    def __init__(self, planted: Planted, role: str):
        self.role = role
        self.client = Client(raise_request_exception=False)
        self.errors: list[str] = []
        self.user = planted.users.get(role)

    def sign_in(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def request(self, method: str, key: str, url: str, target: Target, data=None, signs_out=False) -> Answer:
        self.errors.clear()
        got_request_exception.connect(self.exception_seen)
        try:
            if method == "patch":
                response = self.client.patch(url, data or {}, content_type="application/json")
            else:
                response = getattr(self.client, method)(url, data or {})
        finally:
            got_request_exception.disconnect(self.exception_seen)
        who = response.wsgi_request.user
        assert signs_out or (who.username if who.is_authenticated else "anonymous") == (
            self.user.username if self.user else "anonymous"
        ), f"{self.role}: {method.upper()} {url} was not made as {self.role}: the walk lost its sign-in"
        return Answer(
            role=self.role,
            method=method.upper(),
            url=f"{url}?{urlencode(data)}" if data and method == "get" else url,
            key=key,
            target=target,
            status=response.status_code,
            body=content_of(response),
            location=response.get("Location", ""),
            error="; ".join(self.errors),
        )

    def exception_seen(self, sender, request=None, **kwargs):
        self.errors.append(repr(sys.exc_info()[1]))


# Random per answer, so they may hold a planted figure's digits by chance
# (a request id once held 987603): not what the answer tells.
RANDOM_HEADERS = {"x-request-id", "content-security-policy"}
NONCE = re.compile(r'nonce="[^"]*"')


def content_of(response) -> str:
    headers = "\n".join(
        f"{name}: {value}" for name, value in response.items() if name.lower() not in RANDOM_HEADERS
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return headers + "\n" + NONCE.sub("", body.decode("utf-8", errors="replace"))


def refused(answer: Answer) -> bool:
    if answer.status in (401, 403, 404):
        return True
    return answer.status == 302 and answer.location.split("?")[0].endswith(SIGN_IN_PAGES)


def doors_walked(keys=None):
    """(key, pattern, door) for every URL the resolver knows and DOORS lists."""
    for key, pattern in url_patterns():
        if key in DOORS and (keys is None or key in keys):
            yield key, pattern, DOORS[key]


def walk_get(planted: Planted, role: str, keys=None) -> list[Answer]:
    walker = Walker(planted, role)
    walker.sign_in()
    answers = []
    for key, pattern, door in doors_walked(keys):
        for target in door.each(planted):
            url = url_of(key, pattern, target)
            answers.append(walker.request("get", key, url, target))
            for query in door.queries(planted):
                answers.append(walker.request("get", key, url, target, query))
    return answers


def leaks_told(leaks: list[Leak]) -> str:
    """One line per role, URL name, kind of secret and report, with an example
    request and every text seen: the query-string variants of one URL leak together."""
    grouped: dict[tuple, list[Leak]] = {}
    for leak in leaks:
        grouped.setdefault((leak.role, leak.answer.method, *leak.known[1:]), []).append(leak)
    lines = []
    for (role, method, key, kind, report), found in sorted(grouped.items()):
        urls = sorted({leak.answer.url for leak in found}, key=len)
        texts = sorted({leak.secret.text for leak in found})
        also = f" (and {len(urls) - 1} more URLs)" if len(urls) > 1 else ""
        lines.append(
            f"{role}: {method} {key} shows the {kind} of the {report} report {texts} at {urls[0]}{also}"
        )
    return f"{len(lines)} leaks:\n" + "\n".join(lines)


def leaks_in(planted: Planted, answers: list[Answer]) -> list[Leak]:
    leaks = []
    for answer in answers:
        for secret in planted.secrets_hidden_from(answer.role):
            if any(form in answer.body for form in secret.forms):
                leaks.append(Leak(answer.role, answer.key, secret, answer))
    return leaks


# The GET walk depends on nothing but the code and the planting, which is the
# same in every test: it runs once per role, and its answers serve the tests
# that read them (a third of the suite's time otherwise).
WALKS: dict[str, list[Answer]] = {}


def walk_every_get(planted: Planted, role: str) -> list[Answer]:
    if role not in WALKS:
        WALKS[role] = walk_get(planted, role)
    return WALKS[role]


@pytest.fixture
def planted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return plant()


# --- The tests -------------------------------------------------------------------


def test_every_url_the_resolver_knows_is_in_the_registry():
    known = {key for key, _ in url_patterns()}
    missing = sorted(known - DOORS.keys())
    assert not missing, (
        "These URLs are not in the permission walk's registry. Add each to DOORS in "
        "tests/security/test_permission_walk.py with who may open it (and who may POST): "
        + ", ".join(missing)
    )
    gone = sorted(DOORS.keys() - known)
    assert not gone, f"The registry lists URLs the resolver no longer knows; remove them: {', '.join(gone)}"


@pytest.mark.parametrize("role", ROLES)
def test_no_role_sees_a_planted_secret_it_may_not_read(planted, role):
    answers = walk_every_get(planted, role)

    leaks = leaks_in(planted, answers)
    assert not leaks, leaks_told(leaks)
    assert len(answers) > 100


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_the_registry_says_and_is_refused_the_rest(planted, role):
    answers = [answer for answer in walk_every_get(planted, role) if "?" not in answer.url]

    wrong = []
    for answer in answers:
        door = DOORS[answer.key]
        if role in door.openers(answer.target):
            if answer.status != door.status_for(role):
                wrong.append(f"{answer.url}: {answer.status}, the registry says {door.status_for(role)}")
        elif not refused(answer):
            wrong.append(f"{answer.url}: {answer.status} {answer.location}, the registry says refused")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_500_to_any_role(planted, role):
    answers = walk_every_get(planted, role)

    errors = [f"{a.method} {a.url}: {a.error}" for a in answers if a.status >= 500]
    assert not errors, f"{role}:\n" + "\n".join(errors)


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("role", ROLES)
def test_only_those_allowed_write_and_none_gets_500(planted, role, method):
    """An empty POST (and, on the API, PATCH) to every URL: whoever may not
    write there is refused or told the method is not allowed."""
    walker = Walker(planted, role)
    wrong = []
    for key, pattern, door in doors_walked():
        if method == "patch" and not key.startswith("api:"):
            continue
        for target in door.each(planted):
            allowed = role in door.posters(target, method)
            if allowed and door.destructive:
                continue
            walker.sign_in()  # a POST may have signed out
            answer = walker.request(
                method, key, url_of(key, pattern, target), target, door.post_data(planted), door.signs_out
            )
            if answer.status >= 500:
                wrong.append(f"{answer.url}: {answer.status} {answer.error}")
            elif not allowed and not (refused(answer) or answer.status == 405):
                wrong.append(f"{answer.url}: {answer.status}, the registry says {role} may not {method}")
    assert not wrong, f"{role} {method.upper()}:\n" + "\n".join(wrong)


def test_the_walk_finds_a_planted_secret_where_it_may_be_read(planted):
    """The walk's own check: the secretariat does see every kind of secret, so
    an empty verdict above is not a walk that saw nothing."""
    answers = walk_get(planted, "secretariat_reviewer", keys={"review:review_report", "api:report"})

    seen = [secret for secret in planted.secrets if any(secret.text in answer.body for answer in answers)]
    assert {secret.kind for secret in seen} == {FIGURE, NOTE, COMMENT, EVIDENCE, ACTOR}
    assert {secret.report for secret in seen} == set(REPORTS)
