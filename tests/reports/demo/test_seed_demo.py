"""The seed_demo command: a complete, valid, believable demo plan, loaded once.

The demo is seeded once for the whole module, inside a transaction rolled back
at the end, so other test modules still start from an empty database. Each
test runs in a savepoint inside it: what a test changes (a second seed, a
sign-in) is undone before the next.
"""

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO
from itertools import product

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import override_settings

from indicators.models import (
    ActivityUpdate,
    Aggregation,
    Direction,
    DisaggregatedValue,
    Frequency,
    Indicator,
    IndicatorValue,
    Measure,
    QuarterlyReport,
    ReportEvent,
    ReportState,
    Target,
    activity_update_errors,
    cell_categories,
    value_errors,
)
from indicators.quarterly_report.selectors import indicators_to_explain
from indicators.quarterly_report.workflow import submission_errors
from plans.models import AuditEvent, Organisation, OrganisationKind, Plan, Role, User, normalise_text
from reports.demo.content import GAP_EXPLANATIONS, MISSED_QUARTERS, PLAN_CODE, TARGET_REVISIONS
from strategies.models import Activity

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
APPROVED_QUARTERS = [f"{year}-Q{q}" for year in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:10]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker):
    # The real password hasher costs a noticeable time per password; the tests
    # check which password works, not how it is hashed.
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def plan(seed_output):
    return Plan.objects.get(code=PLAN_CODE)


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """role → (username, password) from the table the command prints."""
    logins = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] in Role.values:
            role, username, _organisation, password = parts
            logins[role] = (username, password)
    return logins


