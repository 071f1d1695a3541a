"""The one rule for small counts of people (reports/privacy.py, docs/privacy.md):
pure functions, no database."""

from decimal import Decimal

import pytest

from plans.access import user_sees_small_counts
from plans.models import Role
from reports.privacy import (
    HIDDEN,
    SUPPRESSION_THRESHOLD,
    protected_progress,
    public_count,
    suppress_breakdown,
    suppress_small,
    suppress_value_rows,
)


def test_the_threshold_is_five_and_hidden_counts_show_as_less_than_five():
    assert SUPPRESSION_THRESHOLD == 5
    assert HIDDEN == "<5"
    assert [suppress_small(n) for n in (0, 1, 4, 5, 523)] == ["<5", "<5", "<5", 5, 523]
    assert suppress_small(None) is None


def test_a_breakdown_with_no_small_cell_is_shown_whole():
    assert suppress_breakdown(30, {"F": 10, "M": 20}) == (30, {"F": 10, "M": 20})


def test_one_small_cell_hides_the_next_smallest_too():
    total, cells = suppress_breakdown(53, {"F": 3, "M": 40, "X": 10})
    assert cells == {"F": "<5", "M": 40, "X": "<5"}
    # The total minus what is shown gives only the two hidden cells together, 13.
    assert total == 53


def test_zero_is_hidden_like_any_small_count():
    assert suppress_breakdown(20, {"F": 0, "M": 20}) == (20, {"F": "<5", "M": "<5"})


def test_hidden_cells_together_under_the_threshold_hide_one_more():
    # 1 + 2 = 3 would be given by 53 - 50: the smallest shown cell goes too.
    total, cells = suppress_breakdown(56, {"a": 1, "b": 2, "c": 50, "d": 3})
    assert cells == {"a": "<5", "b": "<5", "c": 50, "d": "<5"}
    assert 56 - 50 == 6  # three hidden cells, together at least the threshold
    assert total == 56


def test_a_total_that_would_give_the_only_hidden_cell_is_hidden():
    assert suppress_breakdown(3, {"F": 3}) == ("<5", {"F": "<5"})
    # A small total hides every cell (they are all small).
    assert suppress_breakdown(4, {"F": 1, "M": 3}) == ("<5", {"F": "<5", "M": "<5"})


def test_cells_without_a_figure_are_left_alone():
    assert suppress_breakdown(None, {"F": None, "M": 3, "X": 9}) == (None, {"F": None, "M": "<5", "X": "<5"})


def test_no_total_minus_shown_cells_gives_a_count_under_the_threshold():
    """For many breakdowns: whatever is shown, the total minus the shown cells
    is either unknown (total hidden) or the sum of two or more hidden cells of
    at least the threshold."""
    cases = [
        {"a": 3, "b": 40},
        {"a": 3, "b": 5, "c": 6},
        {"a": 1, "b": 1, "c": 1, "d": 100},
        {"a": 4, "b": 4, "c": 4},
        {"a": 0, "b": 0, "c": 7},
        {"a": 2},
        {"a": 12, "b": 2, "c": 2, "d": 9},
    ]
    for cells in cases:
        total = sum(cells.values())
        total_shown, shown = suppress_breakdown(total, cells)
        hidden = [k for k, v in shown.items() if v == HIDDEN]
        if total_shown == HIDDEN or not hidden:
            continue
        assert len(hidden) >= 2, cells
        assert total_shown - sum(v for v in shown.values() if v != HIDDEN) >= SUPPRESSION_THRESHOLD, cells


def row(indicator, period, organisation, cell, value, counts_people=True):
    return {
        "indicator": indicator,
        "period": period,
        "organisation": organisation,
        "cell": cell,
        "value": None if value is None else Decimal(value),
        "counts_people": counts_people,
    }


def values_of(rows):
    return [r["value"] for r in rows]


def test_rows_of_an_indicator_not_counting_people_pass_untouched():
    rows = [
        row("I1", "2026-Q1", "MOI", "", 3, counts_people=False),
        row("I1", "2026-Q1", "MOJ", "", 40, False),
    ]
    out = list(suppress_value_rows(rows))
    assert out == rows
    assert out[0] is rows[0]


def test_an_organisations_small_cell_hides_a_second_cell_and_not_its_total():
    rows = [
        row("V", "2026-Q1", "MOSVY", "", 43),
        row("V", "2026-Q1", "MOSVY", "sex=F", 3),
        row("V", "2026-Q1", "MOSVY", "sex=M", 40),
    ]
    assert values_of(suppress_value_rows(rows)) == [Decimal(43), "<5", "<5"]


