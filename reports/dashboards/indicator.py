"""The indicator page: targets (original and revised), approved figures over
time, by organisation and by category, and progress on either basis.
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Prefetch, Q

from indicators.access import user_sees_report_workings
from indicators.models import (
    Category,
    DisaggregatedValue,
    Indicator,
    IndicatorValue,
    ReportEvent,
    ReportState,
    TargetRevision,
    cell_categories,
)
from plans.models import Organisation, Plan, ReportingPeriod
from reports import scoring
from reports.dashboards.score_rows import SNAPSHOT_FIELDS, ScoreRow, score_row
from reports.models import ScoreSnapshot
from reports.privacy import is_hidden, suppress_value_rows
from reports.scores.inputs import plan_thresholds, value_count


@dataclass(frozen=True)
class IndicatorPoint:
    """One period of an indicator's history, in its own unit."""

    period: str
    actual: float | None
    expected: float | None
    target: float | None  # the target to reach by the end of the period's year
    status: str | None
    original_target: float | None = None  # the same, by the targets adopted with the plan


@dataclass(frozen=True)
class TargetYear:
    """A year's target: as adopted with the plan, and as in force after revisions."""

    year: int
    original: float
    in_force: float
    revisions: list  # TargetRevision rows, oldest first

    @property
    def revised(self) -> bool:
        return bool(self.revisions)


@dataclass(frozen=True)
class ReportStep:
    at: object
    actor: str
    from_state: str
    to_state: str
    comment: str


@dataclass(frozen=True)
class ValueRow:
    """One approved figure with who submitted and approved it, and when."""

    period: str
    organisation_code: str
    organisation_name: str
    value: float
    note: str
    gap_reason: str
    corrective_action: str
    submitted_at: object
    submitted_by: str
    approved_at: object
    approved_by: str
    history: list[ReportStep]


@dataclass(frozen=True)
class CategoryTotal:
    code: str
    name: str
    value: float


@dataclass(frozen=True)
class DimensionBreakdown:
    code: str
    name: str
    categories: list[CategoryTotal]


@dataclass(frozen=True)
class OrganisationSeries:
    code: str
    name: str
    values: list  # one per period of IndicatorPage.value_periods, None where none approved
    aggregation: str = scoring.SUM
    # What a partner sees instead of the headline (reports/dashboards/people_counts.py).
    shown_headline: object = None

    @property
    def is_level(self) -> bool:
        return self.aggregation != scoring.SUM

    @property
    def headline(self) -> float | None:
        """What the scoring rule makes of the organisation's values: a flow's
        total to date; a level's (a percentage's) latest value, never a sum."""
        if self.shown_headline is not None:
            return self.shown_headline
        given = [v for v in self.values if v is not None]
        if not given:
            return None
        return given[-1] if self.is_level else sum(given)


@dataclass(frozen=True)
class Milestone:
    """A yes/no indicator in words: the year it is due (the first plan year
    whose target is 1) and the first approved period that reached it."""

    due_year: int | None
    achieved_in: str | None  # a period code; None: not yet achieved


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    score: ScoreRow
    contributors: list[Organisation]
    targets: list[TargetYear]
    # "revised": the stored scores, against the targets in force; "original":
    # computed here against the targets adopted with the plan.
    basis: str
    points: list[IndicatorPoint]
    value_periods: list[str]
    by_organisation: list[OrganisationSeries]
    by_category: list[DimensionBreakdown]
    values: list[ValueRow]  # the newest, with their history (see values_total)
    values_total: int  # approved values to date, listed or not
    milestone: Milestone | None = None  # for a MILESTONE, shown instead of its charts
    # For an indicator counting people: the (period, organisation) figures a
    # partner sees as "<5" (docs/privacy.md), by the rule of the exports.
    hidden_values: frozenset = frozenset()


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def target_to_date(aggregation: str, targets: dict[int, float], year: int) -> float | None:
    """What the year's target means on the same scale as actual to date: a SUM
    indicator's targets add up over the years; a level's is the year's own."""
    if year not in targets:
        return None
    if aggregation == scoring.SUM:
        return sum(value for y, value in targets.items() if y <= year)
    return targets[year]


BASIS_REVISED, BASIS_ORIGINAL = "revised", "original"


