"""The values import: drafts for a focal point, approved figures for the
secretariat, every bad row at once, nothing written on a bad file."""

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from indicators.imports.values import values_import
from indicators.models import (
    ActivityUpdate,
    Dimension,
    DisaggregatedValue,
    IndicatorValue,
    QuarterlyReport,
    ReportEvent,
    cell_key,
)
from plans.models import AuditEvent, ScoreState
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db

VALUE_HEADER = ["indicator", "organisation", "period", "value", "note", "sex", "age_group"]
UPDATE_HEADER = ["activity", "organisation", "period", "status", "percent_complete", "note"]


@pytest.fixture
def plan(ministry, other_ministry):
    """MOI leads everything; MOJ contributes to the sum and to the percentage."""
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    sex = DimensionFactory(code="sex")
    age = DimensionFactory(code="age_group")
    for dimension, codes in ((sex, ["F", "M"]), (age, ["U18", "A18"])):
        for code in codes:
            CategoryFactory(dimension=dimension, code=code)
    targets = [100] * 5
    victims = IndicatorFactory(objective=objective, code="I-SUM", lead=ministry, targets=targets)
    victims.contributors.add(other_ministry)
    assisted = IndicatorFactory(objective=objective, code="I-DIS", lead=ministry, targets=targets)
    assisted.disaggregation.add(sex, age)
    referred = IndicatorFactory(
        objective=objective,
        code="I-PCT",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        baseline=40,
        targets=[50, 60, 70, 80, 90],
    )
    referred.contributors.add(other_ministry)
    IndicatorFactory(objective=objective, code="I-ANN", lead=ministry, frequency="ANNUAL", targets=targets)
    ActivityFactory(objective=objective, code="A1", lead=ministry)
    return plan


def good_values() -> list[list]:
    return [
        VALUE_HEADER,
        ["I-SUM", "MOI", "2025-Q2", 12, "", "", ""],
        ["I-DIS", "MOI", "2025-Q2", 3, "shelter data", "F", "U18"],
        ["I-DIS", "MOI", "2025-Q2", 4, "", "M", "U18"],
        ["I-DIS", "MOI", "2025-Q2", 5.5, "", "F", "A18"],
        ["I-PCT", "MOI", "2025-Q2", 55, "", "", ""],
    ]


def good_updates() -> list[list]:
    return [UPDATE_HEADER, ["A1", "MOI", "2025-Q2", "IN_PROGRESS", 40, "two trainings held"]]


def write_workbook(path, sheets: dict[str, list[list]]):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def values_file(tmp_path, values=None, updates=None, name="values.xlsx"):
    sheets = {"indicator_values": values or good_values()}
    if updates is not False:
        sheets["activity_updates"] = updates or good_updates()
    return write_workbook(tmp_path / name, sheets)


def stored_rows() -> dict:
    return {
        "reports": list(
            QuarterlyReport.objects.values_list("organisation__code", "period__code", "state", "version")
        ),
        "events": ReportEvent.objects.count(),
        "values": list(IndicatorValue.objects.values_list("indicator__code", "value", "note")),
        "cells": list(DisaggregatedValue.objects.values_list("cell", "value")),
        "updates": list(ActivityUpdate.objects.values_list("activity__code", "status", "percent_complete")),
    }


def test_focal_point_import_fills_their_report_as_a_draft(tmp_path, plan, focal_point):
    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path))

    assert result.ok, result.errors
    assert result.created == {"indicator_values": 3, "activity_updates": 1, "reports": 1}
    report = QuarterlyReport.objects.get(organisation__code="MOI", period__code="2025-Q2")
    assert report.state == "DRAFT" and report.approved_at is None
    assert list(report.events.values_list("from_state", "to_state", "actor")) == [
        ("", "DRAFT", focal_point.pk)
    ]
    assert report.indicator_values.get(indicator__code="I-SUM").value == 12
    update = report.activity_updates.get()
    assert (update.status, update.percent_complete, update.note) == ("IN_PROGRESS", 40, "two trainings held")
    event = AuditEvent.objects.get(action="values.import")
    assert event.actor == focal_point and event.details["approve"] is False
    assert event.details["reports"] == ["MOI 2025-Q2"] and event.details["rows"] == 6
    # Drafts never count in scores.
    assert not ScoreState.objects.filter(plan=plan, stale_from__isnull=False).exists()


