"""The quarterly reports API: who reads and writes what, the messages of bad
input, the refusals of stale saves and of steps the report's state forbids,
and reads in a fixed number of queries."""

import json
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from indicators.models import IndicatorValue, QuarterlyReport, ReportEvent
from indicators.quarterly_report.services import IndicatorLine, report_open, report_save
from plans.models import Role
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
    approved_report,
    publish_through,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "reviewer", "focal_point", "other_focal_point", "partner", "anonymous"]


@pytest.fixture
def other_focal_point(other_ministry):
    return UserFactory(username="focal-moj", role=Role.FOCAL_POINT, organisation=other_ministry)


@pytest.fixture
def nsp(ministry, other_ministry):
    """MOI leads a number, a percentage and a figure split by sex, contributes
    to MOJ's cases, and leads an activity; MOJ leads the cases and an activity."""
    plan = PlanFactory(code="NSP", start_year=2024, end_year=2028)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    sex = DimensionFactory(code="sex")
    for code in ("F", "M"):
        CategoryFactory(dimension=sex, code=code)
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry)
    referred = IndicatorFactory(
        objective=objective, code="REFERRED", lead=ministry, measure="PERCENT", aggregation="LATEST"
    )
    victims = IndicatorFactory(objective=objective, code="VICTIMS", lead=ministry)
    victims.disaggregation.add(sex)
    cases = IndicatorFactory(objective=objective, code="CASES", lead=other_ministry)
    cases.contributors.add(ministry)
    convicted = IndicatorFactory(
        objective=objective, code="CONVICTED", lead=other_ministry, aggregation="LATEST"
    )
    act = ActivityFactory(objective=objective, code="ACT", lead=ministry)
    court = ActivityFactory(objective=objective, code="COURT", lead=other_ministry)
    periods = {p.code: p for p in plan.periods.all()}
    return {
        "plan": plan,
        "periods": periods,
        "moi_lines": {trained: 10, referred: 45, victims: 7, cases: 3},
        "moi_updates": {act: ("IN_PROGRESS", 40)},
        "moj_lines": {cases: 5, convicted: 2},
        "moj_updates": {court: ("IN_PROGRESS", 10)},
    }


@pytest.fixture
def reports(nsp, ministry, other_ministry):
    """For each ministry: an approved 2024-Q1 report (the quarter published)
    and a complete 2024-Q2 draft."""
    q1, q2 = nsp["periods"]["2024-Q1"], nsp["periods"]["2024-Q2"]
    publish_through(nsp["plan"], "2024-Q1")
    return {
        "moi_approved": approved_report(ministry, q1, values=nsp["moi_lines"], updates=nsp["moi_updates"]),
        "moj_approved": approved_report(
            other_ministry, q1, values=nsp["moj_lines"], updates=nsp["moj_updates"]
        ),
        "moi_draft": approved_report(
            ministry, q2, values=nsp["moi_lines"], updates=nsp["moi_updates"], state="DRAFT"
        ),
        "moj_draft": approved_report(
            other_ministry, q2, values=nsp["moj_lines"], updates=nsp["moj_updates"], state="DRAFT"
        ),
    }


def api_client(client, request, who):
    """The test client signed in with ``who``'s token (none for "anonymous")."""
    if who != "anonymous":
        user = request.getfixturevalue(who)
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def set_state(report: QuarterlyReport, state: str) -> QuarterlyReport:
    QuarterlyReport.objects.filter(pk=report.pk).update(state=state)
    report.refresh_from_db()
    return report


