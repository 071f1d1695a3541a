"""What each export holds, for one user: the reads behind the five datasets
(docs/exports.md).

Who sees what is the pages' rule: the plan through plans.access, its periods
through `periods_for_user` (partners: published ones; nobody: one not begun),
figures of approved reports only (an export never holds an unapproved
figure, whoever asks), who took each step through
`indicators.access.report_step_by`, and counts of people through
`reports.privacy.suppress_value_rows` for whoever does not see small counts
(`plans.access.user_sees_small_counts`).

Every read is a fixed number of queries; the rows come from ``.values()``
with ``.iterator(chunk_size=...)``, so memory does not grow with them.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.access import report_step_by
from indicators.models import (
    ActivityUpdate,
    Dimension,
    Indicator,
    IndicatorValue,
    QuarterlyReport,
    ReportState,
)
from plans.access import periods_for_user, user_sees_small_counts
from plans.models import Organisation, Plan, ReportingPeriod
from reports.as_of import PeriodNotShown, dashboard_period
from reports.completeness import period_completeness
from reports.exports import columns as cols
from reports.models import ScoreSnapshot
from reports.privacy import protected_progress, suppress_value_rows
from reports.scoring import SUM
from strategies.models import Activity, Objective, Pillar

DATASETS = ("structure", "values", "activity-updates", "scores", "completeness")
FORMATS = ("csv", "xlsx", "json")
# The filters an export takes besides ?period= (codes), and the datasets each narrows.
FILTERS = ("pillar", "objective", "indicator", "organisation")
# Rows fetched from the database at a time.
CHUNK_SIZE = 2000
# The order of the scores, as the scores API.
NODE_ORDER = ("plan", "pillar", "objective", "indicator", "activity")


class ExportRefused(Exception):
    """The export asked for cannot be given: ``errors`` {field: message};
    ``status`` 404 for an unknown dataset or format (or nothing to see yet),
    400 for a bad filter or period."""

    def __init__(self, errors: dict, status: int = 400):
        super().__init__(errors)
        self.errors = errors
        self.status = status


@dataclass(frozen=True)
class ExportAsk:
    """One export, checked: the plan, dataset and format, the period (None:
    every period the user may see, for values and activity updates) and the
    periods it covers, and the filters by code."""

    plan: Plan
    dataset: str
    format: str
    period: ReportingPeriod | None
    periods: tuple[ReportingPeriod, ...]
    filters: dict = field(default_factory=dict)

    @property
    def asked(self) -> dict:
        """The filters as a user gave them (kept with a long export)."""
        return {**({"period": self.period.code} if self.period else {}), **self.filters}


@dataclass
class Table:
    """The columns (key, header), the rows (an iterator of dicts, read when
    consumed) and how many there will be (a COUNT, asked only for the
    decision to write the file in the background)."""

    columns: list[tuple[str, str]]
    rows: Iterator[dict]
    count: Callable[[], int]
    sheet: str


def export_ask(
    *, user, plan: Plan, dataset: str, fmt: str, params, today: datetime.date | None = None
) -> ExportAsk:
    """Check an export's dataset, format, period and filters: every problem at
    once (ExportRefused)."""
    if dataset not in DATASETS or fmt not in FORMATS:
        errors = {}
        if dataset not in DATASETS:
            errors["dataset"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(DATASETS)}
        if fmt not in FORMATS:
            errors["format"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}
        raise ExportRefused(errors, status=404)
    today = today or timezone.localdate()
    filters, errors = _filters_checked(plan, params)
    try:
        chosen = dashboard_period(plan=plan, user=user, code=params.get("period") or None, today=today)
    except PeriodNotShown as refusal:
        errors["period"] = str(refusal)
        chosen = None
    if errors:
        raise ExportRefused(errors)
    period = chosen.period
    if dataset in ("values", "activity-updates"):
        period = period if params.get("period") else None
        periods = (period,) if period else tuple(chosen.periods)
    else:
        periods = (period,) if period else ()
    if dataset != "structure" and not periods:
        raise ExportRefused(
            {"period": _("No figures of plan %(plan)s are published yet.") % {"plan": plan.code}}, status=404
        )
    return ExportAsk(plan=plan, dataset=dataset, format=fmt, period=period, periods=periods, filters=filters)


def _filters_checked(plan: Plan, params) -> tuple[dict, dict]:
    """(filters {name: code}, errors {name: message}) of ?pillar= … ?organisation=."""
    filters, errors = {}, {}
    for name in FILTERS:
        code = (params.get(name) or "").strip()
        if not code:
            continue
        # A code is at most 40 characters (the models'); a NUL never reaches the database.
        if len(code) <= 40 and "\x00" not in code and _filter_exists(plan, name, code):
            filters[name] = code
        else:
            errors[name] = _filter_refusal(name) % {"code": code[:40], "plan": plan.code}
    return filters, errors


def _filter_refusal(name: str) -> str:
    """Why a filter's code was refused: one sentence per kind, so each
    language can word it whole."""
    return {
        "pillar": _("%(code)s is not a pillar of plan %(plan)s."),
        "objective": _("%(code)s is not an objective of plan %(plan)s."),
        "indicator": _("%(code)s is not an indicator of plan %(plan)s."),
        "organisation": _("%(code)s is not an organisation of plan %(plan)s."),
    }[name]


def _filter_exists(plan: Plan, name: str, code: str) -> bool:
    if name == "organisation":
        return Organisation.objects.filter(code=code).exists()
    model = {"pillar": Pillar, "objective": Objective, "indicator": Indicator}[name]
    return model.objects.filter(plan=plan, code=code).exists()


def export_table(*, user, ask: ExportAsk) -> Table:
    return {
        "structure": structure_table,
        "values": values_table,
        "activity-updates": activity_updates_table,
        "scores": scores_table,
        "completeness": completeness_table,
    }[ask.dataset](user=user, ask=ask)


# --- Names and provenance ---------------------------------------------------------


def _in_khmer() -> bool:
    return (get_language() or "").startswith("km")


def _name_in_language(english: str, khmer: str, in_khmer: bool | None = None) -> str:
    """A plan name as the interface shows it: Khmer when the export is asked
    for in Khmer and there is one, else English."""
    in_khmer = _in_khmer() if in_khmer is None else in_khmer
    return khmer if khmer and in_khmer else english


def _steps_of(user) -> Callable[[dict, str], dict]:
    """The four provenance columns of a row read with `PROVENANCE_FIELDS`."""

    seen: dict[tuple, str] = {}
    attributes = ("username", "role", "organisation__code", "is_superuser")

    @lru_cache(maxsize=4)
    def keys_of(prefix: str) -> tuple:
        return tuple(
            (f"{step}_by", tuple(f"{prefix}{step}_by__{a}" for a in attributes))
            for step in ("submitted", "approved")
        )

    def step_by(organisation_id: int, actor: tuple) -> str:
        # The same few people take the steps of thousands of rows: each is asked once.
        key = (organisation_id, *actor)
        if key not in seen:
            username, role, organisation_code, is_superuser = actor
            seen[key] = report_step_by(
                user,
                report_organisation_id=organisation_id,
                username=username,
                role=role,
                organisation_code=organisation_code,
                is_superuser=bool(is_superuser),
            )
        return seen[key]

    def steps(row: dict, prefix: str) -> dict:
        organisation_id = row[f"{prefix}organisation_id"]
        by = {
            column: step_by(organisation_id, tuple(row[k] for k in names))
            for column, names in keys_of(prefix)
        }
        return {
            "submitted_by": by["submitted_by"],
            "submitted_at": row[f"{prefix}submitted_at"],
            "approved_by": by["approved_by"],
            "approved_at": row[f"{prefix}approved_at"],
        }

    return steps


def provenance_fields(prefix: str) -> list[str]:
    fields = [f"{prefix}organisation_id", f"{prefix}submitted_at", f"{prefix}approved_at"]
    for step in ("submitted", "approved"):
        for attribute in ("username", "role", "organisation__code", "is_superuser"):
            fields.append(f"{prefix}{step}_by__{attribute}")
    return fields


def approved_reports(ask: ExportAsk) -> QuerySet[QuarterlyReport]:
    """The reports whose figures an export holds: approved ones of the periods
    the user may see (ask.periods came from periods_for_user)."""
    return QuarterlyReport.objects.filter(
        period__plan=ask.plan, period__in=[p.pk for p in ask.periods], state=ReportState.APPROVED
    )


def _counted(queryset: QuerySet) -> Callable[[], int]:
    return queryset.count


# --- structure --------------------------------------------------------------------


def structure_table(*, user, ask: ExportAsk) -> Table:
    """Pillars, objectives, indicators and activities, in the plan's order. Four queries."""
    plan, f = ask.plan, ask.filters
    pillars = Pillar.objects.filter(plan=plan).order_by("position", "code")
    objectives = Objective.objects.filter(plan=plan).select_related("pillar").order_by("position", "code")
    indicators = (
        Indicator.objects.filter(plan=plan).select_related("objective", "lead").order_by("position", "code")
    )
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("objective", "lead", "start_period", "end_period")
        .order_by("position", "code")
    )
    if "pillar" in f:
        pillars = pillars.filter(code=f["pillar"])
        objectives = objectives.filter(pillar__code=f["pillar"])
        indicators = indicators.filter(objective__pillar__code=f["pillar"])
        activities = activities.filter(objective__pillar__code=f["pillar"])
    if "objective" in f:
        pillars = pillars.filter(objectives__code=f["objective"])
        objectives = objectives.filter(code=f["objective"])
        indicators = indicators.filter(objective__code=f["objective"])
        activities = activities.filter(objective__code=f["objective"])
    if "indicator" in f:
        pillars, objectives, activities = pillars.none(), objectives.none(), activities.none()
        indicators = indicators.filter(code=f["indicator"])

    def rows() -> Iterator[dict]:
        for p in pillars:
            yield {
                "level": "pillar",
                "code": p.code,
                "name": p.name,
                "name_km": p.name_km,
                "weight": p.weight,
            }
        for o in objectives:
            yield {
                "level": "objective",
                "code": o.code,
                "parent": o.pillar.code,
                "name": o.name,
                "name_km": o.name_km,
                "weight": o.weight,
            }
        for i in indicators:
            yield {
                "level": "indicator",
                "code": i.code,
                "parent": i.objective.code,
                "name": i.name,
                "name_km": i.name_km,
                "weight": i.weight,
                "lead": i.lead.code,
                "measure": i.measure,
                "aggregation": i.aggregation,
                "direction": i.direction,
                "frequency": i.frequency,
                "unit": i.unit,
                "unit_km": i.unit_km,
                "baseline": i.baseline,
                "baseline_year": i.baseline_year,
                "counts_people": i.counts_people,
            }
        for a in activities:
            yield {
                "level": "activity",
                "code": a.code,
                "parent": a.objective.code,
                "name": a.name,
                "name_km": a.name_km,
                "weight": a.weight,
                "lead": a.lead.code if a.lead_id else "",
                "start": a.start_period.code if a.start_period_id else "",
                "end": a.end_period.code if a.end_period_id else "",
                "budget_usd": a.budget_usd,
            }

    return Table(
        columns=cols.columns_of(cols.StructureColumns),
        rows=rows(),
        count=lambda: pillars.count() + objectives.count() + indicators.count() + activities.count(),
        sheet="structure",
    )