def allowed_indicator_kinds() -> set[tuple[str, str, str, str]]:
    """Every measure / aggregation / direction / frequency the model's rule accepts."""
    kinds = set()
    for kind in product(Measure.values, Aggregation.values, Direction.values, Frequency.values):
        measure, aggregation, direction, frequency = kind
        candidate = Indicator(
            name="x", measure=measure, aggregation=aggregation, direction=direction, frequency=frequency
        )
        try:
            candidate.clean()
        except ValidationError:
            continue
        kinds.add(kind)
    return kinds


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every NTIP table (and the many-to-many tables), in key order."""
    models = [User]
    for label in ("plans", "strategies", "indicators", "reports"):
        models += apps.get_app_config(label).get_models(include_auto_created=True)
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models}


# --- The plan's structure -------------------------------------------------------------------------


def test_the_plan_has_four_pillars_and_enough_objectives_indicators_and_activities(plan):
    assert (plan.start_year, plan.end_year) == (2024, 2028)
    assert plan.name and plan.name_km
    assert plan.periods.count() == 20
    assert plan.pillars.count() == 4
    assert plan.objectives.count() >= 12
    assert plan.indicators.count() >= 40
    assert plan.activities.count() >= 40
    assert all(pillar.name_km for pillar in plan.pillars.all())


def test_the_mid_term_review_revised_some_targets_and_the_originals_stay(plan):
    revised = Target.objects.with_in_force().filter(indicator__plan=plan, revised=True)

    assert revised.count() == sum(len(values) for _code, values, _why in TARGET_REVISIONS)
    for target in revised:
        assert target.in_force != target.value
        [revision] = target.revisions.all()
        assert revision.review == "Mid-term review 2026"
        assert revision.rationale and revision.revised_by.username == "admin"
        assert target.year >= 2026, "a review revises the years still ahead"


def test_every_allowed_kind_of_indicator_is_in_the_plan(plan):
    allowed = allowed_indicator_kinds()
    seeded = set(plan.indicators.values_list("measure", "aggregation", "direction", "frequency"))

    assert allowed, "the rule accepts some kinds"
    assert seeded == allowed


def test_every_indicator_has_a_lead_and_a_target_for_every_plan_year(plan):
    for indicator in plan.indicators.prefetch_related("targets"):
        assert sorted(t.year for t in indicator.targets.all()) == plan.years, indicator.code
        assert indicator.lead_id


def test_contributors_report_only_to_sums(plan):
    with_contributors = plan.indicators.annotate(n=Count("contributors")).filter(n__gt=0)

    assert with_contributors.exists()
    assert set(with_contributors.values_list("aggregation", flat=True)) == {Aggregation.SUM}


def test_some_indicators_are_split_by_sex_and_age_group(plan):
    by_both = plan.indicators.filter(disaggregation__code="sex").filter(disaggregation__code="age_group")
    by_sex = plan.indicators.filter(disaggregation__code="sex")

    assert by_both.exists()
    assert by_sex.count() > by_both.count()
    sex = by_sex.first().disaggregation.get(code="sex")
    age = by_both.first().disaggregation.get(code="age_group")
    assert list(sex.categories.values_list("code", flat=True)) == ["F", "M"]
    assert list(age.categories.values_list("code", flat=True)) == ["U15", "15_17", "18_PLUS"]
    # Only counts are split: the cells of a percentage would not add up to it.
    assert set(plan.indicators.filter(disaggregation__isnull=False).values_list("measure", flat=True)) == {
        Measure.NUMBER
    }


def test_every_activity_has_a_lead_supporters_a_budget_and_planned_quarters(plan):
    for activity in plan.activities.select_related("start_period", "end_period").annotate(
        supporters=Count("supporting")
    ):
        assert activity.supporters >= 1, activity.code
        assert activity.budget_usd > 0, activity.code
        assert activity.start_period.index <= activity.end_period.index, activity.code


def test_the_ncct_institutions_provinces_and_partners_are_there(seed_output):
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))

    assert kinds[OrganisationKind.MINISTRY] >= 12
    assert kinds[OrganisationKind.INSTITUTION] >= 3
    assert kinds[OrganisationKind.PARTNER] >= 10
    assert Organisation.objects.get(code="NCCT-GS").kind == OrganisationKind.SECRETARIAT
    committees = Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    assert sorted(committees.values_list("code", flat=True)) == [f"PCCT-{n:02d}" for n in range(1, 26)]


def test_provincial_committees_have_normalised_khmer_names(seed_output):
    for committee in Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_COMMITTEE):
        assert committee.name_km, committee.code
        assert committee.name_km == normalise_text(committee.name_km), committee.code
    assert "កណ្ដាល" in Organisation.objects.get(code="PCCT-08").name_km  # Kandal


# --- The figures --------------------------------------------------------------------------------


def test_quarters_2024_q1_to_2026_q2_are_approved(plan):
    reports = QuarterlyReport.objects.filter(period__plan=plan)
    approved = reports.filter(state=ReportState.APPROVED)
    reviewer = User.objects.get(username="reviewer")

    assert sorted(set(approved.values_list("period__code", flat=True))) == APPROVED_QUARTERS
    assert not reports.filter(period__code__in=APPROVED_QUARTERS).exclude(state=ReportState.APPROVED).exists()
    assert not approved.filter(approved_at__isnull=True).exists()
    assert not approved.filter(first_submitted_at__isnull=True).exists()
    assert set(approved.values_list("approved_by", flat=True)) == {reviewer.pk}


def test_each_approved_report_records_its_steps_with_their_dates(plan):
    approved = QuarterlyReport.objects.filter(period__plan=plan, state=ReportState.APPROVED)
    steps = defaultdict(list)
    for report_id, from_state, to_state, at in ReportEvent.objects.filter(report__in=approved).values_list(
        "report_id", "from_state", "to_state", "at"
    ):
        steps[report_id].append((from_state, to_state, at))

    for report in approved.select_related("period"):
        path = [(f, t) for f, t, _ in steps[report.pk]]
        assert path[:2] == [("", "DRAFT"), ("DRAFT", "SUBMITTED")], report
        assert path[-1] == ("SUBMITTED", "APPROVED"), report
        times = [at for _, _, at in steps[report.pk]]
        assert times == sorted(times), report
        assert times[-1] == report.approved_at
        assert times[1] == report.first_submitted_at
        # The events carry the report's own dates, not the time the seed ran.
        assert times[0].date() > report.period.end


def test_some_approved_reports_were_returned_once_and_some_were_late(plan):
    approved = QuarterlyReport.objects.filter(period__plan=plan, state=ReportState.APPROVED)

    assert ReportEvent.objects.filter(report__in=approved, to_state=ReportState.RETURNED).exists()
    late = [r for r in approved.select_related("period") if r.is_late]
    assert 0 < len(late) < approved.count() / 3


def test_2026_q3_reports_are_in_draft_submitted_and_returned(plan):
    q3 = QuarterlyReport.objects.filter(period__plan=plan, period__code="2026-Q3")

    assert set(q3.values_list("state", flat=True)) == {"DRAFT", "SUBMITTED", "RETURNED"}
    assert not q3.filter(state=ReportState.DRAFT, first_submitted_at__isnull=False).exists()
    assert not q3.filter(state=ReportState.SUBMITTED, first_submitted_at__isnull=True).exists()
    assert not QuarterlyReport.objects.filter(period__plan=plan, period__index__gt=11).exists()
    for report in q3.filter(state=ReportState.RETURNED):
        assert report.review_comment
        last = report.events.last()
        assert (last.from_state, last.to_state) == ("SUBMITTED", "RETURNED")
        assert last.comment == report.review_comment
        assert last.actor.username == "reviewer"


def test_some_organisations_missed_a_quarter(plan):
    for code, quarters in MISSED_QUARTERS.items():
        reports = QuarterlyReport.objects.filter(period__plan=plan, organisation__code=code)
        assert not reports.filter(period__code__in=quarters).exists(), code
        assert reports.exists(), f"{code} reports in the other quarters"


def test_values_are_valid_for_their_measure(plan):
    values = IndicatorValue.objects.filter(indicator__plan=plan)

    assert values.exists()
    for measure, value in values.values_list("indicator__measure", "value"):
        assert not value_errors(measure, value, field="value"), (measure, value)


def test_disaggregated_cells_add_up_to_the_value(plan):
    split = plan.indicators.filter(disaggregation__isnull=False).distinct()
    dimensions = defaultdict(set)
    for indicator, code in split.values_list("pk", "disaggregation__code"):
        dimensions[indicator].add(code)
    cell_sums, cell_dimensions = defaultdict(Decimal), defaultdict(set)
    for value_id, cell, amount in DisaggregatedValue.objects.filter(
        indicator_value__indicator__plan=plan
    ).values_list("indicator_value", "cell", "value"):
        cell_sums[value_id] += amount
        cell_dimensions[value_id] = set(cell_categories(cell))
    values = IndicatorValue.objects.filter(indicator__plan=plan)

    assert split.exists()
    for pk, indicator, value in values.filter(indicator__in=split).values_list("pk", "indicator", "value"):
        assert cell_sums[pk] == value, (indicator, value)
        assert cell_dimensions[pk] == dimensions[indicator]
    assert not values.exclude(indicator__in=split).filter(cells__isnull=False).exists()


def test_annual_indicators_have_values_only_in_q4(plan):
    quarters = set(
        IndicatorValue.objects.filter(
            indicator__plan=plan, indicator__frequency=Frequency.ANNUAL
        ).values_list("report__period__quarter", flat=True)
    )

    assert quarters == {4}


def test_latest_values_come_from_the_lead_only(plan):
    latest = IndicatorValue.objects.filter(indicator__plan=plan, indicator__aggregation=Aggregation.LATEST)

    assert latest.exists()
    for reporter, lead in latest.values_list("report__organisation", "indicator__lead"):
        assert reporter == lead


def test_organisations_report_only_what_they_lead_or_contribute_to(plan):
    contributors = set(
        Indicator.contributors.through.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "organisation_id"
        )
    )
    leads = set(plan.indicators.values_list("pk", "lead_id"))
    values = IndicatorValue.objects.filter(indicator__plan=plan)
    for indicator, reporter in values.values_list("indicator_id", "report__organisation_id"):
        assert (indicator, reporter) in leads | contributors

    updates = ActivityUpdate.objects.filter(activity__plan=plan)
    for reporter, lead in updates.values_list("report__organisation", "activity__lead"):
        assert reporter == lead

    reporters = set(values.values_list("report__organisation_id", flat=True))
    assert {org for _, org in leads | contributors} <= reporters, "everyone with figures to give gave some"


def test_activity_updates_agree_with_their_status(plan):
    updates = ActivityUpdate.objects.filter(activity__plan=plan)
    statuses = Counter(updates.values_list("status", flat=True))

    for status, percent in updates.values_list("status", "percent_complete"):
        assert not activity_update_errors(status, percent), (status, percent)
    assert {"IN_PROGRESS", "DELAYED", "COMPLETED", "CANCELLED"} <= set(statuses)


def test_indicators_behind_plan_explain_the_gap(plan):
    explained = IndicatorValue.objects.filter(indicator__plan=plan).exclude(gap_reason="")

    assert explained.exists()
    assert not explained.filter(corrective_action="").exists()


def test_every_gap_reason_comes_with_its_own_corrective_action(plan):
    # "Witnesses returned abroad" is answered by hearing them by video link,
    # never by "ask MEF to release funds": a reason and its action are one pair.
    pairs = set(
        IndicatorValue.objects.filter(indicator__plan=plan)
        .exclude(gap_reason="")
        .values_list("gap_reason", "corrective_action")
    )
    actions_by_reason = defaultdict(set)
    for reason, action in pairs:
        actions_by_reason[reason].add(action)

    assert len(actions_by_reason) > 1, "the demo gives more than one reason"
    assert pairs <= set(GAP_EXPLANATIONS)
    assert all(len(actions) == 1 for actions in actions_by_reason.values()), actions_by_reason


def test_submitted_reports_pass_the_checks_of_submitting_them(plan):
    # Written directly, not through report_submit: they must still meet its
    # rules, "Explain the gap" among them (the seed computes the scores it reads).
    submitted = list(QuarterlyReport.objects.filter(period__plan=plan, state=ReportState.SUBMITTED))

    assert any(indicators_to_explain(report) for report in submitted)
    for report in submitted:
        assert submission_errors(report) == {}, report


# --- Users ------------------------------------------------------------------------------------


def test_one_user_per_role_can_sign_in_with_the_printed_password(client, seed_output):
    logins = printed_logins(seed_output)

    assert set(logins) == set(Role.values)
    for role, (username, password) in logins.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert client.login(username=username, password=password), username
    assert User.objects.count() == len(Role.values)
    organisations = dict(User.objects.values_list("username", "organisation__code"))
    assert organisations == {"admin": "NCCT-GS", "reviewer": "NCCT-GS", "focal": "MOI", "partner": "IOM"}


def test_a_second_run_keeps_the_passwords_unless_asked_to_reset_them(client, seed_output):
    first = printed_logins(seed_output)

    kept = printed_logins(seed())
    assert {password for _, password in kept.values()} == {"(unchanged)"}
    assert client.login(username="focal", password=first[Role.FOCAL_POINT][1])

    reset = printed_logins(seed("--reset-passwords"))
    username, new_password = reset[Role.FOCAL_POINT]
    assert new_password != first[Role.FOCAL_POINT][1]
    assert client.login(username=username, password=new_password)
    assert not client.login(username=username, password=first[Role.FOCAL_POINT][1])


# --- Running it again, and at scale -------------------------------------------------------------


def test_the_seed_is_recorded_in_the_audit_trail(plan):
    event = AuditEvent.objects.get(action="demo.seed")

    assert event.plan == plan
    assert event.actor is None
    assert event.details["added"]["indicators"] == plan.indicators.count()


def test_running_it_again_changes_nothing(seed_output):
    before = database_rows()

    output = seed()

    assert "Nothing to add" in output
    after = database_rows()
    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in before.items()
    }
    for label in before:
        assert after[label] == before[label], f"{label} rows changed"


def test_scale_2_builds_a_separate_plan_twice_as_large(plan):
    def size(of: Plan) -> dict[str, int]:
        reports = QuarterlyReport.objects.filter(period__plan=of)
        return {
            "objectives": of.objectives.count(),
            "indicators": of.indicators.count(),
            "activities": of.activities.count(),
            "reporting organisations": reports.values("organisation").distinct().count(),
            "reports": reports.count(),
            "values": IndicatorValue.objects.filter(indicator__plan=of).count(),
            "cells": DisaggregatedValue.objects.filter(indicator_value__indicator__plan=of).count(),
            "updates": ActivityUpdate.objects.filter(activity__plan=of).count(),
        }

    demo = size(plan)

    seed("--scale", "2")

    large = Plan.objects.get(code=f"{PLAN_CODE}-x2")
    assert large.pillars.count() == 4
    assert size(large) == {label: 2 * count for label, count in demo.items()}
    assert size(plan) == demo, "the demo plan stays as it was"
    total = sum(
        IndicatorValue.objects.filter(indicator__plan=p).aggregate(t=Sum("value"))["t"] for p in (plan, large)
    )
    assert total > Decimal(0)
    assert not Activity.objects.filter(plan=large, lead__code__in=["IOM", "NCCT-GS"]).exists()
