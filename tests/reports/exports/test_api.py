"""GET /api/v1/plans/{code}/exports/{dataset}.{format}: every dataset in every
format, who sees what, provenance, suppression, escaping, refusals."""

import pytest

from tests.conftest import token_client
from tests.reports.exports.conftest import OPEN_FIGURE, UNAPPROVED_FIGURE, body_of, rows_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/NSP/exports/{}.{}"
PROVENANCE = ["submitted_by", "submitted_at", "approved_by", "approved_at"]
COLUMNS = {
    "structure": [
        "level", "code", "parent", "name", "name_km", "weight", "lead", "measure", "aggregation",
        "direction", "frequency", "unit", "unit_km", "baseline", "baseline_year", "counts_people", "start",
        "end", "budget_usd",
    ],
    "values": [
        "indicator", "indicator_name", "organisation", "organisation_name", "period", "sex", "value", "note",
        *PROVENANCE,
    ],
    "activity-updates": [
        "activity", "activity_name", "organisation", "organisation_name", "period", "status",
        "percent_complete", "note", *PROVENANCE,
    ],
    "scores": [
        "node", "code", "name", "period", "progress", "achieved", "expected", "status", "coverage",
        "computed_at",
    ],
    "completeness": [
        "organisation", "organisation_name", "period", "expected", "received", "on_time", "report_state",
        "first_submitted_at", *PROVENANCE,
    ],
}  # fmt: skip
# Rows the reviewer gets for 2024-Q1 (values: MOI's two cells and I2, MOJ's I1).
ROWS_Q1 = {"structure": 5, "values": 4, "activity-updates": 1, "scores": 6, "completeness": 2}


def export(client, dataset, fmt, **params):
    return client.get(URL.format(dataset, fmt), params)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("dataset", list(COLUMNS))
def test_each_dataset_opens_in_each_format_with_its_columns(client, export_plan, reviewer, dataset, fmt):
    token_client(client, reviewer)
    response = export(client, dataset, fmt, period="2024-Q1")
    assert response.status_code == 200, body_of(response)[:300]
    assert "attachment" in response["Content-Disposition"]
    header, rows = rows_of(response, fmt)
    assert header == COLUMNS[dataset]
    assert len(rows) == ROWS_Q1[dataset]


def test_values_have_one_row_per_cell_with_its_dimension(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "json", period="2024-Q1"), "json")
    moi = [(r["indicator"], r["sex"], r["value"]) for r in rows if r["organisation"] == "MOI"]
    assert moi == [("I1", "F", 3), ("I1", "M", 40), ("I2", None, 7)]
    assert rows[0]["indicator_name"] == export_plan.victims.name
    assert rows[0]["organisation_name"] == "Ministry of Interior"


def test_values_of_every_quarter_the_user_may_see_without_a_period(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "csv"), "csv")
    assert {r["period"] for r in rows} == {"2024-Q1", "2024-Q2"}  # 2024-Q3 is not approved


def test_the_secretariat_reads_who_submitted_and_approved(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "csv", period="2024-Q1"), "csv")
    moi = next(r for r in rows if r["organisation"] == "MOI")
    assert (moi["submitted_by"], moi["approved_by"]) == ("moi-submitter", "ncct-approver")
    assert moi["submitted_at"].startswith("20") and moi["approved_at"].startswith("20")


def test_a_partner_reads_the_organisation_and_role_instead_of_a_person(client, export_plan, partner):
    token_client(client, partner)
    for dataset in ("values", "activity-updates", "completeness"):
        response = export(client, dataset, "csv", period="2024-Q1")
        body = body_of(response).decode()
        assert "moi-submitter" not in body and "ncct-approver" not in body
        moi = next(
            r
            for r in rows_of(export(client, dataset, "csv", period="2024-Q1"), "csv")[1]
            if r["organisation"] == "MOI"
        )
        assert moi["submitted_by"] == "MOI focal point"
        assert moi["approved_by"] == "NCCT-GS secretariat"
        assert moi["approved_at"]  # when, never who


