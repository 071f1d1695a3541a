"""The dashboard pages: who may open them, what they must not show to whom,
the figures they show, and a fixed number of queries whatever the plan's size."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Category, DisaggregatedValue, IndicatorValue, ReportEvent
from indicators.quarterly_report.workflow import report_approve
from plans.models import Plan, User
from plans.services import scores_mark_stale
from reports.dashboards.indicator import _target_to_date
from reports.dashboards.justice_chain import JUSTICE_INDICATOR_CODES
from reports.dashboards.scorecard import LATE, MISSING, NOT_EXPECTED, ON_TIME, PENDING, report_timeliness
from reports.privacy import SUPPRESSION_THRESHOLD, suppress_small
from reports.scores.recompute import plan_scores_recompute
from tests.factories import (
    ActivityFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PillarFactory,
    PlanFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "reviewer", "focal_point", "partner"]
PAGES = [
    "/dashboards/",
    "/dashboards/NSP/",
    "/dashboards/NSP/pillars/P1/",
    "/dashboards/NSP/objectives/O1.1/",
    "/dashboards/NSP/indicators/I1.1.1/",
    "/dashboards/NSP/organisations/MOI/",
    "/dashboards/NSP/justice-chain/",
]
AS_OF = "?period=2024-Q4"


def build_plan(code: str, *, pillars: int, ministry, other_ministry, is_public=False, behind=False):
    """A plan of ``pillars`` pillars, each with two objectives of two indicators
    and an activity, and a year of approved figures from both ministries: on
    track, or with ``behind`` every second indicator off track."""
    plan = PlanFactory(code=code, is_public=is_public)
    periods = {p.code: p for p in plan.periods.all()}
    sex = DimensionFactory(code="sex", name="Sex")
    female, _ = Category.objects.get_or_create(
        dimension=sex, code="F", defaults={"name": "Female", "position": 1}
    )
    Category.objects.get_or_create(dimension=sex, code="M", defaults={"name": "Male", "position": 2})
    values = {ministry: {}, other_ministry: {}}
    updates = {}
    for p in range(1, pillars + 1):
        pillar = PillarFactory(plan=plan, code=f"P{p}", position=p)
        for o in (1, 2):
            objective = ObjectiveFactory(plan=plan, pillar=pillar, code=f"O{p}.{o}", position=o)
            for i in (1, 2):
                indicator = IndicatorFactory(
                    objective=objective, code=f"I{p}.{o}.{i}", lead=ministry, targets=[100] * 5, unit="people"
                )
                indicator.contributors.add(other_ministry)
                indicator.disaggregation.add(sex)
                values[ministry][indicator] = 5 if behind and i == 2 else 20
                values[other_ministry][indicator] = 5
            activity = ActivityFactory(
                objective=objective, code=f"A{p}.{o}", lead=ministry, end_period=periods["2028-Q4"]
            )
            updates[activity] = ("IN_PROGRESS", 50)
    for quarter in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        report = approved_report(ministry, periods[quarter], values=values[ministry], updates=updates)
        approved_report(other_ministry, periods[quarter], values=values[other_ministry])
        for value in report.indicator_values.all():
            DisaggregatedValue.objects.create(
                indicator_value=value, cell=f"sex={female.code}", value=value.value
            )
        ReportEvent.objects.create(report=report, from_state="DRAFT", to_state="SUBMITTED")
        ReportEvent.objects.create(report=report, from_state="SUBMITTED", to_state="APPROVED")
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan


@pytest.fixture
def plan(ministry, other_ministry):
    return build_plan("NSP", pillars=1, ministry=ministry, other_ministry=other_ministry)


def sign_in(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


# --- Who may open what ------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_signed_in_role_opens_every_dashboard_page(client, plan, request, who, url):
    sign_in(client, request, who)
    response = client.get(url + AS_OF)
    assert response.status_code == 200
    assert b"Dashboards" in response.content


@pytest.mark.parametrize("url", [*PAGES, "/dashboards/NSP/organisations/MOJ/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, plan, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/NOPE/",
        "/dashboards/NSP/pillars/P9/",
        "/dashboards/NSP/objectives/O9.9/",
        "/dashboards/NSP/indicators/I9.9.9/",
        "/dashboards/NSP/organisations/NOPE/",
        "/dashboards/NOPE/justice-chain/",
        "/public/NOPE/",
    ],
)
def test_unknown_plans_and_nodes_are_404(client, plan, focal_point, url):
    client.force_login(focal_point)
    assert client.get(url).status_code == 404


def test_a_pillar_of_another_plan_is_404(client, plan, focal_point, ministry, other_ministry):
    build_plan("OTHER", pillars=2, ministry=ministry, other_ministry=other_ministry)
    client.force_login(focal_point)
    assert client.get("/dashboards/NSP/pillars/P2/").status_code == 404
    assert client.get("/dashboards/OTHER/pillars/P2/").status_code == 200


# --- Never another organisation's unapproved figures ---------------------------------------


@pytest.fixture
def submitted_by_other_ministry(plan, other_ministry):
    """MOJ's 2025-Q1 report, submitted but not approved, with a figure and a
    note nobody but the secretariat's review should see."""
    period = plan.periods.get(code="2025-Q1")
    report = approved_report(other_ministry, period, state="SUBMITTED", values={})
    IndicatorValue.objects.create(
        report=report,
        indicator=plan.indicators.get(code="I1.1.1"),
        value=Decimal("987654"),
        note="Unapproved note from MOJ",
    )
    return report


