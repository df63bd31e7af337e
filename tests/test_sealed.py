"""gdlib.sealed: answer keys round-trip and stay out of plain view."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdlib.sealed import seal, unseal

values = st.recursive(
    st.floats(allow_nan=False) | st.integers(-10**12, 10**12) | st.text(max_size=8)
    | st.booleans(),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=10,
)


@given(values)
def test_round_trip(v):
    assert unseal(seal(v)) == v


def test_arrays_and_numpy_scalars_become_lists_and_numbers():
    assert unseal(seal(np.array([[1.5, 2.0]]))) == [[1.5, 2.0]]
    assert unseal(seal(np.float64(0.25))) == 0.25
    assert math.isnan(unseal(seal(float("nan"))))


@pytest.mark.parametrize("answer", [80.0, 0.0123, "steepest", [-24, 16, 8]])
def test_the_answer_is_not_readable_in_the_token(answer):
    token = seal(answer)
    for piece in ("80", "0123", "steepest", "-24", "16"):
        if piece in str(answer):
            assert piece not in token


@pytest.mark.parametrize("bad", ["", "80.0", "gdsealed1:!!!", "gdsealed1:AAAA", 3.0])
def test_damaged_tokens_are_refused(bad):
    with pytest.raises(ValueError, match="token"):
        unseal(bad)


def test_unsealable_values_are_named():
    with pytest.raises(TypeError, match="value must be"):
        seal(object())