# --- Who sees what -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_user", {"moi_approved", "moj_approved", "moi_draft", "moj_draft"}),
        ("reviewer", {"moi_approved", "moj_approved", "moi_draft", "moj_draft"}),
        ("focal_point", {"moi_approved", "moi_draft"}),
        ("other_focal_point", {"moj_approved", "moj_draft"}),
        ("partner", {"moi_approved", "moj_approved"}),
    ],
)
def test_each_role_lists_only_the_reports_it_may_see(client, request, reports, who, expected):
    response = api_client(client, request, who).get("/api/v1/reports/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {reports[name].pk for name in expected}


def test_anonymous_gets_401_on_every_door(client, reports):
    pk = reports["moi_draft"].pk
    assert client.get("/api/v1/reports/").status_code == 401
    assert post(client, "/api/v1/reports/", {"plan": "NSP", "period": "2024-Q3"}).status_code == 401
    assert client.get(f"/api/v1/reports/{pk}/").status_code == 401
    assert patch(client, f"/api/v1/reports/{pk}/", {"version": 1}).status_code == 401
    for step in ("submit", "approve", "return", "reopen"):
        assert post(client, f"/api/v1/reports/{pk}/{step}/", {"comment": "x"}).status_code == 401
    assert QuarterlyReport.objects.get(pk=pk).state == "DRAFT"


@pytest.mark.parametrize(
    ("who", "report", "status"),
    [
        ("admin_user", "moj_draft", 200),
        ("reviewer", "moj_draft", 200),
        ("focal_point", "moi_draft", 200),
        ("focal_point", "moi_approved", 200),
        ("focal_point", "moj_draft", 404),
        ("focal_point", "moj_approved", 404),
        ("other_focal_point", "moi_draft", 404),
        ("partner", "moj_approved", 200),
        ("partner", "moi_draft", 404),
    ],
)
def test_each_role_reads_only_the_reports_it_may_see(client, request, reports, who, report, status):
    response = api_client(client, request, who).get(f"/api/v1/reports/{reports[report].pk}/")
    assert response.status_code == status
    if status == 404:
        assert "indicator_values" not in response.json()


def test_the_detail_gives_the_figures_by_code_and_the_history(client, request, nsp, ministry, focal_point):
    report = report_open(actor=focal_point, organisation=ministry, period=nsp["periods"]["2024-Q2"])
    victims = next(i for i in nsp["moi_lines"] if i.code == "VICTIMS")
    report_save(
        actor=focal_point,
        report=report,
        version=report.version,
        indicator_lines=[IndicatorLine(victims.pk, cells={"sex=F": Decimal(3), "sex=M": Decimal("4.5")})],
        activity_lines=[],
    )

    body = api_client(client, request, "focal_point").get(f"/api/v1/reports/{report.pk}/").json()

    assert {k: body[k] for k in ("organisation", "period", "plan", "state", "version", "late")} == {
        "organisation": "MOI",
        "period": "2024-Q2",
        "plan": "NSP",
        "state": "DRAFT",
        "version": 2,
        "late": True,  # 2024-Q2's deadline has long passed and it was never submitted
    }
    assert body["deadline"] == "2024-07-15"
    assert body["submitted_by"] is None and body["approved_at"] is None
    assert body["indicator_values"] == [
        {
            "indicator": "VICTIMS",
            "value": "7.5000",
            "cells": {"sex=F": "3.0000", "sex=M": "4.5000"},
            "note": "",
            "gap_reason": "",
            "corrective_action": "",
        }
    ]
    assert body["activity_updates"] == []
    assert [(e["actor"], e["from_state"], e["to_state"]) for e in body["events"]] == [("focal", "", "DRAFT")]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("plan=NSP&period=2024-Q2", {"moi_draft", "moj_draft"}),
        ("organisation=MOJ", {"moj_approved", "moj_draft"}),
        ("state=APPROVED", {"moi_approved", "moj_approved"}),
        ("state=draft&organisation=MOI", {"moi_draft"}),
        ("plan=OTHER", set()),
    ],
)
def test_the_list_is_filtered_by_plan_period_organisation_and_state(
    client, request, reports, params, expected
):
    body = api_client(client, request, "reviewer").get(f"/api/v1/reports/?{params}").json()
    assert {row["id"] for row in body["results"]} == {reports[name].pk for name in expected}


def test_an_unknown_state_filter_is_a_400_with_the_choices(client, request, reports):
    response = api_client(client, request, "reviewer").get("/api/v1/reports/?state=LOST")
    assert response.status_code == 400
    assert response.json() == {"state": ["Choose one of: DRAFT, SUBMITTED, RETURNED, APPROVED."]}