def test_disaggregated_cells_are_stored_and_their_sum_is_the_value(tmp_path, plan, focal_point):
    values_import(actor=focal_point, path_or_file=values_file(tmp_path))

    value = IndicatorValue.objects.get(indicator__code="I-DIS")
    assert value.value == Decimal("12.5")
    assert value.note == "shelter data"
    assert {c.cell: c.value for c in value.cells.all()} == {
        cell_key({"sex": "F", "age_group": "U18"}): 3,
        cell_key({"sex": "M", "age_group": "U18"}): 4,
        cell_key({"sex": "F", "age_group": "A18"}): Decimal("5.5"),
    }


def test_approved_import_stores_approved_reports_that_scores_count(tmp_path, plan, admin_user):
    values = [*good_values(), ["I-SUM", "MOJ", "2025-Q2", 8, "", "", ""]]

    result = values_import(actor=admin_user, path_or_file=values_file(tmp_path, values), approve=True)

    assert result.ok, result.errors
    assert result.created["reports"] == 2
    for report in QuarterlyReport.objects.all():
        assert report.state == "APPROVED" and report.approved_by == admin_user
        assert report.approved_at and report.submitted_at and report.first_submitted_at
        # Created, then approved through the same transition as a reviewer's approval.
        assert list(report.events.values_list("to_state", "comment", "actor")) == [
            ("DRAFT", "", admin_user.pk),
            ("APPROVED", "imported as approved", admin_user.pk),
        ]
    assert AuditEvent.objects.filter(action="report.approved", actor=admin_user).count() == 2
    q2 = plan.periods.get(code="2025-Q2")
    assert ScoreState.objects.get(plan=plan).stale_from == q2.index
    assert AuditEvent.objects.get(action="values.import").details["approve"] is True

    plan_scores_recompute(plan_id=plan.pk, everything=True)

    def actual(code):
        return ScoreSnapshot.objects.get(period=q2, node_type="indicator", code=code).actual_value

    assert actual("I-SUM") == 20  # the lead's 12 and the contributor's 8
    assert actual("I-DIS") == 12.5  # the sum of its cells
    assert actual("I-PCT") == 55


def test_every_bad_row_is_listed_at_once_and_nothing_is_written(tmp_path, plan, admin_user):
    values = [
        VALUE_HEADER,
        ["I-SUM", "MOI", "2025-Q2", -1, "", "", ""],  # line 2
        ["I-PCT", "MOI", "2025-Q2", 120, "", "", ""],  # line 3
        ["I-DIS", "MOI", "2025-Q2", 3, "", "X", "U18"],  # line 4: no category X
        ["I-ANN", "MOI", "2025-Q2", 30, "", "", ""],  # line 5: annual, in Q2
        ["I-PCT", "MOJ", "2025-Q2", 60, "", "", ""],  # line 6: a level from a contributor
        ["I-SUM", "MOJ", "2025-Q2", 5, "", "F", ""],  # line 7: not disaggregated
        ["I-DIS", "MOI", "2025-Q2", 3, "", "F", "A18"],  # line 8
        ["I-DIS", "MOI", "2025-Q2", 4, "", "F", "A18"],  # line 9: the same cell again
        ["I-SUM", "MOI", "2025-Q9", 1, "", "", ""],  # line 10: no such period
        ["I-SUM", "MOI", "2025-Q3", "1,5", "", "", ""],  # line 11: a comma for decimals
    ]
    updates = [UPDATE_HEADER, ["A1", "MOI", "2025-Q2", "COMPLETED", 80, ""]]

    result = values_import(
        actor=admin_user, path_or_file=values_file(tmp_path, values, updates), approve=True
    )

    assert not result.ok
    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages == {
        ("indicator_values", 2, "value"): "Enter a number of 0 or more.",
        ("indicator_values", 3, "value"): "A percentage must lie between 0 and 100.",
        ("indicator_values", 4, "sex"): "X is not a category of sex (F, M).",
        ("indicator_values", 5, "period"): "Indicator I-ANN is annual: report it in a Q4 period.",
        ("indicator_values", 6, "organisation"): (
            "Indicator I-PCT takes the latest value of its lead organisation (MOI) only."
        ),
        ("indicator_values", 7, "sex"): "Indicator I-SUM is not split by sex: leave this cell empty.",
        ("indicator_values", 9, "value"): "This figure is already given on line 8.",
        ("indicator_values", 10, "period"): "2025-Q9 is not a quarter of plan NSP (write it like 2025-Q2).",
        ("indicator_values", 11, "value"): "“1,5” value must be a decimal number.",
        ("activity_updates", 2, "percent_complete"): "A completed activity is 100% complete.",
    }
    assert result.created == {} and result.updated == {}
    assert QuarterlyReport.objects.count() == 0 and IndicatorValue.objects.count() == 0
    assert not AuditEvent.objects.filter(action="values.import").exists()