@pytest.mark.parametrize("who", ["focal_point", "partner"])
@pytest.mark.parametrize(
    "url", ["/dashboards/NSP/indicators/I1.1.1/", "/dashboards/NSP/organisations/MOJ/", "/dashboards/NSP/"]
)
def test_focal_points_and_partners_never_see_another_organisations_unapproved_figures(
    client, submitted_by_other_ministry, request, who, url
):
    sign_in(client, request, who)
    body = client.get(url + "?period=2025-Q1").content.decode()
    for shown in ("987654", "987,654", "987 654", "Unapproved note from MOJ"):
        assert shown not in body


def test_the_same_figure_shows_once_approved(client, submitted_by_other_ministry, focal_point):
    # The test above could fail: once approved, the figure is on the indicator page.
    submitted_by_other_ministry.state = "APPROVED"
    submitted_by_other_ministry.save()
    client.force_login(focal_point)
    body = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2025-Q1").content.decode()
    assert "987,654" in body
    assert "Unapproved note from MOJ" in body


def test_review_comments_show_to_the_secretariat_and_the_reporting_organisation_only(
    client, plan, ministry, reviewer, focal_point, partner
):
    report = ministry.reports.get(period__code="2024-Q2")
    ReportEvent.objects.create(
        report=report, from_state="SUBMITTED", to_state="RETURNED", comment="Figure was 44 before correction"
    )
    url = "/dashboards/NSP/indicators/I1.1.1/" + AS_OF
    for user, sees in ((reviewer, True), (focal_point, True), (partner, False)):
        client.force_login(user)
        assert ("Figure was 44 before correction" in client.get(url).content.decode()) is sees


# --- What the pages show -------------------------------------------------------------------


def test_plan_overview_shows_pillars_trend_statuses_and_completeness(client, plan, reviewer):
    client.force_login(reviewer)
    response = client.get("/dashboards/NSP/" + AS_OF)
    body = response.content.decode()
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q4"' in body
    for chart in (
        "chart-overall",
        "chart-pillars",
        "chart-trend-plan",
        "chart-trend-pillars",
        "chart-statuses",
    ):
        assert f'data-chart="{chart}"' in body
        assert f'id="{chart}" type="application/json"' in body
    assert "Scores computed" in body
    assert '<option value="2024-Q4" selected>' in body
    # 4 indicators and 2 activities, each 25 % a year of their target: on track at 2024-Q4 (20 %).
    overview = response.context["overview"]
    assert overview.plan.status == "ON_TRACK"
    assert overview.trend_periods == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert response.context["completeness"].expected == 2
    assert response.context["completeness"].received == 2


