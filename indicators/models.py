"""Indicators, their targets and disaggregation, and the quarterly report.

A quarterly report is one organisation's figures for one period: a value per
indicator it leads or contributes to (split into cells when the indicator is
disaggregated) and an update per activity it leads. Only figures of APPROVED
reports count in scores, exports and the partners' API.
"""

import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import BilingualName, Organisation, ReportingPeriod, normalise_text
from strategies.models import Activity, Objective, PlanNode

HUNDRED = Decimal(100)


class Dimension(BilingualName):
    """A way to split a figure, e.g. sex or age group. Shared by all plans."""

    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("disaggregation dimension")
        verbose_name_plural = _("disaggregation dimensions")


class Category(BilingualName):
    """One value of a dimension, e.g. F for sex or U15 for age group."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="categories", verbose_name=_("dimension")
    )
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension", "position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="category_code_unique_in_dimension"),
        ]


class Measure(models.TextChoices):
    NUMBER = "NUMBER", _("Number")
    PERCENT = "PERCENT", _("Percent")
    MILESTONE = "MILESTONE", _("Milestone (yes/no)")


class Aggregation(models.TextChoices):
    SUM = "SUM", _("Sum over time (a flow)")
    LATEST = "LATEST", _("Latest value (a level)")


class Direction(models.TextChoices):
    INCREASE = "INCREASE", _("Increase")
    DECREASE = "DECREASE", _("Decrease")


class Frequency(models.TextChoices):
    QUARTERLY = "QUARTERLY", _("Quarterly")
    ANNUAL = "ANNUAL", _("Annual (reported in Q4)")


class Indicator(PlanNode):
    """A measured result with a baseline and yearly targets."""

    Measure = Measure
    Aggregation = Aggregation
    Direction = Direction
    Frequency = Frequency

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objective")
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    aggregation = models.CharField(_("aggregation"), max_length=6, choices=Aggregation.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    frequency = models.CharField(
        _("frequency"), max_length=9, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    unit_km = models.CharField(_("unit (Khmer)"), max_length=80, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, default=0)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_indicators",
    )
    contributors = models.ManyToManyField(
        Organisation,
        verbose_name=_("contributing organisations"),
        blank=True,
        related_name="contributed_indicators",
        help_text=_("Other organisations that report figures that add up (SUM indicators only)."),
    )
    disaggregation = models.ManyToManyField(
        Dimension, verbose_name=_("disaggregated by"), blank=True, related_name="indicators"
    )
    # Counts of victims or survivors: small ones are never shown to a partner or
    # the public (docs/privacy.md, "Protecting survivors").
    counts_people = models.BooleanField(
        _("counts victims or survivors"),
        default=False,
        help_text=_(
            "Small counts are shown as “<5” to partners and the public, with complementary suppression."
        ),
    )

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            *PlanNode.node_constraints("indicator"),
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="indicator_measure_valid"),
            models.CheckConstraint(
                condition=Q(aggregation__in=Aggregation.values), name="indicator_aggregation_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="indicator_frequency_valid"
            ),
            # A level can go down; a running total cannot.
            models.CheckConstraint(
                condition=Q(direction="INCREASE") | Q(aggregation="LATEST"),
                name="indicator_decrease_only_latest",
                violation_error_message=_("A decreasing indicator must use the latest value, not a sum."),
            ),
            models.CheckConstraint(
                condition=~Q(measure="MILESTONE") | Q(aggregation="LATEST", direction="INCREASE"),
                name="indicator_milestone_latest_increase",
                violation_error_message=_("A milestone is reached or not: latest value, increasing."),
            ),
            models.CheckConstraint(
                condition=Q(baseline__gte=0),
                name="indicator_baseline_not_negative",
                violation_error_message=_("The baseline cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(measure="PERCENT") | Q(baseline__lte=100),
                name="indicator_percent_baseline_max_100",
                violation_error_message=_("A percentage baseline must lie between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(measure="MILESTONE") | Q(baseline__in=[0, 1]),
                name="indicator_milestone_baseline_0_or_1",
                violation_error_message=_("A milestone baseline is 0 (not reached) or 1 (reached)."),
            ),
        ]
        indexes = [
            # The report form: indicators an organisation leads, across a plan.
            models.Index(fields=["lead", "plan"], name="indicator_lead_plan_idx"),
        ]

    @property
    def display_unit(self) -> str:
        """The unit in the reader's language, English where the Khmer one is empty."""
        if (get_language() or "").startswith("km") and self.unit_km:
            return self.unit_km
        return self.unit

    def clean(self):
        super().clean()
        self.unit = normalise_text(self.unit)
        self.unit_km = normalise_text(self.unit_km)
        errors = {}
        if self.objective_id and self.plan_id and self.objective.plan_id != self.plan_id:
            errors["objective"] = _("The objective belongs to another plan.")
        if self.measure == Measure.MILESTONE and self.aggregation != Aggregation.LATEST:
            errors["aggregation"] = _("A milestone is reached or not: it always uses the latest value.")
        elif self.measure == Measure.MILESTONE and self.direction != Direction.INCREASE:
            errors["direction"] = _("A milestone is reached or not: it cannot decrease.")
        elif self.direction == Direction.DECREASE and self.aggregation != Aggregation.LATEST:
            errors["direction"] = _("A decreasing indicator must use the latest value, not a sum.")
        if self.baseline is not None:
            errors.update(value_errors(self.measure, self.baseline, field="baseline"))
        if (
            self.baseline_year
            and self.plan_id
            and not (self.plan.start_year - 20 <= self.baseline_year <= self.plan.end_year)
        ):
            errors["baseline_year"] = _("The baseline year must lie before or within the plan.")
        if errors:
            raise ValidationError(errors)