def test_approving_by_import_is_refused_to_a_focal_point(tmp_path, plan, focal_point, reviewer):
    path = values_file(tmp_path)

    for actor in (focal_point, reviewer):
        with pytest.raises(PermissionDenied):
            values_import(actor=actor, path_or_file=path, approve=True)
    assert QuarterlyReport.objects.count() == 0


def test_focal_point_cannot_import_another_ministry_figures(tmp_path, plan, focal_point):
    values = [VALUE_HEADER, ["I-SUM", "MOJ", "2025-Q2", 5, "", "", ""]]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, values, updates=False))

    assert [str(e) for e in result.errors] == [
        "indicator_values line 2, column organisation: "
        "You may import the figures of your own organisation only, not those of MOJ."
    ]
    assert QuarterlyReport.objects.count() == 0


def test_draft_import_refuses_a_report_already_submitted(tmp_path, plan, ministry, focal_point):
    q2 = plan.periods.get(code="2025-Q2")
    approved_report(ministry, q2, state="SUBMITTED")

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path))

    assert {(e.sheet, e.line, e.column) for e in result.errors} == {
        ("indicator_values", 2, "period"),
        ("activity_updates", 2, "period"),
    }
    assert "is submitted" in result.errors[0].message
    assert IndicatorValue.objects.count() == 0


def test_importing_the_same_file_twice_changes_nothing(tmp_path, plan, admin_user):
    path = values_file(tmp_path)
    values_import(actor=admin_user, path_or_file=path, approve=True)
    before = stored_rows()
    version = ScoreState.objects.get(plan=plan).version

    result = values_import(actor=admin_user, path_or_file=path, approve=True)

    assert result.ok, result.errors
    assert result.created == {} and result.updated == {}
    assert result.unchanged == {"indicator_values": 3, "activity_updates": 1, "reports": 1}
    assert stored_rows() == before
    assert ScoreState.objects.get(plan=plan).version == version


def test_a_changed_figure_updates_the_approved_report(tmp_path, plan, admin_user):
    values_import(actor=admin_user, path_or_file=values_file(tmp_path), approve=True)
    values = good_values()
    values[3][3] = 6  # M, U18: 4 → 6

    result = values_import(
        actor=admin_user, path_or_file=values_file(tmp_path, values, name="b.xlsx"), approve=True
    )

    assert result.updated == {"indicator_values": 1, "reports": 1}
    assert IndicatorValue.objects.get(indicator__code="I-DIS").value == Decimal("14.5")
    report = QuarterlyReport.objects.get()
    assert list(report.events.values_list("from_state", "to_state")) == [
        ("", "DRAFT"),
        ("DRAFT", "APPROVED"),
        ("APPROVED", "APPROVED"),
    ]


