"""The plan overview: the plan's headline, its pillars, the trend, the
indicators needing attention.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, Value, When, Window
from django.db.models.functions import Coalesce

from indicators.models import (
    Indicator,
    IndicatorValue,
    ReportState,
)
from plans.models import Plan, ReportingPeriod
from reports.dashboards.score_rows import SNAPSHOT_FIELDS, ScoreRow, score_row
from reports.models import ScoreSnapshot


@dataclass(frozen=True)
class TrendSeries:
    code: str
    name: str
    achieved: list  # P* per period, None where no score is stored
    expected: list


@dataclass(frozen=True)
class AttentionRow:
    """An indicator AT_RISK or OFF_TRACK, with what its lead organisation said
    in its latest approved report ("Explain the gap")."""

    score: ScoreRow
    pillar_code: str
    lead_code: str
    lead_name: str
    reported_in: str  # the period of the value the reason comes from
    gap_reason: str
    corrective_action: str
    note: str


@dataclass(frozen=True)
class PlanOverview:
    plan: ScoreRow
    pillars: list[ScoreRow]
    trend_periods: list[str]
    trend: list[TrendSeries]  # the plan first, then each pillar
    attention: "AttentionList"  # defined below

    @property
    def trend_table(self) -> list[tuple[str, list[tuple]]]:
        """The trend as rows: a period and (achieved, expected) per node."""
        return [
            (code, [(series.achieved[i], series.expected[i]) for series in self.trend])
            for i, code in enumerate(self.trend_periods)
        ]


ATTENTION_ORDER = {"OFF_TRACK": 0, "AT_RISK": 1}


def plan_overview(
    *, plan: Plan, period: ReportingPeriod, periods: list[ReportingPeriod], attention_limit: int | None
) -> PlanOverview:
    """The plan and its pillars at the period, their trend over the periods up
    to it (``periods``: the plan's, in order), and the worst ``attention_limit``
    indicators that need attention (all of them with None). Five queries."""
    pillars = list(plan.pillars.order_by("position", "code"))
    # The trend: plan and pillar scores of every period up to the chosen one.
    history = defaultdict(dict)
    for row in ScoreSnapshot.objects.filter(
        plan=plan, node_type__in=["plan", "pillar"], period__plan=plan, period__index__lte=period.index
    ).values("node_type", "node_id", "period__index", *SNAPSHOT_FIELDS[1:]):
        history[(row["node_type"], row["node_id"])][row["period__index"]] = row
    periods = [(p.index, p.code) for p in periods if p.index <= period.index]

    def series(node_type, node) -> TrendSeries:
        points = history.get((node_type, node.pk), {})
        return TrendSeries(
            code=node.code,
            name=node.display_name,
            achieved=[points[i]["achieved"] if i in points else None for i, _code in periods],
            expected=[points[i]["expected"] if i in points else None for i, _code in periods],
        )

    def now(node_type, node):
        return history.get((node_type, node.pk), {}).get(period.index)

    return PlanOverview(
        plan=score_row("plan", plan, now("plan", plan)),
        pillars=[score_row("pillar", pillar, now("pillar", pillar)) for pillar in pillars],
        trend_periods=[code for _index, code in periods],
        trend=[series("plan", plan)] + [series("pillar", pillar) for pillar in pillars],
        attention=indicators_needing_attention(plan=plan, period=period, limit=attention_limit),
    )


@dataclass(frozen=True)
class AttentionList:
    rows: list[AttentionRow]
    total: int  # how many need attention, shown or not

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def indicators_needing_attention(
    *, plan: Plan, period: ReportingPeriod, limit: int | None = None
) -> AttentionList:
    """AT_RISK and OFF_TRACK indicators at the period, worst first (the first
    ``limit`` of them), each with the gap reason, corrective action and note of
    its lead organisation's latest approved value at or before the period.
    Three queries, whatever the plan's size."""
    needing = ScoreSnapshot.objects.filter(
        plan=plan, period=period, node_type="indicator", status__in=list(ATTENTION_ORDER)
    )
    # Worst first, sorted by the database: off track before at risk, then the
    # widest gap between expected and achieved.
    ranked = needing.annotate(
        rank=Case(When(status="OFF_TRACK", then=Value(0)), default=Value(1)),
        gap=Coalesce(F("expected"), Value(0.0)) - Coalesce(F("achieved"), Value(0.0)),
        # How many need attention in all, on every row: no second query to count them.
        total=Window(Count("id")),
    ).order_by("rank", "-gap", "code")
    # Not the counts: a leaf's are its own status.
    fields = [name for name in SNAPSHOT_FIELDS if name != "counts"]
    shown_rows = list((ranked if limit is None else ranked[:limit]).values(*fields, "code", "total"))
    total = shown_rows[0]["total"] if shown_rows else 0
    shown = {row["node_id"]: row for row in shown_rows}
    if not shown:
        return AttentionList(rows=[], total=total)
    indicators = Indicator.objects.filter(plan=plan, pk__in=list(shown)).select_related(
        "lead", "objective__pillar"
    )
    latest = {}
    # Ordered by period: the last value seen for an indicator is its latest.
    for row in (
        IndicatorValue.objects.filter(
            indicator_id__in=list(shown),
            report__state=ReportState.APPROVED,
            report__organisation_id=F("indicator__lead_id"),
            report__period__plan=plan,
            report__period__index__lte=period.index,
        )
        .order_by("indicator_id", "report__period__index")
        .values("indicator_id", "report__period__code", "gap_reason", "corrective_action", "note")
    ):
        latest[row["indicator_id"]] = row
    by_id = {indicator.pk: indicator for indicator in indicators}
    rows = []
    for node_id, snapshot in shown.items():
        indicator = by_id[node_id]
        value = latest.get(indicator.pk, {})
        rows.append(
            AttentionRow(
                score=score_row("indicator", indicator, snapshot, unit=indicator.display_unit),
                pillar_code=indicator.objective.pillar.code,
                lead_code=indicator.lead.code,
                lead_name=indicator.lead.display_name,
                reported_in=value.get("report__period__code", ""),
                gap_reason=value.get("gap_reason", ""),
                corrective_action=value.get("corrective_action", ""),
                note=value.get("note", ""),
            )
        )
    return AttentionList(rows=rows, total=total)