def value_errors(measure: str, value: Decimal, *, field: str) -> dict:
    """The one rule for what a figure of a given measure may be."""
    if value < 0:
        return {field: _("Enter a number of 0 or more.")}
    if measure == Measure.PERCENT and value > HUNDRED:
        return {field: _("A percentage must lie between 0 and 100.")}
    if measure == Measure.MILESTONE and value not in (0, 1):
        return {field: _("A milestone is 0 (not reached) or 1 (reached).")}
    return {}


class TargetQuerySet(models.QuerySet):
    def with_in_force(self):
        """Annotate ``in_force``: the newest revision's value, else the original."""
        newest = TargetRevision.objects.filter(target=OuterRef("pk")).order_by("-revised_at", "-pk")
        return self.annotate(
            in_force=Coalesce(Subquery(newest.values("value")[:1]), F("value")),
            revised=Exists(newest),
        )


class Target(models.Model):
    """The target for one plan year, as adopted with the plan. SUM: to achieve
    within the year; LATEST: the level to reach by the end of the year.

    A review may revise it (TargetRevision); the original stays here and the
    newest revision is the target in force, the one scores are measured against.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target"),
        max_digits=16,
        decimal_places=4,
        help_text=_(
            "The target adopted with the plan. After a review, revise it from the indicator's "
            "dashboard (Revise targets): the original stays."
        ),
    )

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}"

    def clean(self):
        super().clean()
        if self.indicator_id is None and not Target.indicator.is_cached(self):
            return
        errors = target_errors(self.indicator, self.year, self.value)
        if errors:
            raise ValidationError(errors)


class TargetRevision(models.Model):
    """A year's target as revised by a review, e.g. the mid-term review, with
    why. Revisions are never edited or deleted: each one is a decision on the
    record, and the newest is the target in force."""

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("annual target")
    )
    value = models.DecimalField(_("revised target"), max_digits=16, decimal_places=4)
    review = models.CharField(_("review"), max_length=200, help_text=_("e.g. Mid-term review 2026"))
    rationale = models.TextField(_("rationale"))
    revised_at = models.DateTimeField(_("revised at"), default=timezone.now)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revised by"),
    )

    class Meta:
        ordering = ["target", "revised_at", "pk"]
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_revision_not_negative",
                violation_error_message=_("A target cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(rationale="") & ~Q(review=""),
                name="target_revision_says_why",
                violation_error_message=_("A revision names its review and gives its rationale."),
            ),
        ]

    def __str__(self):
        return f"{self.target}: {self.value} ({self.review})"


def contributors_errors(aggregation: str, contributors) -> dict:
    """Only a flow (SUM) adds up figures from contributing organisations; a level
    (LATEST) is the lead organisation's figure alone (scoring.md)."""
    if aggregation == Aggregation.LATEST and contributors:
        return {
            "contributors": _(
                "Only indicators that add up over time (SUM) have contributing organisations: "
                "a latest value is the lead organisation's figure alone."
            )
        }
    return {}


def target_errors(indicator: Indicator, year: int | None, value: Decimal | None) -> dict:
    """The one rule for a target: a year of the plan, a value the measure allows."""
    plan = indicator.plan
    if year is not None and not (plan.start_year <= year <= plan.end_year):
        return {
            "year": _("Targets are set only for the plan's years (%(first)s–%(last)s).")
            % {"first": plan.start_year, "last": plan.end_year}
        }
    if value is not None:
        return value_errors(indicator.measure, value, field="value")
    return {}


