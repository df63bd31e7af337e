"""gdlib.prose.power_above (added for branch chA): bounds to quote for round-off-level numbers."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdlib.prose import power_above


@given(st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False))
def test_bound_is_the_next_power_of_ten_above(value):
    b = power_above(value, floor=1e-300)
    v = abs(value)
    exponent = round(math.log10(b))
    assert b == float(f"1e{exponent}"), "a decimal power of ten"
    if v >= 1e-300:
        assert b > v, "strictly above: 'below b' is true"
        assert b / 10 <= v * (1 + 1e-15), "and the smallest such power"


@pytest.mark.parametrize("value, bound", [
    (1.4e-10, 1e-9), (9.99e-10, 1e-9), (1e-9, 1e-8), (2.2e-16, 1e-12), (0.0, 1e-12),
    (-3e-5, 1e-4), (1.0, 10.0), (0.5, 1.0), (123.0, 1000.0),
])
def test_known_bounds(value, bound):
    assert power_above(value) == bound


def test_floor():
    assert power_above(1e-20, floor=1e-15) == 1e-15
    assert power_above(0.0, floor=1e-6) == 1e-6


@pytest.mark.parametrize("value, floor, error, word", [
    (float("nan"), 1e-12, ValueError, "value"),
    (float("inf"), 1e-12, ValueError, "value"),
    ("small", 1e-12, TypeError, "value"),
    (1.0, 0.0, ValueError, "floor"),
    (1.0, -1e-12, ValueError, "floor"),
    (1.0, float("nan"), ValueError, "floor"),
])
def test_bad_input_names_the_argument(value, floor, error, word):
    with pytest.raises(error, match=word):
        power_above(value, floor=floor)
