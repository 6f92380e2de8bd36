"""Small counts of people are masked, and a masked count cannot be worked out
from a total and the other figures (secondary suppression)."""

from decimal import Decimal

from thrasos.reports.masking import (
    MASK,
    SECONDARY,
    Group,
    mask_count,
    mask_indicators,
    suppress_table,
)


def test_one_to_four_people_are_masked_zero_and_five_are_shown():
    assert [mask_count(n) for n in (0, 1, 2, 3, 4, 5, 12)] == [0, MASK, MASK, MASK, MASK, 5, 12]
    assert mask_count(None) is None


def test_indicators_mask_people_counts_and_rates_over_few_people_not_events():
    shown = mask_indicators(
        {
            "exits": 3,
            "positive_exits": 1,
            "positive_exit_rate": Decimal("33.3"),
            "contracts_signed": 7,
            "mentoring_notes": 2,
            "mentoring_hours": Decimal("1.5"),
        }
    )
    assert shown == {
        "exits": MASK,
        "positive_exits": MASK,
        "positive_exit_rate": MASK,
        "contracts_signed": 7,
        "mentoring_notes": 2,
        "mentoring_hours": Decimal("1.5"),
    }
    assert mask_indicators(
        {"exits": 12, "positive_exits": 6, "positive_exit_rate": Decimal("50.0")}
    ) == {"exits": 12, "positive_exits": 6, "positive_exit_rate": Decimal("50.0")}


def test_a_rate_whose_count_of_people_is_hidden_is_hidden():
    # 4 positive exits of 8: "< 5" and 50 % would give 4 back.
    shown = mask_indicators(
        {"exits": 8, "positive_exits": 4, "positive_exit_rate": Decimal("50.0")}
    )
    assert shown == {"exits": 8, "positive_exits": MASK, "positive_exit_rate": MASK}


def test_a_part_whose_rest_is_small_is_hidden():
    # 9 exits, 7 to durable employment: 2 did not, which 9 - 7 would tell.
    shown = mask_indicators({"exits": 9, "exits_durable_employment": 7, "positive_exits": 0})
    assert shown == {"exits": 9, "exits_durable_employment": SECONDARY, "positive_exits": 0}
    shown = mask_indicators({"exits": 10, "exits_durable_employment": 10, "positive_exits": 5})
    assert shown == {"exits": 10, "exits_durable_employment": 10, "positive_exits": 5}


def test_one_masked_cell_hides_the_smallest_other_cell():
    cells, total = Group({"18-25": 3, "26-35": 12, "36-45": 7, "46+": 0}).published()
    # 22 - 12 - 0 would give 3 back: 7 is hidden too.
    assert cells == {"18-25": MASK, "26-35": 12, "36-45": SECONDARY, "46+": 0}
    assert total == 22


def test_two_masked_cells_need_nothing_more():
    cells, total = Group({"F": 2, "M": 3, "X": 9}).published()
    assert cells == {"F": MASK, "M": MASK, "X": 9} and total == 14


def test_masked_cells_adding_up_to_a_small_count_hide_one_more():
    # 34 - 30 = 4 people aged 18-35, read off the shown figures.
    cells, total = Group({"18-25": 2, "26-35": 2, "36+": 30}).published()
    assert cells == {"18-25": MASK, "26-35": MASK, "36+": SECONDARY} and total == 34
    cells, total = Group({"18-25": 2, "26-35": 2, "36+": 30, "46+": 8}).published()
    assert cells == {"18-25": MASK, "26-35": MASK, "36+": 30, "46+": SECONDARY}


def test_a_masked_cell_alone_beside_zeros_hides_the_total():
    cells, total = Group({"F": 0, "M": 6, "X": 0}).published()
    assert cells == {"F": 0, "M": 6, "X": 0} and total == 6
    cells, total = Group({"F": 0, "M": 3, "X": 0}, total=3).published()
    assert cells == {"F": 0, "M": MASK, "X": 0} and total == MASK
    cells, total = Group({"F": 0, "M": 3}, total=9).published()
    # 9 people, 3 men, the rest unknown (not in any cell): the total goes.
    assert cells == {"F": 0, "M": MASK} and total == SECONDARY


def test_nothing_masked_nothing_changed():
    assert Group({"a": 5, "b": 0, "c": 40}).published() == ({"a": 5, "b": 0, "c": 40}, 45)


def test_a_table_is_suppressed_column_by_column_with_its_total_row():
    rows = {
        "S1": {"admitted": 12, "completed": 10, "contract": 2},
        "S2": {"admitted": 9, "completed": 8, "contract": 6},
        "S3": {"admitted": 11, "completed": 11, "contract": 7},
    }
    published, totals = suppress_table(rows, ["admitted", "completed", "contract"])
    assert published["S1"] == {"admitted": 12, "completed": 10, "contract": MASK}
    assert published["S2"]["contract"] == SECONDARY
    assert published["S3"]["contract"] == 7
    assert totals == {"admitted": 32, "completed": 29, "contract": 15}