# --- Opening a report --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "organisation", "status"),
    [
        ("focal_point", "MOI", 201),
        ("focal_point", None, 201),  # their own organisation when left out
        ("focal_point", "MOJ", 403),
        ("other_focal_point", "MOI", 403),
        ("admin_user", "MOI", 201),  # on the ministry's behalf
        ("reviewer", "MOI", 403),
        ("partner", "MOI", 403),
    ],
)
def test_only_the_organisations_focal_point_or_the_admin_opens_its_report(
    client, request, nsp, who, organisation, status
):
    body = {"plan": "NSP", "period": "2024-Q3"}
    if organisation:
        body["organisation"] = organisation
    response = post(api_client(client, request, who), "/api/v1/reports/", body)
    assert response.status_code == status, response.json()
    if status == 201:
        report = QuarterlyReport.objects.get()
        assert (report.organisation.code, report.period.code, report.state) == ("MOI", "2024-Q3", "DRAFT")
        assert response.json()["id"] == report.pk
    else:
        assert "may not report for" in response.json()["detail"]
        assert not QuarterlyReport.objects.exists()


def test_opening_an_existing_report_returns_it(client, request, reports):
    response = post(
        api_client(client, request, "focal_point"), "/api/v1/reports/", {"plan": "NSP", "period": "2024-q2"}
    )
    assert response.status_code == 200
    assert response.json()["id"] == reports["moi_draft"].pk
    assert QuarterlyReport.objects.count() == 4


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"period": "2024-Q3"}, {"plan": ["This field is required."]}),
        ({"plan": "NOPE", "period": "2024-Q3"}, {"plan": ["No plan NOPE."]}),
        (
            {"plan": "NSP", "period": "2031-Q1"},
            {"period": ["2031-Q1 is not a period of plan NSP; write it like 2025-Q2."]},
        ),
        (
            {"plan": "NSP", "period": "2024-Q3", "organisation": "XYZ"},
            {"organisation": ["Unknown organisation code XYZ."]},
        ),
    ],
)
def test_opening_with_bad_codes_is_a_400_with_the_reason(client, request, nsp, body, errors):
    response = post(api_client(client, request, "focal_point"), "/api/v1/reports/", body)
    assert (response.status_code, response.json()) == (400, errors)


# --- Saving figures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "report", "status"),
    [
        ("focal_point", "moi_draft", 200),
        ("admin_user", "moi_draft", 200),
        ("reviewer", "moi_draft", 403),
        ("focal_point", "moj_draft", 404),
        ("other_focal_point", "moi_draft", 404),
        ("partner", "moi_draft", 404),
        ("partner", "moj_approved", 403),
        ("focal_point", "moi_approved", 409),  # approved: only a reopening makes it editable
    ],
)
def test_only_the_organisations_focal_point_or_the_admin_saves_figures(
    client, request, reports, who, report, status
):
    target = reports[report]
    before = dict(target.indicator_values.values_list("indicator__code", "value"))
    code = "TRAINED" if target.organisation.code == "MOI" else "CASES"

    response = patch(
        api_client(client, request, who),
        f"/api/v1/reports/{target.pk}/",
        {"version": target.version, "indicator_values": {code: {"value": 99}}},
    )

    assert response.status_code == status, response.json()
    after = dict(target.indicator_values.values_list("indicator__code", "value"))
    if status == 200:
        assert after[code] == 99
        assert {v["indicator"]: v["value"] for v in response.json()["indicator_values"]}[code] == "99.0000"
    else:
        assert after == before


