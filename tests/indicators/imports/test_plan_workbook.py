"""The plan workbook import: codes are keys, all or nothing, a dry run writes nothing."""

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from indicators.imports.plan_workbook import plan_workbook_import
from indicators.models import Category, Dimension, Indicator, Target
from plans.models import AuditEvent, Organisation, Plan, ReportingPeriod, ScoreState
from strategies.models import Activity, Objective, Pillar

pytestmark = pytest.mark.django_db

INDICATOR_HEADER = [
    "code",
    "objective",
    "name",
    "name_km",
    "measure",
    "aggregation",
    "direction",
    "frequency",
    "unit",
    "baseline",
    "baseline_year",
    "lead",
    "contributors",
    "disaggregation",
    "weight",
]
ACTIVITY_HEADER = [
    "code",
    "objective",
    "name",
    "name_km",
    "lead",
    "supporting",
    "start",
    "end",
    "weight",
    "budget_usd",
]


def indicator_row(code, objective, name, measure, aggregation, *, lead, **more) -> list:
    """A row of the indicators sheet, in INDICATOR_HEADER's order."""
    cells = {"direction": "INCREASE", "frequency": "QUARTERLY", "baseline": 0, "baseline_year": 2023}
    cells.update({"weight": 1, "unit": "", "name_km": "", "contributors": "", "disaggregation": ""})
    cells.update(
        code=code, objective=objective, name=name, measure=measure, aggregation=aggregation, lead=lead
    )
    cells.update(more)
    return [cells[column] for column in INDICATOR_HEADER]


def plan_sheets() -> dict[str, list[list]]:
    """A small plan: two pillars, two objectives, two indicators, one activity."""
    return {
        "plan": [
            ["code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public"],
            ["NSP", "National strategic plan 2024–2028", "ផែនការយុទ្ធសាស្ត្រជាតិ", 2024, 2028, 0.85, 0.6, "yes"],
        ],
        "organisations": [
            ["code", "name", "name_km", "kind"],
            ["MOI", "Ministry of Interior", "ក្រសួងមហាផ្ទៃ", "MINISTRY"],
            ["MOJ", "Ministry of Justice", "", "MINISTRY"],
            ["MOSVY", "Ministry of Social Affairs", "", "MINISTRY"],
        ],
        "dimensions": [
            ["code", "name", "name_km", "categories"],
            ["sex", "Sex", "", "F=Female; M=Male"],
            ["age_group", "Age group", "", "U18=Under 18;A18=18 and over"],
        ],
        "pillars": [
            ["code", "name", "name_km", "weight"],
            ["P1", "Laws and policy", "", 1],
            ["P2", "Prevention", "", 2],
        ],
        "objectives": [
            ["code", "pillar", "name", "name_km", "weight"],
            ["O1", "P1", "Laws enforced", "", 1],
            ["O2", "P2", "Fewer people trafficked", "", 1],
        ],
        "indicators": [
            INDICATOR_HEADER,
            indicator_row(
                "I1",
                "O1",
                "Victims identified",
                "NUMBER",
                "SUM",
                lead="MOI",
                unit="persons",
                contributors="MOJ;MOSVY",
                disaggregation="sex;age_group",
            ),
            indicator_row(
                "I2",
                "O2",
                "Cases convicted",
                "PERCENT",
                "LATEST",
                lead="MOJ",
                frequency="ANNUAL",
                unit="%",
                baseline=40,
                weight=0.5,
            ),
        ],
        "targets": [["indicator", "year", "target"]]
        + [["I1", year, 100] for year in range(2024, 2029)]
        + [["I2", year, 50 + 10 * (year - 2024)] for year in range(2024, 2029)],
        "activities": [
            ACTIVITY_HEADER,
            ["A1", "O1", "Train police officers", "", "MOI", "MOJ", "2024-Q3", "2025-Q2", 1, 5000],
        ],
    }


