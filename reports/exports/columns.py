"""The columns of each dataset, as django-import-export Resources: each Field's
``attribute`` is the key of a row dict (and of a JSON object), its
``column_name`` the header a CSV or XLSX file shows, translated
(docs/exports.md, "Datasets and columns").

The English headers of `values` and `activity-updates` are those of the values
workbook (docs/imports.md), so an exported file reads back through the import.
"""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.resources import Resource


def column(key: str, header) -> Field:
    return Field(attribute=key, column_name=header)


PROVENANCE = {
    "submitted_by": _("submitted_by"),
    "submitted_at": _("submitted_at"),
    "approved_by": _("approved_by"),
    "approved_at": _("approved_at"),
}


class StructureColumns(Resource):
    level = column("level", _("level"))
    code = column("code", _("code"))
    parent = column("parent", _("parent"))
    name = column("name", _("name"))
    name_km = column("name_km", _("name_km"))
    weight = column("weight", _("weight"))
    lead = column("lead", _("lead"))
    measure = column("measure", _("measure"))
    aggregation = column("aggregation", _("aggregation"))
    direction = column("direction", _("direction"))
    frequency = column("frequency", _("frequency"))
    unit = column("unit", _("unit"))
    unit_km = column("unit_km", _("unit_km"))
    baseline = column("baseline", _("baseline"))
    baseline_year = column("baseline_year", _("baseline_year"))
    counts_people = column("counts_people", _("counts_people"))
    start = column("start", _("start"))
    end = column("end", _("end"))
    budget_usd = column("budget_usd", _("budget_usd"))


class ValuesColumns(Resource):
    """One row per indicator, organisation, period and disaggregation cell. The
    dimension columns (one per dimension code, e.g. ``sex``) go after
    ``period``; they are added per export, from the indicators exported."""

    indicator = column("indicator", _("indicator"))
    indicator_name = column("indicator_name", _("indicator_name"))
    organisation = column("organisation", _("organisation"))
    organisation_name = column("organisation_name", _("organisation_name"))
    period = column("period", _("period"))
    value = column("value", _("value"))
    note = column("note", _("note"))
    submitted_by = column("submitted_by", PROVENANCE["submitted_by"])
    submitted_at = column("submitted_at", PROVENANCE["submitted_at"])
    approved_by = column("approved_by", PROVENANCE["approved_by"])
    approved_at = column("approved_at", PROVENANCE["approved_at"])


class ActivityUpdateColumns(Resource):
    activity = column("activity", _("activity"))
    activity_name = column("activity_name", _("activity_name"))
    organisation = column("organisation", _("organisation"))
    organisation_name = column("organisation_name", _("organisation_name"))
    period = column("period", _("period"))
    status = column("status", _("status"))
    percent_complete = column("percent_complete", _("percent_complete"))
    note = column("note", _("note"))
    submitted_by = column("submitted_by", PROVENANCE["submitted_by"])
    submitted_at = column("submitted_at", PROVENANCE["submitted_at"])
    approved_by = column("approved_by", PROVENANCE["approved_by"])
    approved_at = column("approved_at", PROVENANCE["approved_at"])


class ScoreColumns(Resource):
    """As the scores API (docs/api.md): fractions, not percentages."""

    node = column("node", _("node"))
    code = column("code", _("code"))
    name = column("name", _("name"))
    period = column("period", _("period"))
    progress = column("progress", _("progress"))
    achieved = column("achieved", _("achieved"))
    expected = column("expected", _("expected"))
    status = column("status", _("status"))
    coverage = column("coverage", _("coverage"))
    computed_at = column("computed_at", _("computed_at"))


class CompletenessColumns(Resource):
    organisation = column("organisation", _("organisation"))
    organisation_name = column("organisation_name", _("organisation_name"))
    period = column("period", _("period"))
    expected = column("expected", _("expected"))
    received = column("received", _("received"))
    on_time = column("on_time", _("on_time"))
    report_state = column("report_state", _("report_state"))
    first_submitted_at = column("first_submitted_at", _("first_submitted_at"))
    submitted_by = column("submitted_by", PROVENANCE["submitted_by"])
    submitted_at = column("submitted_at", PROVENANCE["submitted_at"])
    approved_by = column("approved_by", PROVENANCE["approved_by"])
    approved_at = column("approved_at", PROVENANCE["approved_at"])


def columns_of(resource: type[Resource], *, extra_after: str = "", extra=()) -> list[tuple[str, str]]:
    """(key, translated header) of each column, with ``extra`` columns
    (key, header) inserted after the column ``extra_after``."""
    columns = []
    for field in resource().get_export_fields():
        columns.append((field.attribute, str(field.column_name)))
        if field.attribute == extra_after:
            columns.extend(extra)
    return columns
