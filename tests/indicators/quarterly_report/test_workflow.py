"""The quarterly report's services: saving, submitting, reviewing, with who did what."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import IndicatorValue, ReportEvent
from indicators.quarterly_report.expected import report_expected_activities
from indicators.quarterly_report.services import (
    ActivityLine,
    IndicatorLine,
    ReportConflict,
    TransitionNotAllowed,
    report_open,
    report_save,
)
from indicators.quarterly_report.validation import submission_errors
from indicators.quarterly_report.workflow import (
    report_approve,
    report_reopen,
    report_return,
    report_submit,
    reports_approve,
)
from plans.models import AuditEvent, ScoreState
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DimensionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    approved_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_for_moi(ministry, other_ministry):
    plan = PlanFactory(code="NSP")
    objective = ObjectiveFactory(plan=plan, pillar__plan=plan)
    trained = IndicatorFactory(objective=objective, code="TRAINED", lead=ministry, targets=[100] * 5)
    referred = IndicatorFactory(
        objective=objective,
        code="REFERRED",
        lead=ministry,
        measure="PERCENT",
        aggregation="LATEST",
        targets=[50] * 5,
    )
    cases = IndicatorFactory(objective=objective, code="CASES", lead=other_ministry, targets=[10] * 5)
    cases.contributors.add(ministry)
    activity = ActivityFactory(objective=objective, code="ACT", lead=ministry)
    return {
        "plan": plan,
        "trained": trained,
        "referred": referred,
        "cases": cases,
        "activity": activity,
        "period": plan.periods.get(code="2024-Q2"),
    }


def full_lines(p, trained=10, referred=45, cases=3):
    return {
        "indicator_lines": [
            IndicatorLine(p["trained"].pk, value=Decimal(trained)),
            IndicatorLine(p["referred"].pk, value=Decimal(referred)),
            IndicatorLine(p["cases"].pk, value=Decimal(cases)),
        ],
        "activity_lines": [
            ActivityLine(p["activity"].pk, status="IN_PROGRESS", percent_complete=Decimal(40))
        ],
    }


def submitted_report(p, focal_point, ministry):
    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    report_save(actor=focal_point, report=report, version=report.version, **full_lines(p))
    return report_submit(actor=focal_point, report=report)


def test_focal_point_fills_and_submits_and_every_step_is_recorded(plan_for_moi, focal_point, ministry):
    report = submitted_report(plan_for_moi, focal_point, ministry)
    assert report.state == "SUBMITTED"
    assert report.first_submitted_at is not None and report.submitted_by == focal_point
    assert list(report.events.values_list("from_state", "to_state", "actor")) == [
        ("", "DRAFT", focal_point.pk),
        ("DRAFT", "SUBMITTED", focal_point.pk),
    ]
    assert {v.indicator.code: v.value for v in report.indicator_values.all()} == {
        "TRAINED": 10,
        "REFERRED": 45,
        "CASES": 3,
    }
    assert (
        AuditEvent.objects.filter(actor=focal_point, action__in=["report.save", "report.submitted"]).count()
        == 2
    )


def test_reviewer_approves_and_the_plan_scores_become_stale_from_that_period(
    plan_for_moi, focal_point, ministry, reviewer
):
    report = submitted_report(plan_for_moi, focal_point, ministry)
    report_approve(actor=reviewer, report=report)
    assert (report.state, report.approved_by) == ("APPROVED", reviewer)
    assert ScoreState.objects.get(plan=plan_for_moi["plan"]).stale_from == 2


def test_return_needs_a_comment_and_the_focal_point_sees_it(plan_for_moi, focal_point, ministry, reviewer):
    report = submitted_report(plan_for_moi, focal_point, ministry)
    with pytest.raises(ValidationError) as error:
        report_return(actor=reviewer, report=report, comment="  ")
    assert "Say what needs correcting" in str(error.value)
    report_return(actor=reviewer, report=report, comment="Q2 training figure looks doubled")
    assert (report.state, report.review_comment) == ("RETURNED", "Q2 training figure looks doubled")
    # Corrected and resubmitted.
    report_save(
        actor=focal_point, report=report, version=report.version, **full_lines(plan_for_moi, trained=5)
    )
    report_submit(actor=focal_point, report=report)
    assert report.state == "SUBMITTED"
    assert report.events.filter(to_state="RETURNED").get().comment == "Q2 training figure looks doubled"


def test_reopening_an_approved_report_needs_a_reason_and_makes_scores_stale(
    plan_for_moi, focal_point, ministry, reviewer
):
    report = submitted_report(plan_for_moi, focal_point, ministry)
    report_approve(actor=reviewer, report=report)
    ScoreState.objects.filter(plan=plan_for_moi["plan"]).update(stale_from=None)
    with pytest.raises(ValidationError):
        report_reopen(actor=reviewer, report=report, reason="")
    report_reopen(actor=reviewer, report=report, reason="MOJ corrected its court figures")
    assert (report.state, report.approved_by) == ("RETURNED", None)
    assert ScoreState.objects.get(plan=plan_for_moi["plan"]).stale_from == 2


@pytest.mark.parametrize(
    ("step", "state"),
    [
        ("approve", "DRAFT"),
        ("return", "DRAFT"),
        ("reopen", "SUBMITTED"),
        ("approve", "APPROVED"),
        ("submit", "APPROVED"),
        ("submit", "SUBMITTED"),
    ],
)
def test_a_step_not_allowed_from_the_current_state_is_refused(
    plan_for_moi, ministry, focal_point, reviewer, step, state
):
    report = approved_report(ministry, plan_for_moi["period"], state=state)
    report.refresh_from_db()
    run = {
        "approve": lambda: report_approve(actor=reviewer, report=report),
        "return": lambda: report_return(actor=reviewer, report=report, comment="x"),
        "reopen": lambda: report_reopen(actor=reviewer, report=report, reason="x"),
        "submit": lambda: report_submit(actor=focal_point, report=report),
    }[step]
    with pytest.raises((TransitionNotAllowed, ValidationError)):
        run()
    report.refresh_from_db()
    assert report.state == state


@pytest.mark.parametrize("who", ["focal_point", "partner"])
def test_only_the_secretariat_reviews(plan_for_moi, focal_point, ministry, request, who):
    report = submitted_report(plan_for_moi, focal_point, ministry)
    actor = request.getfixturevalue(who)
    for step in (
        lambda: report_approve(actor=actor, report=report),
        lambda: report_return(actor=actor, report=report, comment="x"),
    ):
        with pytest.raises(PermissionDenied):
            step()
    assert report.state == "SUBMITTED"


@pytest.mark.parametrize("who", ["reviewer", "partner"])
def test_only_the_organisations_focal_point_or_the_admin_fills_in_a_report(
    plan_for_moi, ministry, request, who
):
    with pytest.raises(PermissionDenied):
        report_open(actor=request.getfixturevalue(who), organisation=ministry, period=plan_for_moi["period"])


def test_a_focal_point_cannot_fill_in_another_ministrys_report(plan_for_moi, other_ministry, focal_point):
    with pytest.raises(PermissionDenied):
        report_open(actor=focal_point, organisation=other_ministry, period=plan_for_moi["period"])


def test_the_admin_fills_in_on_behalf_of_a_ministry(plan_for_moi, ministry, admin_user):
    report = report_open(actor=admin_user, organisation=ministry, period=plan_for_moi["period"])
    report_save(actor=admin_user, report=report, version=report.version, **full_lines(plan_for_moi))
    assert report.indicator_values.count() == 3


def test_the_later_of_two_saves_of_one_draft_is_refused_saying_who_saved(plan_for_moi, ministry, focal_point):
    colleague = UserFactory(
        username="sokha", first_name="Sokha", last_name="Chan", role="focal_point", organisation=ministry
    )
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    opened_at = report.version
    report_save(actor=colleague, report=report, version=opened_at, **full_lines(plan_for_moi, trained=12))
    with pytest.raises(ReportConflict) as conflict:
        report_save(
            actor=focal_point, report=report, version=opened_at, **full_lines(plan_for_moi, trained=99)
        )
    assert "Sokha Chan saved this report" in str(conflict.value)
    assert IndicatorValue.objects.get(report=report, indicator=plan_for_moi["trained"]).value == 12


@pytest.mark.parametrize(
    ("indicator", "value", "message"),
    [
        ("trained", "-1", "Enter a number of 0 or more."),
        ("referred", "120", "A percentage must lie between 0 and 100."),
    ],
)
def test_bad_figures_are_refused_next_to_their_field_and_nothing_is_saved(
    plan_for_moi, ministry, focal_point, indicator, value, message
):
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    lines = full_lines(plan_for_moi)
    target = plan_for_moi[indicator]
    lines["indicator_lines"] = [
        IndicatorLine(line.indicator_id, value=Decimal(value)) if line.indicator_id == target.pk else line
        for line in lines["indicator_lines"]
    ]
    with pytest.raises(ValidationError) as error:
        report_save(actor=focal_point, report=report, version=report.version, **lines)
    assert error.value.message_dict == {f"indicator-{target.pk}-value": [message]}
    assert not report.indicator_values.exists()


def test_status_and_percent_complete_must_agree(plan_for_moi, ministry, focal_point):
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    lines = full_lines(plan_for_moi)
    activity = plan_for_moi["activity"]
    lines["activity_lines"] = [ActivityLine(activity.pk, status="COMPLETED", percent_complete=Decimal(80))]
    with pytest.raises(ValidationError) as error:
        report_save(actor=focal_point, report=report, version=report.version, **lines)
    assert error.value.message_dict == {
        f"activity-{activity.pk}-percent_complete": ["A completed activity is 100% complete."]
    }


def test_submitting_needs_every_figure(plan_for_moi, ministry, focal_point):
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    report_save(
        actor=focal_point,
        report=report,
        version=report.version,
        indicator_lines=[IndicatorLine(plan_for_moi["trained"].pk, value=Decimal(5))],
        activity_lines=[],
    )
    with pytest.raises(ValidationError) as error:
        report_submit(actor=focal_point, report=report)
    assert set(error.value.message_dict) == {
        f"indicator-{plan_for_moi['referred'].pk}-value",
        f"indicator-{plan_for_moi['cases'].pk}-value",
        f"activity-{plan_for_moi['activity'].pk}-status",
    }
    assert report.state == "DRAFT"


@pytest.mark.parametrize(("value", "needs_note"), [(31, True), (30, False), (3, True), (4, False)])
def test_an_unusual_figure_needs_a_note_before_submitting(
    plan_for_moi, ministry, focal_point, value, needs_note
):
    approved_report(
        ministry, plan_for_moi["plan"].periods.get(code="2024-Q1"), values={plan_for_moi["trained"]: 10}
    )
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    report_save(
        actor=focal_point, report=report, version=report.version, **full_lines(plan_for_moi, trained=value)
    )
    field = f"indicator-{plan_for_moi['trained'].pk}-note"
    if needs_note:
        with pytest.raises(ValidationError) as error:
            report_submit(actor=focal_point, report=report)
        assert "last approved value (10)" in error.value.message_dict[field][0]
        lines = full_lines(plan_for_moi, trained=value)
        lines["indicator_lines"][0].note = "Two trainings were held in this quarter"
        report_save(actor=focal_point, report=report, version=report.version, **lines)
    report_submit(actor=focal_point, report=report)
    assert report.state == "SUBMITTED"


def test_disaggregated_figures_are_saved_by_cell_and_summed(plan_for_moi, ministry, focal_point):
    sex = DimensionFactory(code="sex")
    CategoryFactory(dimension=sex, code="F")
    CategoryFactory(dimension=sex, code="M")
    victims = IndicatorFactory(
        objective=plan_for_moi["trained"].objective, code="VICTIMS", lead=ministry, targets=[100] * 5
    )
    victims.disaggregation.add(sex)
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    line = IndicatorLine(victims.pk, cells={"sex=F": Decimal(7), "sex=M": Decimal(4)})
    report_save(
        actor=focal_point, report=report, version=report.version, indicator_lines=[line], activity_lines=[]
    )
    value = IndicatorValue.objects.get(report=report, indicator=victims)
    assert value.value == 11
    assert dict(value.cells.values_list("cell", "value")) == {"sex=F": 7, "sex=M": 4}
    bad = IndicatorLine(victims.pk, cells={"sex=F": Decimal(-2), "sex=X": Decimal(1)})
    with pytest.raises(ValidationError) as error:
        report_save(
            actor=focal_point, report=report, version=report.version, indicator_lines=[bad], activity_lines=[]
        )
    assert set(error.value.message_dict) == {
        f"indicator-{victims.pk}-cell-sex=F",
        f"indicator-{victims.pk}-cell-sex=X",
    }


def test_every_change_to_a_figure_is_kept_with_who_made_it(plan_for_moi, ministry, focal_point, admin_user):
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    report_save(
        actor=focal_point, report=report, version=report.version, **full_lines(plan_for_moi, trained=10)
    )
    report_save(
        actor=admin_user, report=report, version=report.version, **full_lines(plan_for_moi, trained=14)
    )
    value = IndicatorValue.objects.get(report=report, indicator=plan_for_moi["trained"])
    history = list(value.history.order_by("history_date").values_list("value", "history_user"))
    assert history == [(Decimal(10), focal_point.pk), (Decimal(14), admin_user.pk)]


def test_bulk_approval_approves_submitted_reports_and_lists_the_rest(
    plan_for_moi, ministry, other_ministry, focal_point, reviewer
):
    submitted = submitted_report(plan_for_moi, focal_point, ministry)
    draft = approved_report(other_ministry, plan_for_moi["period"], state="DRAFT")
    approved, skipped = reports_approve(actor=reviewer, reports=[submitted, draft])
    assert [r.pk for r in approved] == [submitted.pk]
    assert [(r.pk, "cannot be approved" in why) for r, why in skipped] == [(draft.pk, True)]
    assert ReportEvent.objects.filter(report=draft).count() == 0


def test_a_split_indicator_refuses_a_plain_total(plan_for_moi, ministry, focal_point):
    sex = DimensionFactory(code="sex")
    CategoryFactory(dimension=sex, code="F")
    victims = IndicatorFactory(
        objective=plan_for_moi["trained"].objective, code="VICTIMS", lead=ministry, targets=[100] * 5
    )
    victims.disaggregation.add(sex)
    report = report_open(actor=focal_point, organisation=ministry, period=plan_for_moi["period"])
    with pytest.raises(ValidationError) as error:
        report_save(
            actor=focal_point,
            report=report,
            version=report.version,
            indicator_lines=[IndicatorLine(victims.pk, value=Decimal(-4))],
            activity_lines=[],
        )
    assert "enter the figure cell by cell" in error.value.message_dict[f"indicator-{victims.pk}-value"][0]
    assert not IndicatorValue.objects.filter(indicator=victims).exists()


# --- Activities reported early ------------------------------------------------------


def test_an_early_activity_update_is_accepted_and_scores_like_any_other(
    plan_for_moi, focal_point, ministry, reviewer
):
    """docs/scoring.md: progress from the update, expected still 0 before the
    planned start, so the activity is on track (and not due, so never "no data")."""
    from reports.models import ScoreSnapshot
    from reports.scores.recompute import plan_scores_recompute

    p = plan_for_moi
    periods = p["plan"].periods
    early = ActivityFactory(
        objective=p["trained"].objective,
        code="EARLY",
        lead=ministry,
        start_period=periods.get(code="2024-Q4"),
        end_period=periods.get(code="2025-Q3"),
    )
    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    figures = full_lines(p)
    figures["activity_lines"].append(
        ActivityLine(early.pk, status="IN_PROGRESS", percent_complete=Decimal(20))
    )
    report_save(actor=focal_point, report=report, version=report.version, **figures)
    report_submit(actor=focal_point, report=report)
    report_approve(actor=reviewer, report=report)
    plan_scores_recompute(plan_id=p["plan"].pk, everything=True)

    score = ScoreSnapshot.objects.get(node_type="activity", node_id=early.pk, period=p["period"])
    assert (score.progress, score.expected, score.status) == (pytest.approx(0.2), 0.0, "ON_TRACK")
    # The next quarter's report lists it still (not finished) and does not require it.
    q3 = report_open(actor=focal_point, organisation=ministry, period=periods.get(code="2024-Q3"))
    assert early.pk in report_expected_activities(q3)
    assert f"activity-{early.pk}-status" not in submission_errors(q3)
    assert f"activity-{p['activity'].pk}-status" in submission_errors(q3)


def test_an_activity_finished_in_an_earlier_approved_report_is_not_listed_again(
    plan_for_moi, focal_point, ministry
):
    p = plan_for_moi
    approved_report(
        ministry, p["plan"].periods.get(code="2024-Q1"), updates={p["activity"]: ("COMPLETED", 100)}
    )
    report = report_open(actor=focal_point, organisation=ministry, period=p["period"])
    with pytest.raises(ValidationError) as refused:
        report_save(
            actor=focal_point,
            report=report,
            version=report.version,
            indicator_lines=[],
            activity_lines=[
                ActivityLine(p["activity"].pk, status="IN_PROGRESS", percent_complete=Decimal(50))
            ],
        )
    assert "reported finished in an earlier quarter" in str(refused.value)


# --- Comments on lines ---------------------------------------------------------------


def test_a_return_replaces_the_comments_on_lines_and_an_approval_clears_them(
    plan_for_moi, focal_point, ministry, reviewer
):
    p = plan_for_moi
    report = submitted_report(p, focal_point, ministry)
    report_return(
        actor=reviewer, report=report, comment="Check", indicator_comments={p["trained"].pk: "Is it 8?"}
    )
    report_submit(actor=focal_point, report=report)
    report_return(
        actor=reviewer,
        report=report,
        comment="Again",
        activity_comments={p["activity"].pk: "Which provinces?"},
    )
    assert [(c.indicator_id, c.activity_id, c.comment) for c in report.line_comments.all()] == [
        (None, p["activity"].pk, "Which provinces?")
    ]
    report_submit(actor=focal_point, report=report)
    report_approve(actor=reviewer, report=report)
    assert not report.line_comments.exists()
    # The audit trail keeps what each return said, line by line.
    returns = AuditEvent.objects.filter(action="report.returned").order_by("pk")
    assert [event.details.get("line_comments") for event in returns] == [
        {f"indicator-{p['trained'].pk}": "Is it 8?"},
        {f"activity-{p['activity'].pk}": "Which provinces?"},
    ]


def test_a_line_comment_must_be_about_a_line_of_the_report(plan_for_moi, focal_point, ministry, reviewer):
    p = plan_for_moi
    report = submitted_report(p, focal_point, ministry)
    other = IndicatorFactory(objective=p["trained"].objective, code="OTHER", lead=reviewer.organisation)
    with pytest.raises(ValidationError) as refused:
        report_return(actor=reviewer, report=report, comment="x", indicator_comments={other.pk: "Not yours"})
    assert refused.value.message_dict == {
        f"indicator-{other.pk}-comment": ["This line is not in the report."]
    }
    report.refresh_from_db()
    assert report.state == "SUBMITTED"