def test_plan_overview_lists_indicators_at_risk_with_the_reason_their_ministry_gave(
    client, plan, ministry, reviewer
):
    # 2025-Q1: MOI reports 25 for every indicator but 0 for I1.2.2, with a reason.
    behind = plan.indicators.get(code="I1.2.2")
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[behind] = 0
    report = approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    IndicatorValue.objects.filter(report=report, indicator=behind).update(
        gap_reason="Funds were released late.", corrective_action="Ask for next quarter's funds on time."
    )
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    client.force_login(reviewer)
    response = client.get("/dashboards/NSP/?period=2025-Q1")
    # I1.2.2: 100 of 500 achieved (20 %) against 125 expected (25 %): at risk.
    [row] = response.context["overview"].attention
    assert (row.score.code, row.score.status, row.lead_code) == ("I1.2.2", "AT_RISK", "MOI")
    assert (row.gap_reason, row.reported_in) == ("Funds were released late.", "2025-Q1")
    body = response.content.decode()
    assert "Funds were released late." in body
    assert "Ask for next quarter&#x27;s funds on time." in body
    assert 'href="/dashboards/NSP/indicators/I1.2.2/?period=2025-Q1"' in body


def test_pillar_and_objective_pages_link_down_and_back_up(client, plan, partner):
    client.force_login(partner)
    body = client.get("/dashboards/NSP/pillars/P1/" + AS_OF).content.decode()
    assert 'href="/dashboards/NSP/objectives/O1.2/?period=2024-Q4"' in body
    assert 'href="/dashboards/NSP/?period=2024-Q4"' in body
    body = client.get("/dashboards/NSP/objectives/O1.2/" + AS_OF).content.decode()
    assert 'href="/dashboards/NSP/indicators/I1.2.1/?period=2024-Q4"' in body
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q4"' in body
    assert "A1.2" in body


def test_indicator_page_shows_values_by_organisation_category_and_who_approved(client, plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/NSP/indicators/I1.1.1/" + AS_OF)
    page = response.context["page"]
    # Actual to date: 4 quarters × (20 + 5); target of 2024: 100.
    assert [p.actual for p in page.points] == [25, 50, 75, 100]
    assert [p.target for p in page.points] == [100, 100, 100, 100]
    assert {s.code: s.values for s in page.by_organisation} == {"MOI": [20] * 4, "MOJ": [5] * 4}
    [sex] = page.by_category
    assert [(c.code, c.value) for c in sex.categories] == [("F", 80), ("M", 0)]
    assert len(page.values) == 8
    moi_q4 = next(v for v in page.values if v.period == "2024-Q4" and v.organisation_code == "MOI")
    assert [(s.from_state, s.to_state) for s in moi_q4.history] == [
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "APPROVED"),
    ]
    body = response.content.decode()
    assert 'data-chart="chart-indicator"' in body
    assert 'data-chart="chart-dimension-sex"' in body
    assert 'href="/dashboards/NSP/objectives/O1.1/?period=2024-Q4"' in body


def test_indicator_page_shows_only_figures_up_to_the_chosen_period(client, plan, partner):
    client.force_login(partner)
    page = client.get("/dashboards/NSP/indicators/I1.1.1/?period=2024-Q2").context["page"]
    assert {v.period for v in page.values} == {"2024-Q1", "2024-Q2"}
    assert [p.period for p in page.points] == ["2024-Q1", "2024-Q2"]


def test_scorecard_shows_the_organisations_leaves_and_report_timeliness(client, plan, ministry, focal_point):
    for report in ministry.reports.select_related("period"):
        submitted = datetime.datetime.combine(
            report.period.end + datetime.timedelta(days=5), datetime.time(9)
        )
        report.first_submitted_at = timezone.make_aware(submitted)
        report.save()
    late = ministry.reports.get(period__code="2024-Q3")
    late.first_submitted_at = timezone.make_aware(datetime.datetime(2024, 11, 30, 10))
    late.save()
    ministry.reports.filter(period__code="2024-Q2").delete()
    client.force_login(focal_point)
    response = client.get("/dashboards/NSP/organisations/MOI/" + AS_OF)
    card = response.context["card"]
    assert [r.code for r in card.indicators] == ["I1.1.1", "I1.1.2", "I1.2.1", "I1.2.2"]
    assert {r.role for r in card.indicators} == {"lead"}
    assert [r.code for r in card.activities] == ["A1.1", "A1.2"]
    assert {r.period: r.timeliness for r in card.timeliness} == {
        "2024-Q1": ON_TIME,
        "2024-Q2": MISSING,
        "2024-Q3": LATE,
        "2024-Q4": ON_TIME,
    }
    body = response.content.decode()
    assert "Late" in body and "Missing" in body