def test_a_dry_run_counts_and_writes_nothing(tmp_path, plan, admin_user):
    result = values_import(actor=admin_user, path_or_file=values_file(tmp_path), approve=True, dry_run=True)

    assert result.ok and result.dry_run
    assert result.created == {"indicator_values": 3, "activity_updates": 1, "reports": 1}
    assert QuarterlyReport.objects.count() == 0 and ReportEvent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="values.import").exists()
    assert not ScoreState.objects.filter(plan=plan, stale_from__isnull=False).exists()


def test_one_csv_sheet_is_recognised_by_its_header(tmp_path, plan, focal_point):
    path = tmp_path / "updates.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(good_updates())

    result = values_import(actor=focal_point, path_or_file=path)

    assert result.ok, result.errors
    assert result.created == {"activity_updates": 1, "reports": 1}


def test_the_plan_must_be_named_when_there_are_several(tmp_path, plan, focal_point):
    PlanFactory(code="OLD", start_year=2019, end_year=2023)
    path = values_file(tmp_path)

    result = values_import(actor=focal_point, path_or_file=path)
    assert [e.message for e in result.errors] == ["There are several plans: say which one by its code."]

    assert values_import(actor=focal_point, path_or_file=path, plan="NSP").ok


def test_import_values_command_approves_and_prints_counts(tmp_path, plan, capsys):
    call_command("import_values", str(values_file(tmp_path)), "--approve", "--plan", "NSP")

    assert "reports: 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    report = QuarterlyReport.objects.get()
    assert report.state == "APPROVED" and report.approved_by is None


def test_import_values_command_lists_every_bad_row_and_fails(tmp_path, plan, capsys):
    values = [VALUE_HEADER, ["I-SUM", "MOI", "2025-Q2", -1, "", "", ""]]
    updates = [UPDATE_HEADER, ["A1", "MOJ", "2025-Q2", "IN_PROGRESS", 10, ""]]

    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_values", str(values_file(tmp_path, values, updates)))

    err = capsys.readouterr().err
    assert "indicator_values line 2, column value: Enter a number of 0 or more." in err
    assert "activity_updates line 2, column organisation: Only the lead organisation (MOI)" in err
    assert QuarterlyReport.objects.count() == 0


# --- The import writes through the report's services ---------------------------


def test_a_draft_import_saves_as_the_form_does_with_who_changed_each_figure(
    tmp_path, plan, ministry, focal_point
):
    q2 = plan.periods.get(code="2025-Q2")
    report = approved_report(ministry, q2, values={plan.indicators.get(code="I-SUM"): 5}, state="RETURNED")
    opened_at = report.version

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path))

    assert result.ok, result.errors
    assert result.updated == {"indicator_values": 1, "reports": 1}
    report.refresh_from_db()
    # Someone with the form open since before the import is told it changed.
    assert report.version == opened_at + 1 and report.state == "RETURNED"
    value = report.indicator_values.get(indicator__code="I-SUM")
    assert list(value.history.values_list("value", "history_user")) == [
        (Decimal(12), focal_point.pk),
        (Decimal(5), None),
    ]
    assert AuditEvent.objects.filter(action="report.save", actor=focal_point).count() == 1


def test_a_draft_import_applies_the_forms_checks_too(tmp_path, plan, ministry, focal_point):
    # A2 was reported completed in an approved 2025-Q1 report: finished, it
    # has no line in the 2025-Q2 report.
    finished = ActivityFactory(objective=plan.objectives.get(), code="A2", lead=ministry)
    approved_report(ministry, plan.periods.get(code="2025-Q1"), updates={finished: ("COMPLETED", 100)})
    updates = [*good_updates(), ["A2", "MOI", "2025-Q2", "IN_PROGRESS", 10, ""]]

    result = values_import(actor=focal_point, path_or_file=values_file(tmp_path, updates=updates))

    assert [str(e) for e in result.errors] == [
        "activity_updates line 3, column status: "
        "This activity is not one your organisation reports on in this period: another organisation "
        "leads it, or it was reported finished in an earlier quarter."
    ]
    assert result.created == {} and not QuarterlyReport.objects.filter(period__code="2025-Q2").exists()


