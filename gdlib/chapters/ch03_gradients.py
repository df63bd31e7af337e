"""Gradient fields, directional derivatives, image gradients and hill-shading (Chapter 3).

Points in the plane follow :mod:`gdlib.functions`: an array whose *last* axis holds
``(x, y)``. Gridded data (images, terrains) follow :func:`gdlib.plotting.grid`: ``Z[i, j]``
is the value at ``x = xs[j]``, ``y = ys[i]``, so axis 1 (columns) is ``x`` and axis 0
(rows) is ``y``. For a terrain shown with ``imshow(..., origin="lower")`` the ``y`` axis
points north (up); for an image shown the usual way (row 0 on top) it points down.

* :func:`unit_vectors`, :func:`directional_derivatives`: slopes along many directions;
* :func:`plot_gradient_field`: a contour map with the gradient drawn as arrows;
* :func:`level_curves`, :func:`level_curve_cosines`: level curves as polylines, and how far
  the gradient is from perpendicular to them;
* :func:`image_gradient` (central differences) and :func:`sobel` (the Sobel operator),
  numpy only;
* :func:`surface_normals`, :func:`sun_direction`, :func:`hillshade`: Lambertian
  shading of a terrain from its gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .._checks import (
    as_finite_array,
    check_callable,
    nonneg_int,
    positive_float,
    returned_array,
)
from ..plotting import PALETTE, grid, plot_contour

__all__ = [
    "unit_vectors",
    "directional_derivatives",
    "plot_gradient_field",
    "level_curves",
    "level_curve_cosines",
    "image_gradient",
    "sobel",
    "surface_normals",
    "sun_direction",
    "hillshade",
]


# --------------------------------------------------------------------------- directions


def unit_vectors(angles) -> np.ndarray:
    """The unit vectors ``(cos θ, sin θ)`` for angles ``θ`` in radians.

    Parameters
    ----------
    angles : float or array_like
        Angles measured anticlockwise from the positive ``x`` axis.

    Returns
    -------
    numpy.ndarray
        Shape ``(*angles.shape, 2)``.

    Examples
    --------
    >>> unit_vectors([0.0, np.pi / 2]).round(12)
    array([[1., 0.],
           [0., 1.]])
    """
    a = as_finite_array(angles, "angles")
    return np.stack([np.cos(a), np.sin(a)], axis=-1)


def _point_2d(x, name: str = "x") -> np.ndarray:
    xa = as_finite_array(x, name)
    if xa.shape != (2,):
        raise ValueError(f"{name} must be a point (x, y) of shape (2,), got shape {xa.shape}")
    return xa


def directional_derivatives(grad: Callable, x, angles) -> np.ndarray:
    """Slopes of a function at the point ``x`` along the directions ``(cos θ, sin θ)``.

    The slope along a unit vector ``u`` is ``D_u f = ∇f(x) · u``; the gradient is evaluated
    once and the dot product is taken for every angle at once.

    Parameters
    ----------
    grad : callable
        The gradient ``grad(x)`` of a function of a point in the plane; returns shape (2,).
    x : array_like, shape (2,)
        The point.
    angles : float or array_like
        Directions in radians, anticlockwise from the positive ``x`` axis.

    Returns
    -------
    numpy.ndarray
        ``D_u f`` for each angle, shape of ``angles``.

    Examples
    --------
    >>> g = lambda p: np.array([-2 * p[0], -4 * p[1]])       # gradient of 100 - x² - 2y²
    >>> directional_derivatives(g, [3.0, 1.0], [0.0, np.pi / 2, np.pi]).round(12)
    array([-6., -4.,  6.])
    """
    check_callable(grad, "grad")
    xa = _point_2d(x)
    g = np.asarray(grad(xa), dtype=float)
    if g.shape != (2,):
        raise ValueError(f"grad must return a vector of shape (2,), got shape {g.shape}")
    return unit_vectors(angles) @ g


# --------------------------------------------------------------------------- fields


def plot_gradient_field(
    ax,
    f: Callable,
    grad: Callable,
    xlim: Sequence[float],
    ylim: Sequence[float],
    *,
    n: int = 15,
    levels: int | Sequence[float] = 20,
    normalize: bool = False,
    color: str = PALETTE["vermillion"],
    filled: bool = True,
    contour_n: int = 200,
):
    """A contour map of ``f`` with its gradient drawn as arrows on an ``n x n`` grid.

    The map is :func:`gdlib.plotting.plot_contour` (course colormap, equal aspect), so an
    arrow that looks perpendicular to a level curve is perpendicular. Arrows are drawn to
    scale in data units: the longest one spans 90% of the grid spacing. With
    ``normalize=True`` every arrow has that length and only the direction is shown (useful
    when the steepness varies a lot).

    Parameters
    ----------
    ax : matplotlib Axes
    f, grad : callable
        Vectorised: for points of shape ``(..., 2)`` they return ``(...)`` and ``(..., 2)``
        (as the entries of :mod:`gdlib.functions` do).
    xlim, ylim : (float, float)
        The window.
    n : int
        Arrows per side.
    levels : int or sequence of float
        Passed to :func:`gdlib.plotting.plot_contour`.
    normalize : bool
        Draw unit directions instead of the gradient to scale.
    color : str
        Arrow colour (default: the palette's vermillion).
    filled : bool
        Filled contours (True) or lines only.
    contour_n : int
        Grid size of the contour map.

    Returns
    -------
    matplotlib.quiver.Quiver
        The arrows.

    Examples
    --------
    >>> from gdlib.plotting import figure
    >>> from gdlib.functions import get
    >>> hill = get("hill")
    >>> fig, ax = figure()
    >>> q = plot_gradient_field(ax, hill, hill.grad, (-4, 4), (-4, 4), n=9)
    >>> q.N
    81
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    n = nonneg_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 arrows per side, got {n}")
    xlim = tuple(as_finite_array(xlim, "xlim").tolist())
    ylim = tuple(as_finite_array(ylim, "ylim").tolist())
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be (low, high) with low < high, got {lim}")
    plot_contour(ax, f, xlim, ylim, levels=levels, n=contour_n, filled=filled)
    xs = np.linspace(xlim[0], xlim[1], n + 2)[1:-1]  # keep arrows off the frame
    ys = np.linspace(ylim[0], ylim[1], n + 2)[1:-1]
    X, Y = np.meshgrid(xs, ys)
    G = returned_array(grad(np.stack([X, Y], axis=-1)), "grad")
    if G.shape != X.shape + (2,):
        raise ValueError(
            f"grad must be vectorised: for points of shape {X.shape + (2,)} it returned "
            f"shape {G.shape}"
        )
    # a non-finite gradient has no arrow (and does not spoil the others' scale)
    G = np.where(np.isfinite(G).all(axis=-1, keepdims=True), G, np.nan)
    U, V = G[..., 0], G[..., 1]
    length = np.hypot(U, V)
    spacing = 0.9 * min(xs[1] - xs[0], ys[1] - ys[0])
    if normalize:
        safe = np.where(length > 0, length, 1.0)  # nan stays nan: no arrow
        U, V = U / safe * spacing, V / safe * spacing
    else:
        top = float(np.nanmax(length)) if np.isfinite(length).any() else 0.0
        factor = spacing / top if top > 0 else 1.0
        U, V = U * factor, V * factor
    return ax.quiver(
        X, Y, U, V, angles="xy", scale_units="xy", scale=1.0, color=color,
        width=0.005, headwidth=3.5, headlength=4.5, headaxislength=4, zorder=3,
    )


def level_curves(
    f: Callable,
    xlim: Sequence[float],
    ylim: Sequence[float],
    levels: int | Sequence[float],
    *,
    n: int = 200,
) -> list[np.ndarray]:
    """Level curves ``f = c`` of a vectorised 2-D function, as polylines.

    ``f`` is evaluated on an ``n x n`` grid (as in :func:`gdlib.plotting.grid`) and traced
    with matplotlib's contouring engine (contourpy), without drawing anything.

    Parameters
    ----------
    levels : int or sequence of float
        The values ``c``; an integer ``k`` means ``k`` values evenly spaced strictly
        between the smallest and largest value on the grid.

    Returns
    -------
    list of numpy.ndarray
        One ``(m, 2)`` array of vertices per connected piece of curve.

    Examples
    --------
    >>> circle = level_curves(lambda p: (p**2).sum(axis=-1), (-2, 2), (-2, 2), [1.0])
    >>> len(circle), bool(np.allclose(np.hypot(*circle[0].T), 1.0, atol=1e-3))
    (1, True)
    """
    import contourpy  # matplotlib's contouring engine, installed with it

    check_callable(f, "f")
    n = nonneg_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 grid points per side, got {n}")
    X, Y, Z = grid(f, xlim, ylim, n)
    if isinstance(levels, (int, np.integer)) and not isinstance(levels, bool):
        if levels < 1:
            raise ValueError(f"levels must be at least 1, got {levels}")
        values = np.linspace(float(Z.min()), float(Z.max()), levels + 2)[1:-1]
    else:
        values = as_finite_array(levels, "levels").ravel()
    gen = contourpy.contour_generator(X, Y, Z, line_type=contourpy.LineType.Separate)
    return [np.asarray(piece, dtype=float) for c in values for piece in gen.lines(float(c))]


def level_curve_cosines(
    curves: Sequence, grad: Callable, *, min_grad: float = 1e-9, return_midpoints: bool = False
):
    """``|cos|`` of the angle between the gradient and each segment of some level curves.

    For every segment ``p -> q`` of every polyline, the tangent ``q - p`` is compared with
    the gradient at the midpoint. A gradient perpendicular to the level curve gives 0;
    segments shorter than ``1e-12`` or where ``|∇f| < min_grad`` are skipped.

    Parameters
    ----------
    curves : sequence of array_like
        Polylines, each of shape ``(m, 2)`` (e.g. from :func:`level_curves`).
    grad : callable
        Vectorised gradient: points ``(k, 2)`` to gradients ``(k, 2)``.
    min_grad : float
        Skip segments where the gradient is shorter than this (its direction is noise).
    return_midpoints : bool
        Also return the midpoints of the segments used, to locate the worst ones.

    Returns
    -------
    numpy.ndarray
        One value in ``[0, 1]`` per segment used; with ``return_midpoints``, a tuple
        ``(cosines, midpoints)`` with midpoints of shape ``(k, 2)``.

    Examples
    --------
    >>> square = [np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])]   # a diamond's edges
    >>> level_curve_cosines(square, lambda p: np.sign(p)).round(12)   # grad of |x| + |y|
    array([0., 0.])
    """
    check_callable(grad, "grad")
    min_grad = positive_float(min_grad, "min_grad")
    starts, ends = [], []
    for k, c in enumerate(curves):
        v = as_finite_array(c, f"curves[{k}]")
        if v.ndim != 2 or v.shape[1] != 2:
            raise ValueError(f"curves[{k}] must have shape (m, 2), got {v.shape}")
        starts.append(v[:-1])
        ends.append(v[1:])
    if not starts:
        raise ValueError("curves must hold at least one polyline")
    p, q = np.concatenate(starts), np.concatenate(ends)
    t = q - p
    g = np.asarray(grad((p + q) / 2), dtype=float)
    if g.shape != t.shape:
        raise ValueError(f"grad must return shape {t.shape} for {len(t)} points, got {g.shape}")
    tn, gn = np.hypot(t[:, 0], t[:, 1]), np.hypot(g[:, 0], g[:, 1])
    keep = (tn > 1e-12) & (gn >= min_grad)
    if not np.any(keep):
        raise ValueError("curves has no segment of positive length where the gradient is non-zero")
    dots = np.abs(np.sum(t[keep] * g[keep], axis=1))
    cosines = np.minimum(dots / (tn[keep] * gn[keep]), 1.0)
    if return_midpoints:
        return cosines, ((p + q) / 2)[keep]
    return cosines


# --------------------------------------------------------------------------- images


def _image(img, name: str = "img") -> np.ndarray:
    a = as_finite_array(img, name)
    if a.ndim != 2 or min(a.shape) < 2:
        raise ValueError(f"{name} must be a 2-D array of at least 2 x 2 values, got {a.shape}")
    return a


def _linear_pad(a: np.ndarray) -> np.ndarray:
    # One extra row/column on each side, extrapolated linearly (2 a[0] - a[1]): a ramp
    # stays a ramp, so both operators below are exact on linear images, borders included.
    return np.pad(a, 1, mode="reflect", reflect_type="odd")


def image_gradient(img, *, dx: float = 1.0, dy: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Central-difference gradient of an image or gridded surface.

    ``gx[i, j] = (img[i, j+1] - img[i, j-1]) / (2 dx)`` and likewise along the rows for
    ``gy``. On the border the image is extended linearly, which amounts to a one-sided
    difference there (as ``numpy.gradient`` does).

    Parameters
    ----------
    img : array_like, 2-D
        Values on a grid; axis 1 is ``x``, axis 0 is ``y``.
    dx, dy : float
        Grid spacing along ``x`` (columns) and ``y`` (rows).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``gx`` and ``gy``, each the shape of ``img``.

    Examples
    --------
    >>> ramp = 3.0 * np.arange(4)[None, :] + 2.0 * np.arange(3)[:, None]   # 3x + 2y
    >>> gx, gy = image_gradient(ramp)
    >>> gx.tolist()[0], gy.tolist()[0]
    ([3.0, 3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 2.0])
    """
    a = _image(img)
    dx, dy = positive_float(dx, "dx"), positive_float(dy, "dy")
    p = _linear_pad(a)
    gx = (p[1:-1, 2:] - p[1:-1, :-2]) / (2 * dx)
    gy = (p[2:, 1:-1] - p[:-2, 1:-1]) / (2 * dy)
    return gx, gy


def sobel(img, *, dx: float = 1.0, dy: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The Sobel operator: a central difference smoothed across the difference direction.

    The ``x`` kernel (applied as a correlation) is

    .. code-block:: text

        [[-1, 0, 1],
         [-2, 0, 2],      / (8 dx)
         [-1, 0, 1]]

    and the ``y`` kernel is its transpose over ``8 dy``: a central difference along one
    axis, weighted ``1, 2, 1`` along the other. Dividing by 8 makes it an estimate of the
    derivative (the textbook kernel without the 8 gives eight times the slope of a ramp).
    Borders are extended linearly, so linear images give their exact slope everywhere.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``gx`` and ``gy``, each the shape of ``img``.

    Examples
    --------
    >>> step = np.zeros((5, 5)); step[:, 3:] = 1.0                 # a vertical edge
    >>> gx, gy = sobel(step)
    >>> gx[2].tolist(), float(np.abs(gy).max())
    ([0.0, 0.0, 0.5, 0.5, 0.0], 0.0)
    """
    a = _image(img)
    dx, dy = positive_float(dx, "dx"), positive_float(dy, "dy")
    p = _linear_pad(a)
    # Separable: difference along one axis, then smooth 1-2-1 along the other.
    diff_x = (p[:, 2:] - p[:, :-2]) / (2 * dx)  # (rows + 2, cols)
    gx = (diff_x[:-2] + 2 * diff_x[1:-1] + diff_x[2:]) / 4
    diff_y = (p[2:, :] - p[:-2, :]) / (2 * dy)  # (rows, cols + 2)
    gy = (diff_y[:, :-2] + 2 * diff_y[:, 1:-1] + diff_y[:, 2:]) / 4
    return gx, gy


# --------------------------------------------------------------------------- shading


def surface_normals(z, *, dx: float = 1.0, dy: float = 1.0) -> np.ndarray:
    """Unit normals of the surface ``height = z[i, j]``, from its gradient.

    The surface ``(x, y, z(x, y))`` has tangent vectors ``(1, 0, z_x)`` and ``(0, 1, z_y)``;
    their cross product ``(-z_x, -z_y, 1)``, normalised, points up and away from the
    slope. The gradient is :func:`image_gradient`'s.

    Returns
    -------
    numpy.ndarray
        Shape ``(*z.shape, 3)``.

    Examples
    --------
    >>> plane = np.ones((3, 3)) * np.arange(3)       # z = x: tilted 45 degrees
    >>> (surface_normals(plane)[1, 1] * np.sqrt(2)).round(12)
    array([-1., -0.,  1.])
    """
    a = _image(z, "z")
    gx, gy = image_gradient(a, dx=dx, dy=dy)
    nrm = np.stack([-gx, -gy, np.ones_like(gx)], axis=-1)
    return nrm / np.sqrt(1.0 + gx**2 + gy**2)[..., None]


def sun_direction(azimuth: float, altitude: float) -> np.ndarray:
    """Unit vector pointing towards the sun.

    Parameters
    ----------
    azimuth : float
        Compass direction of the sun in degrees, clockwise from north (the ``+y``
        axis): 0 north, 90 east (``+x``), 180 south, 270 west.
    altitude : float
        Height of the sun above the horizon in degrees, in ``(0, 90]``.

    Examples
    --------
    >>> sun_direction(90, 1e-9).round(6)      # low in the east
    array([1., 0., 0.])
    >>> sun_direction(0, 90).round(12)          # straight overhead
    array([0., 0., 1.])
    """
    az = float(as_finite_array(azimuth, "azimuth"))
    alt = float(as_finite_array(altitude, "altitude"))
    if not 0 < alt <= 90:
        raise ValueError(f"altitude must be in (0, 90] degrees, got {altitude!r}")
    a, h = np.radians(az), np.radians(alt)
    return np.array([np.sin(a) * np.cos(h), np.cos(a) * np.cos(h), np.sin(h)])


def hillshade(
    z, dx: float = 1.0, dy: float = 1.0, azimuth: float = 315.0, altitude: float = 45.0
) -> np.ndarray:
    """Lambertian shading of a terrain lit by a distant sun: ``max(0, n · s)``.

    ``n`` is the unit surface normal (:func:`surface_normals`) and ``s`` the unit vector
    towards the sun (:func:`sun_direction`). Ground facing the sun is bright (1 when it
    faces it squarely), ground turned away is dark (0). Cast shadows (one hill hiding
    another) are not modelled. Rows of ``z`` run south to north (``y`` up), so show the
    result with ``imshow(..., origin="lower")``.

    Parameters
    ----------
    z : array_like, 2-D
        Heights, in the same unit as ``dx`` and ``dy``.
    dx, dy : float
        Grid spacing along ``x`` (columns) and ``y`` (rows).
    azimuth, altitude : float
        The sun's position in degrees (see :func:`sun_direction`); the default, light from
        the north-west, is the cartographers' convention.

    Returns
    -------
    numpy.ndarray
        Values in ``[0, 1]``, the shape of ``z``.

    Examples
    --------
    >>> flat = np.zeros((4, 4))
    >>> round(float(hillshade(flat, altitude=30.0)[0, 0]), 12)    # sin(30 degrees)
    0.5
    """
    normals = surface_normals(z, dx=dx, dy=dy)
    return np.clip(normals @ sun_direction(azimuth, altitude), 0.0, 1.0)
