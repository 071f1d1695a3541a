"""Secrets planted for the permission walk (test_permission_walk.py).

One public plan. Its reporting ministry (MOSVY, "the owner") has five reports,
one in each state that matters, every one holding distinctive text that must
show only to those who may read it: a figure (9876xx), notes, a gap's reason
and corrective action, an activity's note, the secretariat's comments, an
evidence file with a name that could name a survivor, and who did each step.
A second ministry (MOI, "the outsider") has a focal point and no claim on any
of it; a partner and the public see approved figures of published quarters
only, and never a comment, an evidence name or who did what (issue 14).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from indicators.models import (
    ActivityUpdate,
    Category,
    DisaggregatedValue,
    Evidence,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    TargetRevision,
)
from plans.models import AuditEvent, Organisation, ReportingPeriod, Role
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    ActivityFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
    UserFactory,
    publish_through,
)

SALT = "zq81"
ROLES = (
    "secretariat_admin",
    "secretariat_reviewer",
    "owner_focal_point",
    "outsider_focal_point",
    "partner",
    "anonymous",
)
SECRETARIAT = frozenset({"secretariat_admin", "secretariat_reviewer"})

# The owner's reports, newest first: the current quarter's draft back to an
# approved report in the newest published quarter.
REPORTS = ("draft", "submitted", "returned", "open_approved", "published_approved")
STATES = {
    "draft": ReportState.DRAFT,
    "submitted": ReportState.SUBMITTED,
    "returned": ReportState.RETURNED,
    "open_approved": ReportState.APPROVED,
    "published_approved": ReportState.APPROVED,
}
FIGURES = {label: 987601 + n for n, label in enumerate(REPORTS)}

FIGURE, NOTE, COMMENT, EVIDENCE, ACTOR = "figure", "note", "review comment", "evidence name", "who did it"


@dataclass(frozen=True)
class Secret:
    kind: str
    report: str  # a label of REPORTS
    forms: tuple[str, ...]  # every way a page may write it

    @property
    def text(self) -> str:
        return self.forms[0]

    @property
    def approved(self) -> bool:
        return STATES[self.report] == ReportState.APPROVED

    @property
    def published(self) -> bool:
        return self.report == "published_approved"


def may_see(role: str, secret: Secret) -> bool:
    """The rule the walk holds every answer to (docs/roles.md, docs/publication.md)."""
    if role in SECRETARIAT or role == "owner_focal_point":
        return True
    if role == "outsider_focal_point":
        # Another organisation's approved figures only; its review comments are
        # for the secretariat and the organisation itself.
        return secret.approved and secret.kind != COMMENT
    # Partners and the public: approved figures of published quarters; never a
    # comment, an evidence file's name, or who did each step.
    return secret.published and secret.kind in (FIGURE, NOTE)


def figure_forms(number: int) -> tuple[str, ...]:
    text = str(number)
    head, tail = text[:-3], text[-3:]
    return (text, *(f"{head}{sep}{tail}" for sep in (",", " ", "\u00a0", "\u202f", ".")))


@dataclass
class Planted:
    plan: object
    owner: Organisation
    outsider: Organisation
    users: dict  # role -> User (no "anonymous")
    reports: dict  # label -> QuarterlyReport
    evidence: dict  # label -> Evidence
    periods: dict  # label -> ReportingPeriod of each report
    next_to_publish: ReportingPeriod
    newest_published: ReportingPeriod
    pillar: object
    objective: object
    indicator: object
    activity: object
    secrets: list = field(default_factory=list)

    def secrets_hidden_from(self, role: str) -> list[Secret]:
        return [secret for secret in self.secrets if not may_see(role, secret)]


def plant() -> Planted:
    """Everything the walk looks for. Evidence files go to MEDIA_ROOT: point it
    at a temporary folder first."""
    today = timezone.localdate()
    secretariat = OrganisationFactory(code="NCCT-GS", name="NCCT General Secretariat", kind="SECRETARIAT")
    owner = OrganisationFactory(code="MOSVY", name="Ministry of Social Affairs")
    outsider = OrganisationFactory(code="MOI", name="Ministry of Interior")
    partner_org = OrganisationFactory(code="IOM", name="IOM", kind="PARTNER")
    users = {
        "secretariat_admin": UserFactory(
            username="walk-admin", role=Role.SECRETARIAT_ADMIN, organisation=secretariat
        ),
        "secretariat_reviewer": UserFactory(
            username="walk-reviewer", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat
        ),
        "owner_focal_point": UserFactory(username="walk-owner", role=Role.FOCAL_POINT, organisation=owner),
        "outsider_focal_point": UserFactory(
            username="walk-outsider", role=Role.FOCAL_POINT, organisation=outsider
        ),
        "partner": UserFactory(username="walk-partner", role=Role.PARTNER, organisation=partner_org),
    }
    # Who did each step: names a partner must never read (issue 14, hole 1).
    submitter = UserFactory(username=f"submitter-{SALT}", role=Role.FOCAL_POINT, organisation=owner)
    approver = UserFactory(
        username=f"approver-{SALT}", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat
    )

    plan = PlanFactory(code="NSP", is_public=True, start_year=today.year - 2, end_year=today.year + 2)
    pillar = PillarFactory(plan=plan, code="P1", position=1)
    objective = ObjectiveFactory(plan=plan, pillar=pillar, code="O1.1", position=1)
    sex = DimensionFactory(code="sex", name="Sex")
    female, _ = Category.objects.get_or_create(
        dimension=sex, code="F", defaults={"name": "Female", "position": 1}
    )
    Category.objects.get_or_create(dimension=sex, code="M", defaults={"name": "Male", "position": 2})
    indicator = IndicatorFactory(
        objective=objective, code="I1.1.1", lead=owner, targets=[2_000_000] * 5, unit="people"
    )
    indicator.disaggregation.add(sex)
    indicator.contributors.add(outsider)
    activity = ActivityFactory(
        objective=objective,
        code="A1.1",
        lead=owner,
        start_period=plan.periods.get(index=1),
        end_period=plan.periods.order_by("-index").first(),
    )
    TargetRevision.objects.create(
        target=indicator.targets.get(year=today.year),
        value=Decimal(2_100_000),
        review="Mid-term review",
        rationale="Planted for the walk",
        revised_at=timezone.now(),
        revised_by=users["secretariat_admin"],
    )

    current = ReportingPeriod.objects.get(plan=plan, start__lte=today, end__gte=today)
    periods = {label: plan.periods.get(index=current.index - n) for n, label in enumerate(REPORTS)}
    publish_through(plan, periods["published_approved"].code)
    planted = Planted(
        plan=plan,
        owner=owner,
        outsider=outsider,
        users=users,
        reports={},
        evidence={},
        periods=periods,
        next_to_publish=periods["open_approved"],
        newest_published=periods["published_approved"],
        pillar=pillar,
        objective=objective,
        indicator=indicator,
        activity=activity,
    )
    for label in REPORTS:
        planted.reports[label] = report_plant(
            planted, label, submitter=submitter, approver=approver, female=female
        )
    # The same two people did every report's steps; their names are filed under
    # the report a partner opens.
    planted.secrets.extend(
        Secret(ACTOR, "published_approved", (name,)) for name in (submitter.username, approver.username)
    )
    # One of each thing the admin lists, so that every admin page has an object to open.
    Group.objects.create(name="walkers")
    Token.objects.create(user=users["partner"])
    AuditEvent.objects.create(action="walk.planted", object_repr="planted")
    # A values file the owner's focal point uploaded into its draft (indicators/imports/), already imported.
    apps.get_model("indicators", "ImportJob").objects.create(
        created_by=users["owner_focal_point"],
        plan=plan,
        organisation=owner,
        report=planted.reports["draft"],
        kind="DRAFT",
        file=ContentFile(b"indicator,organisation,period,value\n", name="walk.csv"),
        original_name="walk.csv",
        state="DONE",
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    texts = [form for secret in planted.secrets for form in secret.forms]
    clashes = [(a, b) for a in texts for b in texts if a != b and a in b]
    assert not clashes, f"a planted text is part of another, a leak could not be told apart: {clashes}"
    return planted


def report_plant(planted: Planted, label: str, *, submitter, approver, female) -> QuarterlyReport:
    state = STATES[label]
    now = timezone.now()
    submitted = state != ReportState.DRAFT
    report = QuarterlyReport.objects.create(
        organisation=planted.owner,
        period=planted.periods[label],
        state=state,
        first_submitted_at=now - datetime.timedelta(days=3) if submitted else None,
        submitted_at=now - datetime.timedelta(days=2) if submitted else None,
        submitted_by=submitter if submitted else None,
        approved_at=now if state == ReportState.APPROVED else None,
        approved_by=approver if state == ReportState.APPROVED else None,
        review_comment=f"reviewcomment-{label}-{SALT}" if state == ReportState.RETURNED else "",
        updated_by=submitter,
    )
    figure = FIGURES[label]
    value = IndicatorValue.objects.create(
        report=report,
        indicator=planted.indicator,
        value=Decimal(figure),
        note=f"valuenote-{label}-{SALT}",
        gap_reason=f"gapreason-{label}-{SALT}",
        corrective_action=f"gapaction-{label}-{SALT}",
    )
    DisaggregatedValue.objects.create(indicator_value=value, cell=f"sex={female.code}", value=Decimal(figure))
    ActivityUpdate.objects.create(
        report=report,
        activity=planted.activity,
        status="IN_PROGRESS",
        percent_complete=Decimal(40),
        note=f"activitynote-{label}-{SALT}",
    )
    comments = events_plant(report, label, submitter=submitter, approver=approver)
    name = f"victim-register-{label}-{SALT}.pdf"
    evidence = Evidence(
        report=report,
        indicator=planted.indicator,
        original_name=name,
        content_type="application/pdf",
        size=9,
        uploaded_by=submitter,
    )
    evidence.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    planted.evidence[label] = evidence
    planted.secrets.extend(
        [
            Secret(FIGURE, label, figure_forms(figure)),
            Secret(NOTE, label, (value.note,)),
            Secret(NOTE, label, (value.gap_reason,)),
            Secret(NOTE, label, (value.corrective_action,)),
            Secret(NOTE, label, (f"activitynote-{label}-{SALT}",)),
            Secret(EVIDENCE, label, (name,)),
            *(Secret(COMMENT, label, (comment,)) for comment in comments),
        ]
    )
    if report.review_comment:
        planted.secrets.append(Secret(COMMENT, label, (report.review_comment,)))
    if state == ReportState.RETURNED:
        planted.secrets.extend(
            Secret(COMMENT, label, (text,)) for text in line_comments_plant(planted, report, approver)
        )
    return report


def line_comments_plant(planted: Planted, report: QuarterlyReport, approver) -> list[str]:
    """The reviewer's comments on a returned report's lines (issue 11), once
    that model is there: kept until the report is approved."""
    try:
        line_comment = apps.get_model("indicators", "LineComment")
    except LookupError:
        return []
    texts = [f"linecomment-indicator-{SALT}", f"linecomment-activity-{SALT}"]
    line_comment.objects.create(
        report=report, indicator=planted.indicator, comment=texts[0], written_by=approver
    )
    line_comment.objects.create(
        report=report, activity=planted.activity, comment=texts[1], written_by=approver
    )
    return texts


def events_plant(report: QuarterlyReport, label: str, *, submitter, approver) -> list[str]:
    """The report's history as the workflow writes it; returns the comments."""
    steps = [("", ReportState.DRAFT, submitter, "")]
    if label != "draft":
        # Every report but the draft was returned once before, with a comment.
        steps += [
            (ReportState.DRAFT, ReportState.SUBMITTED, submitter, ""),
            (ReportState.SUBMITTED, ReportState.RETURNED, approver, f"returncomment-{label}-{SALT}"),
            (ReportState.RETURNED, ReportState.SUBMITTED, submitter, ""),
        ]
    if label == "returned":
        steps.append((ReportState.SUBMITTED, ReportState.RETURNED, approver, f"reviewcomment-{label}-{SALT}"))
    if STATES[label] == ReportState.APPROVED:
        steps.append(
            (ReportState.SUBMITTED, ReportState.APPROVED, approver, f"approvalcomment-{label}-{SALT}")
        )
    for before, after, actor, comment in steps:
        ReportEvent.objects.create(
            report=report, actor=actor, from_state=before, to_state=after, comment=comment
        )
    # The returned report's last comment is also its review_comment, planted by the caller.
    return sorted({comment for *_, comment in steps if comment and comment != report.review_comment})
