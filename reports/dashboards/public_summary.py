"""The public summary of a plan marked public: headline figures anyone may
see, counts of people rounded to the nearest 5 and small ones hidden
(docs/privacy.md, "The public page").
"""

from dataclasses import dataclass

from django.db.models import Q

from plans.models import Plan, ReportingPeriod
from reports import scoring
from reports.dashboards.justice_chain import PUBLIC_HEADLINES, approved_by_code, year_figures
from reports.dashboards.score_rows import ScoreRow, nodes_filter, score_row, snapshots_at
from reports.privacy import SUPPRESSION_THRESHOLD, public_count


@dataclass(frozen=True)
class Headline:
    label: str
    unit: str
    this_year: object  # a number (a count of people: rounded to 5), or "<5"; None: no figure
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
    progress and a few headline figures from approved values, counts of people
    rounded to the threshold and small ones hidden (reports.privacy.public_count):
    a figure republished after a late approval, or the year to date of the
    next quarter, moves by a multiple of 5 or not at all, so the difference
    gives no count under 5. Four queries."""
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
        if step.victims or indicator.counts_people:
            this_year, to_date = public_count(this_year, threshold), public_count(to_date, threshold)
        headlines.append(Headline(step.label, indicator.display_unit, this_year, to_date, found=True))
    return PublicSummary(
        plan=score_row("plan", plan, snapshots.get(("plan", plan.pk))),
        pillars=[score_row("pillar", p, snapshots.get(("pillar", p.pk))) for p in pillars],
        headlines=headlines,
        year=period.year,
    )
