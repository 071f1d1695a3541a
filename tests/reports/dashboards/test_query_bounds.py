"""Every dashboard page runs a fixed number of queries, whatever the plan's size."""

import io

import pytest
from django.core.management import call_command

from plans.models import Plan, User
from tests.reports.dashboards.builders import AS_OF, build_plan

pytestmark = pytest.mark.django_db


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