def indicator_dashboard(
    *,
    plan: Plan,
    code: str,
    period: ReportingPeriod,
    user,
    basis: str = BASIS_REVISED,
    values_limit: int | None = None,
) -> IndicatorPage:
    """An indicator's history up to the period: actual, expected and target;
    approved values by organisation and by disaggregation category; the
    newest ``values_limit`` approved values (None: all) with their report's
    history; its targets, original and revised. Indicator.DoesNotExist for an
    unknown code. Eleven queries.

    With ``basis="original"`` and revised targets, the scores are worked out
    here by the scoring rule against the original targets (one indicator: no
    stored snapshot is needed); otherwise they are the stored ones.

    Review comments are shown to the secretariat and to the organisation whose
    report it was: a reviewer's comment may quote figures that were never approved.
    """
    indicator = plan.indicators.select_related("lead", "objective__pillar").get(code=code)
    contributors = list(indicator.contributors.order_by("code"))
    target_years = indicator_targets(indicator)
    targets = {t.year: t.in_force for t in target_years}
    originals = {t.year: t.original for t in target_years}
    revised = any(t.revised for t in target_years)
    basis = BASIS_ORIGINAL if basis == BASIS_ORIGINAL and revised else BASIS_REVISED
    dimensions = list(
        indicator.disaggregation.order_by("code").prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "code"))
        )
    )
    periods = list(plan.periods.filter(index__lte=period.index).order_by("index"))
    snapshots = {
        row["period_id"]: row
        for row in ScoreSnapshot.objects.filter(
            plan=plan, node_type="indicator", node_id=indicator.pk, period__in=[p.pk for p in periods]
        ).values("period_id", *SNAPSHOT_FIELDS)
    }
    points = [
        IndicatorPoint(
            period=p.code,
            actual=snapshots[p.pk]["actual_value"] if p.pk in snapshots else None,
            expected=snapshots[p.pk]["expected_value"] if p.pk in snapshots else None,
            target=target_to_date(indicator.aggregation, targets, p.year),
            status=snapshots[p.pk]["status"] if p.pk in snapshots else None,
            original_target=target_to_date(indicator.aggregation, originals, p.year) if revised else None,
        )
        for p in periods
    ]
    approved = Q(
        report__state=ReportState.APPROVED,
        report__period__plan=plan,
        report__period__index__lte=period.index,
    )
    values = list(
        IndicatorValue.objects.filter(approved, indicator=indicator)
        .select_related(
            "report__organisation", "report__period", "report__submitted_by", "report__approved_by"
        )
        .order_by("-report__period__index", "report__organisation__code")
    )
    # Values are newest first: the rows listed with their history are the newest.
    listed = values if values_limit is None else values[:values_limit]
    events = defaultdict(list)
    for event in (
        ReportEvent.objects.filter(report_id__in=[v.report_id for v in listed])
        .select_related("actor")
        .order_by("at", "id")
    ):
        events[event.report_id].append(event)
    cells = defaultdict(list)
    for value_id, cell, number in DisaggregatedValue.objects.filter(
        indicator_value__indicator=indicator,
        indicator_value__report__state=ReportState.APPROVED,
        indicator_value__report__period__plan=plan,
        indicator_value__report__period__index__lte=period.index,
    ).values_list("indicator_value_id", "cell", "value"):
        cells[value_id].append((cell, float(number)))

    def person(user_or_none, organisation_id: int) -> str:
        # Who took a step is for the secretariat and the organisation itself
        # (indicators.access.user_sees_report_workings); others see when only.
        return _person(user_or_none) if user_sees_report_workings(user, organisation_id) else ""

    rows = [
        ValueRow(
            period=v.report.period.code,
            organisation_code=v.report.organisation.code,
            organisation_name=v.report.organisation.display_name,
            value=float(v.value),
            note=v.note,
            gap_reason=v.gap_reason,
            corrective_action=v.corrective_action,
            submitted_at=v.report.first_submitted_at,
            submitted_by=person(v.report.submitted_by, v.report.organisation_id),
            approved_at=v.report.approved_at,
            approved_by=person(v.report.approved_by, v.report.organisation_id),
            history=[
                ReportStep(
                    at=e.at,
                    actor=person(e.actor, v.report.organisation_id),
                    from_state=e.from_state,
                    to_state=e.to_state,
                    comment=e.comment if user_sees_report_workings(user, v.report.organisation_id) else "",
                )
                for e in events[v.report_id]
            ],
        )
        for v in listed
    ]
    # By organisation: the periods that have an approved value, oldest first.
    value_periods = sorted({(v.report.period.index, v.report.period.code) for v in values})
    column = {index: i for i, (index, _code) in enumerate(value_periods)}
    by_org: dict[int, OrganisationSeries] = {}
    for v in sorted(values, key=lambda v: v.report.organisation.code):
        organisation = v.report.organisation
        series = by_org.setdefault(
            organisation.pk,
            OrganisationSeries(
                organisation.code,
                organisation.display_name,
                [None] * len(value_periods),
                indicator.aggregation,
            ),
        )
        series.values[column[v.report.period.index]] = float(v.value)
    # By category: a flow adds up every approved cell to date; a level shows
    # the lead organisation's latest disaggregated value.
    if indicator.aggregation == scoring.SUM:
        counted = [v for v in values if v.pk in cells]
    else:
        lead_values = [v for v in values if v.report.organisation_id == indicator.lead_id and v.pk in cells]
        counted = lead_values[:1]  # values are newest first
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for v in counted:
        for cell, number in cells[v.pk]:
            for dimension, category in cell_categories(cell).items():
                totals[(dimension, category)] += number
    by_category = [
        DimensionBreakdown(
            code=d.code,
            name=d.display_name,
            categories=[
                CategoryTotal(c.code, c.display_name, totals.get((d.code, c.code), 0.0))
                for c in d.categories.all()
            ],
        )
        for d in dimensions
    ]
    score = score_row(
        "indicator",
        indicator,
        snapshots.get(period.pk),
        lead=indicator.lead.code,
        unit=indicator.display_unit,
    )
    if basis == BASIS_ORIGINAL:
        score, points = _scores_against_original(plan, indicator, periods, originals, values, score, points)
    return IndicatorPage(
        indicator=indicator,
        score=score,
        contributors=contributors,
        targets=target_years,
        basis=basis,
        points=points,
        value_periods=[code for _index, code in value_periods],
        by_organisation=list(by_org.values()),
        by_category=by_category if counted else [],
        values=rows,
        values_total=len(values),
        hidden_values=_hidden_values(indicator, values, cells) if indicator.counts_people else frozenset(),
        milestone=(
            indicator_milestone(indicator, originals if basis == BASIS_ORIGINAL else targets, values)
            if indicator.measure == scoring.MILESTONE
            else None
        ),
    )


