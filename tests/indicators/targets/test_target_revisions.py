"""Revised targets after a review: the original stays, the newest revision is
the target in force, scores follow it, and progress can be shown against either."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from indicators.models import Target, TargetRevision
from indicators.quarterly_report.selectors import report_contents
from indicators.targets.services import targets_revise
from plans.models import AuditEvent, ScoreState
from reports.models import ScoreSnapshot
from reports.scores.recompute import plan_scores_recompute
from tests.factories import IndicatorFactory, ObjectiveFactory, PlanFactory, approved_report

pytestmark = pytest.mark.django_db

MID_TERM = "Mid-term review 2026"
WHY = "Scam compounds spread faster than the plan assumed."
PAGE = "/plans/NSP/indicators/I1/targets/"
DASHBOARD = "/dashboards/NSP/indicators/I1/?period=2024-Q4"


@pytest.fixture
def plan(db):
    return PlanFactory(code="NSP")


@pytest.fixture
def indicator(plan, ministry):
    """100 a year; the ministry reported 25 a quarter through 2024: on track."""
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O1")
    indicator = IndicatorFactory(
        objective=objective, code="I1", lead=ministry, targets=[100] * 5, unit="sites"
    )
    for period in plan.periods.filter(year=2024):
        approved_report(ministry, period, values={indicator: 25})
    plan_scores_recompute(plan_id=plan.pk, everything=True)
    return indicator


@pytest.fixture
def percent_indicator(plan, ministry):
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan, code="O2")
    return IndicatorFactory(
        objective=objective,
        code="I2",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        baseline=Decimal(40),
        targets=[50, 60, 70, 80, 90],
    )


def revise(indicator, actor, values, review=MID_TERM, rationale=WHY):
    return targets_revise(
        actor=actor,
        indicator=indicator,
        values={year: Decimal(str(value)) for year, value in values.items()},
        review=review,
        rationale=rationale,
    )


def in_force(indicator) -> dict[int, Decimal]:
    return dict(Target.objects.with_in_force().filter(indicator=indicator).values_list("year", "in_force"))


def stored_status(indicator, period_code="2024-Q4") -> str:
    return ScoreSnapshot.objects.get(
        node_type="indicator", node_id=indicator.pk, period__code=period_code
    ).status


# --- The service ----------------------------------------------------------------------------------


def test_a_revision_keeps_the_original_and_becomes_the_target_in_force(indicator, admin_user):
    [revision] = revise(indicator, admin_user, {2024: 200})

    assert dict(indicator.targets.values_list("year", "value"))[2024] == Decimal(100), "the original stays"
    assert in_force(indicator) == {2024: 200, 2025: 100, 2026: 100, 2027: 100, 2028: 100}
    assert (revision.review, revision.rationale, revision.revised_by) == (MID_TERM, WHY, admin_user)
    event = AuditEvent.objects.get(action="targets.revise")
    assert event.actor == admin_user
    assert event.details["years"] == {"2024": {"from": "100", "to": "200"}}
    assert event.details["rationale"] == WHY


def test_scores_follow_the_revised_targets_once_recomputed(indicator, admin_user):
    assert stored_status(indicator) == "ON_TRACK"
    version = ScoreState.objects.get(plan=indicator.plan).version

    revise(indicator, admin_user, {2024: 200})

    state = ScoreState.objects.get(plan=indicator.plan)
    assert (state.stale_from, state.version) == (1, version + 1), "every period is stale"
    plan_scores_recompute(plan_id=indicator.plan_id)
    # 100 approved against 200 expected by the end of 2024.
    assert stored_status(indicator) == "OFF_TRACK"


def test_a_later_revision_supersedes_the_earlier_one_and_both_stay(indicator, admin_user):
    revise(indicator, admin_user, {2027: 150})
    revise(indicator, admin_user, {2027: 130}, review="Annual review 2027")

    assert in_force(indicator)[2027] == Decimal(130)
    assert list(TargetRevision.objects.order_by("pk").values_list("value", "review")) == [
        (Decimal(150), MID_TERM),
        (Decimal(130), "Annual review 2027"),
    ]


def test_years_given_their_current_target_are_not_revised(indicator, admin_user):
    revisions = revise(indicator, admin_user, {2024: 100, 2025: 120})

    assert [r.target.year for r in revisions] == [2025]


@pytest.mark.parametrize(
    ("values", "review", "rationale", "field", "message"),
    [
        ({2026: 120}, "", WHY, "review", "Name the review"),
        ({2026: 120}, MID_TERM, "  ", "rationale", "Say why"),
        ({2026: 120, 2027: 110}, MID_TERM, "", "rationale", "Say why"),
        ({2026: 100}, MID_TERM, WHY, "__all__", "No target changed"),
        ({}, MID_TERM, WHY, "__all__", "No target changed"),
        ({2030: 120}, MID_TERM, WHY, "year_2030", "has no target"),
        ({2026: 120, 2027: -5}, MID_TERM, WHY, "year_2027", "0 or more"),
    ],
)
def test_a_revision_that_cannot_be_made_says_why_and_writes_nothing(
    indicator, admin_user, values, review, rationale, field, message
):
    version = ScoreState.objects.get(plan=indicator.plan).version

    with pytest.raises(ValidationError) as refusal:
        revise(indicator, admin_user, values, review=review, rationale=rationale)

    assert message in " ".join(refusal.value.message_dict[field])
    assert not TargetRevision.objects.exists()
    assert not AuditEvent.objects.filter(action="targets.revise").exists()
    assert ScoreState.objects.get(plan=indicator.plan).version == version


def test_a_percentage_target_cannot_be_revised_above_100(percent_indicator, admin_user):
    with pytest.raises(ValidationError) as refusal:
        revise(percent_indicator, admin_user, {2027: 120})

    assert "year_2027" in refusal.value.message_dict
    assert not TargetRevision.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "focal_point", "partner"])
def test_only_the_secretariat_administrator_revises_targets(indicator, request, who):
    with pytest.raises(PermissionDenied):
        revise(indicator, request.getfixturevalue(who), {2026: 120})
    assert not TargetRevision.objects.exists()


def test_a_revised_target_cannot_be_deleted_and_take_its_history_with_it(indicator, admin_user):
    revise(indicator, admin_user, {2026: 120})

    with pytest.raises(ProtectedError):
        indicator.targets.get(year=2026).delete()


def test_the_report_form_shows_the_target_in_force(indicator, admin_user, ministry):
    revise(indicator, admin_user, {2024: 200})
    report = approved_report(ministry, indicator.plan.periods.get(code="2024-Q4"), state="DRAFT")

    assert report_contents(report, indicator_ids=[indicator.pk]).targets == {indicator.pk: Decimal(200)}


# --- The page -------------------------------------------------------------------------------------


def test_the_administrator_sees_each_year_original_and_in_force(client, indicator, admin_user):
    revise(indicator, admin_user, {2026: 120})
    client.force_login(admin_user)

    response = client.get(PAGE)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["year_2026"].value() == "120"
    assert form["year_2025"].value() == "100"
    assert [r.value for r in response.context["history"]] == [Decimal(120)]
    assert WHY.encode() in response.content


@pytest.mark.parametrize("who", ["reviewer", "focal_point", "partner"])
def test_other_roles_may_not_open_the_page(client, indicator, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"review": MID_TERM, "rationale": WHY, "year_2026": "120"}).status_code == 403
    assert not TargetRevision.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, indicator):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_indicator_is_404(client, indicator, admin_user):
    client.force_login(admin_user)

    assert client.get("/plans/NSP/indicators/NOPE/targets/").status_code == 404
    assert client.get("/plans/NOPE/indicators/I1/targets/").status_code == 404


def form_data(**changes):
    data = {f"year_{year}": "100" for year in range(2024, 2029)}
    data.update(review=MID_TERM, rationale=WHY)
    data.update(changes)
    return data


def test_a_revision_from_the_page_lands_on_the_indicator_dashboard(client, indicator, admin_user):
    client.force_login(admin_user)

    response = client.post(PAGE, form_data(year_2026="120", year_2027="140"), follow=True)

    assert response.redirect_chain == [("/dashboards/NSP/indicators/I1/", 302)]
    assert b"2 targets of I1 revised" in response.content
    assert in_force(indicator)[2026] == Decimal(120)
    assert in_force(indicator)[2027] == Decimal(140)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_2026": "a lot"}, "year_2026", "Enter a number."),
        ({"year_2026": "120", "rationale": ""}, "rationale", "This field is required."),
        ({"year_2026": "120", "review": ""}, "review", "This field is required."),
        ({}, None, "No target changed"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_written(
    client, indicator, admin_user, changes, field, message
):
    client.force_login(admin_user)

    response = client.post(PAGE, form_data(**changes))

    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__")
    assert any(message in error for error in errors)
    assert message.encode() in response.content
    assert not TargetRevision.objects.exists()


# --- Shown on the dashboards ----------------------------------------------------------------------


def test_the_indicator_page_shows_original_and_revised_targets_and_why(
    client, indicator, admin_user, reviewer
):
    revise(indicator, admin_user, {2024: 200})
    plan_scores_recompute(plan_id=indicator.plan_id)
    client.force_login(reviewer)

    response = client.get(DASHBOARD)

    page = response.context["page"]
    assert [(t.year, t.original, t.in_force, t.revised) for t in page.targets][:2] == [
        (2024, 100.0, 200.0, True),
        (2025, 100.0, 100.0, False),
    ]
    assert page.basis == "revised"
    assert page.score.status == "OFF_TRACK"
    assert page.points[-1].target == 200.0 and page.points[-1].original_target == 100.0
    content = response.content.decode()
    assert WHY in content and MID_TERM in content
    assert "Original target (end of year)" in content
    assert "/plans/NSP/indicators/I1/targets/" not in content, "only the administrator may revise"


def test_progress_against_the_original_targets_is_what_the_plan_scored_before(client, indicator, admin_user):
    client.force_login(admin_user)
    before = client.get(DASHBOARD).context["page"]
    revise(indicator, admin_user, {2024: 200, 2025: 250})
    plan_scores_recompute(plan_id=indicator.plan_id)

    original = client.get(DASHBOARD + "&targets=original").context["page"]

    assert original.basis == "original"
    assert original.score.status == before.score.status == "ON_TRACK"
    assert (original.score.achieved, original.score.expected) == pytest.approx(
        (before.score.achieved, before.score.expected)
    )
    assert [(p.actual, p.expected, p.status) for p in original.points] == [
        (p.actual, p.expected, p.status) for p in before.points
    ]
    revised = client.get(DASHBOARD).context["page"]
    assert revised.score.status == "OFF_TRACK"


def test_without_a_revision_there_is_one_basis(client, indicator, reviewer):
    client.force_login(reviewer)

    page = client.get(DASHBOARD + "&targets=original").context["page"]

    assert page.basis == "revised"
    assert all(p.original_target is None for p in page.points)


def test_the_indicator_page_reads_a_revised_indicator_in_few_queries(
    client, indicator, admin_user, django_assert_max_num_queries
):
    revise(indicator, admin_user, {2024: 200})
    plan_scores_recompute(plan_id=indicator.plan_id)
    client.force_login(admin_user)

    # 15, and 5 for the open period's banner: who owes a report (4) and how
    # many are approved (1); kept with the scores after the first read.
    for url in (DASHBOARD, DASHBOARD + "&targets=original"):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_the_plan_structure_shows_revised_targets_with_their_originals(
    client, indicator, admin_user, partner
):
    revise(indicator, admin_user, {2026: 120})

    client.force_login(partner)
    content = client.get("/plans/NSP/").content.decode()
    assert "2026: 120 <span" in content and "revised; originally 100" in content
    assert PAGE not in content

    client.force_login(admin_user)
    assert PAGE in client.get("/plans/NSP/").content.decode()


def test_the_revise_link_shows_to_the_administrator_only_though_the_page_is_kept(
    client, indicator, admin_user, reviewer
):
    # Both are the secretariat, who read the same figures; only one may revise.
    for who, shown in ((admin_user, True), (reviewer, False), (admin_user, True)):
        client.force_login(who)
        assert (PAGE in client.get(DASHBOARD).content.decode()) is shown, who.username


def test_a_revision_shows_at_once_on_the_kept_indicator_page(client, indicator, admin_user, reviewer):
    client.force_login(reviewer)
    assert "Original target (end of year)" not in client.get(DASHBOARD).content.decode()

    revise(indicator, admin_user, {2024: 200})

    content = client.get(DASHBOARD).content.decode()
    assert "Original target (end of year)" in content and WHY in content


def test_the_admin_lists_revisions_and_changes_none(client, indicator, admin_user):
    [revision] = revise(indicator, admin_user, {2026: 120})
    client.force_login(admin_user)

    listing = client.get("/admin/indicators/targetrevision/")
    assert listing.status_code == 200 and MID_TERM in listing.content.decode()
    assert client.get("/admin/indicators/targetrevision/add/").status_code == 403
    url = f"/admin/indicators/targetrevision/{revision.pk}/change/"
    client.post(url, {"value": "1", "review": "x", "rationale": "y"})
    assert (
        client.post(f"/admin/indicators/targetrevision/{revision.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    revision.refresh_from_db()
    assert (revision.value, revision.review) == (Decimal(120), MID_TERM)
    # The indicator's page shows each year's target in force beside the original.
    inline = client.get(f"/admin/indicators/indicator/{indicator.pk}/change/").content.decode()
    assert "target in force (after revisions)" in inline.lower() and ">120<" in inline