def test_a_small_organisation_figure_hides_the_next_smallest_organisation():
    rows = [
        row("V", "2026-Q1", "MOSVY", "", 3),
        row("V", "2026-Q1", "MOI", "", 40),
        row("V", "2026-Q1", "MOJ", "", 12),
    ]
    # The plan's total, 55, is on the dashboards: 55 - 40 gives 15, two organisations.
    assert values_of(suppress_value_rows(rows)) == ["<5", Decimal(40), "<5"]


def test_a_cell_hidden_across_organisations_hides_what_would_give_it():
    # MOI's F (3) is small; across organisations the plan's F (3 + 20) is shown
    # on the indicator page, so MOJ's F goes too, and then each organisation's
    # second cell.
    rows = [
        row("V", "2026-Q1", "MOI", "", 33),
        row("V", "2026-Q1", "MOI", "sex=F", 3),
        row("V", "2026-Q1", "MOI", "sex=M", 30),
        row("V", "2026-Q1", "MOJ", "", 70),
        row("V", "2026-Q1", "MOJ", "sex=F", 20),
        row("V", "2026-Q1", "MOJ", "sex=M", 50),
    ]
    out = values_of(suppress_value_rows(rows))
    assert out == [Decimal(33), "<5", "<5", Decimal(70), "<5", "<5"]


def test_an_organisation_figure_hidden_beside_others_does_not_leave_its_cells_to_add_up():
    """MOI's 30 is hidden beside MOSVY's 3; were its cells (20 and 10) shown,
    they would give the 30 back, and the plan's total minus MOJ and MOI the 3."""
    rows = [
        row("V", "2026-Q1", "MOI", "", 30),
        row("V", "2026-Q1", "MOI", "sex=F", 20),
        row("V", "2026-Q1", "MOI", "sex=M", 10),
        row("V", "2026-Q1", "MOJ", "", 50),
        row("V", "2026-Q1", "MOSVY", "", 3),
    ]
    out = values_of(suppress_value_rows(rows))
    assert out == ["<5", "<5", "<5", Decimal(50), "<5"]


def _breakdown_safe(values: list, hidden: list, total_known: bool) -> bool:
    """No hidden cell alone, and, beside a known total, the hidden ones
    together at least the threshold."""
    gone = [v for v, h in zip(values, hidden, strict=True) if h]
    if not gone:
        return True
    if not total_known:  # a hidden total: one hidden cell is paired if another is shown
        return len(gone) >= 2 or len(gone) == len(values)
    return len(gone) >= 2 and sum(gone) >= SUPPRESSION_THRESHOLD


def test_random_quarters_leave_no_small_count_to_subtraction():
    """Many random quarters of organisations and cells: every small figure is
    hidden, and every breakdown (an organisation's cells; the organisations
    beside the plan's total; each cell across the organisations) leaves no
    hidden figure alone nor hidden figures under the threshold together."""
    import random

    rng = random.Random(12)
    for _ in range(300):
        rows = []
        for organisation in rng.sample(["MOI", "MOJ", "MOSVY", "MOH", "KEP"], rng.randint(1, 5)):
            cells = {
                c: rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40])
                for c in rng.sample(["F", "M", "X"], rng.randint(0, 3))
            }
            total = sum(cells.values()) if cells else rng.choice([0, 3, 7, 30])
            rows.append(row("V", "Q", organisation, "", total))
            rows += [row("V", "Q", organisation, f"sex={c}", v) for c, v in cells.items()]
        out = list(suppress_value_rows(rows))
        hidden = {(r["organisation"], r["cell"]): r["value"] == HIDDEN for r in out}
        value = {(r["organisation"], r["cell"]): float(r["value"]) for r in rows}
        assert all(hidden[k] for k, v in value.items() if v < SUPPRESSION_THRESHOLD), rows
        totals = [k for k in value if k[1] == ""]
        # The plan's total, and its sum of each cell, can be shown unless
        # small or of one organisation alone (then it is that organisation's).
        plan_total = sum(value[k] for k in totals)
        assert _breakdown_safe(
            [value[k] for k in totals],
            [hidden[k] for k in totals],
            plan_total >= SUPPRESSION_THRESHOLD and len(totals) > 1,
        ), rows
        for organisation, _cell in totals:
            cells = [k for k in value if k[0] == organisation and k[1]]
            assert _breakdown_safe(
                [value[k] for k in cells], [hidden[k] for k in cells], not hidden[(organisation, "")]
            ), rows
            if cells and hidden[(organisation, "")]:
                assert any(hidden[k] for k in cells), rows
        for cell in {k[1] for k in value if k[1]}:
            column = [k for k in value if k[1] == cell]
            column_total = sum(value[k] for k in column)
            assert _breakdown_safe(
                [value[k] for k in column],
                [hidden[k] for k in column],
                column_total >= SUPPRESSION_THRESHOLD and len(column) > 1,
            ), rows


