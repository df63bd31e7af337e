"""gdlib.calculus against analytic derivatives, Taylor's error law and its own contracts.

Expected values come from calculus done by hand (written out in each test), never from
running gdlib. Tolerances are derived from the error law of a central difference: with
the default step ``h = eps**(1/3) * max(1, |x|)`` the truncation error ``h**2 |f'''| / 6``
and the round-off ``eps |f| / h`` are both about ``eps**(2/3) ~ 4e-11`` times the scale
of ``f``; ``RTOL`` leaves a factor of a few hundred on top.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gdlib.calculus import (
    GradientCheck,
    check_gradient,
    default_step,
    derivative,
    directional_derivative,
    gradient,
    hessian,
    partial,
)

EPS = np.finfo(float).eps
RTOL = 300 * EPS ** (2 / 3)  # ~1e-8: see the module docstring
# Second differences divide by h**2 with h ~ eps**(1/4): round-off ~ eps**(1/2) * |f|.
HESS_TOL = 1000 * EPS**0.5  # ~1.5e-5 for functions of size ~10


# --------------------------------------------------------------------------- derivative

# (name, f, f', points) with f' worked out by hand.
ANALYTIC_1D = [
    ("cubic", lambda x: x**3 - 2 * x**2 + 5, lambda x: 3 * x**2 - 4 * x, np.linspace(-4, 4, 17)),
    ("quintic", lambda x: 0.5 * x**5 - x, lambda x: 2.5 * x**4 - 1, np.linspace(-2, 2, 9)),
    ("sin", np.sin, np.cos, np.linspace(-np.pi, np.pi, 13)),
    ("exp", np.exp, np.exp, np.linspace(-3, 5, 9)),
    ("log", np.log, lambda x: 1 / x, np.array([0.05, 0.5, 1.0, 2.0, 10.0, 250.0])),
]


@pytest.mark.parametrize(("name", "f", "df", "xs"), ANALYTIC_1D, ids=[c[0] for c in ANALYTIC_1D])
def test_derivative_matches_analytic_pointwise(name, f, df, xs):
    for x in xs:
        got = derivative(f, float(x))
        assert isinstance(got, float)
        assert got == pytest.approx(float(df(x)), rel=RTOL, abs=RTOL)


@pytest.mark.parametrize(("name", "f", "df", "xs"), ANALYTIC_1D, ids=[c[0] for c in ANALYTIC_1D])
def test_derivative_is_vectorised(name, f, df, xs):
    got = derivative(f, xs)
    assert isinstance(got, np.ndarray)
    assert got.shape == xs.shape
    np.testing.assert_allclose(got, df(xs), rtol=RTOL, atol=RTOL)
    # The vectorised call agrees with one call per point.
    one_by_one = np.array([derivative(f, float(x)) for x in xs])
    np.testing.assert_allclose(got, one_by_one, rtol=0, atol=0)


def test_derivative_keeps_the_shape_of_a_2d_array():
    xs = np.linspace(-2, 2, 12).reshape(3, 4)
    got = derivative(np.sin, xs)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, np.cos(xs), rtol=RTOL, atol=RTOL)


def test_default_step_is_cube_root_of_eps_scaled_by_x():
    xs = np.array([-1000.0, -1.0, -0.25, 0.0, 0.5, 1.0, 7.0])
    expected = np.array([np.cbrt(EPS) * max(1.0, abs(x)) for x in xs])
    np.testing.assert_allclose(default_step(xs), expected, rtol=1e-15)


def test_explicit_step_is_used():
    # For x**2 the central difference is exact in exact arithmetic for any h, and for
    # x**3 it is 3x**2 + h**2: the h**2 term shows which step was used.
    x, h = 1.5, 0.1
    assert derivative(lambda t: t**3, x, h=h) == pytest.approx(3 * x**2 + h**2, rel=1e-12)


@pytest.mark.parametrize(
    ("f", "d1", "d3", "x"),
    [
        (np.sin, np.cos, lambda x: -np.cos(x), 1.0),
        (np.exp, np.exp, np.exp, 0.3),
        (lambda x: x**4, lambda x: 4 * x**3, lambda x: 24 * x, 1.2),
    ],
    ids=["sin", "exp", "x^4"],
)
def test_central_difference_error_is_second_order(f, d1, d3, x):
    """Taylor: D_h f(x) - f'(x) = h**2 f'''(x) / 6 + O(h**4), so halving h quarters it."""
    hs = 0.1 * 0.5 ** np.arange(5)  # moderate steps: truncation dominates round-off
    errors = np.array([abs(derivative(f, x, h=h) - d1(x)) for h in hs])
    orders = np.log2(errors[:-1] / errors[1:])  # the observed order, each time h halves
    np.testing.assert_allclose(orders, 2.0, atol=0.02)
    # And the leading coefficient is the one Taylor's theorem predicts.
    np.testing.assert_allclose(errors / hs**2, abs(d3(x)) / 6, rtol=0.01)


# --------------------------------------------------------------------------- vectors

def f3(p):
    x, y, z = p
    return x**2 * y + y * z**3 + np.sin(x * z)


def grad_f3(p):
    x, y, z = p
    return np.array([2 * x * y + z * np.cos(x * z), x**2 + z**3, 3 * y * z**2 + x * np.cos(x * z)])


def hess_f3(p):
    x, y, z = p
    fxz = np.cos(x * z) - x * z * np.sin(x * z)
    return np.array(
        [
            [2 * y - z**2 * np.sin(x * z), 2 * x, fxz],
            [2 * x, 0.0, 3 * z**2],
            [fxz, 3 * z**2, 6 * y * z - x**2 * np.sin(x * z)],
        ]
    )


POINTS_3D = np.random.default_rng(0).uniform(-1.5, 1.5, size=(12, 3))


@pytest.mark.parametrize("p", POINTS_3D)
def test_gradient_and_partial_match_analytic(p):
    g = gradient(f3, p)
    assert g.shape == (3,)
    np.testing.assert_allclose(g, grad_f3(p), rtol=RTOL, atol=RTOL)
    for i in range(3):
        assert partial(f3, p, i) == pytest.approx(grad_f3(p)[i], rel=RTOL, abs=RTOL)


@pytest.mark.parametrize("p", POINTS_3D)
def test_hessian_matches_analytic(p):
    H = hessian(f3, p)
    assert H.shape == (3, 3)
    np.testing.assert_allclose(H, hess_f3(p), rtol=HESS_TOL, atol=HESS_TOL)


@pytest.mark.parametrize("p", POINTS_3D[:4])
def test_hessian_is_symmetric_and_matches_nested_partials(p):
    H = hessian(f3, p)
    np.testing.assert_array_equal(H, H.T)
    # Independent route: differentiate the numeric partial derivative again, in both
    # orders. Clairaut says the two orders agree; both must agree with the Hessian.
    h = 1e-4
    for i in range(3):
        for j in range(3):
            d_ij = partial(lambda q, j=j: partial(f3, q, j, h=h), p, i, h=h)
            d_ji = partial(lambda q, i=i: partial(f3, q, i, h=h), p, j, h=h)
            assert d_ij == pytest.approx(d_ji, abs=1e-5)
            assert H[i, j] == pytest.approx(d_ij, abs=1e-5)


def test_hessian_of_a_quadratic_is_its_matrix():
    A = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 6.0]])
    b = np.array([1.0, -2.0, 0.25])
    f = lambda p: 0.5 * p @ A @ p + b @ p  # noqa: E731
    for p in POINTS_3D[:5]:
        np.testing.assert_allclose(hessian(f, p), A, atol=HESS_TOL)
        np.testing.assert_allclose(gradient(f, p), A @ p + b, rtol=RTOL, atol=RTOL)


@pytest.mark.parametrize("p", POINTS_3D[:6])
def test_directional_derivative_is_grad_dot_unit_direction(p):
    rng = np.random.default_rng(1)
    for _ in range(5):
        d = rng.normal(size=3)
        u = d / np.linalg.norm(d)
        expected = grad_f3(p) @ u
        assert directional_derivative(f3, p, d) == pytest.approx(expected, rel=RTOL, abs=RTOL)
        # The direction is normalised: its length does not matter.
        assert directional_derivative(f3, p, 7.5 * d) == pytest.approx(
            directional_derivative(f3, p, d), rel=RTOL, abs=RTOL
        )
    # Along a coordinate axis it is the partial derivative.
    for i in range(3):
        e = np.eye(3)[i]
        assert directional_derivative(f3, p, e) == pytest.approx(grad_f3(p)[i], abs=RTOL)


# --------------------------------------------------------------------------- check_gradient

def poly(p):
    x, y = p
    return 3 * x**2 + 8 * x * y - 3 * y**5


def poly_grad_right(p):
    x, y = p
    return np.array([6 * x + 8 * y, 8 * x - 15 * y**4])


def poly_grad_wrong(p):
    """The classic slip: differentiating 8xy as if the other variable were 1."""
    x, y = p
    return np.array([6 * x + 8, 8 - 15 * y**4])


POINTS_2D = np.random.default_rng(2).uniform(-1.5, 1.5, size=(15, 2))


@pytest.mark.parametrize("p", POINTS_2D)
def test_check_gradient_accepts_the_right_partials(p):
    res = check_gradient(poly, poly_grad_right, p)
    assert isinstance(res, GradientCheck)
    assert res.ok and bool(res)
    assert res.max_rel_error <= res.tol
    np.testing.assert_allclose(res.analytic, poly_grad_right(p))
    np.testing.assert_allclose(res.numeric, poly_grad_right(p), rtol=RTOL, atol=RTOL)
    assert "agree" in repr(res) and "DISAGREE" not in repr(res)


@pytest.mark.parametrize("p", POINTS_2D)
def test_check_gradient_rejects_the_wrong_partials(p):
    res = check_gradient(poly, poly_grad_wrong, p)
    assert not res.ok and not bool(res)
    # The error it reports is the documented one, |a - n| / max(1, |a|, |n|), with the
    # true gradient standing in for the numeric one.
    a, n = poly_grad_wrong(p), poly_grad_right(p)
    expected = np.max(np.abs(a - n) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(n))))
    assert res.max_rel_error == pytest.approx(expected, rel=1e-6)
    assert res.max_rel_error > 1e3 * res.tol
    assert "DISAGREE" in repr(res)


def test_check_gradient_on_the_textbook_point():
    # At (1, 2): right (6+16, 8-240) = (22, -232); wrong (6+8, 8-240) = (14, -232).
    res = check_gradient(poly, poly_grad_wrong, [1.0, 2.0])
    assert res.max_rel_error == pytest.approx(8 / 22, rel=1e-6)
    assert check_gradient(poly, poly_grad_right, [1.0, 2.0]).ok


def test_check_gradient_one_variable():
    assert check_gradient(np.sin, np.cos, 0.7).ok
    wrong = check_gradient(np.sin, lambda x: -np.cos(x), 0.7)
    assert not wrong.ok
    # |cos - (-cos)| / max(1, |cos|) = 2 cos(0.7) since cos(0.7) < 1.
    assert wrong.max_rel_error == pytest.approx(2 * math.cos(0.7), rel=1e-6)


def test_check_gradient_tolerance_is_respected():
    # A gradient off by exactly 1e-3 in every component: fails at tol 1e-6, passes at 1e-2.
    off = lambda p: poly_grad_right(p) + 1e-3  # noqa: E731
    p = np.array([0.1, 0.2])  # the gradient is below 1 here, so errors are absolute
    assert not check_gradient(poly, off, p).ok
    res = check_gradient(poly, off, p, tol=1e-2)
    assert res.ok
    assert res.max_rel_error == pytest.approx(1e-3, rel=1e-4)


def test_check_gradient_nan_gradient_is_a_failure_not_a_pass():
    res = check_gradient(poly, lambda p: np.array([np.nan, 0.0]), [1.0, 1.0])
    assert not res.ok
    assert res.max_rel_error == float("inf")


# --------------------------------------------------------------------------- properties

finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


@given(a=finite, b=finite, c=finite, x=finite)
def test_derivative_of_a_quadratic_is_linear(a, b, c, x):
    exact = 2 * a * x + b
    got = derivative(lambda t: a * t**2 + b * t + c, x)
    # A central difference is exact for a quadratic; what is left is round-off,
    # a few eps times the size of the terms of f, divided by the step.
    h = float(default_step(x))
    scale = abs(a) * (abs(x) + h) ** 2 + abs(b) * (abs(x) + h) + abs(c)
    assert abs(got - exact) <= 1e-9 * abs(exact) + 16 * EPS * scale / h


@given(
    A=st.lists(finite, min_size=9, max_size=9),
    b=st.lists(finite, min_size=3, max_size=3),
    x=st.lists(finite, min_size=3, max_size=3),
    d=st.lists(finite, min_size=3, max_size=3),
)
def test_directional_derivative_equals_gradient_dot_u(A, b, x, d):
    A = np.array(A).reshape(3, 3)
    A = (A + A.T) / 2
    b, x, d = np.array(b), np.array(x), np.array(d)
    assume(np.linalg.norm(d) > 1e-3)
    f = lambda p: 0.5 * p @ A @ p + b @ p  # noqa: E731
    u = d / np.linalg.norm(d)
    exact = (A @ x + b) @ u
    got = directional_derivative(f, x, d)
    h = float(default_step(np.linalg.norm(x)))
    r = np.abs(x) + h
    scale = 0.5 * r @ np.abs(A) @ r + np.abs(b) @ r
    assert abs(got - exact) <= 1e-9 * abs(exact) + 16 * EPS * scale / h


@given(x=st.floats(min_value=-50, max_value=50), y=st.floats(min_value=-5, max_value=5))
def test_check_gradient_accepts_right_rejects_wrong_everywhere(x, y):
    p = np.array([x, y])
    assert check_gradient(poly, poly_grad_right, p).ok
    # The wrong gradient differs by (8y - 8, 8x - 8): invisible only near x = y = 1.
    assume(max(abs(x - 1), abs(y - 1)) > 1e-3)
    assert not check_gradient(poly, poly_grad_wrong, p).ok


# --------------------------------------------------------------------------- bad input

def _sq(p):
    return float(np.sum(np.asarray(p) ** 2))


BAD_INPUT = [
    # non-callable f
    ("derivative f", lambda: derivative(3.0, 1.0), TypeError, r"\bf\b"),
    ("partial f", lambda: partial("f", [1.0, 2.0], 0), TypeError, r"\bf\b"),
    ("gradient f", lambda: gradient(None, [1.0, 2.0]), TypeError, r"\bf\b"),
    ("hessian f", lambda: hessian([1, 2], [1.0, 2.0]), TypeError, r"\bf\b"),
    ("directional f", lambda: directional_derivative(1, [1.0], [1.0]), TypeError, r"\bf\b"),
    ("check_gradient f", lambda: check_gradient(2.0, np.cos, 1.0), TypeError, r"\bf\b"),
    ("check_gradient grad", lambda: check_gradient(np.sin, 2.0, 1.0), TypeError, r"\bgrad\b"),
    # non-finite x
    ("derivative x nan", lambda: derivative(np.sin, float("nan")), ValueError, r"\bx\b"),
    ("derivative x inf", lambda: derivative(np.sin, [0.0, np.inf]), ValueError, r"\bx\b"),
    ("partial x", lambda: partial(_sq, [np.nan, 1.0], 0), ValueError, r"\bx\b"),
    ("gradient x", lambda: gradient(_sq, [1.0, -np.inf]), ValueError, r"\bx\b"),
    ("hessian x", lambda: hessian(_sq, [np.nan]), ValueError, r"\bx\b"),
    ("directional x", lambda: directional_derivative(_sq, [np.inf], [1.0]), ValueError, r"\bx\b"),
    ("check_gradient x", lambda: check_gradient(np.sin, np.cos, np.nan), ValueError, r"\bx\b"),
    ("derivative x string", lambda: derivative(np.sin, "1.0"), TypeError, r"\bx\b"),
    ("derivative x empty", lambda: derivative(np.sin, []), ValueError, r"\bx\b"),
    ("gradient x not 1-D", lambda: gradient(_sq, [[1.0, 2.0]]), ValueError, r"\bx\b"),
    # h <= 0 (and not finite)
    ("derivative h=0", lambda: derivative(np.sin, 1.0, h=0), ValueError, r"\bh\b"),
    ("derivative h<0", lambda: derivative(np.sin, 1.0, h=-1e-3), ValueError, r"\bh\b"),
    ("derivative h nan", lambda: derivative(np.sin, 1.0, h=np.nan), ValueError, r"\bh\b"),
    ("partial h", lambda: partial(_sq, [1.0, 2.0], 1, h=0.0), ValueError, r"\bh\b"),
    ("gradient h", lambda: gradient(_sq, [1.0, 2.0], h=-0.1), ValueError, r"\bh\b"),
    ("hessian h=0", lambda: hessian(_sq, [1.0, 2.0], h=0.0), ValueError, r"\bh\b"),
    ("hessian h<0", lambda: hessian(_sq, [1.0, 2.0], h=-1e-3), ValueError, r"\bh\b"),
    ("directional h", lambda: directional_derivative(_sq, [1.0], [1.0], h=0), ValueError, r"\bh\b"),
    ("check_gradient h", lambda: check_gradient(np.sin, np.cos, 1.0, h=0), ValueError, r"\bh\b"),
    ("derivative h string", lambda: derivative(np.sin, 1.0, h="0.1"), TypeError, r"\bh\b"),
    ("derivative h bool", lambda: derivative(np.sin, 1.0, h=True), TypeError, r"\bh\b"),
    ("hessian h string", lambda: hessian(_sq, [1.0, 2.0], h="0.1"), TypeError, r"\bh\b"),
    # check_gradient's tolerance
    ("check_gradient tol=0", lambda: check_gradient(np.sin, np.cos, 1.0, tol=0), ValueError,
     r"\btol\b"),
    ("check_gradient tol<0", lambda: check_gradient(np.sin, np.cos, 1.0, tol=-1e-6), ValueError,
     r"\btol\b"),
    # partial's coordinate index
    ("partial i too big", lambda: partial(_sq, [1.0, 2.0], 2), ValueError, r"\bi\b"),
    ("partial i negative", lambda: partial(_sq, [1.0, 2.0], -1), ValueError, r"\bi\b"),
    ("partial i float", lambda: partial(_sq, [1.0, 2.0], 1.0), ValueError, r"\bi\b"),
    ("partial i bool", lambda: partial(_sq, [1.0, 2.0], True), ValueError, r"\bi\b"),
    # directions
    ("zero direction", lambda: directional_derivative(_sq, [1.0, 2.0], [0.0, 0.0]),
     ValueError, r"direction.*non-zero"),
    ("direction shape", lambda: directional_derivative(_sq, [1.0, 2.0], [1.0, 0.0, 0.0]),
     ValueError, r"direction.*shape"),
    ("direction nan", lambda: directional_derivative(_sq, [1.0, 2.0], [np.nan, 1.0]),
     ValueError, r"direction"),
    # wrong-shaped gradient
    ("grad shape 2-D", lambda: check_gradient(poly, lambda p: np.zeros(3), [1.0, 2.0]),
     ValueError, r"shape"),
    ("grad shape 1-D", lambda: check_gradient(np.sin, lambda x: np.zeros(2), 1.0),
     ValueError, r"shape"),
]


@pytest.mark.parametrize(("call", "exc", "pattern"), [c[1:] for c in BAD_INPUT],
                         ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_with_a_message_naming_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()
