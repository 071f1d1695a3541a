"""The public summary of a plan marked public: headline figures anyone may
see, small counts suppressed.
"""

from dataclasses import dataclass

from django.db.models import Q

from plans.models import Plan, ReportingPeriod
from reports import scoring
from reports.dashboards.justice_chain import PUBLIC_HEADLINES, approved_by_code, year_figures
from reports.dashboards.score_rows import ScoreRow, nodes_filter, score_row, snapshots_at
from reports.privacy import SUPPRESSION_THRESHOLD, suppress_small


@dataclass(frozen=True)
class Headline:
    label: str
    unit: str
    this_year: object  # a number, or "<5" for a small count of victims; None: no figure
    to_date: object
    found: bool  # False: the plan has no indicator for it


@dataclass(frozen=True)
class PublicSummary:
    plan: ScoreRow
    pillars: list[ScoreRow]
    headlines: list[Headline]
    year: int


def public_summary(
    *, plan: Plan, period: ReportingPeriod, threshold: int = SUPPRESSION_THRESHOLD
) -> PublicSummary:
    """What the public sees of a public plan at a period: overall and per-pillar
    progress and a few headline figures from approved values, small counts of
    victims suppressed. Four queries."""
    pillars = list(plan.pillars.order_by("position", "code"))
    snapshots = snapshots_at(
        plan=plan,
        period=period,
        filters=Q(node_type="plan", node_id=plan.pk) | nodes_filter("pillar", (p.pk for p in pillars)),
    )
    indicators, rows = approved_by_code(plan=plan, period=period, codes=[h.code for h in PUBLIC_HEADLINES])
    headlines = []
    for step in PUBLIC_HEADLINES:
        indicator = indicators.get(step.code)
        if indicator is None or indicator.measure != "NUMBER":
            headlines.append(Headline(step.label, "", None, None, found=False))
            continue
        by_year = year_figures(indicator.aggregation, indicator.lead_id, rows[indicator.pk])
        this_year = by_year.get(period.year)
        # A level's "to date" is its latest figure; a flow's is the sum of the years.
        if indicator.aggregation == scoring.SUM:
            to_date = sum(by_year.values()) if by_year else None
        else:
            to_date = by_year[max(by_year)] if by_year else None
        if step.victims:
            this_year, to_date = suppress_small(this_year, threshold), suppress_small(to_date, threshold)
        headlines.append(Headline(step.label, indicator.unit, this_year, to_date, found=True))
    return PublicSummary(
        plan=score_row("plan", plan, snapshots.get(("plan", plan.pk))),
        pillars=[score_row("pillar", p, snapshots.get(("pillar", p.pk))) for p in pillars],
        headlines=headlines,
        year=period.year,
    )
