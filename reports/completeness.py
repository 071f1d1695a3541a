"""Completeness of a period: who owed a report, who sent one, who was on time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import get_language

from indicators.models import (
    QuarterlyReport,
    ReportState,
)
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod
from reports import scoring
from reports.report_states import NOT_RECEIVED, report_state, report_state_count, report_state_label
from reports.scores.cache import scores_cached


@dataclass(frozen=True)
class OrganisationCompleteness:
    organisation_id: int
    code: str
    name: str
    expected: bool
    received: bool
    on_time: bool
    report_state: str | None  # the stored state; None where no report was started
    first_submitted_at: object

    @property
    def state(self) -> str:
        """The report's state in the pages' vocabulary (reports/report_states.py)."""
        return report_state(self.report_state)

    @property
    def state_label(self) -> str:
        return report_state_label(self.report_state)


# A page lists this many organisations of each state not received; "and 7 more" the rest.
SHOWN_PER_STATE = 20


@dataclass(frozen=True)
class StateCount:
    """The expected reports in one state, "13 drafts", with their organisations by code."""

    state: str
    organisations: tuple[OrganisationCompleteness, ...]

    @property
    def count(self) -> int:
        return len(self.organisations)

    @property
    def label(self) -> str:
        return report_state_label(self.state)

    @property
    def text(self) -> str:
        return report_state_count(self.state, self.count)

    @property
    def shown(self) -> tuple[OrganisationCompleteness, ...]:
        return self.organisations[:SHOWN_PER_STATE]

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass(frozen=True)
class PeriodCompleteness(scoring.Completeness):
    """The period's figures (scoring.Completeness), the expected reports not
    received by state (not started, draft, returned; states with none left
    out), and whether the deadline has passed (those reports are late)."""

    not_received: tuple[StateCount, ...] = ()  # in NOT_RECEIVED's order
    deadline_passed: bool = False

    @property
    def not_received_count(self) -> int:
        return sum(part.count for part in self.not_received)


def organisations_expected(*, plan: Plan, period: ReportingPeriod) -> set[int]:
    """Organisations that owe a report for the period: the same rule as the
    report form and the reminders (indicators.quarterly_report.expected.plan_expected_reporters).

    It changes only with the plan's structure or an approval, both of which
    mark the plan's scores stale, so it is kept with them (see scores_cached)."""

    def read() -> set[int]:
        owed = plan_expected_reporters(plan, [period])
        return {organisation_id for organisation_id, periods in owed.items() if period.pk in periods}

    return scores_cached(plan=plan, parts=("expected", period.pk), read=read)


def period_completeness(*, plan: Plan, period: ReportingPeriod, today: date | None = None):
    """Who was expected to report for the period, who did, and who was on time:
    the overall figures (PeriodCompleteness) and a row per organisation, by code.

    Read live from the reports (a submission changes it, an approval is not
    needed), in a fixed number of queries.
    """
    expected = organisations_expected(plan=plan, period=period)
    # Plain rows, not model instances: a large plan has hundreds of organisations.
    # Unordered: the model's default order joins the period, plan and
    # organisation only to sort.
    reports = {
        organisation_id: (state, first_submitted_at)
        for organisation_id, state, first_submitted_at in QuarterlyReport.objects.filter(period=period)
        .order_by()
        .values_list("organisation_id", "state", "first_submitted_at")
    }
    received = {
        org for org, (state, _) in reports.items() if state in (ReportState.SUBMITTED, ReportState.APPROVED)
    }
    # On time: first submitted by the end of the deadline's day, local time.
    # One instant to compare with, in UTC as the database gives times, rather
    # than a conversion to local time per report.
    end_of_deadline = datetime.combine(period.deadline + timedelta(days=1), time.min)
    due_before = timezone.make_aware(end_of_deadline).astimezone(UTC)
    on_time = {org for org, (_, first) in reports.items() if first is not None and first < due_before}
    summary = scoring.reporting_completeness(expected=expected, received=received, on_time=on_time)
    khmer = (get_language() or "").startswith("km")
    # Every organisation, unfiltered: matching a list of hundreds of ids costs
    # more than reading the few organisations that owe this plan nothing.
    organisations = {
        pk: (code, (name_km if khmer and name_km else name))
        for pk, code, name, name_km in Organisation.objects.order_by().values_list(
            "pk", "code", "name", "name_km"
        )
    }
    rows = []
    for org_id, c in summary.by_organisation.items():
        code, name = organisations[org_id]
        state, first_submitted_at = reports.get(org_id, (None, None))
        rows.append(
            OrganisationCompleteness(
                organisation_id=org_id,
                code=code,
                name=name,
                expected=bool(c.expected),
                received=bool(c.received),
                on_time=bool(c.on_time),
                report_state=state,
                first_submitted_at=first_submitted_at,
            )
        )
    rows.sort(key=lambda row: row.code)
    return _with_not_received(summary.overall, rows, period, today or timezone.localdate()), rows


def _with_not_received(
    overall: scoring.Completeness, rows: list[OrganisationCompleteness], period: ReportingPeriod, today: date
) -> PeriodCompleteness:
    """The overall figures, with the expected reports not received by state."""
    by_state = defaultdict(list)
    for row in rows:
        if row.expected and not row.received:
            by_state[row.state].append(row)
    return PeriodCompleteness(
        expected=overall.expected,
        received=overall.received,
        on_time=overall.on_time,
        not_received=tuple(
            StateCount(state, tuple(by_state[state])) for state in NOT_RECEIVED if by_state[state]
        ),
        deadline_passed=today > period.deadline,
    )