@pytest.mark.parametrize("approve", [False, True], ids=["draft", "approved"])
def test_an_activity_begun_before_its_planned_start_is_imported(
    tmp_path, plan, ministry, focal_point, admin_user, approve
):
    # A2 is planned from 2025-Q3; its work began in 2025-Q2.
    early = ActivityFactory(
        objective=plan.objectives.get(),
        code="A2",
        lead=ministry,
        start_period=plan.periods.get(code="2025-Q3"),
        end_period=plan.periods.get(code="2025-Q4"),
    )
    updates = [*good_updates(), ["A2", "MOI", "2025-Q2", "IN_PROGRESS", 10, "began early"]]

    result = values_import(
        actor=admin_user if approve else focal_point,
        path_or_file=values_file(tmp_path, updates=updates),
        approve=approve,
    )

    assert result.ok, result.errors
    update = ActivityUpdate.objects.get(activity=early)
    assert (update.report.period.code, update.status, update.percent_complete) == (
        "2025-Q2",
        "IN_PROGRESS",
        Decimal(10),
    )


def test_the_command_line_fills_drafts_as_the_system(tmp_path, plan, capsys):
    call_command("import_values", str(values_file(tmp_path)))

    report = QuarterlyReport.objects.get()
    assert report.state == "DRAFT"
    assert list(report.events.values_list("to_state", "actor")) == [("DRAFT", None)]
    assert report.indicator_values.count() == 3
    # No person ran it: each line's history names the import instead.
    for value in report.indicator_values.all():
        assert list(value.history.values_list("history_user", "history_change_reason")) == [
            (None, "values import")
        ]


def test_an_approved_import_approves_a_submitted_report_as_a_reviewer_would(
    tmp_path, plan, ministry, admin_user
):
    q2 = plan.periods.get(code="2025-Q2")
    report = approved_report(ministry, q2, state="SUBMITTED")

    values_import(actor=admin_user, path_or_file=values_file(tmp_path), approve=True)

    report.refresh_from_db()
    assert (report.state, report.approved_by, report.review_comment) == ("APPROVED", admin_user, "")
    assert list(report.events.values_list("from_state", "to_state", "comment")) == [
        ("SUBMITTED", "APPROVED", "imported as approved")
    ]
    assert ScoreState.objects.get(plan=plan).stale_from == q2.index


def test_imported_figures_each_have_a_history_record_of_who_imported_them(tmp_path, plan, admin_user):
    values_import(actor=admin_user, path_or_file=values_file(tmp_path), approve=True)

    for model in (IndicatorValue, DisaggregatedValue, ActivityUpdate):
        rows = list(model.objects.all())
        assert rows
        for row in rows:
            assert list(row.history.values_list("history_type", "history_user", "history_change_reason")) == [
                ("+", admin_user.pk, "values import")
            ]
    value = IndicatorValue.objects.get(indicator__code="I-DIS")
    assert value.history.get().value == Decimal("12.5")
    assert {c.history.get().indicator_value_id for c in value.cells.all()} == {value.pk}


# --- A larger file costs no more queries per row ------------------------------


@pytest.fixture
def nine_more_indicators(plan, ministry):
    """Nine more indicators MOI leads, every other one split by sex."""
    sex = Dimension.objects.get(code="sex")
    indicators = []
    for n in range(9):
        indicator = IndicatorFactory(
            objective=plan.objectives.get(), code=f"I-N{n}", lead=ministry, targets=[100] * 5
        )
        if n % 2:
            indicator.disaggregation.add(sex)
        indicators.append(indicator)
    return indicators


def figure_rows(indicators, period: str) -> list[list]:
    rows = [VALUE_HEADER]
    for n, indicator in enumerate(indicators):
        if n % 2:
            rows += [[indicator.code, "MOI", period, 2, "", sex, ""] for sex in ("F", "M")]
        else:
            rows.append([indicator.code, "MOI", period, 7, "", "", ""])
    return rows