def test_a_contributor_sees_its_role_on_the_scorecard(client, plan, reviewer):
    client.force_login(reviewer)
    card = client.get("/dashboards/NSP/organisations/MOJ/" + AS_OF).context["card"]
    assert {r.role for r in card.indicators} == {"contributor"}
    assert card.activities == []


def test_the_period_selector_falls_back_to_the_latest_closed_period(client, plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/NSP/?period=2024Q4")
    assert response.status_code == 200
    assert response.context["period"].end < timezone.localdate()


def test_navigation_and_home_link_to_the_dashboards(client, plan, focal_point):
    client.force_login(focal_point)
    body = client.get("/").content.decode()
    assert 'href="/dashboards/"' in body
    assert 'href="/dashboards/NSP/"' in body
    assert 'href="/dashboards/NSP/"' in client.get("/plans/NSP/").content.decode()


# --- The justice chain -----------------------------------------------------------------------


@pytest.fixture
def chain_plan(ministry, other_ministry):
    plan = PlanFactory(code="CHAIN")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    made = {}
    for key in ("identified", "referred", "sent_to_court", "convicted"):
        made[key] = IndicatorFactory(
            objective=objective,
            code=JUSTICE_INDICATOR_CODES[key],
            lead=other_ministry if key == "convicted" else ministry,
            targets=[100] * 5,
        )
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(
        ministry,
        periods["2024-Q2"],
        values={made["identified"]: 40, made["referred"]: 55, made["sent_to_court"]: 10},
    )
    approved_report(other_ministry, periods["2024-Q2"], values={made["convicted"]: 8})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan


def test_justice_chain_warns_when_more_victims_are_referred_than_identified(client, chain_plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/CHAIN/justice-chain/?period=2024-Q4")
    victims, cases = response.context["tables"]
    [year_2024] = [y for y in victims[0].years if y.year == 2024]
    assert [c.value for c in year_2024.cells] == [40, 55, None]
    assert len(year_2024.warnings) == 1
    assert (
        "Referred to services (55, reported by MOI) is more than Identified (40, reported by MOI)"
        in (year_2024.warnings[0])
    )
    body = response.content.decode()
    assert "Some figures do not add up." in body
    assert "reported by MOI) is more than Identified" in body
    # Convicted (8) does not exceed sent to court (10): no warning there.
    assert all(not y.warnings for y in cases[0].years)


def test_justice_chain_says_no_indicator_where_the_plan_has_none(client, chain_plan, partner):
    client.force_login(partner)
    response = client.get("/dashboards/CHAIN/justice-chain/?period=2024-Q4")
    victims, cases = response.context["tables"]
    assert [i.code if i else None for i in victims[0].indicators] == ["I4.1.1", "I4.1.2", None]
    assert [i.code if i else None for i in cases[0].indicators] == [None, "I3.2.2", "I3.3.1"]
    assert response.content.decode().count("no indicator") == 2


def test_justice_chain_estimates_a_count_from_a_percentage_and_does_not_warn_on_it(client, ministry, partner):
    plan = PlanFactory(code="PCT")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    identified = IndicatorFactory(objective=objective, code="I4.1.1", lead=ministry, targets=[100] * 5)
    referred = IndicatorFactory(
        objective=objective,
        code="I4.1.2",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        baseline=40,
        targets=[50, 60, 70, 80, 90],
    )
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(ministry, periods["2024-Q1"], values={identified: 100, referred: 60})
    approved_report(ministry, periods["2024-Q2"], values={identified: 100, referred: 75})
    client.force_login(partner)
    victims, _cases = client.get("/dashboards/PCT/justice-chain/?period=2024-Q4").context["tables"]
    [year_2024] = [y for y in victims[0].years if y.year == 2024]
    referred_cell = year_2024.cells[1]
    # The year's latest level, 75 %, of the 200 identified.
    assert (referred_cell.value, referred_cell.count, referred_cell.estimated) == (75, 150, True)
    assert year_2024.warnings == []


# --- The public summary ---------------------------------------------------------------------


@pytest.fixture
def public_plan(ministry, other_ministry):
    plan = PlanFactory(code="PUB", is_public=True)
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O4.1", pillar__code="P4")
    identified = IndicatorFactory(objective=objective, code="I4.1.1", lead=ministry, targets=[100] * 5)
    investigated = IndicatorFactory(objective=objective, code="I3.2.1", lead=ministry, targets=[100] * 5)
    periods = {p.code: p for p in plan.periods.all()}
    approved_report(ministry, periods["2024-Q1"], values={identified: 3, investigated: 3})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan


def headline_row(body: str, label: str) -> str:
    match = re.search(rf"<tr><th scope=\"row\"[^>]*>{label}</th>.*?</tr>", body, re.S)
    assert match, label
    return match.group(0)


def test_the_public_page_needs_no_login_and_suppresses_small_victim_counts(client, public_plan):
    response = client.get("/public/PUB/?period=2024-Q1")
    assert response.status_code == 200
    body = response.content.decode()
    # Three victims are shown as "<5"; three cases are not victims, and are shown.
    assert headline_row(body, "Victims identified").count("&lt;5") == 2
    assert ">3<" not in headline_row(body, "Victims identified")
    assert headline_row(body, "Cases investigated").count(">3<") == 2
    assert 'data-chart="chart-public-pillars"' in body
    assert "Sign out" not in body


def test_the_public_page_shows_victim_counts_from_the_threshold_on(client, public_plan, ministry):
    indicator = public_plan.indicators.get(code="I4.1.1")
    approved_report(ministry, public_plan.periods.get(code="2024-Q2"), values={indicator: 2})
    body = client.get("/public/PUB/?period=2024-Q2").content.decode()
    assert headline_row(body, "Victims identified").count(">5<") == 2


@pytest.mark.parametrize("who", ["anonymous", "focal_point", "admin_user"])
def test_the_public_page_of_a_plan_that_is_not_public_is_404(client, plan, request, who):
    sign_in(client, request, who)
    assert client.get("/public/NSP/").status_code == 404


def test_suppress_small_hides_counts_below_the_threshold():
    assert SUPPRESSION_THRESHOLD == 5
    assert [suppress_small(n) for n in (0, 1, 4, 4.9, 5, 6, 523)] == ["<5", "<5", "<5", "<5", 5, 6, 523]
    assert suppress_small(None) is None
    assert suppress_small(9, threshold=10) == "<10"
    assert suppress_small(Decimal(10), threshold=10) == Decimal(10)


def test_report_timeliness_compares_the_first_submission_with_the_deadline():
    deadline = datetime.date(2025, 4, 15)
    before, on, after = deadline - datetime.timedelta(days=1), deadline, deadline + datetime.timedelta(days=1)
    check = report_timeliness
    assert check(expected=True, first_submitted_on=on, deadline=deadline, today=after) == ON_TIME
    assert check(expected=True, first_submitted_on=after, deadline=deadline, today=after) == LATE
    assert check(expected=False, first_submitted_on=after, deadline=deadline, today=after) == LATE
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=after) == MISSING
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=before) == PENDING
    assert check(expected=True, first_submitted_on=None, deadline=deadline, today=on) == PENDING
    assert check(expected=False, first_submitted_on=None, deadline=deadline, today=after) == NOT_EXPECTED