def test_a_save_changes_only_what_it_names(client, request, reports):
    report = reports["moi_draft"]
    IndicatorValue.objects.filter(report=report, indicator__code="TRAINED").update(note="register")

    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {
            "version": report.version,
            "indicator_values": {
                "TRAINED": {"value": "12.5"},
                "VICTIMS": {"cells": {"sex=F": 2, "sex=M": 3}},
            },
            "activity_updates": {"ACT": {"percent_complete": 60}},
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == report.version + 1
    values = {v["indicator"]: v for v in body["indicator_values"]}
    assert (values["TRAINED"]["value"], values["TRAINED"]["note"]) == ("12.5000", "register")
    assert values["VICTIMS"]["cells"] == {"sex=F": "2.0000", "sex=M": "3.0000"}
    assert values["VICTIMS"]["value"] == "5.0000"
    assert values["REFERRED"]["value"] == "45.0000"  # not named, not touched
    assert body["activity_updates"] == [
        {"activity": "ACT", "status": "IN_PROGRESS", "percent_complete": "60.00", "note": ""}
    ]


def test_what_get_returns_can_be_sent_back(client, request, reports):
    api = api_client(client, request, "focal_point")
    url = f"/api/v1/reports/{reports['moi_draft'].pk}/"
    cells = {"version": 1, "indicator_values": {"VICTIMS": {"cells": {"sex=F": 1, "sex=M": 2}}}}
    assert patch(api, url, cells).status_code == 200
    read = api.get(url).json()

    response = patch(
        api,
        url,
        {k: read[k] for k in ("version", "indicator_values", "activity_updates")},
    )

    assert response.status_code == 200, response.json()
    written = response.json()
    assert written["indicator_values"] == read["indicator_values"]
    assert written["activity_updates"] == read["activity_updates"]


def test_a_null_value_clears_the_figure(client, request, reports):
    report = reports["moi_draft"]
    IndicatorValue.objects.filter(report=report, indicator__code="TRAINED").update(note="register")
    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "indicator_values": [{"indicator": "TRAINED", "value": None}]},
    )
    assert response.status_code == 200
    assert not report.indicator_values.filter(indicator__code="TRAINED").exists()


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        (
            {"indicator_values": {"TRAINED": {"value": -1}}},
            {"indicator_values": {"TRAINED": {"value": ["Enter a number of 0 or more."]}}},
        ),
        (
            {"indicator_values": {"REFERRED": {"value": 120}}},
            {"indicator_values": {"REFERRED": {"value": ["A percentage must lie between 0 and 100."]}}},
        ),
        (
            {"indicator_values": {"TRAINED": {"value": "ten"}}},
            {"indicator_values": {"TRAINED": {"value": ["A valid number is required."]}}},
        ),
        (
            {"indicator_values": {"TRAINED": {"value": True}}},
            {"indicator_values": {"TRAINED": {"value": ["A valid number is required."]}}},
        ),
        (
            {"indicator_values": {"TRAINED": {"value": "1.23456"}}},
            {
                "indicator_values": {
                    "TRAINED": {"value": ["Ensure that there are no more than 4 decimal places."]}
                }
            },
        ),
        (
            {"indicator_values": {"NOPE": {"value": 1}}},
            {"indicator_values": {"NOPE": {"indicator": ["No indicator NOPE in plan NSP."]}}},
        ),
        (
            {"indicator_values": {"CONVICTED": {"value": 1}}},
            {
                "indicator_values": {
                    "CONVICTED": {
                        "value": ["This indicator is not one your organisation reports for this period."]
                    }
                }
            },
        ),
        (
            {"indicator_values": {"VICTIMS": {"cells": {"sex=X": 1, "sex=F": -2}}}},
            {
                "indicator_values": {
                    "VICTIMS": {
                        "cells": {"sex=X": ["Unknown cell."], "sex=F": ["Enter a number of 0 or more."]}
                    }
                }
            },
        ),
        (
            {"indicator_values": {"VICTIMS": {"value": 4}}},
            {
                "indicator_values": {
                    "VICTIMS": {"value": ["This indicator is disaggregated: give its cells, not a value."]}
                }
            },
        ),
        (
            {"indicator_values": {"TRAINED": {"cells": {"sex=F": 1}}}},
            {
                "indicator_values": {
                    "TRAINED": {"cells": ["This indicator is not disaggregated: give its value."]}
                }
            },
        ),
        (
            {"indicator_values": {"TRAINED": {"valeu": 3}}},
            {
                "indicator_values": {
                    "TRAINED": {
                        "valeu": [
                            "Unknown field; the fields are: indicator, value, cells, note, gap_reason, "
                            "corrective_action."
                        ]
                    }
                }
            },
        ),
        (
            {"indicator_values": "TRAINED=3"},
            {"indicator_values": ["Give an object keyed by indicator code, or a list."]},
        ),
        (
            {"indicator_values": [{"value": 3}]},
            {"indicator_values": ["Line 1 does not name its indicator by code."]},
        ),
        (
            {"indicator_values": [{"indicator": "TRAINED"}, {"indicator": "TRAINED"}]},
            {"indicator_values": ["TRAINED is given twice."]},
        ),
        (
            {"activity_updates": {"ACT": {"status": "COMPLETED", "percent_complete": 80}}},
            {"activity_updates": {"ACT": {"percent_complete": ["A completed activity is 100% complete."]}}},
        ),
        (
            {"activity_updates": {"ACT": {"status": "DONE"}}},
            {"activity_updates": {"ACT": {"status": ['"DONE" is not a valid choice.']}}},
        ),
        (
            {"activity_updates": {"COURT": {"status": "DELAYED"}}},
            {
                "activity_updates": {
                    "COURT": {
                        "status": [
                            "This activity is not one your organisation reports on in this period: another "
                            "organisation leads it, or it was reported finished in an earlier quarter."
                        ]
                    }
                }
            },
        ),
    ],
)
def test_bad_figures_are_a_400_keyed_by_code_and_nothing_is_saved(client, request, reports, lines, errors):
    report = reports["moi_draft"]
    before = list(IndicatorValue.objects.order_by("pk").values_list("value", flat=True))

    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, **lines},
    )

    assert (response.status_code, response.json()) == (400, errors)
    assert list(IndicatorValue.objects.order_by("pk").values_list("value", flat=True)) == before
    report.refresh_from_db()
    assert report.version == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"version": ["This field is required."]}),
        ({"version": "one"}, {"version": ["A valid integer is required."]}),
        ({"version": 1, "state": "APPROVED"}, None),
    ],
)
def test_the_version_is_required_and_unknown_fields_are_refused(client, request, reports, body, errors):
    response = patch(
        api_client(client, request, "focal_point"), f"/api/v1/reports/{reports['moi_draft'].pk}/", body
    )
    assert response.status_code == 400
    if errors:
        assert response.json() == errors
    else:
        assert "Unknown field" in response.json()["state"][0]
    assert QuarterlyReport.objects.get(pk=reports["moi_draft"].pk).state == "DRAFT"