def test_a_focal_point_reads_names_on_their_own_organisations_rows_only(client, export_plan, other_ministry):
    from plans.models import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="moj-focal", role=Role.FOCAL_POINT, organisation=other_ministry)
    token_client(client, outsider)
    _, rows = rows_of(export(client, "values", "csv", period="2024-Q1"), "csv")
    moi = next(r for r in rows if r["organisation"] == "MOI")
    assert moi["submitted_by"] == "MOI focal point"


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("dataset", ["values", "activity-updates", "scores", "completeness"])
def test_a_partner_export_holds_no_figure_of_an_open_quarter_or_an_unapproved_report(
    client, export_plan, partner, dataset, fmt
):
    token_client(client, partner)
    response = export(client, dataset, fmt)
    assert response.status_code == 200
    body = body_of(response).decode()
    assert str(OPEN_FIGURE) not in body
    assert str(UNAPPROVED_FIGURE) not in body
    assert "2024-Q2" not in body and "2024-Q3" not in body


def test_no_export_holds_an_unapproved_figure_even_for_the_secretariat(client, export_plan, reviewer):
    token_client(client, reviewer)
    body = body_of(export(client, "values", "csv")).decode()
    assert str(OPEN_FIGURE) in body  # the secretariat sees the open quarter's approved figures
    assert str(UNAPPROVED_FIGURE) not in body


def test_a_partner_may_not_ask_for_an_open_quarter(client, export_plan, partner):
    token_client(client, partner)
    response = export(client, "values", "csv", period="2024-Q2")
    assert response.status_code == 400
    assert "not published" in response.json()["period"]


def test_small_counts_of_people_are_hidden_from_partners_with_a_second_cell(client, export_plan, partner):
    token_client(client, partner)
    _, rows = rows_of(export(client, "values", "json", period="2024-Q1"), "json")
    moi = {(r["indicator"], r["sex"]): r["value"] for r in rows if r["organisation"] == "MOI"}
    # F=3 is under 5; M=40 goes too, or 43 − 40 would give it away.
    assert moi[("I1", "F")] == "<5"
    assert moi[("I1", "M")] == "<5"
    assert moi[("I2", None)] == 7  # trainings do not count people


def test_the_secretariat_sees_exact_small_counts(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "xlsx", period="2024-Q1"), "xlsx")
    cells = {r["sex"]: r["value"] for r in rows if r["organisation"] == "MOI" and r["indicator"] == "I1"}
    assert cells == {"F": 3, "M": 40}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_would_run_as_a_formula_is_escaped(client, export_plan, reviewer, fmt):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", fmt, period="2024-Q1"), fmt)
    notes = {(r["organisation"], r["indicator"]): r["note"] for r in rows}
    assert notes[("MOI", "I2")] == '\'=HYPERLINK("x")'
    assert notes[("MOJ", "I1")] == "'-1+2"


def test_json_keeps_text_as_it_was_written(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "json", period="2024-Q1"), "json")
    assert {r["note"] for r in rows} >= {'=HYPERLINK("x")', "-1+2"}


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/plans/NSP/exports/figures.csv", 404, "dataset"),
        ("/api/v1/plans/NSP/exports/values.pdf", 404, "format"),
        ("/api/v1/plans/NSP/exports/values.csv?period=2031-Q1", 400, "period"),
        ("/api/v1/plans/NSP/exports/values.csv?period=Q1-2024", 400, "period"),
        ("/api/v1/plans/NSP/exports/scores.json?period=2027-Q1", 400, "period"),
        ("/api/v1/plans/NSP/exports/values.csv?indicator=I9", 400, "indicator"),
        ("/api/v1/plans/NSP/exports/values.csv?organisation=NOPE&pillar=P9", 400, "organisation"),
    ],
)
def test_a_bad_dataset_format_period_or_filter_is_refused_with_the_reason(
    client, export_plan, reviewer, path, status, field
):
    token_client(client, reviewer)
    response = client.get(path)
    assert response.status_code == status
    assert field in response.json()