# --- Queries: the same bound for a small plan and one four times larger -----------------------

# Every signed-in page: session, user with their organisation (for the nav).
# Every plan page adds the plan with its score state, and its periods; then:
QUERY_BOUNDS = {
    # the plans
    "/dashboards/": 3,
    # pillars, plan and pillar snapshots to date; indicators needing
    # attention: snapshots, indicators, latest values; completeness: who owes a
    # report (indicators, contributors, finished activities, activities), reports,
    # organisations
    "/dashboards/{plan}/": 15,
    # pillar, objectives, snapshots
    "/dashboards/{plan}/pillars/P1/": 7,
    # objective, indicators, activities, snapshots
    "/dashboards/{plan}/objectives/O1.1/": 8,
    # indicator, contributors, targets, dimensions, categories, periods,
    # snapshots, approved values, their reports' events, their cells
    "/dashboards/{plan}/indicators/I1.1.1/": 14,
    # organisation, periods; on a first read: indicators, activities, snapshots,
    # who owes a report (indicators, contributors, finished activities,
    # activities); reports
    "/dashboards/{plan}/organisations/MOI/": 14,
    # the chain's indicators, their approved values
    "/dashboards/{plan}/justice-chain/": 6,
    # pillars, snapshots, the headline indicators, their approved values
    "/public/{plan}/": 8,
}


