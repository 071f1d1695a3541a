"""The organisations page ("Reporting health"): every organisation that owes
reports in a plan, side by side, so the secretariat sees whom to call.

Over the last four quarters up to the "as of" period: the reports it owed,
received (submitted or approved), on time (first submitted by the deadline) and
how often its reports were returned; at the period, how the indicators and
activities it leads stand in the stored scores. Report states, never figures:
nothing here shows a value that was not approved.

A fixed number of queries whatever the plan's size: who owes what and the
statuses (kept until the plan's scores change, reporters_at), then the window's
reports, its returns and the organisations' names, read live, since a
submission or a return changes them (reporting_health).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from indicators.models import Indicator, QuarterlyReport, ReportEvent, ReportState
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod
from reports import scoring
from reports.models import ScoreSnapshot
from reports.scores.cache import scores_cached
from strategies.models import Activity

# How many quarters, up to the "as of" period, the reporting figures cover.
WINDOW = 4

RECEIVED = (ReportState.SUBMITTED, ReportState.APPROVED)

# ?sort= keys, each with the direction a first click sorts in: the ones to
# call first at the top (lowest completeness, most returns …).
SORT_KEYS = {
    "name": False,
    "completeness": False,
    "timeliness": False,
    "returned": True,
    "off_track": True,
}
DEFAULT_SORT = "completeness"


@dataclass(frozen=True)
class OrganisationHealth:
    """One organisation's reporting over the window and its leaves at the period."""

    organisation_id: int
    code: str
    name: str
    reports: scoring.Completeness  # expected, received, on time, over the window
    returned: int  # times its reports of the window were returned
    statuses: dict[str, int] = field(default_factory=dict)  # the leaves it leads, by status

    @property
    def expected(self) -> int:
        return self.reports.expected

    @property
    def received(self) -> int:
        return self.reports.received

    @property
    def on_time(self) -> int:
        return self.reports.on_time

    @property
    def completeness(self) -> float | None:
        return self.reports.completeness

    @property
    def timeliness(self) -> float | None:
        return self.reports.timeliness

    @property
    def on_track(self) -> int:
        return self.statuses.get(scoring.ON_TRACK, 0)

    @property
    def at_risk(self) -> int:
        return self.statuses.get(scoring.AT_RISK, 0)

    @property
    def off_track(self) -> int:
        return self.statuses.get(scoring.OFF_TRACK, 0)

    @property
    def no_data(self) -> int:
        return self.statuses.get(scoring.NO_DATA, 0)


@dataclass(frozen=True)
class ReportingHealth:
    periods: list[ReportingPeriod]  # the window, oldest first
    rows: list[OrganisationHealth]  # in the order asked for
    overall: scoring.Completeness  # every organisation's reports over the window
    returned: int
    sort: str  # the order the rows are in: "completeness", "-returned" …

    @property
    def first(self) -> ReportingPeriod:
        return self.periods[0]

    @property
    def last(self) -> ReportingPeriod:
        return self.periods[-1]


def reporting_window(periods: list[ReportingPeriod], period: ReportingPeriod) -> list[ReportingPeriod]:
    """The last WINDOW of ``periods`` (those the reader may see, in order) up to ``period``."""
    return [p for p in periods if p.index <= period.index][-WINDOW:]


@dataclass(frozen=True)
class Reporters:
    """What changes only with the plan's structure, an approval or a recompute."""

    # Every organisation owing reports in the plan → the periods of the window it owes.
    owed: dict[int, frozenset[int]]
    # Organisation → the leaves it leads at the period, by status.
    statuses: dict[int, dict[str, int]]


def reporters_at(*, plan: Plan, period: ReportingPeriod, window: list[ReportingPeriod]) -> Reporters:
    """Who owes reports in the plan (any of its periods: the rule of the report
    form, indicators.quarterly_report.expected.plan_expected_reporters), which
    of the window's periods each owes, and the statuses at ``period`` of the
    indicators and activities each leads (cancelled activities left out, as on
    the scorecard). Eight queries: the plan's periods, who owes (four), the
    indicators' and activities' leads, the leaves' snapshots."""
    every_period = list(plan.periods.order_by("index"))
    in_window = {p.pk for p in window}
    owed = {
        organisation_id: frozenset(periods & in_window)
        for organisation_id, periods in plan_expected_reporters(plan, every_period).items()
        if periods
    }
    leads = {
        "indicator": dict(Indicator.objects.filter(plan=plan).order_by().values_list("pk", "lead_id")),
        "activity": dict(Activity.objects.filter(plan=plan).order_by().values_list("pk", "lead_id")),
    }
    statuses: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(scoring.STATUSES, 0))
    snapshots = (
        ScoreSnapshot.objects.filter(plan=plan, period=period, node_type__in=list(leads))
        .order_by()
        .values_list("node_type", "node_id", "status", "cancelled")
    )
    for node_type, node_id, status, cancelled in snapshots:
        lead_id = leads[node_type].get(node_id)
        if lead_id is not None and status and not cancelled:
            statuses[lead_id][status] += 1
    return Reporters(owed=owed, statuses=dict(statuses))