# --- values -----------------------------------------------------------------------
# The rows are read narrow (ids, the figure, the cell) and the rest comes from
# two small reads, one per indicator and one per report: the database then
# sorts in memory, and each report's names and provenance are worked out once,
# not once per row.


def _narrowed(queryset: QuerySet, filters: dict, *, node: str, organisation: str) -> QuerySet:
    """``node`` is the path to the indicator or activity, ``organisation`` to the report's organisation."""
    narrowing = {
        "pillar": f"{node}__objective__pillar__code",
        "objective": f"{node}__objective__code",
        "indicator": f"{node}__code",
        "organisation": f"{organisation}__code",
    }
    for name, code in filters.items():
        if name == "indicator" and node != "indicator":
            continue
        queryset = queryset.filter(**{narrowing[name]: code})
    return queryset


def _reports_read(*, user, ask: ExportAsk, khmer: bool) -> dict[int, dict]:
    """Each approved report of the export: its organisation, period and
    provenance as the row shows them. One query."""
    steps = _steps_of(user)
    reports = approved_reports(ask).values(
        "pk",
        "organisation__code",
        "organisation__name",
        "organisation__name_km",
        "period__code",
        *provenance_fields(""),
    )
    return {
        row["pk"]: {
            "organisation": row["organisation__code"],
            "organisation_name": _name_in_language(
                row["organisation__name"], row["organisation__name_km"], khmer
            ),
            "period": row["period__code"],
            **steps(row, ""),
        }
        for row in reports
    }


