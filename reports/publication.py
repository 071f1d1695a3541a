"""What a dashboard says about its period's publication (docs/publication.md):
an open period with how far its reports have got ("14 of 41 reports approved,
not published"), or a published one, and whether its scores changed after
("revised since publication").
"""

import datetime
from dataclasses import dataclass

from indicators.models import QuarterlyReport, ReportState
from plans.models import Plan, ReportingPeriod
from reports.completeness import organisations_expected
from reports.scores.cache import scores_cached


@dataclass(frozen=True)
class PeriodPublication:
    code: str
    published_at: datetime.datetime | None
    published_by: str
    revised_at: datetime.datetime | None
    expected: int = 0  # an open period: the reports owed
    approved: int = 0  # ... and, of those, approved

    @property
    def is_open(self) -> bool:
        return self.published_at is None


def period_publication(*, plan: Plan, period: ReportingPeriod) -> PeriodPublication:
    """The period's publication (read with the period), and for an open one
    how many of its reports are approved: kept until the plan's scores change,
    which every approval does."""
    by = period.published_by
    if period.is_published:
        return PeriodPublication(
            code=period.code,
            published_at=period.published_at,
            published_by=(by.get_full_name() or by.username) if by else "",
            revised_at=period.revised_at,
        )

    def read() -> tuple[int, int]:
        expected = organisations_expected(plan=plan, period=period)
        approved = (
            QuarterlyReport.objects.filter(
                period=period, state=ReportState.APPROVED, organisation_id__in=expected
            ).count()
            if expected
            else 0
        )
        return len(expected), approved

    expected, approved = scores_cached(plan=plan, parts=("open-period", period.pk), read=read)
    return PeriodPublication(
        code=period.code,
        published_at=None,
        published_by="",
        revised_at=None,
        expected=expected,
        approved=approved,
    )