def write_workbook(path, sheets: dict[str, list[list]]):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def tree_rows() -> dict:
    """Every row the import may write, as plain values, to compare before and after."""
    return {
        "plans": list(
            Plan.objects.values_list("code", "name", "name_km", "start_year", "end_year", "updated_at")
        ),
        "organisations": list(Organisation.objects.order_by("code").values_list("code", "name", "kind")),
        "dimensions": list(Dimension.objects.values_list("code", "name")),
        "categories": list(Category.objects.values_list("dimension__code", "code", "name", "position")),
        "pillars": list(Pillar.objects.values_list("code", "name", "weight", "position")),
        "objectives": list(Objective.objects.values_list("code", "pillar__code", "name", "position")),
        "indicators": list(
            Indicator.objects.values_list("code", "name", "measure", "aggregation", "lead__code", "weight")
        ),
        "contributors": sorted(Indicator.objects.values_list("code", "contributors__code")),
        "targets": list(Target.objects.values_list("indicator__code", "year", "value")),
        "activities": list(
            Activity.objects.values_list("code", "lead__code", "start_period__code", "end_period__code")
        ),
        "periods": ReportingPeriod.objects.count(),
    }


def error_places(result) -> set[tuple]:
    return {(e.sheet, e.line, e.column) for e in result.errors}


def test_plan_workbook_creates_the_whole_tree(tmp_path, admin_user):
    path = write_workbook(tmp_path / "plan.xlsx", plan_sheets())

    result = plan_workbook_import(actor=admin_user, path_or_file=path)

    assert result.ok, result.errors
    assert result.created == {
        "plans": 1,
        "organisations": 3,
        "dimensions": 2,
        "categories": 4,
        "pillars": 2,
        "objectives": 2,
        "indicators": 2,
        "targets": 10,
        "activities": 1,
    }
    plan = Plan.objects.get(code="NSP")
    assert plan.is_public and plan.name_km == "ផែនការយុទ្ធសាស្ត្រជាតិ"
    assert plan.periods.count() == 20
    victims = Indicator.objects.get(code="I1")
    assert victims.plan == plan and victims.lead.code == "MOI"
    assert {o.code for o in victims.contributors.all()} == {"MOJ", "MOSVY"}
    assert {d.code for d in victims.disaggregation.all()} == {"sex", "age_group"}
    assert [t.value for t in victims.targets.order_by("year")] == [Decimal(100)] * 5
    convicted = Indicator.objects.get(code="I2")
    assert (convicted.measure, convicted.frequency, convicted.weight) == ("PERCENT", "ANNUAL", Decimal("0.5"))
    assert convicted.baseline_year == 2023 and convicted.name_km == ""
    activity = Activity.objects.get(code="A1")
    assert (activity.start_period.code, activity.end_period.code) == ("2024-Q3", "2025-Q2")
    assert [o.code for o in activity.supporting.all()] == ["MOJ"]
    assert activity.budget_usd == Decimal(5000)
    # Row order is the order on the plan page.
    assert list(Pillar.objects.order_by("position").values_list("code", flat=True)) == ["P1", "P2"]
    assert list(Category.objects.filter(dimension__code="sex").values_list("code", flat=True)) == ["F", "M"]
    event = AuditEvent.objects.get(action="plan.import")
    assert event.actor == admin_user and event.plan == plan
    assert event.details["counts"]["indicators"]["created"] == 2
    assert ScoreState.objects.get(plan=plan).stale_from == 1


def test_importing_the_same_workbook_twice_changes_nothing(tmp_path, admin_user):
    path = write_workbook(tmp_path / "plan.xlsx", plan_sheets())
    plan_workbook_import(actor=admin_user, path_or_file=path)
    before = tree_rows()
    version = ScoreState.objects.get(plan__code="NSP").version

    result = plan_workbook_import(actor=admin_user, path_or_file=path)

    assert result.ok, result.errors
    assert sum(result.created.values()) == 0 and sum(result.updated.values()) == 0
    assert result.unchanged["indicators"] == 2 and result.unchanged["targets"] == 10
    assert tree_rows() == before
    # Nothing changed, so the scores are not marked stale again.
    assert ScoreState.objects.get(plan__code="NSP").version == version


