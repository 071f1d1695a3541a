"""The plan tree the seed wrote, as the demo's figures need it."""

from dataclasses import dataclass, field

from indicators.models import (
    Indicator,
)
from plans.models import Organisation, ReportingPeriod
from reports.demo.content import ActivityRow, IndicatorRow
from strategies.models import Activity

# Rows per INSERT: large enough to be fast, small enough for SQLite's parameter limit.
BATCH = 500


@dataclass
class SeededIndicator:
    indicator: Indicator
    row: IndicatorRow
    lead: str  # organisation codes, in this copy
    contributors: tuple


@dataclass
class SeededActivity:
    activity: Activity
    row: ActivityRow
    lead: str


@dataclass
class DemoTree:
    periods: list[ReportingPeriod]
    organisations: dict[str, Organisation]
    indicators: list[SeededIndicator] = field(default_factory=list)
    activities: list[SeededActivity] = field(default_factory=list)