def cell_key(categories: dict[str, str]) -> str:
    """The canonical name of a disaggregation cell: ``age_group=U15;sex=F``."""
    return ";".join(f"{dim}={cat}" for dim, cat in sorted(categories.items()))


def cell_categories(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split(";") if part)


class ReportState(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted")
    RETURNED = "RETURNED", _("Returned")
    APPROVED = "APPROVED", _("Approved")


class QuarterlyReport(models.Model):
    """One organisation's report for one period."""

    State = ReportState

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reports", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    state = models.CharField(_("state"), max_length=9, choices=State.choices, default=State.DRAFT)
    # Raised by every save; a save that started from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["period", "organisation"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="report_one_per_organisation_and_period"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values),
                name="report_state_valid",
            ),
        ]
        indexes = [
            # Scoring reads approved reports of a plan's periods.
            models.Index(fields=["period", "state"], name="report_period_state_idx"),
        ]

    def __str__(self):
        return f"{self.organisation.code} {self.period.code}"

    @property
    def is_late(self) -> bool:
        """Late when first submitted after the deadline (or still not submitted)."""
        if self.first_submitted_at is None:
            return timezone.localdate() > self.period.deadline
        return timezone.localdate(self.first_submitted_at) > self.period.deadline


class ReportEvent(models.Model):
    """A step in a report's life: created, submitted, returned, approved, reopened."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_state = models.CharField(_("from state"), max_length=9, blank=True)
    to_state = models.CharField(_("to state"), max_length=9)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"


class IndicatorValue(models.Model):
    """An organisation's figure for one indicator in one report.

    For a disaggregated indicator, ``value`` is the sum of its cells
    (DisaggregatedValue); the service that writes them keeps the two in step.
    """

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.TextField(_("note"), blank=True)
    gap_reason = models.TextField(_("reason for the gap"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    # Every change to a figure is kept, with who made it (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "indicator"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_one_per_indicator_in_report"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="value_not_negative",
                violation_error_message=_("Enter a number of 0 or more."),
            ),
        ]
        indexes = [
            # Scoring and the indicator page: all values of an indicator.
            models.Index(fields=["indicator", "report"], name="value_indicator_report_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.value}"


class DisaggregatedValue(models.Model):
    """One cell of a disaggregated figure, e.g. sex=F;age_group=U15."""

    indicator_value = models.ForeignKey(
        IndicatorValue, on_delete=models.CASCADE, related_name="cells", verbose_name=_("indicator value")
    )
    cell = models.CharField(_("cell"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator_value", "cell"]
        verbose_name = _("disaggregated value")
        verbose_name_plural = _("disaggregated values")
        constraints = [
            models.UniqueConstraint(fields=["indicator_value", "cell"], name="cell_once_per_value"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="cell_value_not_negative",
                violation_error_message=_("Enter a number of 0 or more."),
            ),
        ]

    def __str__(self):
        return f"{self.cell}: {self.value}"


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", _("Not started")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    DELAYED = "DELAYED", _("Delayed")
    COMPLETED = "COMPLETED", _("Completed")
    CANCELLED = "CANCELLED", _("Cancelled")


class ActivityUpdate(models.Model):
    """The lead organisation's quarterly word on an activity."""

    Status = ActivityStatus

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="activity_updates", verbose_name=_("report")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="updates", verbose_name=_("activity")
    )
    status = models.CharField(_("status"), max_length=11, choices=ActivityStatus.choices)
    percent_complete = models.DecimalField(_("percent complete"), max_digits=5, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "activity"]
        verbose_name = _("activity update")
        verbose_name_plural = _("activity updates")
        constraints = [
            models.UniqueConstraint(fields=["report", "activity"], name="update_one_per_activity_in_report"),
            models.CheckConstraint(condition=Q(status__in=ActivityStatus.values), name="update_status_valid"),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="update_percent_0_to_100",
                violation_error_message=_("Percent complete must lie between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="COMPLETED") | Q(percent_complete=100),
                name="update_completed_is_100",
                # "100% complete" is no placeholder.
                # xgettext:no-python-format
                violation_error_message=_("A completed activity is 100% complete."),
            ),
            models.CheckConstraint(
                condition=~Q(status="NOT_STARTED") | Q(percent_complete=0),
                name="update_not_started_is_0",
                # xgettext:no-python-format
                violation_error_message=_("An activity not started is 0% complete."),
            ),
        ]
        indexes = [models.Index(fields=["activity", "report"], name="update_activity_report_idx")]

    def __str__(self):
        return f"{self.activity.code} {self.status} {self.percent_complete}%"

    def clean(self):
        super().clean()
        errors = activity_update_errors(self.status, self.percent_complete)
        if errors:
            raise ValidationError(errors)


