"""The "as of" period of the dashboards and the scores API: the one rule for
which periods a reader may choose, and which one they see when they choose none
(docs/publication.md).

A reader chooses among the periods plans.access.periods_for_user allows: none
after the current quarter, and only published ones for partners and the public.
With no choice, everyone sees the latest published period, so that a headline
never moves with how much of an open quarter happens to be approved; before
anything is published, the secretariat and focal points see the latest closed
quarter and partners "no figures published yet".
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from plans.access import periods_for_user
from plans.models import Plan, ReportingPeriod, ScoreState, is_period_code


class PeriodNotShown(Exception):
    """``?period=`` names a period the reader may not see; the message says why
    (pages answer 404, the API 400 with it)."""


def default_period(periods: list[ReportingPeriod], today: datetime.date) -> ReportingPeriod | None:
    """The latest published of ``periods`` (in order); when none is, the latest
    that has closed, else the first; None when there are no periods."""
    published = [p for p in periods if p.is_published]
    if published:
        return published[-1]
    closed = [p for p in periods if p.end < today]
    return closed[-1] if closed else (periods[0] if periods else None)


def period_not_shown_reason(plan: Plan, code: str, today: datetime.date) -> str:
    """Why ``code`` is not among the periods a reader may choose."""
    # Only a well-formed code reaches the database (a NUL byte would not).
    period = plan.periods.filter(code=code).first() if is_period_code(code) else None
    if period is None:
        return _("%(code)s is not a period of plan %(plan)s; write it like 2025-Q2.") % {
            "code": code,
            "plan": plan.code,
        }
    if not period.has_begun(today):
        return _("%(code)s has not begun: nothing can be reported for it before %(start)s.") % {
            "code": code,
            "start": period.start.isoformat(),
        }
    return _("%(code)s is not published yet: its figures are still being reported and reviewed.") % {
        "code": code
    }


@dataclass(frozen=True)
class DashboardPeriod:
    """The "as of" period a reader sees (None: nothing they may see yet), the
    periods they may choose from, and how fresh the plan's stored scores are."""

    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    computed_at: object
    stale: bool


def dashboard_period(*, plan: Plan, user, code: str | None, today: datetime.date) -> DashboardPeriod:
    """``?period=2025-Q2`` if the reader may see it (else PeriodNotShown), or
    the default period."""
    periods = list(periods_for_user(user, plan, today=today))
    if code:
        chosen = next((p for p in periods if p.code == code), None)
        if chosen is None:
            raise PeriodNotShown(period_not_shown_reason(plan, code, today))
    else:
        chosen = default_period(periods, today)
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