def test_a_changed_row_updates_the_object_with_that_code(tmp_path, admin_user):
    plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", plan_sheets()))
    sheets = plan_sheets()
    sheets["pillars"][2][1] = "Prevention of trafficking"
    sheets["indicators"][1][INDICATOR_HEADER.index("contributors")] = "MOJ"  # not MOSVY any more
    sheets["targets"][1][2] = 120

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "b.xlsx", sheets))

    assert result.ok, result.errors
    assert result.updated == {"pillars": 1, "indicators": 1, "targets": 1}
    assert result.created == {}
    assert Pillar.objects.get(code="P2").name == "Prevention of trafficking"
    assert Pillar.objects.count() == 2
    assert [o.code for o in Indicator.objects.get(code="I1").contributors.all()] == ["MOJ"]
    assert Target.objects.get(indicator__code="I1", year=2024).value == 120


def categories_km(dimension: str) -> list[tuple[str, str, str]]:
    return list(Category.objects.filter(dimension__code=dimension).values_list("code", "name", "name_km"))


def test_a_category_takes_its_khmer_name_after_a_second_equals_sign(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["dimensions"][1][3] = "F=Female=ស្រី; M=Male"

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", sheets))

    assert result.ok, result.errors
    assert categories_km("sex") == [("F", "Female", "ស្រី"), ("M", "Male", "")]


def test_a_category_without_a_khmer_part_keeps_its_khmer_name(tmp_path, admin_user):
    # A workbook written before categories carried Khmer names still imports,
    # and leaves the Khmer names as they are.
    sheets = plan_sheets()
    sheets["dimensions"][1][3] = "F=Female=ស្រី;M=Male=ប្រុស"
    plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", sheets))

    again = plan_workbook_import(
        actor=admin_user, path_or_file=write_workbook(tmp_path / "b.xlsx", plan_sheets())
    )

    assert again.ok, again.errors
    assert again.updated == {} and again.unchanged["categories"] == 4
    assert categories_km("sex") == [("F", "Female", "ស្រី"), ("M", "Male", "ប្រុស")]


def test_a_changed_or_emptied_khmer_part_updates_the_category(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["dimensions"][1][3] = "F=Female=ស្រី;M=Male=ប្រុស"
    plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", sheets))
    sheets["dimensions"][1][3] = "F=Female=នារី;M=Male="

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "b.xlsx", sheets))

    assert result.ok, result.errors
    # The dimension's row counts as updated, as when a category's English name changes.
    assert result.updated == {"dimensions": 1, "categories": 2}
    assert categories_km("sex") == [("F", "Female", "នារី"), ("M", "Male", "")]


@pytest.mark.parametrize("categories", ["F=Female=ស្រី=x", "F==ស្រី", "F"])
def test_a_badly_written_category_is_refused_on_its_row(tmp_path, admin_user, categories):
    sheets = plan_sheets()
    sheets["dimensions"][1][3] = categories
    before = tree_rows()

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", sheets))

    assert not result.ok
    assert {(sheet, line) for sheet, line, _column in error_places(result)} == {("dimensions", 2)}
    assert "CODE=English name=Khmer name" in result.errors[0].message
    assert tree_rows() == before


def test_an_unknown_column_is_refused_and_nothing_is_written(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["pillars"][0].append("colour")
    sheets["pillars"][1].append("blue")

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "p.xlsx", sheets))

    assert not result.ok
    assert error_places(result) == {("pillars", 1, "colour")}
    assert "Unknown column" in result.errors[0].message
    assert Plan.objects.count() == 0 and not Organisation.objects.filter(code="MOI").exists()


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, admin_user):
    plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", plan_sheets()))
    before = tree_rows()
    sheets = plan_sheets()
    sheets["pillars"][1][1] = "Laws, policy and standards"  # a good change, not to be written
    sheets["pillars"][2][3] = -1  # negative weight
    sheets["indicators"][2] = indicator_row(
        "I2", "O2", "Cases convicted", "PERCENT", "SUM", lead="MOJ", direction="DECREASE"
    )  # a running total cannot decrease
    sheets["indicators"].append(indicator_row("I3", "O1", "Shelters", "NUMBER", "SUM", lead="MOX"))  # unknown
    sheets["targets"].append(["I1", 2031, 100])  # a year outside the plan
    sheets["activities"][1][6] = "2024Q3"  # not a period code

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "b.xlsx", sheets))

    assert not result.ok
    assert error_places(result) == {
        ("pillars", 3, "weight"),
        ("indicators", 3, "direction"),
        ("indicators", 4, "lead"),
        ("targets", 12, "year"),
        ("activities", 2, "start"),
    }
    messages = {(e.sheet, e.column): e.message for e in result.errors}
    assert messages["pillars", "weight"] == "A weight cannot be negative."
    assert (
        messages["indicators", "direction"] == "A decreasing indicator must use the latest value, not a sum."
    )
    assert messages["indicators", "lead"] == "Unknown organisation code MOX."
    assert messages["targets", "year"] == "Targets are set only for the plan's years (2024–2028)."
    assert "2024Q3 is not a quarter of this plan" in messages["activities", "start"]
    assert result.created == {} and result.updated == {}
    assert tree_rows() == before


