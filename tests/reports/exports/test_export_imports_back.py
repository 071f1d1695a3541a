"""A values export, in English or in Khmer, reads back through the values
import (docs/exports.md): its headers are the import's columns, translated."""

import csv
import io

import pytest
from django.utils import translation

from indicators.imports.values import values_import
from indicators.models import IndicatorValue


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_values_export_imports_back_into_a_plan_in_either_language(
    client, export_plan, admin_user, tmp_path, language
):
    # The plan's one figure of a split indicator given without its cells
    # (the fixture's, for the exports) is not one a values file can hold.
    IndicatorValue.objects.filter(indicator__disaggregation__isnull=False, cells__isnull=True).delete()
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    response = client.get(f"/api/v1/plans/{export_plan.plan.code}/exports/values.csv", secure=True)
    assert response.status_code == 200
    path = tmp_path / "values.csv"
    path.write_bytes(b"".join(response.streaming_content))
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert ("indicator," in header) == (language == "en")

    # Exports hold approved figures only.
    approved = IndicatorValue.objects.filter(report__state="APPROVED")
    before = sorted(approved.values_list("indicator__code", "report__period__code", "value"))
    IndicatorValue.objects.all().delete()
    result = values_import(actor=admin_user, path_or_file=path, approve=True, plan=export_plan.plan.code)

    assert result.ok, result.errors[:5]
    after = sorted(IndicatorValue.objects.values_list("indicator__code", "report__period__code", "value"))
    assert after == before


def test_a_khmer_export_has_khmer_headers_and_names(client, export_plan, admin_user, ministry):
    ministry.name_km = "ក្រសួងមហាផ្ទៃ"
    ministry.save()
    admin_user.language = "km"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    response = client.get(f"/api/v1/plans/{export_plan.plan.code}/exports/values.csv", secure=True)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    with translation.override("km"):
        indicator, name = translation.gettext("indicator"), translation.gettext("organisation_name")
    assert indicator != "indicator" and indicator in rows[0]
    assert {row[name] for row in rows if row[indicator] and "MOI" in row.values()} == {"ក្រសួងមហាផ្ទៃ"}