def test_every_problem_of_an_export_is_given_at_once(client, export_plan, reviewer):
    token_client(client, reviewer)
    response = client.get(
        URL.format("values", "csv"), {"period": "2031-Q1", "indicator": "I9", "pillar": "P9"}
    )
    assert set(response.json()) == {"period", "indicator", "pillar"}


def test_an_unknown_plan_is_not_found_and_anonymous_readers_need_credentials(client, export_plan, reviewer):
    assert client.get(URL.format("values", "csv")).status_code == 401
    token_client(client, reviewer)
    assert client.get("/api/v1/plans/NOPE/exports/values.csv").status_code == 404


def test_a_partner_gets_404_with_the_reason_before_anything_is_published(client, ministry, partner):
    from tests.factories import PlanFactory

    PlanFactory(code="NSP")
    token_client(client, partner)
    response = client.get(URL.format("values", "csv"))
    assert response.status_code == 404
    assert "published" in response.json()["period"]


def test_filters_narrow_an_export_to_what_a_page_shows(client, export_plan, reviewer):
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "values", "csv", period="2024-Q1", indicator="I2"), "csv")
    assert {r["indicator"] for r in rows} == {"I2"}
    _, rows = rows_of(export(client, "values", "csv", period="2024-Q1", organisation="MOJ"), "csv")
    assert {r["organisation"] for r in rows} == {"MOJ"}
    _, rows = rows_of(export(client, "scores", "csv", period="2024-Q1", indicator="I1"), "csv")
    assert [r["code"] for r in rows] == ["I1"]


def test_an_export_is_recorded_in_the_audit_trail(client, export_plan, partner):
    from plans.models import AuditEvent

    token_client(client, partner)
    body_of(export(client, "values", "csv", period="2024-Q1"))
    event = AuditEvent.objects.get(action="export.download")
    assert event.actor == partner
    assert event.details == {"dataset": "values", "format": "csv", "period": "2024-Q1"}


def test_the_queries_of_an_export_do_not_grow_with_its_rows(
    client, export_plan, reviewer, django_assert_max_num_queries
):
    from tests.factories import IndicatorFactory, OrganisationFactory, approved_report

    token_client(client, reviewer)
    # plan, token, periods, score state, dimensions, the rows, the audit event, and the session's few
    with django_assert_max_num_queries(10):
        small = len(rows_of(export(client, "values", "csv"), "csv")[1])
    period = export_plan.plan.periods.get(code="2024-Q1")
    more = [
        IndicatorFactory(objective=export_plan.victims.objective, lead=export_plan.victims.lead)
        for _ in range(5)
    ]
    for n in range(8):
        approved_report(OrganisationFactory(code=f"PROV{n}"), period, values=dict.fromkeys(more, 9))
    with django_assert_max_num_queries(10):
        large = len(rows_of(export(client, "values", "csv"), "csv")[1])
    assert large == small + 40


def test_a_partner_reads_the_progress_of_a_count_of_people_from_the_rounded_count(
    client, export_plan, partner, reviewer
):
    from reports.models import ScoreSnapshot
    from reports.privacy import protected_progress

    stored = ScoreSnapshot.objects.get(code="I1", period__code="2024-Q1")
    token_client(client, partner)
    _, rows = rows_of(export(client, "scores", "json", period="2024-Q1"), "json")
    shown = {r["code"]: r for r in rows}
    assert stored.actual_value == 56  # shown to partners as 55
    assert shown["I1"]["progress"] == pytest.approx(protected_progress(stored.progress, actual=56)[0])
    assert shown["I1"]["progress"] != pytest.approx(stored.progress)
    token_client(client, reviewer)
    _, rows = rows_of(export(client, "scores", "json", period="2024-Q1"), "json")
    assert {r["code"]: r for r in rows}["I1"]["progress"] == pytest.approx(stored.progress)
