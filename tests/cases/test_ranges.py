"""Where a case's numbers stand in this archive: learned from confirmed values, kept as counts."""

from __future__ import annotations

import json

import pytest

from caesar.cases.ranges import LIMIT, MIN_VALUES, ValueRange, place


def _learned(*values: str) -> ValueRange:
    learned = ValueRange()
    for value in values:
        learned.add(value)
    return learned


@pytest.mark.parametrize("text", ["", "12a4", "٧١٠٠", "1234567890123", "-12"])
def test_what_is_not_a_number_in_western_digits_has_no_place(text: str) -> None:
    assert place(text) is None
    assert _learned("1500", "1503", "1507").log_odds(text) == 0.0


def test_a_band_of_confirmed_values_raises_values_in_it_and_lowers_those_far_off() -> None:
    forensic = _learned(*(str(1500 + 3 * i) for i in range(12)))
    assert forensic.log_odds("1530") > 1.0
    assert forensic.log_odds("8200") < -1.0
    assert forensic.log_odds("8200") >= -LIMIT and forensic.log_odds("1530") <= LIMIT


def test_values_of_another_length_are_not_weighed_by_this_one() -> None:
    forensic = _learned(*(str(1500 + 3 * i) for i in range(12)))
    assert forensic.log_odds("150") == 0.0 and forensic.log_odds("15000") == 0.0


def test_values_spread_evenly_say_little_anywhere() -> None:
    detainee = _learned(*(str(1000 + 450 * i) for i in range(20)))
    assert all(abs(detainee.log_odds(str(v))) < 0.5 for v in range(1200, 9800, 700))


def test_fewer_than_the_minimum_say_nothing() -> None:
    assert _learned(*["1500"] * (MIN_VALUES - 1)).log_odds("1500") == 0.0
    assert _learned(*["1500"] * MIN_VALUES).log_odds("1500") > 0


def test_what_is_kept_is_counts_not_numbers_and_reads_back_the_same() -> None:
    values = [str(1500 + 7 * i) for i in range(9)]
    learned = _learned(*values)
    stored = json.dumps(learned.as_json())
    assert not any(value in stored for value in values)
    again = ValueRange.from_json(json.loads(stored))
    assert all(again.log_odds(v) == learned.log_odds(v) for v in ("1500", "1530", "7000"))