@pytest.mark.parametrize("raw", ['{"version": 1, "indicator_values": {', "[1, 2]", '"text"', "null"], ids=str)
def test_a_body_that_is_not_a_json_object_is_a_400(client, request, reports, raw):
    response = api_client(client, request, "focal_point").patch(
        f"/api/v1/reports/{reports['moi_draft'].pk}/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()


def test_the_later_of_two_saves_gets_409_and_the_current_version(client, request, reports, ministry):
    report = reports["moi_draft"]
    colleague = UserFactory(
        username="sokha", first_name="Sokha", last_name="Chan", role="focal_point", organisation=ministry
    )
    opened_at = report.version
    report_save(
        actor=colleague,
        report=report,
        version=opened_at,
        indicator_lines=[
            IndicatorLine(report.indicator_values.get(indicator__code="TRAINED").indicator_id, Decimal(12))
        ],
        activity_lines=[],
    )

    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {"version": opened_at, "indicator_values": {"TRAINED": {"value": 99}}},
    )

    assert response.status_code == 409
    assert "Sokha Chan saved this report" in response.json()["detail"]
    assert response.json()["version"] == opened_at + 1
    assert report.indicator_values.get(indicator__code="TRAINED").value == 12


def test_a_submitted_report_cannot_be_edited(client, request, reports):
    report = set_state(reports["moi_draft"], "SUBMITTED")
    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {"version": report.version, "indicator_values": {"TRAINED": {"value": 99}}},
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "This report is Submitted and can no longer be edited."}


# --- The workflow ------------------------------------------------------------------

# The state each step starts from, and the state it leads to.
STEPS = {
    "submit": ("DRAFT", "SUBMITTED"),
    "approve": ("SUBMITTED", "APPROVED"),
    "return": ("SUBMITTED", "RETURNED"),
    "reopen": ("APPROVED", "RETURNED"),
}


