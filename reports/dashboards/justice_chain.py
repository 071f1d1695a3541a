"""The justice chain: cases from identification to conviction, year by year,
and the indicators it is drawn from (also the public page's headlines).
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Indicator,
    IndicatorValue,
    ReportState,
)
from plans.formatting import number_text
from plans.models import Plan, ReportingPeriod
from reports import scoring
from reports.privacy import public_count


@dataclass(frozen=True)
class ChainStep:
    """A step of the justice chain and the indicator (by code) that measures it.

    ``at_most``: the earlier step this one cannot exceed in a year (a warning
    when it does). ``share_of``: when the indicator is a PERCENT, the step whose
    count it is a share of, to estimate a count. ``victims``: a count of people
    to suppress on public pages when small.
    """

    key: str
    label: str
    code: str
    at_most: str = ""
    share_of: str = ""
    victims: bool = False


@dataclass(frozen=True)
class Chain:
    key: str
    title: str
    steps: tuple[ChainStep, ...]


# The indicators that measure the justice chain and the public headline
# figures, by code (the demo plan's codes, reports/demo/content.py): the one place to
# change when a plan numbers them differently. A code the plan lacks shows as
# "no indicator"; an indicator measured as a PERCENT (the demo's "identified
# victims referred to services") is shown as a share, with the count it implies.
JUSTICE_INDICATOR_CODES = {
    "identified": "I4.1.1",  # victims identified (NUMBER, SUM)
    "referred": "I4.1.2",  # identified victims referred to services (the demo: PERCENT, LATEST)
    "assisted": "I4.2.2",  # survivors receiving psychosocial counselling (NUMBER, SUM)
    "repatriated": "I4.3.1",  # survivors repatriated (NUMBER, SUM): public page only
    "investigated": "I3.2.1",  # trafficking and sexual-exploitation cases investigated (cases)
    "sent_to_court": "I3.2.2",  # suspects sent to court (people)
    "convicted": "I3.3.1",  # defendants convicted (people)
}


_codes = JUSTICE_INDICATOR_CODES


# Only like is compared with like: victims referred cannot exceed victims
# identified, defendants convicted cannot exceed suspects sent to court in the
# same year. Cases (investigated) and people (sent to court) are not compared,
# nor are survivors assisted, who include people identified in earlier years.
JUSTICE_CHAINS = (
    Chain(
        "victims",
        _("Victims"),
        (
            ChainStep("identified", _("Identified"), _codes["identified"], victims=True),
            ChainStep(
                "referred",
                _("Referred to services"),
                _codes["referred"],
                at_most="identified",
                share_of="identified",
                victims=True,
            ),
            ChainStep("assisted", _("Assisted (psychosocial counselling)"), _codes["assisted"], victims=True),
        ),
    ),
    Chain(
        "cases",
        _("Cases"),
        (
            ChainStep("investigated", _("Cases investigated"), _codes["investigated"]),
            ChainStep("sent_to_court", _("Suspects sent to court"), _codes["sent_to_court"]),
            ChainStep("convicted", _("Defendants convicted"), _codes["convicted"], at_most="sent_to_court"),
        ),
    ),
)


# The public summary's headline figures. Counts of victims (``victims=True``)
# go through suppress_small.
PUBLIC_HEADLINES = (
    ChainStep("identified", _("Victims identified"), _codes["identified"], victims=True),
    ChainStep("repatriated", _("Survivors repatriated"), _codes["repatriated"], victims=True),
    ChainStep("investigated", _("Cases investigated"), _codes["investigated"]),
    ChainStep("sent_to_court", _("Suspects sent to court"), _codes["sent_to_court"]),
    ChainStep("convicted", _("Defendants convicted"), _codes["convicted"]),
)


@dataclass(frozen=True)
class ChainIndicator:
    id: int
    code: str
    name: str
    unit: str
    measure: str
    lead_code: str


@dataclass(frozen=True)
class ChainCell:
    value: float | None  # in the indicator's unit; None: nothing approved that year
    count: float | None  # the number of people or cases (estimated from a share when ``estimated``)
    estimated: bool = False


@dataclass(frozen=True)
class ChainYear:
    year: int
    partial: bool  # the chosen period is not the year's last quarter
    cells: list[ChainCell]  # one per step
    warnings: list[str]


@dataclass(frozen=True)
class ChainTable:
    chain: Chain
    indicators: list[ChainIndicator | None]  # one per step; None: the plan has no such indicator
    years: list[ChainYear]


def year_figures(aggregation: str, lead_id: int, rows: list[tuple[int, int, int, float]]) -> dict[int, float]:
    """An indicator's figure per year: a flow adds every approved value of the
    year; a level takes the lead organisation's value of the year's latest period."""
    figures: dict[int, float] = {}
    latest: dict[int, int] = {}
    for year, index, organisation_id, value in rows:
        if aggregation == scoring.SUM:
            figures[year] = figures.get(year, 0.0) + value
        elif organisation_id == lead_id and index >= latest.get(year, 0):
            latest[year] = index
            figures[year] = value
    return figures


def approved_by_code(*, plan: Plan, period: ReportingPeriod, codes):
    """The indicators with these codes and their approved values up to the
    period. Two queries."""
    indicators = {
        i.code: i for i in Indicator.objects.filter(plan=plan, code__in=set(codes)).select_related("lead")
    }
    rows = defaultdict(list)
    for indicator_id, year, index, organisation_id, value in IndicatorValue.objects.filter(
        indicator__in=[i.pk for i in indicators.values()],
        report__state=ReportState.APPROVED,
        report__period__plan=plan,
        report__period__index__lte=period.index,
    ).values_list(
        "indicator_id", "report__period__year", "report__period__index", "report__organisation_id", "value"
    ):
        rows[indicator_id].append((year, index, organisation_id, float(value)))
    return indicators, rows


def _counts_people(step: ChainStep, indicator: Indicator | None) -> bool:
    return indicator is not None and (indicator.counts_people or step.victims)


def _protected_cell(cell: ChainCell) -> ChainCell:
    """A count of people as partners see it: rounded; a share (a PERCENT) is
    not a count and stays, the count estimated from it is rounded."""
    value = cell.value if cell.estimated else public_count(cell.value)
    return replace(cell, value=value, count=public_count(cell.count))


def _count_text(count) -> str:
    """A count in a warning, as the pages write figures ("<5" as it is)."""
    return number_text(count, 2)


def _chain_indicator(indicator: Indicator) -> ChainIndicator:
    return ChainIndicator(
        id=indicator.pk,
        code=indicator.code,
        name=indicator.display_name,
        unit=indicator.display_unit,
        measure=indicator.measure,
        lead_code=indicator.lead.code,
    )


def justice_chain(*, plan: Plan, period: ReportingPeriod, protect: bool = False) -> list[ChainTable]:
    """Victims identified → referred → assisted and cases investigated → sent to
    court → convicted, per plan year up to the period, from approved values,
    with a warning where the figures do not add up. Two queries.

    ``protect`` (a partner reads): counts of people rounded to the nearest 5,
    "<5" under 5 (reports.privacy.public_count), since a year's figure to
    date, read at two quarters, gives the quarter between (docs/privacy.md);
    the warnings compare the exact figures and quote the shown ones."""
    codes = [step.code for chain in JUSTICE_CHAINS for step in chain.steps]
    indicators, rows = approved_by_code(plan=plan, period=period, codes=codes)
    years = [y for y in plan.years if y <= period.year]
    tables = []
    for chain in JUSTICE_CHAINS:
        found = [indicators.get(step.code) for step in chain.steps]
        figures = [year_figures(i.aggregation, i.lead_id, rows[i.pk]) if i else {} for i in found]
        year_rows = []
        for year in years:
            counts: dict[str, ChainCell] = {}
            cells = []
            for step, indicator, by_year in zip(chain.steps, found, figures, strict=True):
                value = by_year.get(year)
                cell = ChainCell(value=value, count=value)
                if indicator is not None and indicator.measure == "PERCENT":
                    base = counts.get(step.share_of)
                    estimate = (
                        round(base.count * value / 100)
                        if value is not None and base and base.count is not None
                        else None
                    )
                    cell = ChainCell(value=value, count=estimate, estimated=True)
                counts[step.key] = cell
                cells.append(cell)
            shown = {
                step.key: _protected_cell(cell) if protect and _counts_people(step, indicator) else cell
                for step, indicator, cell in zip(chain.steps, found, cells, strict=True)
            }
            warnings = []
            for step, indicator in zip(chain.steps, found, strict=True):
                if not step.at_most:
                    continue
                later, earlier = counts[step.key], counts[step.at_most]
                if (
                    later.count is not None
                    and earlier.count is not None
                    and not (later.estimated or earlier.estimated)
                    and later.count > earlier.count + scoring.TOLERANCE
                ):
                    base_step = next(s for s in chain.steps if s.key == step.at_most)
                    base_indicator = indicators[base_step.code]
                    warnings.append(
                        gettext(
                            "%(later)s (%(later_count)s, reported by %(later_lead)s) is more than "
                            "%(earlier)s (%(earlier_count)s, reported by %(earlier_lead)s)."
                        )
                        % {
                            "later": step.label,
                            "later_count": _count_text(shown[step.key].count),
                            "later_lead": indicator.lead.code,
                            "earlier": base_step.label,
                            "earlier_count": _count_text(shown[step.at_most].count),
                            "earlier_lead": base_indicator.lead.code,
                        }
                    )
            year_rows.append(
                ChainYear(
                    year=year,
                    partial=year == period.year and period.quarter != 4,
                    cells=[shown[step.key] for step in chain.steps],
                    warnings=warnings,
                )
            )
        tables.append(
            ChainTable(
                chain=chain,
                indicators=[_chain_indicator(i) if i else None for i in found],
                years=year_rows,
            )
        )
    return tables