@pytest.mark.parametrize(
    "who, approve",
    [("admin_user", True), ("focal_point", False), (None, False)],
    ids=["approved", "a focal point's draft", "the command's draft"],
)
def test_a_file_three_times_as_large_makes_no_more_queries(
    tmp_path, plan, nine_more_indicators, request, who, approve, django_assert_max_num_queries
):
    actor = request.getfixturevalue(who) if who else None
    small = write_workbook(
        tmp_path / "small.xlsx", {"indicator_values": figure_rows(nine_more_indicators[:3], "2025-Q2")}
    )
    large = write_workbook(
        tmp_path / "large.xlsx", {"indicator_values": figure_rows(nine_more_indicators, "2025-Q3")}
    )
    with CaptureQueriesContext(connection) as small_import:
        assert values_import(actor=actor, path_or_file=small, approve=approve).ok

    # The plan's codes, the reports to lock; then per report the same steps as
    # the form (create it, check the lines, claim its version, audit), a bulk
    # insert of its new figures and cells with their history, and for an
    # approved one the approval and, once per file, the scores' mark.
    with django_assert_max_num_queries(len(small_import)):
        result = values_import(actor=actor, path_or_file=large, approve=approve)

    assert result.created == {"indicator_values": 9, "reports": 1}
    assert DisaggregatedValue.objects.filter(indicator_value__report__period__code="2025-Q3").count() == 8


@pytest.mark.parametrize(
    "who", ["admin_user", None], ids=["the secretariat's drafts", "the command's drafts"]
)
def test_a_file_into_four_times_as_many_reports_makes_no_more_queries(
    tmp_path, plan, nine_more_indicators, request, who, django_assert_max_num_queries
):
    """The reports of a file are created, claimed, recorded and filled together
    (reports_fill): a file that fills many reports costs what one that fills
    one costs, not twenty queries more per report."""
    actor = request.getfixturevalue(who) if who else None

    def rows_for(periods):
        rows = [VALUE_HEADER]
        for period in periods:
            rows += figure_rows(nine_more_indicators, period)[1:]
            rows.append(["I-SUM", "MOJ", period, 3, "", "", ""])
        return rows

    one = write_workbook(tmp_path / "one.xlsx", {"indicator_values": rows_for(["2024-Q1"])})
    many = write_workbook(tmp_path / "many.xlsx", {"indicator_values": rows_for(["2024-Q2", "2024-Q3"])})
    with CaptureQueriesContext(connection) as one_import:
        assert values_import(actor=actor, path_or_file=one).ok

    with django_assert_max_num_queries(len(one_import)):
        result = values_import(actor=actor, path_or_file=many)

    assert result.created["reports"] == 4
    stored = IndicatorValue.objects.filter(report__period__code__in=["2024-Q2", "2024-Q3"])
    assert stored.count() == 2 * 10
    assert {v.history.get().history_user_id for v in stored} == {actor.pk if actor else None}
    assert {v.history.get().history_change_reason for v in stored} == {"values import"}
    created = ReportEvent.objects.filter(report__period__code__in=["2024-Q2", "2024-Q3"], from_state="")
    assert created.count() == 4
    saves = AuditEvent.objects.filter(action="report.save", object_type="indicators.QuarterlyReport")
    assert saves.filter(object_id__in=[str(r.pk) for r in {v.report for v in stored}]).count() == 4
    assert set(QuarterlyReport.objects.filter(period__code="2024-Q3").values_list("version", flat=True)) == {
        2
    }


def test_khmer_digits_in_a_text_cell_are_read_as_the_number(tmp_path, plan, focal_point):
    values = [
        VALUE_HEADER,
        ["I-SUM", "MOI", "2025-Q2", "១២", "", "", ""],
        ["I-PCT", "MOI", "2025-Q2", "៥៥.៥", "", "", ""],
    ]
    updates = [UPDATE_HEADER, ["A1", "MOI", "2025-Q2", "IN_PROGRESS", "៤០", ""]]
    result = values_import(
        actor=focal_point, path_or_file=values_file(tmp_path, values=values, updates=updates)
    )

    assert result.ok, result.errors
    assert dict(IndicatorValue.objects.values_list("indicator__code", "value")) == {
        "I-SUM": Decimal("12"),
        "I-PCT": Decimal("55.5"),
    }
    assert ActivityUpdate.objects.get().percent_complete == 40