@pytest.mark.parametrize(
    ("who", "own"),
    [
        ("focal_point", {"submit": 200, "approve": 403, "return": 403, "reopen": 403}),
        # The administrator may submit on the ministry's behalf; having submitted
        # it, they may not approve it too (Plan.approval_by_another).
        ("admin_user", {"submit": 200, "approve": 403, "return": 200, "reopen": 200}),
        ("reviewer", {"submit": 403, "approve": 200, "return": 200, "reopen": 200}),
        ("other_focal_point", {"submit": 404, "approve": 404, "return": 404, "reopen": 404}),
        # A partner sees approved reports of published quarters only: this one's
        # quarter (2024-Q2) is open, so even approved it is not the partner's to see.
        ("partner", {"submit": 404, "approve": 404, "return": 404, "reopen": 404}),
    ],
)
def test_each_step_is_open_only_to_its_roles(client, request, reports, who, own):
    api = api_client(client, request, who)
    for step, status in own.items():
        start, end = STEPS[step]
        report = set_state(reports["moi_draft"], start)
        events = ReportEvent.objects.filter(report=report).count()

        response = post(
            api,
            f"/api/v1/reports/{report.pk}/{step}/",
            {"comment": "Figures checked"} if step != "submit" else {},
        )

        assert response.status_code == status, (step, response.json())
        report.refresh_from_db()
        if status == 200:
            assert report.state == end == response.json()["state"]
            assert ReportEvent.objects.filter(report=report).count() == events + 1
        else:
            assert report.state == start
            assert ReportEvent.objects.filter(report=report).count() == events


def test_a_focal_point_cannot_move_another_ministrys_report(client, request, reports):
    api = api_client(client, request, "focal_point")
    for step, (start, _end) in STEPS.items():
        report = set_state(reports["moj_draft"], start)
        assert (
            post(
                api, f"/api/v1/reports/{report.pk}/{step}/", {"comment": "x"} if step != "submit" else {}
            ).status_code
            == 404
        )
        report.refresh_from_db()
        assert report.state == start


def test_the_whole_cycle_records_who_did_each_step(client, request, reports, focal_point, reviewer):
    pk = reports["moi_draft"].pk
    focal = api_client(client, request, "focal_point")
    assert post(focal, f"/api/v1/reports/{pk}/submit/").status_code == 200
    review = api_client(client.__class__(), request, "reviewer")
    body = post(review, f"/api/v1/reports/{pk}/return/", {"comment": "TRAINED looks doubled"}).json()
    assert (body["state"], body["review_comment"]) == ("RETURNED", "TRAINED looks doubled")
    assert post(focal, f"/api/v1/reports/{pk}/submit/").status_code == 200
    body = post(review, f"/api/v1/reports/{pk}/approve/").json()
    assert (body["state"], body["approved_by"], body["submitted_by"]) == ("APPROVED", "reviewer", "focal")
    assert [(e["actor"], e["to_state"], e["comment"]) for e in body["events"]] == [
        ("focal", "SUBMITTED", ""),
        ("reviewer", "RETURNED", "TRAINED looks doubled"),
        ("focal", "SUBMITTED", ""),
        ("reviewer", "APPROVED", ""),
    ]


@pytest.mark.parametrize(("step", "start"), [("return", "SUBMITTED"), ("reopen", "APPROVED")])
def test_return_and_reopen_need_a_comment(client, request, reports, step, start):
    report = set_state(reports["moi_draft"], start)
    api = api_client(client, request, "reviewer")
    for body in ({}, {"comment": "   "}):
        response = post(api, f"/api/v1/reports/{report.pk}/{step}/", body)
        assert response.status_code == 400
        assert list(response.json()) == ["comment"]
    report.refresh_from_db()
    assert report.state == start