def activity_update_errors(status: str, percent_complete: Decimal | None) -> dict:
    """The one rule for a status and a percent complete that agree."""
    if percent_complete is None:
        return {}
    if not (0 <= percent_complete <= HUNDRED):
        return {"percent_complete": _("Percent complete must lie between 0 and 100.")}
    if status == ActivityStatus.COMPLETED and percent_complete != HUNDRED:
        # xgettext:no-python-format
        return {"percent_complete": _("A completed activity is 100% complete.")}
    if status == ActivityStatus.NOT_STARTED and percent_complete != 0:
        # xgettext:no-python-format
        return {"percent_complete": _("An activity not started is 0% complete.")}
    return {}


def evidence_path(instance: "Evidence", filename: str) -> str:
    # A random name: the original name is kept in the row, never trusted on disk.
    suffix = Path(filename).suffix.lower()[:10]
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file that backs a figure (a training register, a court list).

    Stored under MEDIA_ROOT with a random name and served only through a view
    that checks the reader may see the report (never straight from MEDIA_URL).
    """

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
        verbose_name=_("indicator"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Kept so that the review can say which files were added or removed since
    # the version the reviewer saw (a removed file's row is gone).
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class LineComment(models.Model):
    """A reviewer's comment on one line (an indicator's figure or an activity's
    update) of a report returned for correction, shown to the focal point next
    to that line. Written by the return, replaced by the next return, deleted
    when the report is approved (the return's audit record keeps them)."""

    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="line_comments", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("indicator"),
    )
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("activity"),
    )
    comment = models.TextField(_("comment"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["report", "indicator", "activity"]
        verbose_name = _("comment on a line")
        verbose_name_plural = _("comments on lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, activity__isnull=True)
                | Q(indicator__isnull=True, activity__isnull=False),
                name="line_comment_on_one_line",
                violation_error_message=_("A comment is on one indicator or one activity."),
            ),
            models.CheckConstraint(
                condition=~Q(comment=""),
                name="line_comment_not_blank",
                violation_error_message=_("A comment cannot be blank."),
            ),
            models.UniqueConstraint(fields=["report", "indicator"], name="line_comment_once_per_indicator"),
            models.UniqueConstraint(fields=["report", "activity"], name="line_comment_once_per_activity"),
        ]

    def __str__(self):
        line = self.indicator or self.activity
        return f"{self.report_id} {line.code if line else '?'}: {self.comment[:40]}"

    @property
    def anchor(self) -> str:
        """The id of the line's block on the report form, e.g. ``indicator-12``."""
        return f"indicator-{self.indicator_id}" if self.indicator_id else f"activity-{self.activity_id}"


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "BEFORE_DEADLINE", _("Before the deadline")
    OVERDUE = "OVERDUE", _("Overdue")


class ReminderSent(models.Model):
    """One reminder e-mail to an organisation's focal points for one period.
    The unique constraint is what makes a reminder go out only once."""

    Kind = ReminderKind

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.JSONField(_("recipients"), default=list)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "period", "kind"], name="reminder_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.period_id} {self.kind}"


def import_file_path(instance: "ImportJob", filename: str) -> str:
    # A random name, as for evidence: the original name is kept in the row.
    suffix = Path(filename).suffix.lower()[:10]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """A values file uploaded on a page (indicators/imports/, docs/imports.md,
    "From the pages"): checked first (the preview), imported once confirmed.
    A large file is checked and imported in the background; its page shows
    how far it got and then what it did, or every bad row."""

    class Kind(models.TextChoices):
        DRAFT = "DRAFT", _("figures into a draft report")
        APPROVED = "APPROVED", _("historical figures, as approved")

    class State(models.TextChoices):
        CHECKING = "CHECKING", _("checking the file")
        CHECKED = "CHECKED", _("checked: waiting for confirmation")
        REFUSED = "REFUSED", _("refused: the file has problems")
        IMPORTING = "IMPORTING", _("importing")
        DONE = "DONE", _("imported")
        FAILED = "FAILED", _("stopped on an error")

    # The states in which a job still has work to do (a worker may be on it).
    RUNNING = (State.CHECKING, State.IMPORTING)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("plan"))
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The report a focal point's upload goes into; none for historical figures.
    report = models.ForeignKey(
        QuarterlyReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("report"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows (about)"), default=0)
    state = models.CharField(_("state"), max_length=9, choices=State.choices, default=State.CHECKING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # What the check or the import found: counts, changes, every bad row (ImportResult).
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            # The second of two uploads into one report at once is refused.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(state__in=["CHECKING", "IMPORTING"]),
                name="import_job_one_running_per_report",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING
