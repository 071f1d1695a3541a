"""The organisations page ("Reporting health"): every reporting organisation of
a plan side by side, its reports over the last four quarters and the statuses
of what it leads, sortable on the server."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from indicators.models import QuarterlyReport, ReportEvent
from plans.models import User
from reports.dashboards.organisations import rows_sorted, sort_links, sort_parse
from reports.scores.recompute import plan_scores_recompute
from tests.factories import ActivityFactory, IndicatorFactory, OrganisationFactory, approved_report
from tests.reports.dashboards.builders import AS_OF, ROLES, build_plan, sign_in

pytestmark = pytest.mark.django_db

URL = "/dashboards/{plan}/organisations/"


def _submitted(report, *, days_after_deadline: int, hour: int = 12):
    """Set when ``report`` was first submitted, relative to its deadline (local time)."""
    day = report.period.deadline + datetime.timedelta(days=days_after_deadline)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    QuarterlyReport.objects.filter(pk=report.pk).update(first_submitted_at=when)


def _returned(report, times: int = 1):
    for _ in range(times):
        ReportEvent.objects.create(report=report, from_state="SUBMITTED", to_state="RETURNED")


@pytest.fixture
def hand_built(ministry, other_ministry):
    """2024, published. MOI leads four indicators of build_plan (two behind),
    one more with no figure, one at risk and two activities; its 2024-Q3 report
    was late, its 2024-Q4 report is back with it after being returned twice
    (and late), and its 2024-Q2 report was returned once before approval. MOJ
    sent every report on time (the 2024-Q1 one on the deadline's evening),
    returned once in 2024-Q2. BMC leads an activity starting in 2025: it owes
    reports in the plan, none in 2024. IOM owes nothing and is not listed."""
    plan = build_plan("HB", pillars=1, ministry=ministry, other_ministry=other_ministry, behind=True)
    periods = {p.code: p for p in plan.periods.all()}
    no_data = IndicatorFactory(
        objective=plan.objectives.get(code="O1.1"), code="I1.1.3", lead=ministry, targets=[100] * 5
    )
    at_risk = IndicatorFactory(
        objective=plan.objectives.get(code="O1.2"), code="I1.2.3", lead=ministry, targets=[100] * 5
    )
    assert no_data.pk  # no value ever
    for quarter in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        approved_report(ministry, periods[quarter], values={at_risk: 18})  # 72 of 100 by 2024-Q4
    province = OrganisationFactory(code="BMC", name="Banteay Meanchey PCCT", kind="PROVINCIAL_COMMITTEE")
    ActivityFactory(
        objective=plan.objectives.get(code="O1.1"),
        code="A1.9",
        lead=province,
        start_period=periods["2025-Q1"],
        end_period=periods["2025-Q4"],
    )
    OrganisationFactory(code="IOM", name="IOM", kind="PARTNER")
    plan_scores_recompute(plan_id=plan.pk, everything=True)

    moi, moj = (
        {r.period.code: r for r in org.reports.select_related("period")} for org in (ministry, other_ministry)
    )
    for report in (moi["2024-Q1"], moi["2024-Q2"]):
        _submitted(report, days_after_deadline=-3)
    _submitted(moi["2024-Q3"], days_after_deadline=2)
    _submitted(moi["2024-Q4"], days_after_deadline=1)
    QuarterlyReport.objects.filter(pk=moi["2024-Q4"].pk).update(state="RETURNED")
    _returned(moi["2024-Q4"], times=2)
    _returned(moi["2024-Q2"])
    _submitted(moj["2024-Q1"], days_after_deadline=0, hour=23)
    for quarter in ("2024-Q2", "2024-Q3", "2024-Q4"):
        _submitted(moj[quarter], days_after_deadline=-10)
    _returned(moj["2024-Q2"])
    # Outside the window: MOJ's 2025-Q1 report, returned.
    _returned(approved_report(other_ministry, periods["2025-Q1"], state="RETURNED"))
    return plan


def _window(response) -> list[str]:
    return [p.code for p in response.context["health"].periods]


def _reports(row) -> tuple:
    return (row.expected, row.received, row.on_time, row.returned)


def _rows(client, plan, query=AS_OF):
    response = client.get(URL.format(plan=plan.code) + query)
    assert response.status_code == 200
    return response, {row.code: row for row in response.context["health"].rows}


# --- Who opens it ---------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_every_signed_in_role_opens_the_organisations_page(client, plan, request, who):
    sign_in(client, request, who)
    response, rows = _rows(client, plan)
    assert list(rows) == ["MOI", "MOJ"]
    body = response.content.decode()
    assert "Organisations: reporting health" in body
    assert 'href="/dashboards/NSP/organisations/MOI/?period=2024-Q4"' in body
    assert "<caption>" in body and 'scope="row"' in body and "table-responsive" in body


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(URL.format(plan="NSP"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_plan_or_period_is_404(client, plan, reviewer):
    client.force_login(reviewer)
    assert client.get(URL.format(plan="NOPE")).status_code == 404
    assert client.get(URL.format(plan="NSP") + "?period=2031-Q1").status_code == 404
    assert client.get(URL.format(plan="NSP") + "?period=nonsense").status_code == 404


def test_partners_count_published_quarters_only(client, plan, ministry, partner, reviewer):
    # MOI's 2025-Q1 report, submitted and once returned: 2025-Q1 is open.
    report = approved_report(ministry, plan.periods.get(code="2025-Q1"), state="SUBMITTED")
    _returned(report)
    client.force_login(partner)
    response, rows = _rows(client, plan, "")
    assert _window(response) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert _reports(rows["MOI"]) == (4, 4, 0, 0)
    assert client.get(URL.format(plan="NSP") + "?period=2025-Q1").status_code == 404
    # The secretariat may look at the open quarter, and there it counts.
    client.force_login(reviewer)
    response, rows = _rows(client, plan, "?period=2025-Q1")
    assert _window(response) == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert _reports(rows["MOI"]) == (4, 4, 0, 1)
    assert _reports(rows["MOJ"]) == (4, 3, 0, 0)


def test_before_anything_is_published_partners_read_that_nothing_is(
    client, ministry, other_ministry, partner
):
    build_plan("OPEN", pillars=1, ministry=ministry, other_ministry=other_ministry, published_through=None)
    client.force_login(partner)
    response = client.get(URL.format(plan="OPEN"))
    assert response.status_code == 200
    assert "reports/dashboards/nothing_published.html" in [t.name for t in response.templates]


# --- The figures ----------------------------------------------------------------


def test_the_figures_of_a_hand_built_case(client, hand_built, reviewer):
    client.force_login(reviewer)
    response, rows = _rows(client, hand_built)
    assert list(rows) == ["MOI", "MOJ", "BMC"]  # lowest completeness first; none owed last
    moi, moj, bmc = rows["MOI"], rows["MOJ"], rows["BMC"]
    # Q4 returned: not received; Q3 and Q4 first submitted after the deadline.
    assert _reports(moi) == (4, 3, 2, 3)
    assert (moi.completeness, moi.timeliness) == (0.75, 0.5)
    assert (moi.on_track, moi.at_risk, moi.off_track, moi.no_data) == (4, 1, 2, 1)
    # On the deadline's evening is on time; the 2025-Q1 return is outside the window.
    assert _reports(moj) == (4, 4, 4, 1)
    assert (moj.completeness, moj.timeliness) == (1, 1)
    assert (moj.on_track, moj.at_risk, moj.off_track, moj.no_data) == (0, 0, 0, 0)
    # Owes reports from 2025 on: listed, with nothing to measure in 2024.
    assert _reports(bmc) == (0, 0, 0, 0)
    assert (bmc.completeness, bmc.timeliness) == (None, None)
    health = response.context["health"]
    assert (health.overall.expected, health.overall.received, health.overall.on_time) == (8, 7, 6)
    assert health.returned == 4
    body = response.content.decode()
    assert "75 %" in body and "50 %" in body
    assert "7 of 8 expected reports received (87.5 %)" in body


def test_the_window_is_the_last_four_quarters_up_to_the_period(client, hand_built, reviewer):
    client.force_login(reviewer)
    response, rows = _rows(client, hand_built, "?period=2024-Q2")
    assert _window(response) == ["2024-Q1", "2024-Q2"]
    assert _reports(rows["MOI"]) == (2, 2, 2, 1)
    response, rows = _rows(client, hand_built, "?period=2025-Q1")
    assert _window(response) == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    # BMC owes 2025-Q1 and sent nothing; MOJ's 2025-Q1 report is back with it.
    assert (*_reports(rows["BMC"]), rows["BMC"].completeness) == (1, 0, 0, 0, 0)
    assert _reports(rows["MOJ"]) == (4, 3, 3, 2)


def test_a_submission_shows_at_once(client, hand_built, other_ministry, reviewer):
    # The statuses are kept until the scores change; report states are read live.
    client.force_login(reviewer)
    _, rows = _rows(client, hand_built, "?period=2025-Q1")
    assert rows["MOJ"].received == 3
    other_ministry.reports.filter(period__code="2025-Q1").update(state="SUBMITTED")
    _, rows = _rows(client, hand_built, "?period=2025-Q1")
    assert rows["MOJ"].received == 4


# --- Sorting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["MOI", "MOJ", "BMC"]),
        ("completeness", ["MOI", "MOJ", "BMC"]),
        ("-completeness", ["MOJ", "MOI", "BMC"]),  # nothing owed: last either way
        ("timeliness", ["MOI", "MOJ", "BMC"]),
        ("-timeliness", ["MOJ", "MOI", "BMC"]),
        ("name", ["BMC", "MOI", "MOJ"]),
        ("-name", ["MOJ", "MOI", "BMC"]),
        ("returned", ["BMC", "MOJ", "MOI"]),
        ("-returned", ["MOI", "MOJ", "BMC"]),
        ("off_track", ["BMC", "MOJ", "MOI"]),  # ties by name
        ("-off_track", ["MOI", "BMC", "MOJ"]),
        ("bogus", ["MOI", "MOJ", "BMC"]),
        ("--name", ["MOI", "MOJ", "BMC"]),
        ("-", ["MOI", "MOJ", "BMC"]),
    ],
)
def test_sorting_by_each_key(client, hand_built, reviewer, sort, order):
    client.force_login(reviewer)
    _, rows = _rows(client, hand_built, f"{AS_OF}&sort={sort}")
    assert list(rows) == order


def test_column_headings_link_to_the_other_orders_and_keep_the_period(client, hand_built, reviewer):
    client.force_login(reviewer)
    body = client.get(URL.format(plan="HB") + "?period=2024-Q3&sort=-returned").content.decode()
    # The active column flips; the others sort in their first direction, worst first.
    for sort in ("returned", "completeness", "timeliness", "name", "-off_track"):
        assert f'href="?period=2024-Q3&amp;sort={sort}"' in body
    assert 'aria-sort="descending"' in body and body.count("aria-sort=") == 1
    # Choosing another period keeps the order.
    assert '<input type="hidden" name="sort" value="-returned">' in body


def test_sort_helpers():
    assert sort_parse(None) == ("completeness", False)
    assert sort_parse("-off_track") == ("off_track", True)
    assert sort_parse("<script>") == ("completeness", False)
    assert sort_links("completeness")["completeness"] == {"sort": "-completeness", "aria_sort": "ascending"}
    assert sort_links("completeness")["returned"] == {"sort": "-returned", "aria_sort": ""}
    assert rows_sorted([], "name", descending=True) == []


# --- Links ----------------------------------------------------------------------


def test_the_menu_the_plans_and_the_overview_link_to_it(client, plan, focal_point):
    client.force_login(focal_point)
    page = client.get(URL.format(plan="NSP")).content.decode()
    assert 'class="nav-link active" href="/dashboards/NSP/organisations/"' in page
    # Elsewhere the menu goes to the plans, each with its own link.
    assert 'href="/dashboards/#plans">Organisations' in client.get("/").content.decode()
    assert 'href="/dashboards/NSP/organisations/"' in client.get("/dashboards/").content.decode()
    overview = client.get("/dashboards/NSP/" + AS_OF).content.decode()
    assert 'href="/dashboards/NSP/organisations/?period=2024-Q4"' in overview


# --- Queries --------------------------------------------------------------------


def _with_provinces(plan, provinces: int):
    """``provinces`` more organisations, each leading an activity, with a 2024-Q4 report returned once."""
    period = plan.periods.get(code="2024-Q4")
    for n in range(provinces):
        province = OrganisationFactory(code=f"{plan.code}-P{n}", name=f"Province {n} of {plan.code}")
        ActivityFactory(objective=plan.objectives.first(), code=f"A9.{n}", lead=province)
        _returned(approved_report(province, period))
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return plan


# Every signed-in page: session, user with their organisation. The plan with its
# score state, its periods (the reader's). On a first read, kept until the
# scores change: the plan's periods, who owes a report (indicators,
# contributors, finished activities, activities), the indicators' and the
# activities' leads, the leaves' snapshots at the period. Live: the window's
# reports, its returns, the organisations' names.
FIRST_READ = 4 + 8 + 3
KEPT_READ = 4 + 3


def test_a_fixed_number_of_queries_for_a_plan_four_times_larger(
    client, ministry, other_ministry, reviewer, django_assert_max_num_queries
):
    small, large = (
        _with_provinces(
            build_plan(code, pillars=n, ministry=ministry, other_ministry=other_ministry, behind=True), 2 * n
        )
        for code, n in (("SMALL", 1), ("LARGE", 4))
    )
    assert large.indicators.count() == 4 * small.indicators.count()
    client.force_login(reviewer)
    for plan, organisations in ((small, 4), (large, 10)):
        with django_assert_max_num_queries(FIRST_READ):
            response = client.get(URL.format(plan=plan.code) + AS_OF)
        assert len(response.context["health"].rows) == organisations
        with django_assert_max_num_queries(KEPT_READ):
            client.get(URL.format(plan=plan.code) + AS_OF + "&sort=-returned")


def test_the_demo_plan_stays_within_the_same_bound_for_every_role(client, django_assert_max_num_queries):
    """The seeded demo: 42 reporting organisations, 51 indicators, 47 activities."""
    call_command("seed_demo", stdout=io.StringIO())
    for username in ("admin", "reviewer", "focal", "partner"):
        client.force_login(User.objects.get(username=username))
        cache.clear()  # a first read for each
        with django_assert_max_num_queries(FIRST_READ):
            response = client.get(URL.format(plan="NSP-2024-2028") + "?period=2026-Q2&sort=-off_track")
        assert len(response.context["health"].rows) >= 42, username