@pytest.mark.parametrize(
    ("step", "start"),
    [("approve", "DRAFT"), ("return", "DRAFT"), ("reopen", "SUBMITTED"), ("approve", "APPROVED")],
)
def test_a_step_not_allowed_from_the_current_state_is_a_409(client, request, reports, step, start):
    report = set_state(reports["moi_draft"], start)
    response = post(
        api_client(client, request, "reviewer"), f"/api/v1/reports/{report.pk}/{step}/", {"comment": "x"}
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith(f"This report is {start.capitalize()}: it cannot be")
    report.refresh_from_db()
    assert report.state == start


def test_submitting_an_incomplete_report_lists_what_is_missing_by_code(client, request, reports):
    report = reports["moi_draft"]
    report.indicator_values.filter(indicator__code__in=["TRAINED", "CASES"]).delete()
    report.activity_updates.all().delete()

    response = post(api_client(client, request, "focal_point"), f"/api/v1/reports/{report.pk}/submit/")

    assert response.status_code == 400
    assert response.json() == {
        "indicator_values": {
            "TRAINED": {"value": ["Enter a value before submitting."]},
            "CASES": {"value": ["Enter a value before submitting."]},
        },
        "activity_updates": {"ACT": {"status": ["Give this activity's status before submitting."]}},
    }


def test_submit_takes_no_comment(client, request, reports):
    response = post(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{reports['moi_draft'].pk}/submit/",
        {"comment": "done"},
    )
    assert response.status_code == 400 and "comment" in response.json()


def test_every_problem_of_a_mixed_bad_save_is_in_one_400_and_nothing_is_saved(client, request, reports):
    report = reports["moi_draft"]
    before = list(IndicatorValue.objects.order_by("pk").values_list("value", flat=True))
    body = {
        "version": report.version,
        "indicator_values": {
            "TRAINED": {"value": "twelve"},
            "REFERRED": {"value": 150},
            "VICTIMS": {"cells": {"sex=F": "1,250", "sex=M": -3}},
            "CASES": {"value": -5, "note": ["a list"]},
            "NOPE": {"value": 1},
        },
        "activity_updates": {"ACT": {"status": "COMPLETED", "percent_complete": "abc"}},
    }

    response = patch(api_client(client, request, "focal_point"), f"/api/v1/reports/{report.pk}/", body)

    assert response.status_code == 400
    assert response.json() == {
        "indicator_values": {
            "TRAINED": {"value": ["A valid number is required."]},
            "REFERRED": {"value": ["A percentage must lie between 0 and 100."]},
            "VICTIMS": {
                "cells": {"sex=F": ["A valid number is required."], "sex=M": ["Enter a number of 0 or more."]}
            },
            "CASES": {"note": ["Not a valid string."], "value": ["Enter a number of 0 or more."]},
            "NOPE": {"indicator": ["No indicator NOPE in plan NSP."]},
        },
        "activity_updates": {"ACT": {"percent_complete": ["A valid number is required."]}},
    }
    assert list(IndicatorValue.objects.order_by("pk").values_list("value", flat=True)) == before
    report.refresh_from_db()
    assert report.version == 1


def test_a_bad_version_does_not_hide_the_bad_figures(client, request, reports):
    report = reports["moi_draft"]
    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {"version": "one", "indicator_values": {"TRAINED": {"value": -1}}},
    )
    assert response.json() == {
        "version": ["A valid integer is required."],
        "indicator_values": {"TRAINED": {"value": ["Enter a number of 0 or more."]}},
    }


def test_an_activity_not_due_yet_may_be_reported_early(client, request, reports, nsp, ministry):
    report = reports["moi_draft"]  # 2024-Q2
    ActivityFactory(
        objective=nsp["plan"].objectives.get(),
        code="EARLY",
        lead=ministry,
        start_period=nsp["periods"]["2024-Q4"],
        end_period=nsp["periods"]["2025-Q2"],
    )
    response = patch(
        api_client(client, request, "focal_point"),
        f"/api/v1/reports/{report.pk}/",
        {
            "version": report.version,
            "activity_updates": {"EARLY": {"status": "IN_PROGRESS", "percent_complete": 5}},
        },
    )
    assert response.status_code == 200, response.json()
    assert {u["activity"]: u["status"] for u in response.json()["activity_updates"]}["EARLY"] == "IN_PROGRESS"


def test_a_return_carries_comments_on_lines_until_the_report_is_approved(client, request, reports):
    pk = reports["moi_draft"].pk
    focal = api_client(client, request, "focal_point")
    assert post(focal, f"/api/v1/reports/{pk}/submit/").status_code == 200
    review = api_client(client.__class__(), request, "reviewer")

    body = post(
        review,
        f"/api/v1/reports/{pk}/return/",
        {
            "comment": "Two lines to check",
            "line_comments": {
                "indicator_values": {"TRAINED": "The register shows 8", "REFERRED": "  "},
                "activity_updates": {"ACT": "Which provinces?"},
            },
        },
    ).json()

    assert body["state"] == "RETURNED"
    comments = body["line_comments"]
    assert {code: c["comment"] for code, c in comments["indicator_values"].items()} == {
        "TRAINED": "The register shows 8"
    }
    assert comments["activity_updates"]["ACT"]["comment"] == "Which provinces?"
    assert comments["activity_updates"]["ACT"]["written_by"] == "reviewer"
    # The focal point reads them on the report's detail.
    detail = focal.get(f"/api/v1/reports/{pk}/").json()
    assert detail["line_comments"] == comments
    # Resubmitted, they stay for the reviewer; approved, they are cleared.
    assert post(focal, f"/api/v1/reports/{pk}/submit/").json()["line_comments"] == comments
    assert post(review, f"/api/v1/reports/{pk}/approve/").json()["line_comments"] == {
        "indicator_values": {},
        "activity_updates": {},
    }


