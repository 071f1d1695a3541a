"""Plans, their reporting periods, organisations, users and the audit trail.

This is the lowest app: strategies, indicators and reports build on it, never
the other way round.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# A report is due this many days after its quarter ends, unless the plan says otherwise.
DEFAULT_DEADLINE_DAYS = 15
# Focal points are reminded this many days before the deadline, unless the plan says otherwise.
DEFAULT_REMINDER_DAYS = 5


def normalise_text(text: str) -> str:
    """NFC-normalise, so that Khmer names typed with different subscript
    sequences (Kandal, Oddar Meanchey) compare equal."""
    return unicodedata.normalize("NFC", text).strip()


class BilingualName(models.Model):
    """An English name and a Khmer name; Khmer falls back to English when empty."""

    name = models.CharField(_("name (English)"), max_length=500)
    name_km = models.CharField(_("name (Khmer)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        code = getattr(self, "code", "")
        return f"{code} {self.display_name}".strip()

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("km") and self.name_km:
            return self.name_km
        return self.name

    def clean(self):
        super().clean()
        self.name = normalise_text(self.name)
        self.name_km = normalise_text(self.name_km)


class OrganisationKind(models.TextChoices):
    MINISTRY = "MINISTRY", _("Ministry")
    INSTITUTION = "INSTITUTION", _("Institution")
    PROVINCIAL_COMMITTEE = "PROVINCIAL_COMMITTEE", _("Provincial committee")
    PARTNER = "PARTNER", _("Partner")
    SECRETARIAT = "SECRETARIAT", _("Secretariat")


class Role(models.TextChoices):
    SECRETARIAT_ADMIN = "secretariat_admin", _("Secretariat administrator")
    SECRETARIAT_REVIEWER = "secretariat_reviewer", _("Secretariat reviewer")
    FOCAL_POINT = "focal_point", _("Focal point")
    PARTNER = "partner", _("Partner")


class Organisation(BilingualName):
    Kind = OrganisationKind

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # The language of its users who have not chosen one (plans/languages.py):
    # the secretariat makes Khmer the default for ministries and provincial committees.
    language = models.CharField(
        _("default language of its users"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("For users who have not chosen a language. Empty: English, the site default."),
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]


class User(AbstractUser):
    """A person who signs in. One organisation and one role each."""

    Role = Role

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.PARTNER)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the default language of the user's organisation."),
    )
    khmer_digits = models.BooleanField(_("Show numbers in Khmer digits"), default=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            # A focal point reports for exactly one organisation.
            models.CheckConstraint(
                condition=~Q(role="focal_point") | Q(organisation__isnull=False),
                name="focal_point_has_organisation",
                violation_error_message=_("A focal point must belong to an organisation."),
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == self.Role.FOCAL_POINT and self.organisation_id is None:
            raise ValidationError({"organisation": _("A focal point must belong to an organisation.")})


class Plan(BilingualName):
    code = models.CharField(_("code"), max_length=40, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    on_track = models.DecimalField(
        _("on-track threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.85"),
        help_text=_("A leaf is on track when progress ≥ this share of what was expected."),
    )
    at_risk = models.DecimalField(
        _("at-risk threshold"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.60"),
        help_text=_("Below on track but ≥ this share of what was expected: at risk."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Show a public summary page for this plan.")
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("report deadline (days after the quarter)"), default=DEFAULT_DEADLINE_DAYS
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before the deadline)"),
        default=DEFAULT_REMINDER_DAYS,
        help_text=_(
            "Focal points whose report is not submitted get an e-mail this many days before the deadline."
        ),
    )
    approval_by_another = models.BooleanField(
        _("approved by someone other than the submitter"),
        default=True,
        help_text=_(
            "A report is approved by a member of the secretariat other than the person who "
            "submitted it, so nobody fills in, submits and approves the same figures alone."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_years_ordered",
                violation_error_message=_("The last year must not be before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=2000, end_year__lte=2100),
                name="plan_years_plausible",
                violation_error_message=_("Plan years must lie between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(at_risk__gt=0, at_risk__lt=models.F("on_track"), on_track__lte=1),
                name="plan_thresholds_ordered",
                violation_error_message=_("Thresholds must satisfy 0 < at risk < on track ≤ 1."),
            ),
        ]

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year must not be before the first year.")})
        if (
            self.at_risk is not None
            and self.on_track is not None
            and not (0 < self.at_risk < self.on_track <= 1)
        ):
            raise ValidationError({"at_risk": _("Thresholds must satisfy 0 < at risk < on track ≤ 1.")})


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    next_start = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, next_start - datetime.timedelta(days=1)


def period_code(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


# How a period is written: 2025-Q2. Codes from a URL or a query string are
# matched against it before they reach the database.
PERIOD_CODE = re.compile(r"\d{4}-Q[1-4]")


def is_period_code(text: str) -> bool:
    return bool(PERIOD_CODE.fullmatch(text or ""))


class ReportingPeriodQuerySet(models.QuerySet):
    def begun(self, today: datetime.date) -> "ReportingPeriodQuerySet":
        """The quarters that have begun by ``today`` (ReportingPeriod.has_begun):
        the only ones anything can be reported for, or shown."""
        return self.filter(start__lte=today)


class ReportingPeriod(models.Model):
    """One quarter of a plan, e.g. ``2025-Q2``. Created for the whole plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("code"), max_length=7, help_text=_("e.g. 2025-Q2"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    index = models.PositiveSmallIntegerField(
        _("number in plan"), help_text=_("1 for the plan's first quarter.")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    deadline = models.DateField(_("report deadline"))
    # Open until the secretariat publishes it (plans/publication.py): partners
    # and the public see published periods only (docs/publication.md).
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when an approval, a reopening or a change of structure after
    # publication changes the period's scores (plans.services.scores_mark_stale).
    revised_at = models.DateTimeField(_("revised since publication"), null=True, blank=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "index"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "index"], name="period_index_unique_in_plan"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_dates_ordered"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("end")),
                name="period_deadline_after_end",
                violation_error_message=_("The deadline cannot be before the quarter ends."),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_year_end(self) -> bool:
        return self.quarter == 4

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def has_begun(self, today: datetime.date) -> bool:
        """Figures can be reported for a quarter once it has begun, never before."""
        return self.start <= today


class AuditEvent(models.Model):
    """Who did what, when. Every service that writes records one."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(_("type of object"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=80, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The audit page (plans/audit/selectors.py) lists one action, or
            # one person's events, newest first.
            models.Index(fields=["action", "at"], name="auditevent_action_at_idx"),
            models.Index(fields=["actor", "at"], name="auditevent_actor_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class ScoreState(models.Model):
    """How fresh a plan's stored scores are, and who is recomputing them.

    A row of its own (not fields on Plan) so that editing a plan's name can
    never write back an old staleness mark over one set by an approval.
    ``version`` rises with every mark; a recompute that started from an older
    version leaves the plan stale, so no approval is ever lost.
    """

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="score_state"
    )
    stale_from = models.PositiveSmallIntegerField(
        _("stale from"),
        null=True,
        blank=True,
        help_text=_("Index of the first period whose scores are out of date."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    marked_at = models.DateTimeField(_("marked stale"), null=True, blank=True)
    # A worker holds the plan until this time; another worker leaves it alone.
    lease_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("score state")
        verbose_name_plural = _("score states")
        indexes = [
            # The reconcile task: which plans have stale scores?
            models.Index(fields=["stale_from"], name="scorestate_stale_idx"),
        ]

    def __str__(self):
        return (
            f"{self.plan_id}: stale from {self.stale_from}" if self.stale_from else f"{self.plan_id}: fresh"
        )
