"""The plan page: the tree as the secretariat drew it."""

import pytest

from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def build_plan(code, pillars, objectives_per_pillar, leaves_per_objective):
    plan = PlanFactory(code=code)
    for p in range(pillars):
        pillar = PillarFactory(plan=plan, code=f"{code}-P{p}")
        for o in range(objectives_per_pillar):
            objective = ObjectiveFactory(pillar=pillar, plan=plan, code=f"{code}-O{p}.{o}")
            for leaf in range(leaves_per_objective):
                IndicatorFactory(
                    objective=objective, code=f"{code}-I{p}.{o}.{leaf}", targets=[10, 10, 10, 10, 10]
                )
                ActivityFactory(objective=objective, code=f"{code}-A{p}.{o}.{leaf}")
    return plan


def test_plan_page_shows_the_tree_in_a_fixed_number_of_queries(
    client, focal_point, django_assert_max_num_queries
):
    small = build_plan("SMALL", 1, 1, 1)
    large = build_plan("LARGE", 3, 2, 3)
    client.force_login(focal_point)
    # session, user, the user's organisation (menu), plan, pillars, objectives,
    # indicators (+lead), targets, contributors, disaggregation,
    # activities (+lead, periods), supporting organisations
    with django_assert_max_num_queries(12):
        response = client.get(f"/plans/{small.code}/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(f"/plans/{large.code}/")
    content = response.content.decode()
    assert "LARGE-I2.1.2" in content and "LARGE-A0.0.0" in content
    assert "2024: 10 · 2025: 10" in content


def test_unknown_plan_is_not_found(client, focal_point):
    client.force_login(focal_point)
    assert client.get("/plans/NOPE/").status_code == 404
