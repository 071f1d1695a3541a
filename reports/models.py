"""Stored scores. Pages and the API read these; none recomputes a plan on request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, ReportingPeriod


class NodeType(models.TextChoices):
    PLAN = "plan", _("plan")
    PILLAR = "pillar", _("pillar")
    OBJECTIVE = "objective", _("objective")
    INDICATOR = "indicator", _("indicator")
    ACTIVITY = "activity", _("activity")


class Status(models.TextChoices):
    ON_TRACK = "ON_TRACK", _("On track")
    AT_RISK = "AT_RISK", _("At risk")
    OFF_TRACK = "OFF_TRACK", _("Off track")
    NO_DATA = "NO_DATA", _("No data")
    NOT_DUE = "NOT_DUE", _("Not due yet")


class ScoreSnapshot(models.Model):
    """The score of one node of a plan at one period, as scoring.md defines it.

    Fractions, not percentages. ``progress`` is the raw P (may exceed 1 or be
    negative); ``achieved`` and ``expected`` are P* and X*, clipped to [0, 1].
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="score_snapshots", verbose_name=_("plan")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="score_snapshots", verbose_name=_("period")
    )
    node_type = models.CharField(_("level"), max_length=9, choices=NodeType.choices)
    node_id = models.PositiveBigIntegerField(_("node id"))
    code = models.CharField(_("code"), max_length=40)
    progress = models.FloatField(_("progress"), null=True, blank=True)
    achieved = models.FloatField(_("achieved"), null=True, blank=True)
    expected = models.FloatField(_("expected"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    # Leaves below the node by status, e.g. {"ON_TRACK": 12, "NO_DATA": 3}.
    counts = models.JSONField(_("counts by status"), default=dict, blank=True)
    # Indicators: actual and expected to date in the indicator's own unit.
    actual_value = models.FloatField(_("actual to date"), null=True, blank=True)
    expected_value = models.FloatField(_("expected to date"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    computed_at = models.DateTimeField(_("computed at"))
    # A fingerprint of the score's values: a recompute compares fingerprints to
    # rewrite only the rows whose score changed.
    digest = models.CharField(_("digest"), max_length=32, editable=False)

    class Meta:
        ordering = ["period", "node_type", "code"]
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "node_type", "node_id"], name="snapshot_one_per_node_and_period"
            ),
            models.CheckConstraint(
                condition=models.Q(node_type__in=NodeType.values), name="snapshot_node_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="snapshot_status_valid"
            ),
        ]
        indexes = [
            # The scores API and dashboards: every node of a plan at a period.
            models.Index(fields=["plan", "period", "node_type"], name="snapshot_plan_period_idx"),
        ]

    def __str__(self):
        return f"{self.period.code} {self.node_type} {self.code}: {self.status}"


class ExportState(models.TextChoices):
    PENDING = "PENDING", _("Waiting")
    RUNNING = "RUNNING", _("Being written")
    DONE = "DONE", _("Ready")
    FAILED = "FAILED", _("Failed")


# The datasets as the pages name them (their codes: reports/exports/datasets.py).
DATASET_NAMES = {
    "structure": _("Structure"),
    "values": _("Values"),
    "activity-updates": _("Activity updates"),
    "scores": _("Scores"),
    "completeness": _("Completeness"),
}


def export_path(export: "Export", filename: str) -> str:
    # Under the user's id: "My exports" files are never listed by URL, only
    # downloaded through reports/exports/views.py, which checks the owner.
    return f"exports/{export.user_id}/{filename}"


class Export(models.Model):
    """A long export written in the background (reports/exports/, docs/exports.md):
    who asked for what, how far it got, and the file once written. Each user
    keeps their last few (EXPORTS_KEPT_PER_USER); older ones are deleted."""

    State = ExportState

    user = models.ForeignKey(
        "plans.User", on_delete=models.CASCADE, related_name="exports", verbose_name=_("user")
    )
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exports", verbose_name=_("plan"))
    dataset = models.CharField(_("dataset"), max_length=20)
    format = models.CharField(_("format"), max_length=4)
    # The filters as asked for, e.g. {"period": "2025-Q2", "indicator": "I1.1.1"}.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ExportState.values), name="export_state_valid"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="export_progress_percent"),
        ]
        indexes = [
            # "My exports": a user's newest first.
            models.Index(fields=["user", "-created_at"], name="export_user_newest_idx"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.dataset}.{self.format} ({self.state})"

    @property
    def dataset_name(self) -> str:
        """The dataset as the pages name it, in the reader's language."""
        return str(DATASET_NAMES.get(self.dataset, self.dataset))

    @property
    def filename(self) -> str:
        period = self.filters.get("period") or "all"
        return f"{self.dataset}-{period}.{self.format}"
