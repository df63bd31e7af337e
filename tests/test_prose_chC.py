"""Tests of the helper added to gdlib/prose.py on branch chC: ``below``."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdlib import prose


@pytest.mark.parametrize(
    ("value", "limit", "text"),
    [
        (8.3e-17, 1e-12, "below 1e-12"),   # round-off level: the bound, not the digits
        (-1.1e-16, 1e-12, "below 1e-12"),  # the sign does not matter
        (0.0, 1e-12, "below 1e-12"),
        (3e-5, 5e-5, "below 5e-05"),       # a limit that is not a power of ten
        (1e-300, 1e-100, "below 1e-100"),
    ],
)
def test_below_states_the_bound(value, limit, text):
    assert prose.below(value, limit) == text


def test_below_shows_a_value_that_is_not_below_the_limit():
    assert prose.below(2.5e-6, 1e-8) == "2.5e-06"
    assert prose.below(1e-8, 1e-8) == "1.0e-08"      # the limit itself is not below it
    assert prose.below(0.0123, 1e-3, fmt=".3f") == "0.012"


@given(st.floats(min_value=-1e-13, max_value=1e-13, allow_nan=False),
       st.floats(min_value=-1e-13, max_value=1e-13, allow_nan=False))
def test_below_is_the_same_text_for_any_two_round_off_values(a, b):
    # the point of the helper: values that differ only in their last bits give one text
    assert prose.below(a, 1e-12) == prose.below(b, 1e-12) == "below 1e-12"


@given(st.integers(min_value=-300, max_value=300))
def test_below_writes_any_power_of_ten_exactly(exponent):
    limit = 10.0**exponent
    assert prose.below(limit / 2, limit) == f"below 1e{exponent}"
    assert math.isclose(float(prose.below(limit / 2, limit).split()[1]), limit)


@pytest.mark.parametrize(
    ("value", "limit", "error", "word"),
    [
        ("1e-16", 1e-12, TypeError, "value"),
        (1e-16, 0.0, ValueError, "limit"),
        (1e-16, -1e-12, ValueError, "limit"),
        (1e-16, math.inf, ValueError, "limit"),
        (math.nan, 1e-12, ValueError, "value"),
    ],
)
def test_below_rejects_bad_input_naming_the_argument(value, limit, error, word):
    with pytest.raises(error, match=word):
        prose.below(value, limit)