def _hidden_values(indicator: Indicator, values: list, cells: dict) -> frozenset:
    """The (period, organisation) figures of a counts_people indicator that
    partners see as "<5": the long rows of the exports (each organisation's
    figure and its cells, one quarter at a time) through the one rule,
    reports.privacy.suppress_value_rows, so that the page and an export hide
    the same figures and neither completes the other."""
    ordered = sorted(values, key=lambda v: (v.report.period.index, v.report.organisation.code))

    def rows():
        for v in ordered:
            key = {"indicator": indicator.code, "period": v.report.period.code, "counts_people": True}
            organisation = v.report.organisation.code
            yield {**key, "organisation": organisation, "cell": "", "value": v.value}
            for cell, number in cells.get(v.pk, ()):
                yield {**key, "organisation": organisation, "cell": cell, "value": number}

    return frozenset(
        (row["period"], row["organisation"])
        for row in suppress_value_rows(rows())
        if row["cell"] == "" and is_hidden(row["value"])
    )


def indicator_milestone(indicator: Indicator, targets: dict[int, float], values: list) -> Milestone:
    """Due by the end of the first year whose target is 1 (as the scoring rule
    expects it); achieved in the first period whose approved value from the
    lead organisation (the one the rule counts for a level) is 1."""
    due = next((year for year in sorted(targets) if targets[year] >= 1), None)
    reached = [
        v.report.period for v in values if v.report.organisation_id == indicator.lead_id and v.value >= 1
    ]
    first = min(reached, key=lambda period: period.index, default=None)
    return Milestone(due_year=due, achieved_in=first.code if first else None)


def indicator_targets(indicator: Indicator) -> list[TargetYear]:
    """The indicator's targets by year, each with its revisions: one query,
    and one more where a target was revised."""
    targets = list(indicator.targets.with_in_force().order_by("year"))
    revisions = defaultdict(list)
    if any(target.revised for target in targets):
        for revision in TargetRevision.objects.filter(target__indicator=indicator).select_related(
            "revised_by"
        ):
            revisions[revision.target_id].append(revision)
    return [
        TargetYear(
            year=target.year,
            original=float(target.value),
            in_force=float(target.in_force),
            revisions=revisions[target.pk],
        )
        for target in targets
    ]


def _scores_against_original(plan, indicator, periods, originals, values, score, points):
    """The headline score and the points by the scoring rule against the
    targets adopted with the plan, from the approved values already read."""
    if not all(year in originals for year in plan.years):
        return score, points
    by_period: dict[int, float] = {}
    for v in values:
        value_count(
            by_period,
            indicator.aggregation,
            indicator.lead_id,
            v.report.period.index,
            v.report.organisation_id,
            v.value,
        )
    given = scoring.IndicatorInput(
        measure=indicator.measure,
        aggregation=indicator.aggregation,
        direction=indicator.direction,
        frequency=indicator.frequency,
        baseline=float(indicator.baseline),
        targets=originals,
        values=by_period,
    )
    plan_years, thresholds = scoring.PlanYears(plan.start_year, plan.end_year), plan_thresholds(plan)
    scored = {
        p.code: scoring.indicator_score(
            given, scoring.PeriodRef(p.year, p.quarter, p.index), plan_years=plan_years, thresholds=thresholds
        )
        for p in periods
    }
    points = [
        replace(
            point,
            actual=scored[point.period].actual,
            expected=scored[point.period].expected_value,
            status=scored[point.period].status,
        )
        for point in points
    ]
    last = scored[periods[-1].code]
    score = replace(
        score,
        status=last.status,
        progress=last.progress,
        achieved=last.achieved,
        expected=last.expected,
        coverage=last.coverage,
        actual_value=last.actual,
        expected_value=last.expected_value,
    )
    return score, points