def test_comments_on_lines_outside_the_report_are_refused_with_the_return(client, request, reports):
    report = set_state(reports["moi_draft"], "SUBMITTED")
    response = post(
        api_client(client, request, "reviewer"),
        f"/api/v1/reports/{report.pk}/return/",
        {
            "comment": "x",
            "line_comments": {
                "indicator_values": {"NOPE": "a", "CONVICTED": "b"},
                "activity_updates": {"ACT": "c"},
            },
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "line_comments": {"indicator_values": {"NOPE": ["No indicator NOPE in this report's plan."]}}
    }
    response = post(
        api_client(client, request, "reviewer"),
        f"/api/v1/reports/{report.pk}/return/",
        {"comment": "", "line_comments": {"indicator_values": {"CONVICTED": "MOJ's, not yours"}}},
    )
    assert response.status_code == 400
    assert response.json() == {
        "comment": ["Say what needs correcting, so the ministry can fix it."],
        "line_comments": {"indicator_values": {"CONVICTED": ["This line is not in the report."]}},
    }
    report.refresh_from_db()
    assert report.state == "SUBMITTED"


# --- Queries -----------------------------------------------------------------------


def grow(nsp, count: int):
    """``count`` more organisations, each leading an indicator (split by sex)
    and an activity, with an approved report per quarter of 2024 holding them."""
    objective = nsp["plan"].objectives.get()
    for n in range(count):
        organisation = OrganisationFactory(code=f"PCCT-{n:02}")
        indicator = IndicatorFactory(objective=objective, code=f"G{n}", lead=organisation)
        indicator.disaggregation.add(*nsp["plan"].indicators.get(code="VICTIMS").disaggregation.all())
        activity = ActivityFactory(objective=objective, code=f"GA{n}", lead=organisation)
        for code in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
            report = approved_report(
                organisation,
                nsp["periods"][code],
                values={indicator: n},
                updates={activity: ("IN_PROGRESS", 50)},
            )
            value = report.indicator_values.get()
            value.cells.create(cell="sex=F", value=n)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_list_reads_in_a_fixed_number_of_queries(
    client, request, reports, nsp, extra, django_assert_max_num_queries
):
    grow(nsp, extra)
    api = api_client(client, request, "reviewer")
    # token and user, count, one page of reports with their organisation,
    # period, plan, submitter and approver
    with django_assert_max_num_queries(3):
        body = api.get("/api/v1/reports/").json()
    assert body["count"] == 4 + 4 * extra


@pytest.mark.parametrize("extra", [0, 12])
def test_the_detail_reads_in_a_fixed_number_of_queries(
    client, request, reports, nsp, ministry, extra, django_assert_max_num_queries
):
    report = reports["moi_draft"]
    objective = nsp["plan"].objectives.get()
    sex = nsp["plan"].indicators.get(code="VICTIMS").disaggregation.all()
    for n in range(extra):
        indicator = IndicatorFactory(objective=objective, code=f"M{n}", lead=ministry)
        indicator.disaggregation.add(*sex)
        value = IndicatorValue.objects.create(report=report, indicator=indicator, value=n)
        value.cells.create(cell="sex=M", value=n)
        ActivityFactory(objective=objective, code=f"MA{n}", lead=ministry).updates.create(
            report=report, status="DELAYED", percent_complete=5
        )
        ReportEvent.objects.create(report=report, from_state="DRAFT", to_state="DRAFT")
    api = api_client(client, request, "focal_point")
    # token and user, the report with its organisation, period, plan, submitter
    # and approver; its values, their cells, its activity updates, its events,
    # the comments on its lines
    with django_assert_max_num_queries(7):
        body = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert len(body["indicator_values"]) == 4 + extra
    assert len(body["activity_updates"]) == 1 + extra
