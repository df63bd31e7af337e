"""gdlib.prose: words computed from results, checked against hand-written expectations."""

import math
import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib import prose
from gdlib.notebook import stable

# upper-case names: never inside the lower-case linking words ("then", "and last", "tied")
names = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=6)
finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.dictionaries(names, finite, min_size=1, max_size=8))
def test_order_is_sorted_and_complete(scores):
    got = prose.order(scores)
    assert sorted(got) == sorted(scores)
    assert all(scores[a] <= scores[b] for a, b in zip(got, got[1:], strict=False))
    assert prose.order(scores, best="highest")[0] in {k for k, v in scores.items()
                                                       if v == max(scores.values())}


@given(st.dictionaries(names, finite, min_size=1, max_size=8))
def test_ranking_names_every_name_once_in_order(scores):
    text = prose.ranking(scores)
    tokens = text.replace(",", " ").replace("(", " ").replace(")", " ").split()
    said = [t for t in tokens if t.isupper()]
    assert sorted(said) == sorted(scores)  # each name exactly once
    assert all(scores[a] <= scores[b] for a, b in zip(said, said[1:], strict=False))


def test_ranking_words():
    assert prose.ranking({"GD": 3, "Adam": 1, "RMSprop": 2}) == "Adam, then RMSprop, and last GD"
    assert prose.ranking({"a": 1, "b": 1}) == "a and b (tied)"
    assert prose.ranking({"x": 5}) == "x"
    assert prose.ranking({"a": 100, "b": 100.5, "c": 300}, tie_rtol=0.01) == (
        "a and b (tied), then c"
    )
    assert prose.ranking({"a": math.inf, "b": 2}) == "b, then a"


def test_compare_and_verdict():
    assert prose.compare(2, 1, more="slower", less="faster") == "slower"
    assert prose.compare(1, 2, more="slower", less="faster") == "faster"
    assert prose.compare(1, 1) == "the same"
    run_ok = gd.descend(lambda x: 2 * x, 1.0, lr=0.1, steps=500, tol=1e-8)
    run_bad = gd.descend(lambda x: 2 * x, 1.0, lr=1.1, steps=500)
    run_short = gd.descend(lambda x: 2 * x, 1.0, lr=0.001, steps=3, tol=1e-8)
    assert (prose.verdict(run_ok), prose.verdict(run_bad), prose.verdict(run_short)) == (
        "converges", "diverges", "does not converge")
    assert prose.verdict(run_short, words={"max_steps": "is still going"}) == "is still going"


@given(st.integers(1, 500), st.lists(st.integers(0, 1000), max_size=12), st.booleans())
def test_pick_steps_stay_inside_the_run(n, wanted, last):
    got = prose.pick_steps(n, wanted, include_last=last)
    assert got == sorted(set(got))
    assert all(0 <= i < n for i in got)
    assert set(w for w in wanted if w < n) <= set(got)
    assert got  # never empty: a slider needs a value
    if last:
        assert got[-1] == n - 1


@given(st.integers(1, 1000), st.integers(1, 50))
def test_spread_covers_both_ends(n, count):
    got = prose.spread(n, count)
    assert got == sorted(set(got)) and all(0 <= i < n for i in got)
    assert len(got) == min(n, count) or len(got) <= count
    assert got[-1] == n - 1
    if count > 1:
        assert got[0] == 0


def test_plural_and_join():
    assert prose.plural(1, "step") == "1 step" and prose.plural(0, "step") == "0 steps"
    assert prose.join(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: prose.order({}), "non-empty"),
        (lambda: prose.order({"a": float("nan")}), "NaN"),
        (lambda: prose.order({"a": "1"}), "real number"),
        (lambda: prose.order({"a": 1}, best="max"), "best"),
        (lambda: prose.ranking({"a": 1}, tie_rtol=2), "tie_rtol"),
        (lambda: prose.compare(1, None), "real number"),
        (lambda: prose.verdict(object()), "Run"),
        (lambda: prose.verdict(gd.descend(lambda x: x, 1.0, lr=0.1, steps=2), words={"ok": "x"}),
         "unknown"),
        (lambda: prose.pick_steps(0, [1]), "n_available"),
        (lambda: prose.pick_steps(5, [-1]), "negative"),
        (lambda: prose.pick_steps(5.0, [1]), "integer"),
        (lambda: prose.spread(5, 0), "count"),
        (lambda: prose.join([]), "empty"),
    ],
)
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


normal = st.floats(min_value=1e-300, max_value=1e300)


@given(normal | normal.map(lambda v: -v))
def test_stable_rounding_absorbs_last_bit_noise(x):
    # a few ulps of noise (what another CPU's SIMD kernel changes) almost never moves the
    # 8th significant digit; when it does, the two stored values are one unit of the
    # 8th digit apart, never more
    y = np.nextafter(np.nextafter(x, np.inf), np.inf)
    a, b = stable(x), stable(float(y))
    if a != b:
        assert abs(a - b) <= 1.01e-7 * max(abs(a), abs(b))


def test_stable_keeps_what_prose_shows():
    assert stable(0.29552109331914017) == 0.29552109
    assert f"{stable(12345.678912):.2f}" == "12345.68"
    assert stable([np.float64(1.0), np.int64(3), "s"]) == [1.0, 3, "s"]
    assert stable(np.array([[0.5]])) == [[0.5]]
    assert math.isnan(stable(float("nan")))