def test_groups_are_suppressed_each_on_its_own_and_in_order():
    rows = [
        row("V", "2026-Q1", "MOI", "", 3),
        row("V", "2026-Q1", "MOJ", "", 40),
        row("V", "2026-Q2", "MOI", "", 30),
        row("V", "2026-Q2", "MOJ", "", 40),
        row("C", "2026-Q2", "MOI", "", 2, counts_people=False),
        row("W", "2026-Q2", "MOI", "", None),
    ]
    out = list(suppress_value_rows(rows))
    assert [(r["indicator"], r["period"], r["organisation"]) for r in out] == [
        (r["indicator"], r["period"], r["organisation"]) for r in rows
    ]
    assert values_of(out) == ["<5", "<5", Decimal(30), Decimal(40), Decimal(2), None]


def test_the_rows_are_read_one_group_at_a_time():
    read = []

    def source():
        for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
            for organisation, value in (("MOI", 30), ("MOJ", 40)):
                read.append(period)
                yield row("V", period, organisation, "", value)

    out = suppress_value_rows(source())
    first = next(out)
    assert first["period"] == "2026-Q1"
    # The first group and the first row of the next (which ends it): no more.
    assert read == ["2026-Q1", "2026-Q1", "2026-Q2"]
    assert len(list(out)) == 5


def test_the_rows_keep_their_other_keys_and_the_originals_are_not_changed():
    rows = [row("V", "2026-Q1", "MOI", "", 3) | {"note": "x"}, row("V", "2026-Q1", "MOJ", "", 9)]
    out = list(suppress_value_rows(rows))
    assert out[0] == {**rows[0], "value": "<5"}
    assert rows[0]["value"] == Decimal(3)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, None),
        (0, "<5"),
        (4, "<5"),
        (5, 5),
        (7, 5),
        (8, 10),
        (329, 330),
        (332, 330),
        (333, 335),
        (Decimal("12.5"), 15),
    ],
)
def test_the_public_page_rounds_counts_of_people_to_the_nearest_five(value, shown):
    assert public_count(value) == shown


def test_no_difference_of_two_rounded_counts_gives_a_count_under_five():
    """Whatever two true counts a and a + d (0 < d < 5), their rounded figures
    differ by 0 or 5: the difference tells no count under the threshold."""
    for a in range(5, 400):
        for d in range(1, 5):
            difference = public_count(a + d) - public_count(a)
            assert difference in (0, 5)


class _User:
    def __init__(self, role, authenticated=True, superuser=False, organisation_id=1):
        self.role, self.is_authenticated, self.is_active = role, authenticated, True
        self.is_superuser, self.organisation_id = superuser, organisation_id


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.SECRETARIAT_ADMIN, True),
        (Role.SECRETARIAT_REVIEWER, True),
        (Role.FOCAL_POINT, True),
        (Role.PARTNER, False),
    ],
)
def test_the_secretariat_and_focal_points_see_small_counts_partners_do_not(role, sees):
    assert user_sees_small_counts(_User(role)) is sees


def test_an_anonymous_visitor_sees_no_small_count():
    from django.contrib.auth.models import AnonymousUser

    assert user_sees_small_counts(AnonymousUser()) is False


def test_progress_of_a_people_count_is_worked_out_from_the_rounded_count():
    # 62 of a target of 500 is 12.4 %, which gives 62 back; 60 ÷ 500 does not.
    assert protected_progress(0.124, actual=62) == pytest.approx((0.12, 0.12))
    # A level: (actual − baseline) ÷ distance; 32 from 10 towards 110 → 30.
    assert protected_progress(0.22, actual=32, start=10) == pytest.approx((0.20, 0.20))
    # Beyond the target, achieved is clipped as the scoring rule clips it.
    assert protected_progress(1.24, actual=62, start=0) == pytest.approx((1.2, 1.0))


def test_no_progress_is_shown_for_a_count_under_the_threshold():
    assert protected_progress(0.006, actual=3) == (None, None)
    assert protected_progress(None, actual=None) == (None, None)
    # At its start the distance cannot be read: shown only if the count is exact.
    assert protected_progress(0.0, actual=10, start=10) == (0.0, 0.0)
    assert protected_progress(0.0, actual=12, start=12) == (None, None)
