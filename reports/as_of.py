"""The "as of" period of the dashboards and the scores API: the one rule for
which period a reader sees when they choose none.
"""

from dataclasses import dataclass

from plans.models import Plan, ReportingPeriod, ScoreState


def latest_closed_period(periods: list[ReportingPeriod], today) -> ReportingPeriod | None:
    """The default "as of" period: the latest of ``periods`` (in order) that has
    closed (its end has passed), or the first when none has yet."""
    closed = [p for p in periods if p.end < today]
    return closed[-1] if closed else (periods[0] if periods else None)


@dataclass(frozen=True)
class DashboardPeriod:
    """The "as of" period a dashboard shows, the periods to choose from, and
    how fresh the plan's stored scores are."""

    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    computed_at: object
    stale: bool


def dashboard_period(*, plan: Plan, code: str | None, today) -> DashboardPeriod:
    """``?period=2025-Q2`` if it is a period of the plan, else the latest closed one."""
    periods = list(plan.periods.order_by("index"))
    chosen = next((p for p in periods if p.code == code), None) if code else None
    if chosen is None:
        chosen = latest_closed_period(periods, today)
    try:
        state = plan.score_state  # loaded with the plan by plans_for_user
    except ScoreState.DoesNotExist:
        state = None
    return DashboardPeriod(
        period=chosen,
        periods=periods,
        computed_at=state.computed_at if state else None,
        stale=bool(state and state.stale_from is not None),
    )
