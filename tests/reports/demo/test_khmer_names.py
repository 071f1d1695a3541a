"""The demo in both languages: every name of the demo has a Khmer one, a Khmer
reader sees them (and the English name where one is missing), and the admin
lists the names still missing.

The demo is seeded once for the module, as in test_seed_demo.py.
"""

import json
import re
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from indicators.models import Category, Dimension, Indicator
from plans.models import Organisation, Plan, User, normalise_text
from reports.demo.content import ACTIVITIES, INDICATORS, OBJECTIVES, PLAN_CODE
from strategies.models import Activity, Objective, Pillar

pytestmark = pytest.mark.django_db

NAMED = (Organisation, Plan, Pillar, Objective, Indicator, Activity, Dimension, Category)


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def khmer_admin(seeded, client):
    """The demo's secretariat administrator, reading Khmer."""
    admin = User.objects.get(username="admin")
    admin.language = "km"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    return client


def is_khmer(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("KHMER") for ch in text)


def test_every_name_of_the_demo_has_a_normalised_khmer_name(seeded):
    for model in NAMED:
        rows = list(model.objects.all())
        assert rows, model.__name__
        for row in rows:
            assert is_khmer(row.name_km), (model.__name__, row.name)
            assert row.name_km == normalise_text(row.name_km), (model.__name__, row.name)


def test_the_content_gives_every_objective_indicator_and_activity_a_khmer_name_of_its_own():
    names = {
        "objectives": [km for _code, _name, km in OBJECTIVES],
        "indicators": [row.name_km for row in INDICATORS],
        "activities": [row.name_km for row in ACTIVITIES],
    }
    for kind, khmer in names.items():
        assert all(khmer), kind
        assert len(set(khmer)) == len(khmer), f"two {kind} share a Khmer name"


def test_a_benchmark_copy_carries_the_khmer_names_with_the_copys_mark(seeded):
    seed("--scale", "2")

    large = Plan.objects.get(code=f"{PLAN_CODE}-x2")
    assert is_khmer(large.name_km) and large.name_km != Plan.objects.get(code=PLAN_CODE).name_km
    for model in (Objective, Indicator, Activity):
        assert not model.objects.filter(plan=large, name_km="").exists(), model.__name__
    assert not Indicator.objects.filter(plan=large, unit_km="").exclude(unit="").exists()
    moi, copy = Organisation.objects.get(code="MOI"), Organisation.objects.get(code="MOI-R2")
    assert copy.name_km.startswith(moi.name_km) and copy.name_km != moi.name_km
    assert copy.name_km.endswith(" 2)") and copy.name.endswith(" 2)")


def test_a_database_seeded_before_the_khmer_names_gets_them_on_the_next_run(seeded):
    Objective.objects.filter(code="O2.1").update(name_km="")
    Activity.objects.filter(code__in=["A1.1.1", "A4.3.5"]).update(name_km="")
    Category.objects.filter(code="F").update(name_km="")
    Organisation.objects.filter(code="IOM").update(name_km="")
    # A Khmer name someone wrote since is theirs: the seed leaves it.
    Indicator.objects.filter(code="I1.1.1").update(name_km="ឈ្មោះដែលបានកែ")

    output = seed()

    assert "khmer names 5" in output
    assert Objective.objects.get(code="O2.1").name_km == normalise_text(OBJECTIVES[3][2])
    assert Activity.objects.get(code="A4.3.5").name_km == normalise_text(ACTIVITIES[-1].name_km)
    assert Category.objects.get(code="F").name_km == "ស្រី"
    assert is_khmer(Organisation.objects.get(code="IOM").name_km)
    assert Indicator.objects.get(code="I1.1.1").name_km == "ឈ្មោះដែលបានកែ"
    assert "Nothing to add" in seed()


def test_every_demo_indicator_with_a_unit_has_a_normalised_khmer_unit(seeded):
    with_unit = list(Indicator.objects.exclude(unit=""))
    assert with_unit
    for indicator in with_unit:
        assert indicator.unit_km == normalise_text(indicator.unit_km), indicator.code
        # "%" stays "%"; "% of provinces" reads "% នៃរាជធានី-ខេត្ត".
        assert is_khmer(indicator.unit_km) or indicator.unit_km == indicator.unit == "%", indicator.code
    assert not Indicator.objects.filter(unit="").exclude(unit_km="").exists()


def test_a_database_seeded_before_the_khmer_units_gets_them_on_the_next_run(seeded):
    Indicator.objects.filter(code__in=["I2.3.2", "I3.2.1"]).update(unit_km="")
    # A Khmer unit someone wrote since is theirs: the seed leaves it.
    Indicator.objects.filter(code="I2.1.2").update(unit_km="មនុស្ស")

    output = seed()

    assert "khmer units 2" in output
    assert Indicator.objects.get(code="I2.3.2").unit_km == "របាយការណ៍"
    assert Indicator.objects.get(code="I3.2.1").unit_km == "សំណុំរឿង"
    assert Indicator.objects.get(code="I2.1.2").unit_km == "មនុស្ស"
    assert "Nothing to add" in seed()


# --- Shown in the reader's language, English where there is no Khmer ---------------------------


