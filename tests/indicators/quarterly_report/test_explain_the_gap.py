"""Explain the gap: the lead of an indicator that was at risk or off track in
the previous quarter gives a reason and a corrective action before the next
report can be submitted; saving a draft stays free."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from indicators.models import IndicatorValue, QuarterlyReport, ReportEvent
from indicators.quarterly_report.from_file import ReportFill, reports_fill
from indicators.quarterly_report.selectors import indicators_to_explain
from indicators.quarterly_report.services import IndicatorLine, report_open, report_save
from indicators.quarterly_report.workflow import (
    report_reopen,
    report_submit,
    submission_errors,
)
from plans.models import AuditEvent
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db

REASON = "Funds for the quarter were released late."
ACTION = "Ask for next quarter's funds on time."


@pytest.fixture
def nsp(ministry, other_ministry):
    """At 2024-Q1, with 25 a quarter expected of each SUM indicator: MOI's
    TRAINED is at risk (18), SLOW off track (5), STEADY on track (25), SILENT
    has no data and LATER (nothing due in 2024) is not due. MOJ's CASES, to
    which MOI contributes, is at risk (18)."""
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1", pillar__code="P1")

    def indicator(code, lead, targets=(100,) * 5):
        return IndicatorFactory(objective=objective, code=code, lead=lead, targets=list(targets))

    p = {
        "plan": plan,
        "trained": indicator("TRAINED", ministry),
        "slow": indicator("SLOW", ministry),
        "steady": indicator("STEADY", ministry),
        "silent": indicator("SILENT", ministry),
        "later": indicator("LATER", ministry, targets=(0, 100, 100, 100, 100)),
        "cases": indicator("CASES", other_ministry),
        "q1": plan.periods.get(code="2024-Q1"),
        "q2": plan.periods.get(code="2024-Q2"),
        "q3": plan.periods.get(code="2024-Q3"),
    }
    p["cases"].contributors.add(ministry)
    approved_report(
        ministry,
        p["q1"],
        values={p["trained"]: 18, p["slow"]: 5, p["steady"]: 25, p["later"]: 0, p["cases"]: 0},
    )
    approved_report(other_ministry, p["q1"], values={p["cases"]: 18})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return p


def statuses_at(p, period) -> dict[str, str]:
    return dict(
        ScoreSnapshot.objects.filter(period=period, node_type="indicator").values_list("code", "status")
    )


def test_the_example_plan_has_every_status_at_2024_q1(nsp):
    # The other tests rely on these statuses.
    assert statuses_at(nsp, nsp["q1"]) == {
        "TRAINED": "AT_RISK",
        "SLOW": "OFF_TRACK",
        "STEADY": "ON_TRACK",
        "SILENT": "NO_DATA",
        "LATER": "NOT_DUE",
        "CASES": "AT_RISK",
    }


def lines(p, *, explained=(), reason=REASON, action=ACTION):
    """Every figure MOI gives for 2024-Q2; the indicators in ``explained`` with
    a reason and a corrective action."""
    figures = {"trained": 20, "slow": 10, "steady": 25, "silent": 30, "later": 0, "cases": 2}
    return [
        IndicatorLine(
            p[name].pk,
            value=Decimal(number),
            gap_reason=reason if name in explained else "",
            corrective_action=action if name in explained else "",
        )
        for name, number in figures.items()
    ]


@pytest.fixture
def draft(nsp, ministry, focal_point):
    return report_open(actor=focal_point, organisation=ministry, period=nsp["q2"])


def save(report, actor, indicator_lines):
    return report_save(
        actor=actor, report=report, version=report.version, indicator_lines=indicator_lines, activity_lines=[]
    )


def field(indicator, name: str) -> str:
    return f"indicator-{indicator.pk}-{name}"


# --- The rule ----------------------------------------------------------------------


def test_the_lead_explains_what_was_at_risk_or_off_track_in_the_previous_quarter(nsp, draft):
    gaps = indicators_to_explain(draft)

    assert {pk: (gap.status, gap.period_code) for pk, gap in gaps.items()} == {
        nsp["trained"].pk: ("AT_RISK", "2024-Q1"),
        nsp["slow"].pk: ("OFF_TRACK", "2024-Q1"),
    }


def test_a_contributor_does_not_explain_the_leads_gap_but_the_lead_does(nsp, draft, other_ministry):
    assert nsp["cases"].pk not in indicators_to_explain(draft)

    moj = approved_report(other_ministry, nsp["q2"], values={nsp["cases"]: 20}, state="DRAFT")
    assert set(indicators_to_explain(moj)) == {nsp["cases"].pk}
    assert set(submission_errors(moj)) == {
        field(nsp["cases"], "gap_reason"),
        field(nsp["cases"], "corrective_action"),
    }


def test_only_the_previous_quarter_counts(nsp, ministry, focal_point):
    # At 2024-Q2 everything is on track: the 2024-Q3 report explains nothing,
    # although TRAINED and SLOW were behind in 2024-Q1.
    approved_report(
        ministry,
        nsp["q2"],
        values={nsp["trained"]: 40, nsp["slow"]: 45, nsp["steady"]: 25, nsp["silent"]: 50, nsp["later"]: 0},
    )
    plan_scores_recompute(plan_id=nsp["plan"].pk, everything=True)
    assert statuses_at(nsp, nsp["q2"])["TRAINED"] == "ON_TRACK"
    q3 = report_open(actor=focal_point, organisation=ministry, period=nsp["q3"])

    assert indicators_to_explain(q3) == {}


def test_nothing_is_explained_before_the_scores_are_computed(nsp, draft):
    ScoreSnapshot.objects.all().delete()

    assert indicators_to_explain(draft) == {}


def test_the_rule_reads_the_scores_in_one_query_whatever_the_plan_size(
    nsp, draft, ministry, django_assert_num_queries
):
    for n in range(10):
        IndicatorFactory(
            objective=nsp["trained"].objective, code=f"MORE{n}", lead=ministry, targets=[100] * 5
        )
    with django_assert_num_queries(1):
        indicators_to_explain(draft)


# --- Submitting --------------------------------------------------------------------


def test_submit_is_refused_until_the_gaps_are_explained_and_nothing_moves(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp))
    version = draft.version

    with pytest.raises(ValidationError) as refusal:
        report_submit(actor=focal_point, report=draft)

    assert refusal.value.message_dict == {
        field(nsp["trained"], "gap_reason"): ["TRAINED was at risk in 2024-Q1: say why it fell short."],
        field(nsp["trained"], "corrective_action"): [
            "TRAINED was at risk in 2024-Q1: say what is being done about it."
        ],
        field(nsp["slow"], "gap_reason"): ["SLOW was off track in 2024-Q1: say why it fell short."],
        field(nsp["slow"], "corrective_action"): [
            "SLOW was off track in 2024-Q1: say what is being done about it."
        ],
    }
    draft.refresh_from_db()
    assert (draft.state, draft.version, draft.submitted_at) == ("DRAFT", version, None)
    assert not ReportEvent.objects.filter(report=draft, to_state="SUBMITTED").exists()
    assert not AuditEvent.objects.filter(action="report.submitted").exists()


def test_saving_a_draft_needs_no_explanation(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp))

    assert IndicatorValue.objects.filter(report=draft).count() == 6


def test_submit_is_accepted_once_both_are_given(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp, explained={"trained", "slow"}))

    report = report_submit(actor=focal_point, report=draft)

    assert report.state == "SUBMITTED"
    explained = IndicatorValue.objects.filter(report=draft).exclude(gap_reason="")
    assert set(explained.values_list("indicator__code", "gap_reason", "corrective_action")) == {
        ("TRAINED", REASON, ACTION),
        ("SLOW", REASON, ACTION),
    }


def test_a_reason_without_a_corrective_action_is_not_enough(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp, explained={"trained", "slow"}, action="   "))

    with pytest.raises(ValidationError) as refusal:
        report_submit(actor=focal_point, report=draft)

    assert set(refusal.value.message_dict) == {
        field(nsp["trained"], "corrective_action"),
        field(nsp["slow"], "corrective_action"),
    }


def test_a_missing_figure_is_asked_for_with_its_explanation(nsp, draft, focal_point):
    save(draft, focal_point, [line for line in lines(nsp) if line.indicator_id != nsp["trained"].pk])

    errors = submission_errors(draft)

    assert errors[field(nsp["trained"], "value")] == ["Enter a value before submitting."]
    assert field(nsp["trained"], "gap_reason") in errors


def test_the_first_quarter_has_nothing_to_explain(nsp, ministry, reviewer, focal_point):
    # 2024-Q1's own score says TRAINED is at risk, but there is no quarter before it.
    q1 = QuarterlyReport.objects.get(organisation=ministry, period=nsp["q1"])
    report_reopen(actor=reviewer, report=q1, reason="The training figure needs checking.")
    save(q1, focal_point, lines(nsp)[:5])
    assert statuses_at(nsp, nsp["q1"])["TRAINED"] == "AT_RISK"

    assert report_submit(actor=focal_point, report=q1).state == "SUBMITTED"


# --- The report page ---------------------------------------------------------------


def form_url(period_code="2024-Q2") -> str:
    return reverse(
        "quarterly_report:report_form",
        kwargs={"org_code": "MOI", "plan_code": "NSP", "period_code": period_code},
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(content: str, indicator) -> str:
    """The part of the page about one indicator."""
    start = content.index(f'id="indicator-{indicator.pk}"')
    end = content.find('<div class="card ', start)
    return content[start : end if end > 0 else len(content)]


def error_next_to(content: str, field_name: str) -> str:
    match = re.search(rf'id="id_{re.escape(field_name)}-error">([^<]*)<', content)
    return match.group(1).strip() if match else ""


def test_the_form_asks_for_the_explanation_unfolded_with_the_status(nsp, draft, focal_point):
    content = signed_in(focal_point).get(form_url()).content.decode()

    trained = card(content, nsp["trained"])
    assert "<details" not in trained
    assert "(required to submit)" in trained
    assert 'class="ntip-status ntip-status-AT_RISK">At risk</span>' in trained
    assert "This indicator was at risk in 2024-Q1" in trained
    assert trained.count('aria-required="true"') == 2
    assert 'class="ntip-status ntip-status-OFF_TRACK">Off track</span>' in card(content, nsp["slow"])
    for name in ("steady", "silent", "later"):
        assert "(optional)</summary>" in card(content, nsp[name])
        assert 'aria-required="true"' not in card(content, nsp[name])


def submit_post(p, report, **overrides) -> dict:
    data = {"version": report.version, "action": "submit"}
    for name, number in {
        "trained": 20,
        "slow": 10,
        "steady": 25,
        "silent": 30,
        "later": 0,
        "cases": 2,
    }.items():
        data[field(p[name], "value")] = str(number)
    data.update(overrides)
    return data


def test_the_page_shows_what_is_missing_next_to_the_fields_and_keeps_the_draft(nsp, draft, focal_point):
    response = signed_in(focal_point).post(
        form_url(), submit_post(nsp, draft, **{field(nsp["slow"], "gap_reason"): REASON})
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert "Your draft is saved, but it is not submitted" in content
    assert error_next_to(content, field(nsp["trained"], "gap_reason")) == (
        "TRAINED was at risk in 2024-Q1: say why it fell short."
    )
    assert error_next_to(content, field(nsp["slow"], "corrective_action")) == (
        "SLOW was off track in 2024-Q1: say what is being done about it."
    )
    assert error_next_to(content, field(nsp["slow"], "gap_reason")) == ""
    draft.refresh_from_db()
    assert draft.state == "DRAFT"
    assert IndicatorValue.objects.get(report=draft, indicator=nsp["slow"]).gap_reason == REASON


def test_the_page_submits_once_the_gaps_are_explained(nsp, draft, focal_point):
    explained = {
        field(nsp[name], part): text
        for name in ("trained", "slow")
        for part, text in (("gap_reason", REASON), ("corrective_action", ACTION))
    }

    response = signed_in(focal_point).post(form_url(), submit_post(nsp, draft, **explained))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "SUBMITTED"


def test_the_submitted_report_shows_the_status_with_the_reason(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp, explained={"trained", "slow"}))
    report_submit(actor=focal_point, report=draft)

    trained = card(signed_in(focal_point).get(form_url()).content.decode(), nsp["trained"])

    assert 'ntip-status-AT_RISK">At risk</span> in 2024-Q1' in trained
    assert REASON in trained and "Ask for next quarter&#x27;s funds on time." in trained


# --- The API -----------------------------------------------------------------------


def api_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_the_api_refuses_submit_with_the_missing_explanations_by_code(nsp, draft, focal_point):
    save(draft, focal_point, lines(nsp, explained={"slow"}))
    api = api_client(focal_point)

    response = api.post(f"/api/v1/reports/{draft.pk}/submit/", "{}", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "indicator_values": {
            "TRAINED": {
                "gap_reason": ["TRAINED was at risk in 2024-Q1: say why it fell short."],
                "corrective_action": ["TRAINED was at risk in 2024-Q1: say what is being done about it."],
            }
        }
    }
    draft.refresh_from_db()
    assert draft.state == "DRAFT"

    body = {
        "version": draft.version,
        "indicator_values": {"TRAINED": {"gap_reason": REASON, "corrective_action": ACTION}},
    }
    assert (
        api.patch(
            f"/api/v1/reports/{draft.pk}/", json.dumps(body), content_type="application/json"
        ).status_code
        == 200
    )
    response = api.post(f"/api/v1/reports/{draft.pk}/submit/", "{}", content_type="application/json")
    assert (response.status_code, response.json()["state"]) == (200, "SUBMITTED")


# --- Imports -----------------------------------------------------------------------


def test_historical_figures_imported_as_approved_need_no_explanation(nsp, ministry, admin_user):
    # The secretariat approves them as it imports them, and a values file holds no reasons.
    fill = ReportFill(ministry, nsp["q2"], None, lines(nsp), [])
    (report,) = reports_fill(actor=admin_user, plan=nsp["q2"].plan, fills=[fill], approve=True)

    assert report.state == "APPROVED"
    assert not IndicatorValue.objects.filter(report=report).exclude(gap_reason="").exists()
