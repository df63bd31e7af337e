"""gdlib.chapters.ch02_partial_derivatives (gd.surfaces):
against hand-derived partial derivatives and an independent method.

Expected values come from calculus done by hand (written out beside each case) or from
the complex-step derivative, ``Im f(x + ih) / h``, which is exact to rounding for the
analytic functions used here and shares no code with gdlib's central differences.
Tolerances follow the central-difference error law explained in ``test_calculus.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters.ch02_partial_derivatives import (
    SliceArtists,
    axis_index,
    numeric_partials,
    plot_slice,
    plot_slice_3d,
    plot_surface,
    slice_function,
    slice_points,
    slice_slope,
)
from gdlib.plotting import figure

EPS = np.finfo(float).eps
RTOL = 300 * EPS ** (2 / 3)  # ~1e-8


# Functions of a point (last axis = coordinates), with their partials worked out by hand.
def mixed(p):  # 3x^2 + 8xy - 3y^5
    x, y = p[..., 0], p[..., 1]
    return 3 * x**2 + 8 * x * y - 3 * y**5


def mixed_dx(p):  # the mixed term 8xy contributes 8y
    return 6 * p[..., 0] + 8 * p[..., 1]


def mixed_dy(p):  # ... and 8x here
    return 8 * p[..., 0] - 15 * p[..., 1] ** 4


def wave(p):  # sin(x) exp(x y)
    x, y = p[..., 0], p[..., 1]
    return np.sin(x) * np.exp(x * y)


def wave_dx(p):  # product rule: cos(x) e^{xy} + sin(x) y e^{xy}
    x, y = p[..., 0], p[..., 1]
    return (np.cos(x) + y * np.sin(x)) * np.exp(x * y)


def wave_dy(p):  # x sin(x) e^{xy}
    x, y = p[..., 0], p[..., 1]
    return x * np.sin(x) * np.exp(x * y)


def cookie(p):  # Q(T, t) = -0.01 T^2 - 0.5 t^2 + 3T + 10t
    T, t = p[..., 0], p[..., 1]
    return -0.01 * T**2 - 0.5 * t**2 + 3 * T + 10 * t


def cookie_dT(p):
    return -0.02 * p[..., 0] + 3


def cookie_dt(p):
    return -p[..., 1] + 10


CASES = [
    ("mixed", mixed, mixed_dx, mixed_dy, (-1.5, 1.5), (-1.2, 1.2)),
    ("wave", wave, wave_dx, wave_dy, (-2.0, 2.0), (-1.0, 1.0)),
    ("cookie", cookie, cookie_dT, cookie_dt, (100.0, 200.0), (0.0, 20.0)),
]
IDS = [c[0] for c in CASES]


def complex_step(f, points, i, h=1e-20):
    """d f / d x_i by the complex step: no subtraction, so no cancellation at all."""
    z = np.asarray(points, dtype=complex).copy()
    z[..., i] += 1j * h
    return np.imag(f(z)) / h


def grid_points(xlim, ylim, n=7):
    X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    return np.stack([X, Y], axis=-1)


def scale_of(f, pts):
    return max(1.0, float(np.max(np.abs(f(pts)))))


# --------------------------------------------------------------------------- slices


def test_axis_index_names_and_numbers():
    assert [axis_index(a) for a in ("x", "y", "X", "Y", 0, 1, np.int64(1))] == [0, 1, 0, 1, 0, 1, 1]


def test_slice_points_hold_the_fixed_coordinate():
    s = np.array([[0.0, 1.0], [2.0, 3.0]])
    pts = slice_points("y", 5.0, s)
    assert pts.shape == (2, 2, 2)
    np.testing.assert_array_equal(pts[..., 0], s)
    np.testing.assert_array_equal(pts[..., 1], np.full((2, 2), 5.0))
    pts = slice_points("x", -2.0, s)
    np.testing.assert_array_equal(pts[..., 0], np.full((2, 2), -2.0))
    np.testing.assert_array_equal(pts[..., 1], s)


def test_slice_function_of_the_mixed_polynomial_by_hand():
    # y = 2: g(x) = 3x^2 + 16x - 96; x = -1: g(y) = 3 - 8y - 3y^5
    g = slice_function(mixed, "y", 2.0)
    xs = np.array([-1.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(g(xs), 3 * xs**2 + 16 * xs - 96, rtol=1e-15)
    assert isinstance(g(1.0), float) and g(1.0) == 3 + 16 - 96
    h = slice_function(mixed, "x", -1.0)
    ys = np.array([-1.0, 0.0, 1.2])
    np.testing.assert_allclose(h(ys), 3 - 8 * ys - 3 * ys**5, rtol=1e-15)


@pytest.mark.parametrize(("name", "f", "fx", "fy", "xlim", "ylim"), CASES, ids=IDS)
def test_slice_slope_is_the_partial_derivative(name, f, fx, fy, xlim, ylim):
    pts = grid_points(xlim, ylim)
    scale = scale_of(f, pts)
    for b in pts[:, 0, 1]:  # slices y = b: slope d f/dx
        xs = pts[0, :, 0]
        expected = fx(slice_points("y", float(b), xs))
        got = slice_slope(f, "y", float(b), xs)
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=RTOL * scale)
    for a in pts[0, :, 0]:  # slices x = a: slope d f/dy
        ys = pts[:, 0, 1]
        expected = fy(slice_points("x", float(a), ys))
        got = slice_slope(f, "x", float(a), ys)
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=RTOL * scale)


@pytest.mark.parametrize(("name", "f", "fx", "fy", "xlim", "ylim"), CASES, ids=IDS)
def test_numeric_partials_match_hand_and_complex_step(name, f, fx, fy, xlim, ylim):
    pts = grid_points(xlim, ylim)
    scale = scale_of(f, pts)
    got = numeric_partials(f, pts)
    assert got.shape == pts.shape
    for i, hand in enumerate((fx, fy)):
        np.testing.assert_allclose(got[..., i], hand(pts), rtol=RTOL, atol=RTOL * scale)
        np.testing.assert_allclose(got[..., i], complex_step(f, pts, i), rtol=RTOL,
                                   atol=RTOL * scale)


def test_numeric_partials_agree_with_gd_gradient_point_by_point():
    pts = grid_points((-1.5, 1.5), (-1.2, 1.2), n=5).reshape(-1, 2)
    got = numeric_partials(wave, pts)
    for p, row in zip(pts, got, strict=True):
        np.testing.assert_allclose(row, gd.gradient(wave, p), rtol=1e-12, atol=1e-12)


def test_numeric_partials_in_three_variables():
    def f(p):  # x y z + z^2: gradient (y z, x z, x y + 2 z)
        return p[..., 0] * p[..., 1] * p[..., 2] + p[..., 2] ** 2

    p = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(numeric_partials(f, p), [-6.0, 3.0, 4.0], rtol=RTOL, atol=RTOL)


def test_explicit_step_is_used():
    # For a cubic the central difference errs by exactly h^2 (f''' / 6 = 1): x^3 at x = 1.
    h = 1e-2
    got = numeric_partials(lambda p: p[..., 0] ** 3 + 0 * p[..., 1], [1.0, 0.0], h=h)
    assert got[0] == pytest.approx(3 + h**2, rel=1e-12)


# --------------------------------------------------------------------------- hypothesis

coords = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@given(a=coords, b=coords)
def test_slices_agree_with_the_function(a, b):
    p = np.array([a, b])
    assert slice_function(mixed, "y", b)(a) == pytest.approx(float(mixed(p)), rel=1e-15, abs=0)
    assert slice_function(mixed, "x", a)(b) == pytest.approx(float(mixed(p)), rel=1e-15, abs=0)


@given(c0=coords, c1=coords, c2=coords, a=coords, b=coords)
def test_slope_of_a_plane_is_its_coefficient(c0, c1, c2, a, b):
    def plane(p):
        return c0 + c1 * p[..., 0] + c2 * p[..., 1]

    scale = max(1.0, abs(c0) + 3 * abs(c1) + 3 * abs(c2))
    assert slice_slope(plane, "y", b, a) == pytest.approx(c1, abs=1e-8 * scale)
    assert slice_slope(plane, "x", a, b) == pytest.approx(c2, abs=1e-8 * scale)


@given(a=coords, b=coords, k=st.floats(-5, 5, allow_nan=False))
def test_slope_is_linear_in_the_function(a, b, k):
    def combo(p):
        return mixed(p) + k * wave(p)

    lhs = slice_slope(combo, "y", b, a)
    rhs = slice_slope(mixed, "y", b, a) + k * slice_slope(wave, "y", b, a)
    scale = max(1.0, abs(float(mixed(np.array([a, b])))), abs(k) * 30)
    assert lhs == pytest.approx(rhs, abs=1e-7 * scale)


@given(a=coords, b=coords)
def test_slice_slope_equals_gd_partial(a, b):
    p = np.array([a, b])
    assert slice_slope(wave, "y", b, a) == pytest.approx(gd.partial(wave, p, 0), rel=1e-12,
                                                         abs=1e-12)
    assert slice_slope(wave, "x", a, b) == pytest.approx(gd.partial(wave, p, 1), rel=1e-12,
                                                         abs=1e-12)


# --------------------------------------------------------------------------- the chapter's
# hand-derived gradients, gradient-checked (the chapter quotes these checks).


def _point_fn(f):
    return lambda q: float(f(np.asarray(q, dtype=float)))


@pytest.mark.parametrize(("name", "f", "fx", "fy", "xlim", "ylim"), CASES, ids=IDS)
def test_hand_gradients_pass_check_gradient(name, f, fx, fy, xlim, ylim):
    rng = np.random.default_rng(7)
    lo, hi = np.array([xlim[0], ylim[0]]), np.array([xlim[1], ylim[1]])
    for p in rng.uniform(lo, hi, size=(10, 2)):
        check = gd.check_gradient(_point_fn(f), lambda q: np.array([fx(q), fy(q)]), p)
        assert check.ok, (name, p, check)


def test_catalogue_gradients_match_the_hand_ones():
    pts = grid_points((-1.5, 1.5), (-1.2, 1.2))
    mp = gd.get_function("mixed_poly")
    np.testing.assert_allclose(mp.grad(pts), np.stack([mixed_dx(pts), mixed_dy(pts)], -1))
    pts = grid_points((100, 200), (0, 20))
    ck = gd.get_function("cookie")
    np.testing.assert_allclose(ck.grad(pts), np.stack([cookie_dT(pts), cookie_dt(pts)], -1),
                               atol=1e-13)


def test_the_seed_partials_fail_except_at_the_lucky_point():
    # The wrong version (6x + 8, 8 - 15 y^4) forgets y and x in the mixed term.
    def seed(q):
        return np.array([6 * q[0] + 8, 8 - 15 * q[1] ** 4])

    assert not gd.check_gradient(_point_fn(mixed), seed, [0.5, -0.6]).ok
    # At (1, 1) it happens to coincide with the right gradient (14, -7): one point is no proof.
    assert gd.check_gradient(_point_fn(mixed), seed, [1.0, 1.0]).ok
    np.testing.assert_allclose(seed(np.array([1.0, 1.0])), [14.0, -7.0])


def test_mixed_partials_and_hessian_of_the_polynomial():
    # f_xx = 6, f_xy = f_yx = 8, f_yy = -60 y^3
    for p in ([1.0, -0.6], [-0.4, 0.9], [0.0, 0.0]):
        p = np.array(p)
        expected = np.array([[6.0, 8.0], [8.0, -60 * p[1] ** 3]])
        np.testing.assert_allclose(gd.hessian(_point_fn(mixed), p), expected, atol=1e-4)
        assert gd.partial(_point_fn(mixed_dx), p, 1) == pytest.approx(8.0, rel=1e-8)
        assert gd.partial(_point_fn(mixed_dy), p, 0) == pytest.approx(8.0, rel=1e-8)


def test_cookie_optimum_solves_both_equations():
    # -0.02 T + 3 = 0 and -t + 10 = 0: T = 150, t = 10, Q = -225 - 50 + 450 + 100 = 275.
    p = np.array([150.0, 10.0])
    assert cookie_dT(p) == 0 and cookie_dt(p) == 0
    assert float(cookie(p)) == pytest.approx(275.0, rel=1e-15)
    np.testing.assert_allclose(numeric_partials(cookie, p), [0.0, 0.0], atol=1e-8)


# --------------------------------------------------------------------------- plots


def _ax3d():
    fig, _ = figure()
    fig.clear()
    return fig, fig.add_subplot(projection="3d")


def test_plot_surface_fixes_the_limits_and_colours_by_height():
    fig, ax = _ax3d()
    surf = plot_surface(ax, mixed, (-1.5, 1.5), (-1.2, 1.2), n=12, labels=("x", "y", "f"))
    X, Y = np.meshgrid(np.linspace(-1.5, 1.5, 12), np.linspace(-1.2, 1.2, 12))
    Z = mixed(np.stack([X, Y], -1))
    assert ax.get_xlim() == pytest.approx((-1.5, 1.5))
    assert ax.get_ylim() == pytest.approx((-1.2, 1.2))
    assert ax.get_zlim() == pytest.approx((Z.min(), Z.max()))
    assert len(surf.get_facecolors()) == 11 * 11
    assert ax.get_zlabel() == "f"
    # a slice added later does not move the limits
    plot_slice_3d(ax, mixed, "y", 0.3, (-1.5, 1.5), point=0.0)
    assert ax.get_zlim() == pytest.approx((Z.min(), Z.max()))
    gd.plotting.png_bytes(fig)  # renders


def test_plot_slice_draws_the_slice_and_a_touching_tangent():
    fig, ax = figure()
    sa = plot_slice(ax, mixed, "y", -0.6, (-1.5, 1.5), point=1.0, n=50, half_width=0.5)
    assert isinstance(sa, SliceArtists)
    xs, zs = sa.curve.get_data()
    np.testing.assert_allclose(xs, np.linspace(-1.5, 1.5, 50))
    np.testing.assert_allclose(zs, 3 * xs**2 - 4.8 * xs - 3 * (-0.6) ** 5)
    # slope by hand: 6x + 8y = 6 - 4.8 = 1.2
    assert sa.slope == pytest.approx(1.2, rel=RTOL)
    tx, tz = sa.tangent.get_data()
    np.testing.assert_allclose(tx, [0.5, 1.5])
    f1 = 3 - 4.8 + 3 * 0.6**5
    np.testing.assert_allclose(tz, [f1 - 0.6, f1 + 0.6], rtol=1e-8)
    mx, mz = sa.marker.get_data()
    np.testing.assert_allclose([mx[0], mz[0]], [1.0, f1])


def test_slice_artists_update_moves_slice_and_point():
    fig, ax = figure()
    sa = plot_slice(ax, cookie, "x", 150.0, (0, 20), point=4.0)
    assert sa.slope == pytest.approx(6.0, rel=RTOL)  # -t + 10 at t = 4
    changed = sa.update(point=10.0)
    assert changed == [sa.curve, sa.tangent, sa.marker]
    assert sa.slope == pytest.approx(0.0, abs=1e-8)
    sa.update(value=120.0, point=14.0)  # the slope in t does not depend on T
    assert sa.value == 120.0 and sa.slope == pytest.approx(-4.0, rel=RTOL)
    ts, qs = sa.curve.get_data()
    np.testing.assert_allclose(qs, cookie(slice_points("x", 120.0, ts)))


def test_tangent_is_clipped_to_the_slice_range():
    fig, ax = figure()
    sa = plot_slice(ax, cookie, "x", 150.0, (0, 20), point=0.0, half_width=3.0)
    tx, tq = sa.tangent.get_data()
    np.testing.assert_allclose(tx, [0.0, 3.0])
    # Q(150, 0) = -225 + 450 = 225 and the slope -t + 10 is 10 there
    np.testing.assert_allclose(tq, [225.0, 225.0 + 10 * 3.0], rtol=1e-8)


def test_slice_without_point_has_no_tangent():
    fig, ax = figure()
    sa = plot_slice(ax, mixed, "y", 0.0, (-1, 1))
    assert sa.slope is None and len(sa.tangent.get_data()[0]) == 0


def test_plot_slice_3d_lies_on_the_surface():
    fig, ax = _ax3d()
    plot_surface(ax, wave, (-2, 2), (-1, 1), n=10)
    sa = plot_slice_3d(ax, wave, "x", 0.7, (-1, 1), point=0.25, half_width=0.2)
    xs, ys, zs = sa.curve.get_data_3d()
    np.testing.assert_allclose(xs, 0.7)
    np.testing.assert_allclose(zs, wave(np.stack([xs, ys], -1)))
    assert sa.slope == pytest.approx(float(wave_dy(np.array([0.7, 0.25]))), rel=RTOL)
    tx, ty, tz = sa.tangent.get_data_3d()
    np.testing.assert_allclose(tx, 0.7)
    np.testing.assert_allclose(ty, [0.05, 0.45])
    np.testing.assert_allclose(np.diff(tz) / np.diff(ty), sa.slope, rtol=1e-10)


def test_explore_blits_a_3d_slice():
    def setup(fig):
        ax = fig.add_subplot(projection="3d")
        plot_surface(ax, mixed, (-1.5, 1.5), (-1.2, 1.2), n=8)
        sa = plot_slice_3d(ax, mixed, "y", -1.0, (-1.5, 1.5), point=0.5)
        return lambda b: sa.update(b)

    ex = gd.explore(setup, b=[-1.0, 0.0, 1.0], alt=lambda b: f"slice at y = {b}")
    assert len(ex.frames) == 3 and len(set(ex.frames)) == 3


# --------------------------------------------------------------------------- bad input


def _fig2d():
    return figure()[1]


BAD = [
    ("fixed", TypeError, lambda: axis_index(None)),
    ("fixed", TypeError, lambda: axis_index(True)),
    ("fixed", ValueError, lambda: axis_index("z")),
    ("fixed", ValueError, lambda: axis_index(2)),
    ("value", TypeError, lambda: slice_points("x", "1", [0.0])),
    ("value", ValueError, lambda: slice_points("x", np.nan, [0.0])),
    ("s", ValueError, lambda: slice_points("x", 1.0, [np.inf])),
    ("s", TypeError, lambda: slice_points("x", 1.0, "abc")),
    ("f", TypeError, lambda: slice_function(3, "x", 1.0)),
    ("f", TypeError, lambda: slice_slope(None, "y", 0.0, 1.0)),
    ("h", ValueError, lambda: slice_slope(mixed, "y", 0.0, 1.0, h=-1.0)),
    ("points", ValueError, lambda: numeric_partials(mixed, 1.0)),
    ("points", ValueError, lambda: numeric_partials(mixed, [[np.nan, 1.0]])),
    ("h", ValueError, lambda: numeric_partials(mixed, [1.0, 1.0], h=0.0)),
    ("f", TypeError, lambda: numeric_partials("f", [1.0, 1.0])),
    ("ax", TypeError, lambda: plot_surface(_fig2d(), mixed, (-1, 1), (-1, 1))),
    ("xlim", ValueError, lambda: plot_surface(_ax3d()[1], mixed, (1, -1), (-1, 1))),
    ("ylim", ValueError, lambda: plot_surface(_ax3d()[1], mixed, (-1, 1), (0, 1, 2))),
    ("n", ValueError, lambda: plot_surface(_ax3d()[1], mixed, (-1, 1), (-1, 1), n=1)),
    ("n", TypeError, lambda: plot_surface(_ax3d()[1], mixed, (-1, 1), (-1, 1), n=4.0)),
    ("labels", ValueError, lambda: plot_surface(_ax3d()[1], mixed, (-1, 1), (-1, 1),
                                                labels=("x", "y"))),
    ("f", ValueError, lambda: plot_surface(_ax3d()[1], lambda p: 1.0, (-1, 1), (-1, 1))),
    ("zlim", ValueError, lambda: plot_surface(_ax3d()[1], mixed, (-1, 1), (-1, 1),
                                              zlim=(2, 1))),
    ("lim", ValueError, lambda: plot_slice(_fig2d(), mixed, "y", 0.0, (2, 2))),
    ("point", TypeError, lambda: plot_slice(_fig2d(), mixed, "y", 0.0, (-1, 1), point="a")),
    ("half_width", ValueError, lambda: plot_slice(_fig2d(), mixed, "y", 0.0, (-1, 1),
                                                  half_width=-0.1)),
    ("fixed", ValueError, lambda: plot_slice(_fig2d(), mixed, "t", 0.0, (-1, 1))),
    ("ax", TypeError, lambda: plot_slice_3d(_fig2d(), mixed, "y", 0.0, (-1, 1))),
    ("value", ValueError, lambda: plot_slice_3d(_ax3d()[1], mixed, "y", np.inf, (-1, 1))),
]


@pytest.mark.parametrize(("arg", "exc", "call"), BAD,
                         ids=[f"{i}-{b[0]}" for i, b in enumerate(BAD)])
def test_bad_input_names_the_argument(arg, exc, call):
    with pytest.raises(exc, match=arg):
        call()


def test_update_needs_a_slice_position_first():
    fig, ax = figure()
    sa = plot_slice(ax, mixed, "y", 0.0, (-1, 1))
    sa.value = None
    with pytest.raises(ValueError, match="value"):
        sa.update()
