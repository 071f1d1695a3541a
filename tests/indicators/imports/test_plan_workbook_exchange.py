"""The plan workbook through django-import-export: export → import into an empty
database gives the same plan, bad files write nothing, and every door (admin
import and export, the command, the API) opens to whom it should."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from indicators.imports.plan_workbook import plan_workbook_export, plan_workbook_import
from indicators.models import Category, Dimension, Indicator, Target
from plans.models import AuditEvent, Organisation, Plan
from strategies.models import Activity, Objective, Pillar
from tests.conftest import token_client
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
)
from tests.indicators.imports.test_plan_workbook import plan_sheets, write_workbook

pytestmark = pytest.mark.django_db


def plan_as_data(code: str) -> dict:
    """Every field the workbook carries, by codes (never ids), to compare two databases."""
    plan = Plan.objects.get(code=code)
    nodes = {"plan": plan}
    return {
        "plan": Plan.objects.filter(pk=plan.pk)
        .values("code", "name", "name_km", "start_year", "end_year", "on_track", "at_risk", "is_public")
        .get(),
        "periods": list(plan.periods.order_by("index").values_list("code", "start", "end", "deadline")),
        "organisations": sorted(Organisation.objects.values_list("code", "name", "name_km", "kind")),
        "dimensions": sorted(Dimension.objects.values_list("code", "name", "name_km")),
        # The order of a dimension's categories, not the numbers that give it.
        "categories": [
            (c.dimension.code, c.code, c.name, c.name_km)
            for c in Category.objects.select_related("dimension")
        ],
        "pillars": list(
            Pillar.objects.filter(**nodes)
            .order_by("position")
            .values_list("code", "name", "name_km", "weight")
        ),
        "objectives": list(
            Objective.objects.filter(**nodes)
            .order_by("position")
            .values_list("code", "pillar__code", "name", "name_km", "weight")
        ),
        "indicators": [
            (
                i.code,
                i.objective.code,
                i.name,
                i.name_km,
                i.measure,
                i.aggregation,
                i.direction,
                i.frequency,
                i.unit,
                i.unit_km,
                i.baseline,
                i.baseline_year,
                i.lead.code,
                i.weight,
                i.counts_people,
                sorted(o.code for o in i.contributors.all()),
                sorted(d.code for d in i.disaggregation.all()),
            )
            for i in Indicator.objects.filter(**nodes)
            .order_by("position")
            .select_related("objective", "lead")
        ],
        "targets": sorted(
            Target.objects.filter(indicator__plan=plan).values_list("indicator__code", "year", "value")
        ),
        "activities": [
            (
                a.code,
                a.objective.code,
                a.name,
                a.name_km,
                a.lead.code,
                a.start_period.code,
                a.end_period.code,
                a.weight,
                a.budget_usd,
                sorted(o.code for o in a.supporting.all()),
            )
            for a in Activity.objects.filter(**nodes)
            .order_by("position")
            .select_related("objective", "lead", "start_period", "end_period")
        ],
    }


def empty_the_database() -> None:
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with foreign-key checks still deferred in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)


def assert_round_trip(code: str, tmp_path) -> None:
    before = plan_as_data(code)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook_export(plan=Plan.objects.get(code=code)))
    empty_the_database()
    assert not Plan.objects.exists()

    result = plan_workbook_import(actor=None, path_or_file=path)

    assert result.ok, result.errors[:5]
    assert plan_as_data(code) == before
    again = plan_workbook_import(actor=None, path_or_file=path, dry_run=True)
    assert again.ok and again.created == {} and again.updated == {}, again.summary_lines()
    assert again.unchanged["indicators"] == len(before["indicators"])
    assert again.unchanged["targets"] == len(before["targets"])
    # The export of the imported plan is the file it came from, cell for cell.
    assert workbook_cells(plan_workbook_export(plan=Plan.objects.get(code=code))) == workbook_cells(
        path.read_bytes()
    )


def workbook_cells(data: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def small_factory_plan() -> Plan:
    plan = PlanFactory(code="SMALL", name="Small plan", name_km="ផែនការតូច", is_public=True)
    moi = OrganisationFactory(code="MOI", name="Ministry of Interior", name_km="ក្រសួងមហាផ្ទៃ")
    moj = OrganisationFactory(code="MOJ", name="=Ministry of Justice")  # a name Excel would run as a formula
    sex = DimensionFactory(code="sex", name="Sex")
    CategoryFactory(dimension=sex, code="F", name="Female", name_km="ស្រី", position=0)
    CategoryFactory(dimension=sex, code="M", name="Male", position=1)
    pillar = PillarFactory(plan=plan, code="P1", name="Prevention", weight=Decimal("2.5"), position=1)
    objective = ObjectiveFactory(pillar=pillar, code="O1", name="Fewer victims", position=1)
    victims = IndicatorFactory(
        objective=objective, code="I1", lead=moi, unit="persons", unit_km="នាក់", counts_people=True,
        baseline=Decimal("12.5"), baseline_year=2023, position=1, targets=[10, 20, 30, 40, 50.25],
    )  # fmt: skip
    victims.contributors.set([moj])
    victims.disaggregation.set([sex])
    IndicatorFactory(
        objective=objective, code="I2", lead=moj, measure="PERCENT", aggregation="LATEST",
        direction="DECREASE", frequency="ANNUAL", position=2, targets=[90, 80],
    )  # fmt: skip
    activity = ActivityFactory(
        objective=objective, code="A1", lead=moi, budget_usd=Decimal("5000.50"), position=1
    )
    activity.supporting.set([moj])
    return plan


def test_a_small_plan_exported_and_imported_into_an_empty_database_is_the_same_plan(tmp_path):
    small_factory_plan()

    assert_round_trip("SMALL", tmp_path)

    assert Organisation.objects.get(code="MOJ").name == "=Ministry of Justice"


def test_the_demo_plan_exported_and_imported_into_an_empty_database_is_the_same_plan(tmp_path):
    from reports.demo.content import PLAN_CODE

    call_command("seed_demo", stdout=io.StringIO())

    assert_round_trip(PLAN_CODE, tmp_path)


def test_the_indicators_sheet_carries_the_khmer_unit_after_the_english_one(db):
    plan = small_factory_plan()

    rows = workbook_cells(plan_workbook_export(plan=plan))["indicators"]

    header = list(rows[0])
    assert header[header.index("unit") + 1] == "unit_km"
    victims = dict(zip(header, rows[1], strict=True))
    assert (victims["code"], victims["unit"], victims["unit_km"]) == ("I1", "persons", "នាក់")


def test_a_workbook_without_the_unit_km_column_imports_and_keeps_the_khmer_units(tmp_path):
    plan = small_factory_plan()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook_export(plan=plan))
    workbook = load_workbook(path)
    sheet = workbook["indicators"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_cols(header.index("unit_km") + 1)
    sheet["A2"].offset(column=header.index("unit")).value = "victims"  # a change, to update the row
    workbook.save(path)

    result = plan_workbook_import(actor=None, path_or_file=path)

    assert result.ok, result.errors[:5]
    victims = Indicator.objects.get(plan=plan, code="I1")
    assert (victims.unit, victims.unit_km) == ("victims", "នាក់")


def test_a_name_starting_with_equals_is_written_as_text_not_a_formula(db):
    plan = small_factory_plan()

    workbook = load_workbook(io.BytesIO(plan_workbook_export(plan=plan)))

    cells = [
        cell
        for row in workbook["organisations"].iter_rows()
        for cell in row
        if cell.value == "=Ministry of Justice"
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_the_workbook_holds_the_targets_as_adopted_not_as_revised(db):
    from indicators.models import TargetRevision

    plan = small_factory_plan()
    target = Target.objects.get(indicator__code="I1", year=2024)
    TargetRevision.objects.create(target=target, value=99, review="Mid-term review", rationale="why")

    rows = workbook_cells(plan_workbook_export(plan=plan))["targets"]

    assert ("I1", 2024, 10) in rows


# --- Bad files: rejected, nothing written ------------------------------------------------


def tree_counts() -> tuple:
    return tuple(
        m.objects.count()
        for m in (Plan, Organisation, Dimension, Pillar, Objective, Indicator, Target, Activity)
    )


def import_sheets(tmp_path, admin_user, sheets, name="plan.xlsx"):
    return plan_workbook_import(actor=admin_user, path_or_file=write_workbook(tmp_path / name, sheets))


def places(result) -> set:
    return {(e.sheet, e.line, e.column) for e in result.errors}


def test_a_sheet_without_a_required_column_is_refused_and_nothing_is_written(tmp_path, admin_user):
    before = tree_counts()
    sheets = plan_sheets()
    for row in sheets["objectives"]:
        del row[1]  # no pillar column

    result = import_sheets(tmp_path, admin_user, sheets)

    assert places(result) == {("objectives", 1, "pillar")}
    assert result.errors[0].message == "This column is missing."
    assert tree_counts() == before


def test_unknown_codes_are_each_reported_on_their_cell_and_nothing_is_written(tmp_path, admin_user):
    before = tree_counts()
    sheets = plan_sheets()
    sheets["objectives"][1][1] = "P9"
    sheets["indicators"][1][12] = "MOJ;NOPE;ALSO"  # contributors
    sheets["indicators"][1][13] = "sex;colour"  # disaggregation
    sheets["targets"].append(["I9", 2024, 1])
    sheets["activities"][1][5] = "XYZ"  # supporting

    result = import_sheets(tmp_path, admin_user, sheets)

    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages == {
        ("objectives", 2, "pillar"): "Unknown pillar code P9.",
        ("indicators", 2, "contributors"): "Unknown organisation codes: NOPE, ALSO.",
        ("indicators", 2, "disaggregation"): "Unknown dimension codes: colour.",
        ("targets", 12, "indicator"): "Unknown indicator code I9.",
        ("activities", 2, "supporting"): "Unknown organisation codes: XYZ.",
    }
    assert tree_counts() == before


def test_cells_of_the_wrong_type_are_reported_with_the_models_messages(tmp_path, admin_user):
    before = tree_counts()
    sheets = plan_sheets()
    sheets["plan"][1][3] = "twenty"  # start_year
    sheets["pillars"][1][3] = "heavy"  # weight
    sheets["indicators"][1][4] = "COUNT"  # measure
    sheets["targets"][1][2] = "a hundred"

    result = import_sheets(tmp_path, admin_user, sheets)

    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages[("plan", 2, "start_year")] == "“twenty” value must be an integer."
    # The plan row is refused, so its (new) plan's sheets are not checked further.
    assert set(messages) == {("plan", 2, "start_year")}
    sheets["plan"][1][3] = 2024
    result = import_sheets(tmp_path, admin_user, sheets, "b.xlsx")
    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages == {
        ("pillars", 2, "weight"): "“heavy” value must be a decimal number.",
        ("indicators", 2, "measure"): "Value 'COUNT' is not a valid choice.",
        ("targets", 2, "target"): "“a hundred” value must be a decimal number.",
    }
    assert tree_counts() == before


def test_values_out_of_range_are_refused(tmp_path, admin_user):
    before = tree_counts()
    sheets = plan_sheets()
    sheets["plan"][1][6] = 0.9  # at risk above on track
    result = import_sheets(tmp_path, admin_user, sheets)
    assert {(e.column, e.message) for e in result.errors} == {
        ("at_risk", "Thresholds must satisfy 0 < at risk < on track ≤ 1.")
    }

    sheets = plan_sheets()
    sheets["targets"][7][2] = 150  # I2 is a PERCENT
    sheets["indicators"][1][9] = -3  # baseline
    result = import_sheets(tmp_path, admin_user, sheets, "b.xlsx")

    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages == {
        ("targets", 8, "target"): "A percentage must lie between 0 and 100.",
        ("indicators", 2, "baseline"): "Enter a number of 0 or more.",
    }
    assert tree_counts() == before


def test_a_row_given_twice_is_refused_on_its_second_line(tmp_path, admin_user):
    before = tree_counts()
    sheets = plan_sheets()
    sheets["pillars"].append(["P1", "Laws again", "", 1])
    sheets["targets"].append(["I1", 2024, 5])

    result = import_sheets(tmp_path, admin_user, sheets)

    messages = {(e.sheet, e.line, e.column): e.message for e in result.errors}
    assert messages == {
        ("pillars", 4, "code"): "P1 is already on line 2 of this sheet.",
        ("targets", 12, "year"): "The target of I1 for 2024 is already on line 2.",
    }
    assert tree_counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (
            b"PK\x03\x04 this is not really a workbook",
            "This file is neither an XLSX workbook nor a CSV file.",
        ),
        (b"\x00\x01\x02\xff\xfe binary", None),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, admin_user, content, message):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)

    result = plan_workbook_import(actor=admin_user, path_or_file=path)

    assert not result.ok
    if message:
        assert message in [e.message for e in result.errors]
    assert tree_counts() == (0, 1, 0, 0, 0, 0, 0, 0)  # the admin's own organisation only


def test_a_nul_byte_in_a_cell_is_reported_on_that_cell(tmp_path, admin_user):
    path = tmp_path / "organisations.csv"
    path.write_bytes(b"code,name,name_km,kind\nMOI,Ministry\x00 of Interior,,MINISTRY\n")

    result = plan_workbook_import(actor=admin_user, path_or_file=path)

    assert places(result) == {("organisations", 2, "name")}
    assert not Organisation.objects.filter(code="MOI").exists()


def test_an_unknown_sheet_is_refused(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["budgets"] = [["code"], ["B1"]]

    result = import_sheets(tmp_path, admin_user, sheets)

    assert places(result) == {("budgets", None, "")}
    assert not Plan.objects.exists()


def test_the_counts_people_column_is_read_and_may_be_left_out(tmp_path, admin_user):
    sheets = plan_sheets()
    sheets["indicators"][0] = [*sheets["indicators"][0], "counts_people"]
    sheets["indicators"][1].append("yes")
    sheets["indicators"][2].append("")
    assert import_sheets(tmp_path, admin_user, sheets).ok
    assert list(Indicator.objects.order_by("code").values_list("counts_people", flat=True)) == [True, False]

    # Left out, the stored answer stays.
    result = import_sheets(tmp_path, admin_user, plan_sheets(), "b.xlsx")

    assert result.ok and result.unchanged["indicators"] == 2
    assert Indicator.objects.get(code="I1").counts_people is True


# --- The command ------------------------------------------------------------------------


def test_export_plan_writes_the_workbook_that_import_plan_reads(tmp_path, capsys):
    small_factory_plan()
    path = tmp_path / "small.xlsx"

    call_command("export_plan", "SMALL", str(path))
    call_command("import_plan", str(path), "--dry-run")

    out = capsys.readouterr().out
    assert "Wrote the workbook of SMALL" in out
    assert "indicators: 0 created, 0 updated, 2 unchanged" in out
    assert list(load_workbook(path).sheetnames) == [
        "plan", "organisations", "dimensions", "pillars", "objectives", "indicators", "targets", "activities",
    ]  # fmt: skip


def test_export_plan_of_an_unknown_plan_fails(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No plan with code NOPE"):
        call_command("export_plan", "NOPE", str(tmp_path / "x.xlsx"))


# --- The API ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin_user", "reviewer", "focal_point", "partner"])
def test_anyone_signed_in_downloads_the_workbook_of_a_plan_they_see(client, request, role):
    plan = small_factory_plan()
    token_client(client, request.getfixturevalue(role))

    answer = client.get(reverse("api:plan-workbook", kwargs={"code": plan.code}))

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="SMALL-plan-workbook.xlsx"' in answer["Content-Disposition"]
    assert workbook_cells(answer.content) == workbook_cells(plan_workbook_export(plan=plan))


def test_the_workbook_of_a_plan_one_cannot_see_is_not_found(client, partner):
    token_client(client, partner)

    answer = client.get(reverse("api:plan-workbook", kwargs={"code": "NO-SUCH-PLAN"}))

    assert answer.status_code == 404


def test_the_workbook_needs_credentials(client):
    plan = small_factory_plan()

    answer = client.get(reverse("api:plan-workbook", kwargs={"code": plan.code}))

    assert answer.status_code == 401


# --- The admin --------------------------------------------------------------------------


def pillars_csv(*rows) -> io.BytesIO:
    upload = io.BytesIO(("code,name,name_km,weight\n" + "".join(f"{row}\n" for row in rows)).encode())
    upload.name = "pillars.csv"
    return upload


def test_the_secretariat_admin_previews_then_confirms_a_sheet_import(client, admin_user):
    plan = small_factory_plan()
    client.force_login(admin_user)
    url = reverse("admin:strategies_pillar_import")
    csv_format = "1"  # import_formats = [XLSX, CSV]

    upload = pillars_csv("P1,Prevention first,,2.5", "P2,Protection,,1")

    preview = client.post(url, {"import_file": upload, "format": csv_format, "plan": plan.pk})

    assert preview.status_code == 200
    page = preview.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="content-start"', 1)[1]).split())
    assert "Update P1 Prevention first 2.5" in text and "New P2 Protection 1" in text
    assert not Pillar.objects.filter(code="P2").exists()  # a preview writes nothing
    confirm = preview.context["confirm_form"]

    done = client.post(reverse("admin:strategies_pillar_process_import"), confirm.initial)

    assert done.status_code == 302
    assert Pillar.objects.get(plan=plan, code="P1").name == "Prevention first"
    assert Pillar.objects.get(plan=plan, code="P2").position == 2
    event = AuditEvent.objects.get(action="plan.import")
    assert event.actor == admin_user and event.details["counts"]["pillars"] == {
        "created": 1, "updated": 1, "unchanged": 0,
    }  # fmt: skip


def test_the_admin_preview_shows_every_bad_row_and_offers_no_confirmation(client, admin_user):
    plan = small_factory_plan()
    client.force_login(admin_user)

    preview = client.post(
        reverse("admin:strategies_pillar_import"),
        {"import_file": pillars_csv("P1,Prevention,,-1", "P1,Again,,1"), "format": "1", "plan": plan.pk},
    )

    page = preview.content.decode()
    assert "A weight cannot be negative." in page
    assert "P1 is already on line 2 of this sheet." in page
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert Pillar.objects.get(code="P1").weight == Decimal("2.5")


@pytest.mark.parametrize("role", ["reviewer", "focal_point", "partner"])
def test_only_the_secretariat_admin_may_import_or_export_in_the_admin(client, request, role):
    plan = small_factory_plan()
    client.force_login(request.getfixturevalue(role))

    page = client.get(reverse("admin:strategies_pillar_import"))
    posted = client.post(
        reverse("admin:strategies_pillar_import"),
        {"import_file": pillars_csv("P9,Sneaked in,,1"), "format": "1", "plan": plan.pk},
    )
    export = client.post(reverse("admin:strategies_pillar_export"), {"format": "1"})

    assert page.status_code == 302 and "/admin/login/" in page["Location"]
    assert posted.status_code == 302 and export.status_code == 302
    assert not Pillar.objects.filter(code="P9").exists()


def test_the_plans_admin_downloads_the_same_workbook(client, admin_user):
    plan = small_factory_plan()
    client.force_login(admin_user)

    answer = client.post(
        reverse("admin:plans_plan_changelist"),
        {"action": "plan_workbook_download", "_selected_action": [plan.pk]},
    )

    assert answer.status_code == 200
    assert workbook_cells(answer.content) == workbook_cells(plan_workbook_export(plan=plan))


def test_the_admin_export_of_a_sheet_has_the_workbooks_columns(client, admin_user):
    small_factory_plan()
    client.force_login(admin_user)

    answer = client.post(
        reverse("admin:indicators_indicator_export"),
        {"format": "1", "resource": "0", **{f"indicatorresource_{c}": "on" for c in INDICATOR_COLUMNS}},
    )

    assert answer.status_code == 200, answer.content[:1000]
    header = answer.content.decode().splitlines()[0]
    assert header.split(",") == INDICATOR_COLUMNS


INDICATOR_COLUMNS = [
    "code", "objective", "name", "name_km", "measure", "aggregation", "direction", "frequency", "unit",
    "unit_km", "baseline", "baseline_year", "lead", "contributors", "disaggregation", "weight",
    "counts_people",
]  # fmt: skip
