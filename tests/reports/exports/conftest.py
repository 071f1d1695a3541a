"""A small plan for the exports: two ministries, an indicator that counts
people (disaggregated by sex), one that does not, an activity; a published
quarter, an open one (approved, not published) and an unapproved report, each
with a distinctive figure."""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest

from indicators.models import DisaggregatedValue, IndicatorValue, ReportState
from plans.models import Role
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    approved_report,
    publish_through,
)

# Figures that must never reach a partner: an open quarter's, and an unapproved report's.
OPEN_FIGURE = 876543
UNAPPROVED_FIGURE = 987654


@dataclass
class ExportPlan:
    plan: object
    victims: object
    trainings: object
    activity: object
    submitter: object
    approver: object


def with_steps(report, submitter, approver):
    report.submitted_by, report.approved_by = submitter, approver
    report.submitted_at = report.first_submitted_at
    report.save()
    return report


@pytest.fixture
def export_plan(ministry, other_ministry, secretariat):
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1", pillar__code="P1")
    sex = DimensionFactory(code="sex", name="Sex")
    CategoryFactory(dimension=sex, code="F", position=1)
    CategoryFactory(dimension=sex, code="M", position=2)
    victims = IndicatorFactory(
        objective=objective, code="I1", lead=ministry, targets=[100] * 5, counts_people=True, position=1
    )
    victims.disaggregation.add(sex)
    victims.contributors.add(other_ministry)
    trainings = IndicatorFactory(objective=objective, code="I2", lead=ministry, targets=[10] * 5, position=2)
    activity = ActivityFactory(objective=objective, code="A1", lead=ministry)
    submitter = UserFactory(username="moi-submitter", role=Role.FOCAL_POINT, organisation=ministry)
    approver = UserFactory(username="ncct-approver", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat)
    periods = {p.code: p for p in plan.periods.all()}

    published = approved_report(
        ministry,
        periods["2024-Q1"],
        values={victims: 43, trainings: 7},
        updates={activity: ("IN_PROGRESS", 25)},
    )
    with_steps(published, submitter, approver)
    value = IndicatorValue.objects.get(report=published, indicator=victims)
    DisaggregatedValue.objects.create(indicator_value=value, cell="sex=F", value=Decimal(3))
    DisaggregatedValue.objects.create(indicator_value=value, cell="sex=M", value=Decimal(40))
    IndicatorValue.objects.filter(report=published, indicator=trainings).update(note='=HYPERLINK("x")')
    other = approved_report(other_ministry, periods["2024-Q1"], values={victims: 13})
    IndicatorValue.objects.filter(report=other).update(note="-1+2")

    with_steps(
        approved_report(ministry, periods["2024-Q2"], values={trainings: OPEN_FIGURE}), submitter, approver
    )
    approved_report(
        other_ministry, periods["2024-Q3"], values={victims: UNAPPROVED_FIGURE}, state=ReportState.SUBMITTED
    )
    approved_report(ministry, periods["2024-Q3"], values={trainings: UNAPPROVED_FIGURE}, state="SUBMITTED")
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    publish_through(plan, "2024-Q1")
    return ExportPlan(plan, victims, trainings, activity, submitter, approver)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response, fmt: str) -> tuple[list[str], list[dict]]:
    """(header or keys, rows as dicts of text or values) of an export in any format."""
    body = body_of(response)
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        rows = list(reader)
        return list(reader.fieldnames or []), rows
    if fmt == "json":
        rows = json.loads(body)
        return (list(rows[0]) if rows else []), rows
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in lines[0]]
    return header, [dict(zip(header, line, strict=False)) for line in lines[1:]]