def test_contributors_on_a_latest_value_are_refused_on_their_cell(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["indicators"][2] = indicator_row(
        "I2",
        "O2",
        "Cases convicted",
        "PERCENT",
        "LATEST",
        lead="MOJ",
        unit="%",
        baseline=40,
        contributors="MOI",
    )

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "p.xlsx", sheets))

    assert error_places(result) == {("indicators", 3, "contributors")}
    assert "Only indicators that add up over time (SUM)" in result.errors[0].message
    assert Plan.objects.count() == 0


def test_a_bad_yes_no_is_reported_on_its_cell(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["plan"][1][7] = "maybe"

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "p.xlsx", sheets))

    assert [str(e) for e in result.errors] == ["plan line 2, column is_public: Write yes or no."]
    assert Plan.objects.count() == 0


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("1", True), ("no", False), ("FALSE", False)])
def test_yes_no_columns_take_true_false_and_1_0(tmp_path, admin_user, text, expected):
    sheets = plan_sheets()
    sheets["plan"][1][7] = text

    result = plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "p.xlsx", sheets))

    assert result.ok, result.errors
    assert Plan.objects.get(code="NSP").is_public is expected


def test_a_dry_run_reports_what_would_change_and_writes_nothing(tmp_path, admin_user):
    path = write_workbook(tmp_path / "plan.xlsx", plan_sheets())

    result = plan_workbook_import(actor=admin_user, path_or_file=path, dry_run=True)

    assert result.ok and result.dry_run
    assert result.created["indicators"] == 2 and result.created["targets"] == 10
    assert Plan.objects.count() == 0 and not Organisation.objects.filter(code="MOI").exists()
    assert ReportingPeriod.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_one_csv_sheet_is_recognised_by_its_header(tmp_path, admin_user):
    plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / "a.xlsx", plan_sheets()))
    rows = plan_sheets()["pillars"]
    rows[1][1] = "Laws, policy and legal standards"
    path = tmp_path / "pillars.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)

    result = plan_workbook_import(actor=admin_user, path_or_file=path)

    assert result.ok, result.errors
    assert result.updated == {"pillars": 1} and result.unchanged == {"pillars": 1}
    assert Pillar.objects.get(code="P1").name == "Laws, policy and legal standards"


def test_only_a_secretariat_admin_may_import_a_plan(tmp_path, focal_point):
    path = write_workbook(tmp_path / "plan.xlsx", plan_sheets())

    with pytest.raises(PermissionDenied):
        plan_workbook_import(actor=focal_point, path_or_file=path)
    assert Plan.objects.count() == 0


def test_import_plan_command_prints_counts(tmp_path, capsys):
    path = write_workbook(tmp_path / "plan.xlsx", plan_sheets())

    call_command("import_plan", str(path))

    out = capsys.readouterr().out
    assert "indicators: 2 created, 0 updated, 0 unchanged" in out
    assert Plan.objects.filter(code="NSP").exists()


def test_import_plan_command_lists_every_bad_row_and_fails(tmp_path, capsys):
    sheets = plan_sheets()
    sheets["pillars"][2][3] = -1
    sheets["activities"][1][6] = "2031-Q1"
    path = write_workbook(tmp_path / "plan.xlsx", sheets)

    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_plan", str(path))

    err = capsys.readouterr().err
    assert "pillars line 3, column weight: A weight cannot be negative." in err
    assert "activities line 2, column start: 2031-Q1 is not a quarter of this plan" in err
    assert Plan.objects.count() == 0