@pytest.mark.parametrize("url", list(QUERY_BOUNDS))
def test_pages_run_the_same_number_of_queries_for_a_plan_four_times_larger(
    client, ministry, other_ministry, focal_point, url, django_assert_max_num_queries
):
    small, large = (
        build_plan(
            code, pillars=n, ministry=ministry, other_ministry=other_ministry, is_public=True, behind=True
        )
        for code, n in (("SMALL", 1), ("LARGE", 4))
    )
    assert large.indicators.count() == 4 * small.indicators.count()
    client.force_login(focal_point)
    for plan in (small, large):
        with django_assert_max_num_queries(QUERY_BOUNDS[url]):
            response = client.get(url.format(plan=plan.code) + AS_OF)
        assert response.status_code == 200
        if url == "/dashboards/{plan}/":
            # The indicators needing attention are read too: one per objective.
            assert len(response.context["overview"].attention) == 2 * plan.pillars.count()


@pytest.mark.parametrize(("scale", "plan_code"), [(1, "NSP-2024-2028"), (5, "NSP-2024-2028-x5")])
def test_the_demo_plan_pages_stay_within_the_same_bounds(
    client, django_assert_max_num_queries, scale, plan_code
):
    """The seeded demo (51 indicators, 47 activities, 42 reporting organisations)
    and the plan five times as large, for every role."""
    call_command("seed_demo", "--scale", str(scale), stdout=io.StringIO())
    bounds = {
        **QUERY_BOUNDS,
        # Targets revised by the mid-term review: one query more, for their revisions.
        "/dashboards/{plan}/indicators/I2.4.1/": 15,
        "/dashboards/{plan}/indicators/I2.4.1/?targets=original&": 15,
    }
    # The benchmark copies are not public: their public summary is a 404.
    public = Plan.objects.get(code=plan_code).is_public
    for username in ("admin", "reviewer", "focal", "partner"):
        client.force_login(User.objects.get(username=username))
        for url, bound in bounds.items():
            url = url.format(plan=plan_code)
            with django_assert_max_num_queries(bound):
                response = client.get(url + ("" if "?" in url else "?") + "period=2026-Q2")
            assert response.status_code == (200 if public or "/public/" not in url else 404), (username, url)


def test_the_target_line_adds_up_the_years_of_a_flow_and_not_of_a_level():
    targets = {2024: 100.0, 2025: 120.0, 2026: 150.0}
    assert [_target_to_date("SUM", targets, y) for y in (2024, 2025, 2026)] == [100, 220, 370]
    assert [_target_to_date("LATEST", targets, y) for y in (2024, 2025, 2026)] == [100, 120, 150]
    assert _target_to_date("SUM", targets, 2027) is None


def test_a_plan_whose_scores_were_never_computed_says_so(client, ministry, reviewer):
    plan = PlanFactory(code="NEW")
    IndicatorFactory(objective=ObjectiveFactory(plan=plan, pillar__plan=plan), lead=ministry, targets=[1] * 5)
    client.force_login(reviewer)
    for url in ("/dashboards/NEW/", "/dashboards/NEW/indicators/" + plan.indicators.get().code + "/"):
        response = client.get(url + AS_OF)
        assert response.status_code == 200
        assert "Scores not computed yet" in response.content.decode()


def test_the_overview_shows_new_figures_as_soon_as_they_are_approved_and_scored(
    client, plan, ministry, reviewer
):
    # The overview's reads are kept until the plan's scores change: an approval
    # and its recompute must show at once, never an older copy.
    client.force_login(reviewer)
    before = client.get("/dashboards/NSP/?period=2025-Q1").context["overview"]
    assert len(before.attention) == 0
    behind = plan.indicators.get(code="I1.2.2")
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[behind] = 0
    approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    scores_mark_stale(plan_id=plan.pk, from_index=5)
    plan.refresh_from_db()
    plan_scores_recompute(plan_id=plan.pk)
    after = client.get("/dashboards/NSP/?period=2025-Q1").context["overview"]
    assert [row.score.code for row in after.attention] == ["I1.2.2"]