def test_a_khmer_page_shows_khmer_names_and_the_english_one_where_there_is_none(khmer_admin):
    Indicator.objects.filter(code="I2.1.2").update(name_km="")
    events, people = Indicator.objects.get(code="I2.1.1"), Indicator.objects.get(code="I2.1.2")

    page = khmer_admin.get(f"/dashboards/{PLAN_CODE}/objectives/O2.1/", secure=True).content.decode()

    assert 'lang="km"' in page
    assert events.name_km in page and events.name not in page
    assert people.name in page
    assert Objective.objects.get(code="O2.1").name_km in page


def chart(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def test_a_khmer_page_shows_the_khmer_unit_in_its_text_and_chart(khmer_admin):
    pages = Indicator.objects.get(code="I2.4.2")

    page = khmer_admin.get(f"/dashboards/{PLAN_CODE}/indicators/I2.4.2/", secure=True).content.decode()

    assert pages.unit_km == "គេហទំព័រ និងគណនី"
    assert pages.unit_km in page and pages.unit not in page
    assert chart(page, "chart-indicator")["layout"]["yaxis"]["title"]["text"] == pages.unit_km


def test_a_khmer_page_shows_the_english_unit_where_there_is_no_khmer_one(khmer_admin):
    Indicator.objects.filter(code="I2.4.2").update(unit_km="")

    page = khmer_admin.get(f"/dashboards/{PLAN_CODE}/indicators/I2.4.2/", secure=True).content.decode()

    assert "pages and accounts" in page
    assert chart(page, "chart-indicator")["layout"]["yaxis"]["title"]["text"] == "pages and accounts"


def test_the_khmer_progress_report_gives_each_indicator_its_khmer_unit(khmer_admin):
    Indicator.objects.filter(code="I3.2.1").update(unit_km="")
    hotline, cases = Indicator.objects.get(code="I2.3.2"), Indicator.objects.get(code="I3.2.1")

    page = khmer_admin.get(f"/dashboards/{PLAN_CODE}/progress-report/", secure=True).content.decode()

    assert f"{hotline.lead.code} · របាយការណ៍<" in page
    assert f"{hotline.lead.code} · reports<" not in page
    assert f"{cases.lead.code} · cases<" in page


def test_the_structure_export_carries_the_unit_in_both_languages(khmer_admin):
    response = khmer_admin.get(f"/exports/{PLAN_CODE}/structure.json?indicator=I2.3.2", secure=True)

    assert response.status_code == 200
    rows = json.loads(b"".join(response.streaming_content))
    [hotline] = [row for row in rows if row["level"] == "indicator"]
    assert (hotline["unit"], hotline["unit_km"]) == ("reports", "របាយការណ៍")


def test_a_khmer_export_carries_khmer_names_and_the_english_one_where_there_is_none(khmer_admin):
    Indicator.objects.filter(code="I2.1.2").update(name_km="")
    moeys = Organisation.objects.get(code="MOEYS")

    def names(indicator: str) -> set[tuple[str, str]]:
        response = khmer_admin.get(
            f"/exports/{PLAN_CODE}/values.json?period=2026-Q2&indicator={indicator}", secure=True
        )
        assert response.status_code == 200
        rows = json.loads(b"".join(response.streaming_content))
        return {
            (row["indicator_name"], row["organisation_name"])
            for row in rows
            if row["organisation"] == "MOEYS"
        }

    assert names("I2.1.1") == {(Indicator.objects.get(code="I2.1.1").name_km, moeys.name_km)}
    assert names("I2.1.2") == {(Indicator.objects.get(code="I2.1.2").name, moeys.name_km)}


# --- The admin lists the names still missing ------------------------------------------------------


def listed(client, url: str) -> set[int]:
    response = client.get(url, secure=True)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())}


@pytest.mark.parametrize(
    ("model", "page", "codes"),
    [
        (Organisation, "plans/organisation", ["IOM", "PCCT-16"]),
        (Plan, "plans/plan", [PLAN_CODE]),
        (Pillar, "strategies/pillar", ["P3"]),
        (Objective, "strategies/objective", ["O2.1", "O4.3"]),
        (Indicator, "indicators/indicator", ["I1.1.2", "I3.3.1", "I4.3.5"]),
        (Activity, "strategies/activity", ["A2.3.1"]),
        (Dimension, "indicators/dimension", ["age_group"]),
    ],
)
def test_the_admin_filter_lists_exactly_the_rows_without_a_khmer_name(khmer_admin, model, page, codes):
    model.objects.filter(code__in=codes).update(name_km="")
    missing = set(model.objects.filter(code__in=codes).values_list("pk", flat=True))
    everything = set(model.objects.values_list("pk", flat=True))

    assert listed(khmer_admin, f"/admin/{page}/?khmer_name=missing") == missing
    assert listed(khmer_admin, f"/admin/{page}/?khmer_name=present") == everything - missing
    assert listed(khmer_admin, f"/admin/{page}/") == everything


def test_the_dimensions_admin_lists_those_with_a_category_without_a_khmer_name(khmer_admin):
    Category.objects.filter(dimension__code="age_group", code__in=["U15", "15_17"]).update(name_km="")
    age, sex = Dimension.objects.get(code="age_group"), Dimension.objects.get(code="sex")

    assert listed(khmer_admin, "/admin/indicators/dimension/?category_khmer_name=missing") == {age.pk}
    assert listed(khmer_admin, "/admin/indicators/dimension/?category_khmer_name=present") == {sex.pk}
    # Its own Khmer name is there: the other filter does not list it.
    assert listed(khmer_admin, "/admin/indicators/dimension/?khmer_name=missing") == set()