def reporting_health(
    *, plan: Plan, period: ReportingPeriod, window: list[ReportingPeriod], sort: str | None = None
) -> ReportingHealth:
    """Every organisation owing reports in the plan, with its reporting over
    ``window`` (reporting_window) and its leaves at ``period``, in ``sort``'s
    order (sort_parse). Report states are read live; the rest is kept until the
    plan's scores change."""
    reporters = scores_cached(
        plan=plan,
        parts=("organisations", period.pk, *(p.pk for p in window)),
        read=lambda: reporters_at(plan=plan, period=period, window=window),
    )
    by_period = _reports_by_period(window)
    returned = _returned(window)
    per_organisation: dict[int, list[scoring.Completeness]] = defaultdict(list)
    overall = []
    for p in window:
        received, on_time = by_period[p.pk]
        expected = {org for org, periods in reporters.owed.items() if p.pk in periods}
        counted = scoring.reporting_completeness(expected=expected, received=received, on_time=on_time)
        overall.append(counted.overall)
        for org in expected:
            per_organisation[org].append(counted.by_organisation[org])
    names = _organisation_names()
    rows = [
        OrganisationHealth(
            organisation_id=org,
            code=names[org][0],
            name=names[org][1],
            reports=_added(per_organisation[org]),
            returned=returned.get(org, 0),
            statuses=reporters.statuses.get(org, {}),
        )
        for org in reporters.owed
    ]
    key, descending = sort_parse(sort)
    return ReportingHealth(
        periods=window,
        rows=rows_sorted(rows, key, descending=descending),
        overall=_added(overall),
        returned=sum(row.returned for row in rows),
        sort=f"-{key}" if descending else key,
    )


def _reports_by_period(window: list[ReportingPeriod]) -> dict[int, tuple[set[int], set[int]]]:
    """Period id → (organisations whose report is received, those first
    submitted by the deadline: the rule of QuarterlyReport.is_late). One query."""
    deadlines = {p.pk: p.deadline for p in window}
    by_period = {pk: (set(), set()) for pk in deadlines}
    reports = (
        QuarterlyReport.objects.filter(period_id__in=list(deadlines))
        .order_by()
        .values_list("organisation_id", "period_id", "state", "first_submitted_at")
    )
    for organisation_id, period_id, state, first_submitted_at in reports:
        received, on_time = by_period[period_id]
        if state in RECEIVED:
            received.add(organisation_id)
        if first_submitted_at is not None and timezone.localdate(first_submitted_at) <= deadlines[period_id]:
            on_time.add(organisation_id)
    return by_period


def _returned(window: list[ReportingPeriod]) -> dict[int, int]:
    """Organisation id → how many times its reports of the window were returned. One query."""
    returns = ReportEvent.objects.filter(
        to_state=ReportState.RETURNED, report__period_id__in=[p.pk for p in window]
    )
    return dict(
        returns.order_by()
        .values("report__organisation_id")
        .annotate(times=Count("pk"))
        .values_list("report__organisation_id", "times")
    )


def _organisation_names() -> dict[int, tuple[str, str]]:
    """Every organisation's code and name in the reader's language. One query,
    unfiltered: matching hundreds of ids costs more than reading the few that
    owe this plan nothing (as reports.completeness does)."""
    khmer = (get_language() or "").startswith("km")
    return {
        pk: (code, name_km if khmer and name_km else name)
        for pk, code, name, name_km in Organisation.objects.order_by().values_list(
            "pk", "code", "name", "name_km"
        )
    }


def _added(parts: list[scoring.Completeness]) -> scoring.Completeness:
    return scoring.Completeness(
        expected=sum(c.expected for c in parts),
        received=sum(c.received for c in parts),
        on_time=sum(c.on_time for c in parts),
    )


def sort_parse(sort: str | None) -> tuple[str, bool]:
    """``?sort=`` as (key, descending): "-returned" → ("returned", True). An
    unknown key is the default order, lowest completeness first."""
    sort = sort or ""
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return DEFAULT_SORT, SORT_KEYS[DEFAULT_SORT]
    return key, sort.startswith("-")


def rows_sorted(rows: list[OrganisationHealth], key: str, *, descending: bool) -> list[OrganisationHealth]:
    """``rows`` by ``key``, ties by name; rows with no figure for it (nothing
    owed in the window) last, whichever the direction."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.code))
    if key == "name":
        return by_name[::-1] if descending else by_name
    value = attrgetter(key)
    known = [row for row in by_name if value(row) is not None]
    known.sort(key=value, reverse=descending)  # stable: ties stay in name order
    return known + [row for row in by_name if value(row) is None]


def sort_links(sort: str) -> dict[str, dict]:
    """For each sortable column: the ``?sort=`` its header links to (the
    active column's flips its direction; another's sorts in its first
    direction), and the direction it is sorted in now (aria-sort), if any."""
    key, descending = sort_parse(sort)
    links = {}
    for column, first_descending in SORT_KEYS.items():
        if column == key:
            flipped = not descending
            links[column] = {
                "sort": f"-{column}" if flipped else column,
                "aria_sort": "descending" if descending else "ascending",
            }
        else:
            links[column] = {"sort": f"-{column}" if first_descending else column, "aria_sort": ""}
    return links