def test_who_owes_a_report_follows_a_change_of_structure(client, plan, reviewer):
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2024-Q2"
    assert client.get(url).context["completeness"].expected == 2
    newcomer = OrganisationFactory(code="MOH")
    IndicatorFactory(objective=plan.objectives.first(), code="NEW", lead=newcomer, targets=[1] * 5)
    # As the admin pages and imports do after a change of structure.
    scores_mark_stale(plan_id=plan.pk)
    assert client.get(url).context["completeness"].expected == 3


def test_the_indicator_page_shows_a_figure_as_soon_as_it_is_approved(
    client, submitted_by_other_ministry, focal_point, reviewer
):
    # The page's reads are kept until the plan's scores change; an approval
    # through the workflow changes them, so the figure shows at once.
    client.force_login(focal_point)
    url = "/dashboards/NSP/indicators/I1.1.1/?period=2025-Q1"
    assert "987,654" not in client.get(url).content.decode()
    report_approve(actor=reviewer, report=submitted_by_other_ministry)
    assert "987,654" in client.get(url).content.decode()


def test_the_indicator_page_lists_the_newest_values_and_offers_them_all(client, plan, partner, monkeypatch):
    monkeypatch.setattr("reports.dashboards.views.VALUES_SHOWN", 3)
    client.force_login(partner)
    url = "/dashboards/NSP/indicators/I1.1.1/?period=2024-Q4"

    response = client.get(url)

    listed = [(v.period, v.organisation_code) for v in response.context["page"].values]
    assert listed == [("2024-Q4", "MOI"), ("2024-Q4", "MOJ"), ("2024-Q3", "MOI")], "newest first"
    assert response.context["page"].values_total == 8
    assert "Show all 8 approved values" in response.content.decode()
    everything = client.get(url + "&values=all")
    assert len(everything.context["page"].values) == 8
    assert "Show all" not in everything.content.decode()


def test_the_scorecard_shows_a_report_submitted_after_it_was_first_read(client, plan, ministry, focal_point):
    # Scores are kept until they change; report states are read live.
    client.force_login(focal_point)
    url = "/dashboards/NSP/organisations/MOI/?period=2025-Q1"
    states = {row.period: row.state for row in client.get(url).context["card"].timeliness}
    assert states["2025-Q1"] is None
    approved_report(ministry, plan.periods.get(code="2025-Q1"), state="SUBMITTED")
    states = {row.period: row.state for row in client.get(url).context["card"].timeliness}
    assert states["2025-Q1"] == "SUBMITTED"


# --- The overview's sections kept as HTML until the scores change ------------------------------


def test_the_overview_shows_a_report_as_received_as_soon_as_it_is_submitted(client, plan, ministry, reviewer):
    # The sections drawn from stored scores are kept; the reports are rendered anew.
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2025-Q1"
    assert "2 reports still missing" in client.get(url).content.decode()
    approved_report(ministry, plan.periods.get(code="2025-Q1"), state="SUBMITTED")
    response = client.get(url)
    assert "1 report still missing" in response.content.decode()
    assert [row.code for row in response.context["missing"]] == ["MOJ"]


def test_the_overview_page_shows_an_approval_at_once_though_its_sections_are_kept(
    client, plan, ministry, reviewer
):
    client.force_login(reviewer)
    url = "/dashboards/NSP/?period=2025-Q1"
    link = 'href="/dashboards/NSP/indicators/I1.2.2/?period=2025-Q1"'
    before = client.get(url).content.decode()
    assert "No indicator is at risk or off track at this period." in before
    assert link not in before
    values = dict.fromkeys(plan.indicators.all(), 25)
    values[plan.indicators.get(code="I1.2.2")] = 0
    approved_report(ministry, plan.periods.get(code="2025-Q1"), values=values)
    scores_mark_stale(plan_id=plan.pk, from_index=5)
    plan_scores_recompute(plan_id=plan.pk)
    after = client.get(url).content.decode()
    assert link in after
    assert "No indicator is at risk or off track at this period." not in after


def test_the_overview_kept_for_one_period_is_never_shown_for_another(client, plan, reviewer):
    client.force_login(reviewer)
    client.get("/dashboards/NSP/?period=2024-Q4")
    body = client.get("/dashboards/NSP/?period=2024-Q3").content.decode()
    assert 'href="/dashboards/NSP/pillars/P1/?period=2024-Q3"' in body
    assert "?period=2024-Q4" not in body
