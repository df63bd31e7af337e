"""gdlib.chapters.ch03_gradients (gd.fields):
against hand calculus, independent formulations and its own contracts.

Independent truths used here: slopes by finite differences along a line
(``gd.directional_derivative``, which never sees a gradient); ``numpy.gradient`` for
central differences; the Sobel kernel applied with explicit Python loops; matplotlib's
``LightSource`` and the spherical-trigonometry hill-shade formula used in GIS
(``cos z cos s + sin z sin s cos(azimuth - aspect)``) for shading. Expected numbers are
worked out by hand in the comments, never taken from gdlib's output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import LightSource

import gdlib as gd
from gdlib.chapters.ch03_gradients import (
    directional_derivatives,
    hillshade,
    image_gradient,
    level_curve_cosines,
    level_curves,
    plot_gradient_field,
    sobel,
    sun_direction,
    surface_normals,
    unit_vectors,
)

HILL = gd.get_function("hill")
BUMPS = gd.get_function("bumps")
finite = st.floats(-4.0, 4.0, allow_nan=False)
angle = st.floats(0.0, 2 * math.pi, allow_nan=False)
small_image = st.lists(
    st.lists(st.floats(-5, 5, allow_nan=False), min_size=4, max_size=4), min_size=3, max_size=3
)


# --------------------------------------------------------------------------- directions


def test_unit_vectors_at_the_compass_points():
    got = unit_vectors([0.0, math.pi / 2, math.pi, 3 * math.pi / 2])
    np.testing.assert_allclose(got, [[1, 0], [0, 1], [-1, 0], [0, -1]], atol=1e-15)


@given(angle)
def test_unit_vectors_have_length_one(theta):
    u = unit_vectors(theta)
    assert u.shape == (2,)
    assert math.hypot(*u) == pytest.approx(1.0, abs=1e-15)


def test_directional_derivatives_of_the_hill_at_the_hiker():
    # grad h(3, 1) = (-2*3, -4*1) = (-6, -4): east -6, north -4, west +6, south +4,
    # and along (1, 1)/sqrt(2): (-6 - 4)/sqrt(2).
    angles = [0.0, math.pi / 2, math.pi, 3 * math.pi / 2, math.pi / 4]
    got = directional_derivatives(HILL.grad, [3.0, 1.0], angles)
    np.testing.assert_allclose(got, [-6, -4, 6, 4, -10 / math.sqrt(2)], atol=1e-12)


def test_directional_derivatives_peak_at_the_gradient_with_its_length():
    thetas = np.linspace(0, 2 * np.pi, 7200, endpoint=False)
    d = directional_derivatives(HILL.grad, [3.0, 1.0], thetas)
    # atan2(-4, -6) = pi + atan(2/3); |(-6, -4)| = sqrt(52)
    expected_angle = math.pi + math.atan(2 / 3)
    assert d.max() == pytest.approx(math.sqrt(52), rel=1e-6)
    assert thetas[np.argmax(d)] == pytest.approx(expected_angle, abs=thetas[1] - thetas[0])
    assert d.min() == pytest.approx(-math.sqrt(52), rel=1e-6)


def test_directional_derivatives_keep_the_shape_of_angles():
    angles = np.linspace(0, 1, 6).reshape(2, 3)
    assert directional_derivatives(HILL.grad, [1.0, 2.0], angles).shape == (2, 3)


@given(finite, finite, angle)
def test_directional_derivatives_match_finite_differences_along_the_line(x, y, theta):
    # The independent truth: d/dt f(p + t u) by a central difference, no gradient used.
    for fn in (HILL, BUMPS):
        expected = gd.directional_derivative(fn, [x, y], [math.cos(theta), math.sin(theta)])
        got = float(directional_derivatives(fn.grad, [x, y], theta))
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-6)


# --------------------------------------------------------------------------- fields


def _quiver_data(q):
    xy = np.asarray(q.get_offsets())
    return xy, np.asarray(q.U, dtype=float).ravel(), np.asarray(q.V, dtype=float).ravel()


def test_plot_gradient_field_draws_the_gradient_to_scale():
    fig, ax = gd.figure()
    q = plot_gradient_field(ax, HILL, HILL.grad, (-4, 4), (-2, 2), n=7)
    xy, u, v = _quiver_data(q)
    assert q.N == 49
    # inner points of a 9-point linspace: spacing 8/8 = 1 in x and 4/8 = 0.5 in y
    assert xy[:, 0].min() == pytest.approx(-3) and xy[:, 0].max() == pytest.approx(3)
    assert xy[:, 1].min() == pytest.approx(-1.5) and xy[:, 1].max() == pytest.approx(1.5)
    g = np.stack([-2 * xy[:, 0], -4 * xy[:, 1]], axis=1)  # grad h by hand
    scale = np.hypot(u, v).max() / np.hypot(*g.T).max()
    np.testing.assert_allclose(np.stack([u, v], axis=1), scale * g, atol=1e-12)
    # the longest arrow spans 90% of the smaller grid spacing (0.5)
    assert np.hypot(u, v).max() == pytest.approx(0.45)


def test_plot_gradient_field_normalize_gives_equal_lengths_and_same_directions():
    fig, ax = gd.figure()
    q = plot_gradient_field(ax, BUMPS, BUMPS.grad, (-3, 3), (-3, 3), n=9, normalize=True)
    xy, u, v = _quiver_data(q)
    np.testing.assert_allclose(np.hypot(u, v), 0.9 * 6 / 10, rtol=1e-12)
    g = BUMPS.grad(xy)
    cos = (u * g[:, 0] + v * g[:, 1]) / (np.hypot(u, v) * np.hypot(*g.T))
    np.testing.assert_allclose(cos, 1.0, atol=1e-12)


def test_level_curves_of_a_paraboloid_are_circles():
    curves = level_curves(lambda p: (p**2).sum(axis=-1), (-3, 3), (-3, 3), [1.0, 4.0], n=301)
    radii = sorted(float(np.mean(np.hypot(*c.T))) for c in curves)
    assert len(curves) == 2
    assert radii == pytest.approx([1.0, 2.0], abs=1e-3)
    for c in curves:
        r = np.hypot(*c.T)
        assert np.ptp(r) < 1e-3  # linear interpolation on a 0.02 grid: error ~ h²


def test_level_curves_with_an_integer_stay_on_their_levels():
    curves = level_curves(HILL, (-5, 5), (-5, 5), 6, n=201)
    values = [HILL(c) for c in curves]
    for v in values:
        assert np.ptp(v) < 0.01  # each curve is one level (h ranges over ~75 here)
    assert len({round(float(v.mean()), 1) for v in values}) == 6


def test_level_curve_cosines_by_hand():
    # Tangent (1, 0) against gradient (1, 1): cos 45° = 1/sqrt(2); along (0, 1): the same;
    # a tangent parallel to the gradient: 1.
    seg = [np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 1.0]]),
           np.array([[0.0, 0.0], [2.0, 2.0]])]
    got = level_curve_cosines(seg, lambda p: np.ones_like(p))
    np.testing.assert_allclose(got, [1 / math.sqrt(2), 1 / math.sqrt(2), 1.0], rtol=1e-12)


def test_level_curve_cosines_vanish_on_polygon_chords_of_a_circle():
    # The chord of a circle is perpendicular to the radius through its midpoint.
    t = np.linspace(0, 2 * np.pi, 37)
    polygon = np.stack([2 * np.cos(t), 2 * np.sin(t)], axis=1)
    got = level_curve_cosines([polygon], lambda p: 2 * p)
    assert got.shape == (36,)
    assert got.max() < 1e-12


def test_level_curve_cosines_skip_degenerate_segments():
    curve = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    # Segment 1 has zero length and is skipped. Segment 2, (1, 0) -> (0, 1), has midpoint
    # (0.5, 0.5) where grad = (0.5, 0.5), perpendicular to it: 0. Segment 3, (0, 1) -> (0, 0),
    # has midpoint (0, 0.5) where grad = (0, 0.5), parallel to it: 1.
    got = level_curve_cosines([curve], lambda p: p)
    np.testing.assert_allclose(got, [0.0, 1.0], atol=1e-12)
    again, mid = level_curve_cosines([curve], lambda p: p, return_midpoints=True)
    np.testing.assert_allclose(again, got, rtol=0, atol=0)
    np.testing.assert_allclose(mid, [[0.5, 0.5], [0.0, 0.5]], atol=1e-15)


def test_hill_gradient_is_perpendicular_to_its_traced_level_curves():
    curves = level_curves(HILL, (-5, 5), (-3.6, 3.6), 15, n=200)
    assert level_curve_cosines(curves, HILL.grad).max() < 0.03


# --------------------------------------------------------------------------- images


def _ramp(shape, a, b, dx=1.0, dy=1.0):
    rows, cols = np.indices(shape)
    return a * cols * dx + b * rows * dy + 0.5


@pytest.mark.parametrize("op", [image_gradient, sobel])
@pytest.mark.parametrize(("a", "b", "dx", "dy"), [(3.0, 2.0, 1.0, 1.0), (-1.5, 0.25, 0.5, 2.0)])
def test_ramps_give_their_exact_slope_everywhere(op, a, b, dx, dy):
    img = _ramp((6, 7), a, b, dx, dy)  # I = a x + b y with x = col dx, y = row dy
    gx, gy = op(img, dx=dx, dy=dy)
    np.testing.assert_allclose(gx, a, atol=1e-12)
    np.testing.assert_allclose(gy, b, atol=1e-12)


def test_image_gradient_matches_numpy_gradient():
    rng = np.random.default_rng(0)
    img = rng.normal(size=(9, 11))
    gy_np, gx_np = np.gradient(img, 0.5, 0.25)  # axis 0 is y (spacing 0.5), axis 1 is x
    gx, gy = image_gradient(img, dx=0.25, dy=0.5)
    np.testing.assert_allclose(gx, gx_np, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(gy, gy_np, rtol=1e-14, atol=1e-14)


def test_image_gradient_is_exact_for_a_parabola_inside():
    # ((x+1)^2 - (x-1)^2) / 2 = 2x exactly
    x = np.arange(8.0)
    img = np.tile(x**2, (4, 1))
    gx, gy = image_gradient(img)
    np.testing.assert_allclose(gx[:, 1:-1], np.broadcast_to(2 * x[1:-1], (4, 6)), atol=1e-12)
    np.testing.assert_allclose(gy, 0.0, atol=1e-12)


def test_image_gradient_converges_at_second_order_to_the_analytic_gradient():
    errors = []
    for n in (41, 81):
        X, Y, Z = gd.plotting.grid(BUMPS, (-3, 3), (-3, 3), n)
        h = 6 / (n - 1)
        gx, gy = image_gradient(Z, dx=h, dy=h)
        exact = BUMPS.grad(np.stack([X, Y], axis=-1))
        inner = (slice(1, -1), slice(1, -1))
        errors.append(max(np.abs(gx - exact[..., 0])[inner].max(),
                          np.abs(gy - exact[..., 1])[inner].max()))
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.1)  # halving h quarters it


def _extended(a, i, j):
    """a[i, j] with one pixel of linear extrapolation outside (2 a[0] - a[1], per axis)."""
    rows, cols = a.shape
    if i == -1:
        return 2 * _extended(a, 0, j) - _extended(a, 1, j)
    if i == rows:
        return 2 * _extended(a, rows - 1, j) - _extended(a, rows - 2, j)
    if j == -1:
        return 2 * _extended(a, i, 0) - _extended(a, i, 1)
    if j == cols:
        return 2 * _extended(a, i, cols - 1) - _extended(a, i, cols - 2)
    return a[i, j]


def _sobel_loops(a):
    kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    ky = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    gx = np.zeros(a.shape)
    gy = np.zeros(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for di in range(3):
                for dj in range(3):
                    v = _extended(a, i + di - 1, j + dj - 1)
                    gx[i, j] += kx[di][dj] * v / 8
                    gy[i, j] += ky[di][dj] * v / 8
    return gx, gy


def test_sobel_matches_the_textbook_kernel_applied_with_loops():
    rng = np.random.default_rng(1)
    img = rng.normal(size=(5, 6))
    gx, gy = sobel(img)
    ex, ey = _sobel_loops(img)
    np.testing.assert_allclose(gx, ex, atol=1e-13)
    np.testing.assert_allclose(gy, ey, atol=1e-13)


@given(small_image)
def test_sobel_matches_loops_on_any_small_image(rows):
    img = np.array(rows)
    gx, gy = sobel(img)
    ex, ey = _sobel_loops(img)
    np.testing.assert_allclose(gx, ex, atol=1e-12)
    np.testing.assert_allclose(gy, ey, atol=1e-12)


def test_sobel_of_a_vertical_step_edge():
    img = np.zeros((5, 6))
    img[:, 3:] = 1.0
    gx, gy = sobel(img)
    # central difference across the step: 1/2 at columns 2 and 3, and the 1-2-1 average
    # of equal rows changes nothing
    np.testing.assert_allclose(gx, np.tile([0, 0, 0.5, 0.5, 0, 0], (5, 1)), atol=1e-15)
    np.testing.assert_allclose(gy, 0.0, atol=1e-15)


@given(small_image)
def test_transposing_an_image_swaps_the_gradient_components(rows):
    img = np.array(rows)
    for op in (image_gradient, sobel):
        gx, gy = op(img)
        tx, ty = op(img.T)
        np.testing.assert_allclose(tx, gy.T, atol=1e-12)
        np.testing.assert_allclose(ty, gx.T, atol=1e-12)


@given(small_image, small_image, st.floats(-3, 3), st.floats(-3, 3))
def test_image_operators_are_linear(r1, r2, a, b):
    i1, i2 = np.array(r1), np.array(r2)
    for op in (image_gradient, sobel):
        lhs = op(a * i1 + b * i2)
        for k in range(2):
            np.testing.assert_allclose(lhs[k], a * op(i1)[k] + b * op(i2)[k], atol=1e-10)


def test_sobel_reduces_noise_by_the_predicted_factor():
    # iid noise of sd s: the central difference (n1 - n2)/2 has sd s/sqrt(2); the 1-2-1
    # average of three independent rows multiplies it by sqrt(1 + 4 + 1)/4.
    rng = np.random.default_rng(5)
    noise = rng.normal(scale=1.0, size=(400, 400))
    gx_c, _ = image_gradient(noise)
    gx_s, _ = sobel(noise)
    inner = (slice(2, -2), slice(2, -2))
    assert gx_c[inner].std() == pytest.approx(1 / math.sqrt(2), rel=0.02)
    assert gx_s[inner].std() == pytest.approx(math.sqrt(6) / 4 / math.sqrt(2), rel=0.02)


# --------------------------------------------------------------------------- shading


@given(st.floats(-2, 2), st.floats(-2, 2))
def test_surface_normals_of_a_plane_are_the_cross_product_of_its_tangents(a, b):
    z = _ramp((4, 5), a, b)
    n = surface_normals(z)
    cross = np.cross([1.0, 0.0, a], [0.0, 1.0, b])
    np.testing.assert_allclose(n, np.broadcast_to(cross / np.linalg.norm(cross), n.shape),
                               atol=1e-12)


@pytest.mark.parametrize(
    ("azimuth", "altitude", "expected"),
    [
        (0, 30, (0, math.cos(math.pi / 6), 0.5)),       # north: +y
        (90, 60, (math.cos(math.pi / 3), 0, math.sin(math.pi / 3))),  # east: +x
        (180, 45, (0, -math.sqrt(0.5), math.sqrt(0.5))),  # south: -y
        (270, 45, (-math.sqrt(0.5), 0, math.sqrt(0.5))),  # west: -x
        (123, 90, (0, 0, 1)),                           # overhead, any azimuth
    ],
)
def test_sun_direction_by_hand(azimuth, altitude, expected):
    np.testing.assert_allclose(sun_direction(azimuth, altitude), expected, atol=1e-12)


@given(st.floats(-720, 720), st.floats(0.5, 90))
def test_sun_direction_agrees_with_matplotlib(azimuth, altitude):
    expected = LightSource(azdeg=azimuth, altdeg=altitude).direction
    np.testing.assert_allclose(sun_direction(azimuth, altitude), expected, atol=1e-12)


@pytest.mark.parametrize("altitude", [10.0, 30.0, 45.0, 90.0])
def test_flat_ground_gets_the_sine_of_the_altitude(altitude):
    np.testing.assert_allclose(hillshade(np.zeros((3, 4)), altitude=altitude),
                               math.sin(math.radians(altitude)), atol=1e-12)


@given(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5), st.floats(0, 360), st.floats(5, 90))
def test_hillshade_of_a_plane_matches_the_gis_formula(a, b, azimuth, altitude):
    # Slope angle s = atan|grad z|; aspect = compass direction the slope faces (downhill,
    # -grad z), clockwise from north; zenith z = 90 - altitude.
    # Spherical law of cosines: shade = cos z cos s + sin z sin s cos(azimuth - aspect).
    zen = math.radians(90 - altitude)
    slope = math.atan(math.hypot(a, b))
    aspect = math.atan2(-a, -b)  # east component, north component of -grad z
    expected = max(0.0, math.cos(zen) * math.cos(slope)
                   + math.sin(zen) * math.sin(slope) * math.cos(math.radians(azimuth) - aspect))
    got = hillshade(_ramp((3, 3), a, b), azimuth=azimuth, altitude=altitude)
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_plane_facing_the_sun_squarely_is_fully_lit_and_turned_away_is_dark():
    # Sun from the south-east at 45°: a 45° slope falling towards the south-east faces it
    # (normal = sun direction, shade 1); the mirror slope is edge-on (normal at 90°, shade 0).
    rows, cols = np.indices((4, 4)).astype(float)
    rise_nw = (-cols + rows) / math.sqrt(2)  # gradient (-1, 1)/sqrt(2): |grad| = 1, 45°
    assert hillshade(rise_nw, azimuth=135, altitude=45) == pytest.approx(np.ones((4, 4)))
    np.testing.assert_allclose(hillshade(-rise_nw, azimuth=135, altitude=45), 0.0, atol=1e-12)


def test_hillshade_agrees_with_matplotlib_lightsource():
    # matplotlib rescales its Lambert intensity to [0, 1] and takes row 0 as north; undo
    # both: flip rows, and rescale our (unclipped) intensity the same way.
    X, Y, Z = gd.plotting.grid(BUMPS, (-3, 3), (-3, 3), 60)
    Z = 0.2 * Z  # gentle enough that no slope turns away from the sun
    h = 6 / 59
    ours = surface_normals(Z, dx=h, dy=h) @ sun_direction(315, 40)
    assert ours.min() > 0  # nothing clipped, so hillshade == ours here
    np.testing.assert_allclose(hillshade(Z, h, h, 315, 40), ours, atol=1e-15)
    theirs = LightSource(azdeg=315, altdeg=40).hillshade(Z[::-1], dx=h, dy=h)[::-1]
    rescaled = (ours - ours.min()) / (ours.max() - ours.min())
    np.testing.assert_allclose(rescaled, theirs, atol=1e-12)


@given(small_image, st.floats(0, 360), st.floats(1, 90))
def test_hillshade_stays_between_zero_and_one(rows, azimuth, altitude):
    s = hillshade(np.array(rows), azimuth=azimuth, altitude=altitude)
    assert s.shape == (3, 4)
    assert np.all((s >= 0) & (s <= 1))


# --------------------------------------------------------------------------- bad input


def _two_vector(p):
    return np.array([1.0, 2.0])


BAD = [
    ("unit_vectors nan", lambda: unit_vectors([0.0, np.nan]), ValueError, "angles"),
    ("dd grad", lambda: directional_derivatives(3, [0, 0], 0.0), TypeError, "grad"),
    ("dd x shape", lambda: directional_derivatives(_two_vector, [0, 0, 0], 0.0), ValueError, "x"),
    ("dd angles", lambda: directional_derivatives(_two_vector, [0, 0], "a"), TypeError, "angles"),
    ("dd grad shape", lambda: directional_derivatives(lambda p: 1.0, [0, 0], 0.0), ValueError,
     "grad"),
    ("field f", lambda: plot_gradient_field(gd.figure()[1], 1, HILL.grad, (0, 1), (0, 1)),
     TypeError, "f"),
    ("field n", lambda: plot_gradient_field(gd.figure()[1], HILL, HILL.grad, (0, 1), (0, 1), n=1),
     ValueError, "n"),
    ("field xlim", lambda: plot_gradient_field(gd.figure()[1], HILL, HILL.grad, (1, 0), (0, 1)),
     ValueError, "xlim"),
    ("field grad", lambda: plot_gradient_field(gd.figure()[1], HILL, _two_vector, (0, 1), (0, 1)),
     ValueError, "grad"),
    ("curves levels", lambda: level_curves(HILL, (0, 1), (0, 1), 0), ValueError, "levels"),
    ("curves n", lambda: level_curves(HILL, (0, 1), (0, 1), 3, n=1), ValueError, "n"),
    ("curves levels nan", lambda: level_curves(HILL, (0, 1), (0, 1), [np.nan]), ValueError,
     "levels"),
    ("cos empty", lambda: level_curve_cosines([], HILL.grad), ValueError, "curves"),
    ("cos shape", lambda: level_curve_cosines([np.zeros((3, 3))], HILL.grad), ValueError,
     "curves"),
    ("cos flat", lambda: level_curve_cosines([np.eye(2)], np.zeros_like), ValueError, "curves"),
    ("cos grad", lambda: level_curve_cosines([np.eye(2)], None), TypeError, "grad"),
    ("cos min_grad", lambda: level_curve_cosines([np.eye(2)], HILL.grad, min_grad=0), ValueError,
     "min_grad"),
    ("img 1-D", lambda: image_gradient(np.zeros(5)), ValueError, "img"),
    ("img thin", lambda: sobel(np.zeros((1, 5))), ValueError, "img"),
    ("img nan", lambda: sobel(np.full((3, 3), np.nan)), ValueError, "img"),
    ("img str", lambda: image_gradient("image"), TypeError, "img"),
    ("img dx", lambda: image_gradient(np.zeros((3, 3)), dx=0.0), ValueError, "dx"),
    ("img dy", lambda: sobel(np.zeros((3, 3)), dy=-1.0), ValueError, "dy"),
    ("normals z", lambda: surface_normals(np.zeros(4)), ValueError, "z"),
    ("sun altitude 0", lambda: sun_direction(10, 0), ValueError, "altitude"),
    ("sun altitude 95", lambda: sun_direction(10, 95), ValueError, "altitude"),
    ("sun azimuth", lambda: sun_direction(np.inf, 45), ValueError, "azimuth"),
    ("shade z", lambda: hillshade([[1.0, 2.0]]), ValueError, "z"),
    ("shade dx", lambda: hillshade(np.zeros((3, 3)), dx=-2.0), ValueError, "dx"),
    ("shade altitude", lambda: hillshade(np.zeros((3, 3)), altitude=-5.0), ValueError,
     "altitude"),
]


@pytest.mark.parametrize(("name", "call", "error", "arg"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_naming_the_argument(name, call, error, arg):
    with pytest.raises(error, match=rf"\b{arg}\b"):
        call()