@lru_cache(maxsize=1024)
def _cell_columns(cell: str) -> tuple[tuple[str, str], ...]:
    """ "age_group=U15;sex=F" → (("age_group", "U15"), ("sex", "F"))."""
    return tuple(tuple(part.partition("=")[::2]) for part in cell.split(";") if part)


def values_table(*, user, ask: ExportAsk) -> Table:
    """One row per indicator, organisation, period and disaggregation cell
    (a value and its cells, joined); a figure with no breakdown has one row,
    its dimension columns empty. Rows of one indicator and period come
    together, as suppress_value_rows needs them. Four queries: the
    dimensions, the indicators, the reports, the rows."""
    values = _narrowed(
        IndicatorValue.objects.filter(indicator__plan=ask.plan, report__in=approved_reports(ask)),
        ask.filters,
        node="indicator",
        organisation="report__organisation",
    )
    # Tuples, not dicts (values_list): a fifth less work per row.
    ordered = values.values_list(
        "indicator_id", "report_id", "value", "note", "cells__cell", "cells__value"
    ).order_by(
        "indicator__position",
        "indicator__code",
        "report__period__index",
        "report__organisation__code",
        "cells__cell",
    )
    dimensions = list(
        Dimension.objects.filter(indicators__in=Indicator.objects.filter(plan=ask.plan))
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    khmer = _in_khmer()

    def rows() -> Iterator[dict]:
        indicators = {
            pk: (code, _name_in_language(name, name_km, khmer), counts_people)
            for pk, code, name, name_km, counts_people in Indicator.objects.filter(plan=ask.plan).values_list(
                "pk", "code", "name", "name_km", "counts_people"
            )
        }
        reports = _reports_read(user=user, ask=ask, khmer=khmer)
        for indicator_id, report_id, value, note, cell, cell_value in ordered.iterator(chunk_size=CHUNK_SIZE):
            code, name, counts_people = indicators[indicator_id]
            cell = cell or ""
            out = {
                "indicator": code,
                "indicator_name": name,
                **reports[report_id],
                "cell": cell,
                "value": cell_value if cell else value,
                "note": note,
                "counts_people": counts_people,
            }
            if cell:
                out.update(_cell_columns(cell))
            yield out

    shown = rows() if user_sees_small_counts(user) else suppress_value_rows(rows())
    return Table(
        columns=cols.columns_of(cols.ValuesColumns, extra_after="period", extra=[(d, d) for d in dimensions]),
        rows=shown,
        count=_counted(ordered),
        sheet="indicator_values",
    )


# --- activity updates ---------------------------------------------------------------


def activity_updates_table(*, user, ask: ExportAsk) -> Table:
    """One row per activity, organisation and period. Three queries: the
    activities, the reports, the rows."""
    updates = _narrowed(
        ActivityUpdate.objects.filter(activity__plan=ask.plan, report__in=approved_reports(ask)),
        ask.filters,
        node="activity",
        organisation="report__organisation",
    )
    ordered = updates.values_list("activity_id", "report_id", "status", "percent_complete", "note").order_by(
        "activity__position", "activity__code", "report__period__index", "report__organisation__code"
    )
    khmer = _in_khmer()

    def rows() -> Iterator[dict]:
        activities = {
            pk: (code, _name_in_language(name, name_km, khmer))
            for pk, code, name, name_km in Activity.objects.filter(plan=ask.plan).values_list(
                "pk", "code", "name", "name_km"
            )
        }
        reports = _reports_read(user=user, ask=ask, khmer=khmer)
        for activity_id, report_id, status, percent_complete, note in ordered.iterator(chunk_size=CHUNK_SIZE):
            code, name = activities[activity_id]
            yield {
                "activity": code,
                "activity_name": name,
                **reports[report_id],
                "status": status,
                "percent_complete": percent_complete,
                "note": note,
            }

    return Table(
        columns=cols.columns_of(cols.ActivityUpdateColumns),
        rows=rows(),
        count=_counted(ordered),
        sheet="activity_updates",
    )


# --- scores ---------------------------------------------------------------------------


def _node_names(plan: Plan) -> dict:
    """(node type, code) → name, for every node of the plan. Four queries."""
    names = {("plan", plan.code): _name_in_language(plan.name, plan.name_km)}
    for node, model in (
        ("pillar", Pillar),
        ("objective", Objective),
        ("indicator", Indicator),
        ("activity", Activity),
    ):
        for code, name, name_km in model.objects.filter(plan=plan).values_list("code", "name", "name_km"):
            names[(node, code)] = _name_in_language(name, name_km)
    return names


def _score_codes(plan: Plan, filters: dict) -> set | None:
    """The codes of the nodes under a pillar, objective or indicator filter (None: every node)."""
    node_filters = {k: v for k, v in filters.items() if k != "organisation"}
    if not node_filters:
        return None
    ask = ExportAsk(
        plan=plan, dataset="structure", format="json", period=None, periods=(), filters=node_filters
    )
    return {row["code"] for row in structure_table(user=None, ask=ask).rows}


def _people_progress_protected(plan: Plan, rows: list[dict]) -> None:
    """For whoever does not see small counts: the progress of an indicator
    counting people worked out from its rounded count, as the dashboards and
    the scores API show it (reports.privacy.protected_progress; docs/privacy.md,
    "Progress"), since progress times a known target gives the count back. One query."""
    starts = {
        pk: 0.0 if aggregation == SUM else float(baseline)
        for pk, aggregation, baseline in Indicator.objects.filter(plan=plan, counts_people=True).values_list(
            "pk", "aggregation", "baseline"
        )
    }
    for row in rows:
        if row["node_type"] == "indicator" and row["node_id"] in starts:
            row["progress"], row["achieved"] = protected_progress(
                row["progress"], actual=row["actual_value"], start=starts[row["node_id"]]
            )


def scores_table(*, user, ask: ExportAsk) -> Table:
    """The stored scores of every node at one period (as the scores API); the
    organisation filter does not narrow them (scores are the plan's)."""
    scores = ScoreSnapshot.objects.filter(plan=ask.plan, period=ask.period)
    codes = _score_codes(ask.plan, ask.filters)
    if codes is not None:
        scores = scores.filter(code__in=codes).exclude(node_type="plan")
    ordered = scores.values(
        "node_type",
        "node_id",
        "code",
        "progress",
        "achieved",
        "expected",
        "status",
        "coverage",
        "computed_at",
        "actual_value",
    ).order_by("node_type", "code")
    exact = user_sees_small_counts(user)

    def rows() -> Iterator[dict]:
        names = _node_names(ask.plan)
        found = list(ordered)
        found.sort(key=lambda r: (NODE_ORDER.index(r["node_type"]), r["code"]))
        if not exact:
            _people_progress_protected(ask.plan, found)
        for row in found:
            yield {
                "node": row["node_type"],
                "code": row["code"],
                "name": names.get((row["node_type"], row["code"]), ""),
                "period": ask.period.code,
                **{
                    k: row[k]
                    for k in ("progress", "achieved", "expected", "status", "coverage", "computed_at")
                },
            }

    return Table(
        columns=cols.columns_of(cols.ScoreColumns), rows=rows(), count=_counted(ordered), sheet="scores"
    )


# --- completeness -----------------------------------------------------------------------


def completeness_table(*, user, ask: ExportAsk) -> Table:
    """Per organisation expected to report: received, on time, the report's
    state (as the completeness API), and who submitted and approved it, as
    the user may read it."""
    _overall, found = period_completeness(plan=ask.plan, period=ask.period)
    if "organisation" in ask.filters:
        found = [row for row in found if row.code == ask.filters["organisation"]]
    steps = _steps_of(user)

    def rows() -> Iterator[dict]:
        reports = {
            row["organisation_id"]: row
            for row in QuarterlyReport.objects.filter(period=ask.period).values(*provenance_fields(""))
        }
        for row in found:
            report = reports.get(row.organisation_id)
            yield {
                "organisation": row.code,
                "organisation_name": row.name,
                "period": ask.period.code,
                "expected": row.expected,
                "received": row.received,
                "on_time": row.on_time,
                "report_state": row.report_state or "",
                "first_submitted_at": row.first_submitted_at,
                **(steps(report, "") if report else {}),
            }

    return Table(
        columns=cols.columns_of(cols.CompletenessColumns),
        rows=rows(),
        count=lambda: len(found),
        sheet="completeness",
    )


def periods_shown(user, plan: Plan) -> list[ReportingPeriod]:
    """The periods the export menu offers: those the user may see."""
    return list(periods_for_user(user, plan))
