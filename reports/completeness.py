"""Completeness of a period: who owed a report, who sent one, who was on time."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import get_language

from indicators.models import (
    QuarterlyReport,
    ReportState,
)
from indicators.quarterly_report.expected import plan_expected_reporters
from plans.models import Organisation, Plan, ReportingPeriod
from reports import scoring
from reports.scores.cache import scores_cached


@dataclass(frozen=True)
class OrganisationCompleteness:
    organisation_id: int
    code: str
    name: str
    expected: bool
    received: bool
    on_time: bool
    report_state: str | None
    first_submitted_at: object


def organisations_expected(*, plan: Plan, period: ReportingPeriod) -> set[int]:
    """Organisations that owe a report for the period: the same rule as the
    report form and the reminders (indicators.quarterly_report.expected.plan_expected_reporters).

    It changes only with the plan's structure or an approval, both of which
    mark the plan's scores stale, so it is kept with them (see scores_cached)."""

    def read() -> set[int]:
        owed = plan_expected_reporters(plan, [period])
        return {organisation_id for organisation_id, periods in owed.items() if period.pk in periods}

    return scores_cached(plan=plan, parts=("expected", period.pk), read=read)


def period_completeness(*, plan: Plan, period: ReportingPeriod):
    """Who was expected to report for the period, who did, and who was on time.

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
    return summary.overall, rows
