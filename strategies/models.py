"""The plan's tree above the indicators: pillars, objectives and activities.

Every node carries its plan, so that "codes are unique within a plan" is a
database constraint and "all indicators of plan X" is one indexed query.
The plan must agree with the parent's; clean() and the services check it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import BilingualName, Organisation, Plan, ReportingPeriod


class PlanNode(BilingualName):
    """What pillars, objectives, indicators and activities share."""

    code = models.CharField(_("code"), max_length=40)
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=3,
        default=1,
        help_text=_("Share of this item in its parent's progress. 0 leaves it out."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    @classmethod
    def node_constraints(cls, prefix: str) -> list:
        return [
            models.UniqueConstraint(fields=["plan", "code"], name=f"{prefix}_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name=f"{prefix}_weight_not_negative",
                violation_error_message=_("A weight cannot be negative."),
            ),
        ]


class Pillar(PlanNode):
    """One of the plan's strategies (laws and policy, prevention, …)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("plan"))

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = PlanNode.node_constraints("pillar")


class Objective(PlanNode):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan")
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("pillar")
    )

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = PlanNode.node_constraints("objective")

    def clean(self):
        super().clean()
        if self.pillar_id and self.plan_id and self.pillar.plan_id != self.plan_id:
            raise ValidationError({"pillar": _("The pillar belongs to another plan.")})


class Activity(PlanNode):
    """Work to do, led by one organisation, planned over a span of quarters."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan")
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="activities", verbose_name=_("objective")
    )
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_activities",
    )
    supporting = models.ManyToManyField(
        Organisation,
        verbose_name=_("supporting organisations"),
        blank=True,
        related_name="supported_activities",
    )
    start_period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("planned start"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("planned end"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_usd = models.DecimalField(
        _("budget (USD)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            *PlanNode.node_constraints("activity"),
            models.CheckConstraint(
                condition=Q(budget_usd__isnull=True) | Q(budget_usd__gte=0),
                name="activity_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.objective_id and self.plan_id and self.objective.plan_id != self.plan_id:
            errors["objective"] = _("The objective belongs to another plan.")
        if self.start_period_id and self.end_period_id:
            start, end = self.start_period, self.end_period
            if self.plan_id and (start.plan_id != self.plan_id or end.plan_id != self.plan_id):
                errors["start_period"] = _("Planned quarters must be periods of this plan.")
            elif end.index < start.index:
                errors["end_period"] = _("The planned end cannot be before the planned start.")
        if errors:
            raise ValidationError(errors)
