"""Surfaces of two variables, sliced one variable at a time (Chapter 2: partial derivatives).

A partial derivative is an ordinary derivative of a *slice*: hold one variable fixed and
the function of two variables becomes a function of the other one alone. This module
makes that literal.

* :func:`slice_points`, :func:`slice_function`: the slice of ``f`` at ``x = value`` or
  ``y = value``, as points in the plane and as a function of one variable;
* :func:`slice_slope`: the slope of that slice, i.e. the partial derivative with respect to
  the free variable, vectorised over many points of the slice;
* :func:`numeric_partials`: all partial derivatives on a whole grid of points at once;
* :func:`plot_surface`, :func:`plot_slice_3d`, :func:`plot_slice`: the surface in 3-D, the
  slice (with its tangent) drawn on it, and the slice as a flat curve with its tangent.
  The slice plots return a :class:`SliceArtists` whose ``update`` moves them, for
  :func:`gdlib.explore` figures.

Functions of a point follow the catalogue's convention (:mod:`gdlib.functions`): they take
an array whose *last* axis holds the coordinates ``(x, y)``, so one call evaluates a whole
grid. ``fixed`` names the coordinate held constant: ``"x"`` (or 0) or ``"y"`` (or 1).

>>> import numpy as np
>>> f = lambda p: p[..., 0] ** 2 * p[..., 1]          # f(x, y) = x^2 y
>>> g = slice_function(f, "y", 3.0)                  # the slice y = 3: g(x) = 3 x^2
>>> g(np.array([1.0, 2.0])).tolist()
[3.0, 12.0]
>>> round(slice_slope(f, "y", 3.0, 2.0), 6)          # df/dx = 2 x y = 12 at (2, 3)
12.0
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .._checks import (
    as_finite_array,
    check_callable,
    finite_float,
    interval,
    nonneg_int,
    positive_float,
)
from ..calculus import default_step, derivative
from ..plotting import PALETTE

__all__ = [
    "axis_index",
    "slice_points",
    "slice_function",
    "slice_slope",
    "numeric_partials",
    "plot_surface",
    "plot_slice",
    "plot_slice_3d",
    "SliceArtists",
]

_AXES = {"x": 0, "y": 1, 0: 0, 1: 1}


def axis_index(fixed) -> int:
    """The index (0 or 1) of the coordinate named by ``fixed``: ``"x"``/0 or ``"y"``/1.

    Examples
    --------
    >>> axis_index("x"), axis_index("y"), axis_index(1)
    (0, 1, 1)
    """
    if isinstance(fixed, bool) or not isinstance(fixed, (str, numbers.Integral)):
        raise TypeError(f"fixed must be 'x', 'y', 0 or 1, got {fixed!r}")
    key = fixed.lower() if isinstance(fixed, str) else int(fixed)
    if key not in _AXES:
        raise ValueError(f"fixed must be 'x', 'y', 0 or 1, got {fixed!r}")
    return _AXES[key]


def slice_points(fixed, value: float, s) -> np.ndarray:
    """Points of the plane on the slice ``fixed = value``, at free coordinates ``s``.

    Returns an array of shape ``s.shape + (2,)``: the free coordinate is ``s``, the fixed
    one is ``value`` everywhere.

    Examples
    --------
    >>> slice_points("y", 2.0, [0.0, 1.0]).tolist()
    [[0.0, 2.0], [1.0, 2.0]]
    >>> slice_points("x", -1.0, 5.0).tolist()
    [-1.0, 5.0]
    """
    k = axis_index(fixed)
    v = finite_float(value, "value")
    sa = as_finite_array(s, "s")
    pts = np.empty(sa.shape + (2,))
    pts[..., k] = v
    pts[..., 1 - k] = sa
    return pts


def slice_function(f: Callable, fixed, value: float) -> Callable:
    """The one-variable function ``s -> f(point)`` along the slice ``fixed = value``.

    With ``fixed="y"`` it is ``g(x) = f(x, value)``; with ``fixed="x"`` it is
    ``g(y) = f(value, y)``. ``g`` is vectorised (arrays in, arrays out) and returns a
    float for a single number.

    Examples
    --------
    >>> f = lambda p: 3 * p[..., 0] ** 2 + 8 * p[..., 0] * p[..., 1]
    >>> slice_function(f, "y", 1.0)(2.0)     # 3 * 4 + 8 * 2 * 1
    28.0
    """
    check_callable(f, "f")
    k = axis_index(fixed)
    v = finite_float(value, "value")

    def g(s):
        out = np.asarray(f(slice_points(k, v, s)), dtype=float)
        return float(out) if out.ndim == 0 else out

    g.__name__ = f"slice_{'xy'[k]}_{v:g}"
    return g


def slice_slope(f: Callable, fixed, value: float, s, h: float | None = None):
    """Slope of the slice ``fixed = value`` at free coordinates ``s``: a partial derivative.

    On the slice ``y = b`` this is ``df/dx`` at the points ``(s, b)``; on ``x = a`` it is
    ``df/dy`` at ``(a, s)``. Central differences (:func:`gdlib.derivative`), one vectorised
    call for all of ``s``.

    Examples
    --------
    >>> f = lambda p: p[..., 0] ** 2 + p[..., 0] * p[..., 1]   # df/dx = 2x + y, df/dy = x
    >>> slice_slope(f, "y", 1.0, [0.0, 1.0, 2.0]).round(6)
    array([1., 3., 5.])
    >>> round(slice_slope(f, "x", 4.0, 0.5), 6)
    4.0
    """
    return derivative(slice_function(f, fixed, value), s, h)


def numeric_partials(f: Callable, points, h: float | None = None) -> np.ndarray:
    """Every partial derivative of ``f`` at every point, by central differences.

    ``points`` has its coordinates on the last axis (one point ``[x, y]``, or a grid
    ``np.stack([X, Y], axis=-1)``; any number of coordinates works). ``f`` must be
    vectorised over the leading axes. The result has the shape of ``points``:
    ``out[..., i]`` is the partial derivative with respect to coordinate ``i``. This is
    :func:`gdlib.gradient` for a whole grid at once, with the same default step.

    Examples
    --------
    >>> f = lambda p: p[..., 0] ** 2 * p[..., 1]            # gradient (2xy, x^2)
    >>> numeric_partials(f, [[1.0, 2.0], [3.0, -1.0]]).round(6)
    array([[ 4.,  1.],
           [-6.,  9.]])
    """
    check_callable(f, "f")
    pts = as_finite_array(points, "points")
    if pts.ndim == 0:
        raise ValueError("points must have its coordinates on a last axis, got a single number")
    hh = None if h is None else positive_float(h, "h")
    out = np.empty_like(pts)
    for i in range(pts.shape[-1]):
        hi = default_step(pts[..., i]) if hh is None else np.full(pts.shape[:-1], hh)
        step = np.zeros_like(pts)
        step[..., i] = hi
        hi_val = np.asarray(f(pts + step), dtype=float)
        lo_val = np.asarray(f(pts - step), dtype=float)
        out[..., i] = (hi_val - lo_val) / (2 * hi)
    return out


# --------------------------------------------------------------------------- plots


def _check_3d(ax, name: str = "ax") -> None:
    if getattr(ax, "name", None) != "3d":
        raise TypeError(
            f"{name} must be a 3-D axes: fig.add_subplot(..., projection='3d'), "
            f"got {type(ax).__name__}"
        )


def plot_surface(
    ax,
    f: Callable,
    xlim: Sequence[float],
    ylim: Sequence[float],
    *,
    n: int = 40,
    labels: Sequence[str] = ("x", "y", "z"),
    elev: float = 28.0,
    azim: float = -58.0,
    zlim: Sequence[float] | None = None,
    alpha: float = 0.9,
    cmap: str = "cividis",
):
    """The surface ``z = f(x, y)`` on a 3-D axes, in the course colormap, lit from the top left.

    The mesh is ``n x n`` (40 by default: smooth enough, and quick to render). Axis
    limits are fixed to ``xlim``, ``ylim`` and the range of ``z`` (or ``zlim``), so lines
    added later (slices, points) do not rescale the view. Lines drawn afterwards with
    :func:`plot_slice_3d` stay on top of the surface.

    Returns the surface (a ``Poly3DCollection``).

    Examples
    --------
    >>> from gdlib.plotting import figure
    >>> fig, _ = figure()
    >>> fig.clear()
    >>> ax = fig.add_subplot(projection="3d")
    >>> surf = plot_surface(ax, lambda p: p[..., 0] * p[..., 1], (-1, 1), (-1, 1), n=10)
    >>> ax.get_zlim()
    (np.float64(-1.0), np.float64(1.0))
    """
    from matplotlib.colors import LightSource
    from matplotlib.ticker import MaxNLocator

    _check_3d(ax)
    check_callable(f, "f")
    x0, x1 = interval(xlim, "xlim")
    y0, y1 = interval(ylim, "ylim")
    n = nonneg_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if len(labels) != 3:
        raise ValueError(f"labels must name the three axes, got {labels!r}")
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = np.asarray(f(np.stack([X, Y], axis=-1)), dtype=float)
    if Z.shape != X.shape or not np.all(np.isfinite(Z)):
        raise ValueError("f must return one finite value per grid point (is it vectorised?)")
    surf = ax.plot_surface(
        X, Y, Z, rcount=n, ccount=n, cmap=cmap, linewidth=0, antialiased=False,
        alpha=alpha, lightsource=LightSource(azdeg=315, altdeg=45), zorder=1,
    )
    z0, z1 = (float(Z.min()), float(Z.max())) if zlim is None else interval(zlim, "zlim")
    if z1 <= z0:
        z1 = z0 + 1.0
    ax.computed_zorder = False  # keep slices and points (zorder > 1) in front of the surface
    ax.set(xlim=(x0, x1), ylim=(y0, y1), zlim=(z0, z1))
    ax.set_xlabel(labels[0], labelpad=-2)
    ax.set_ylabel(labels[1], labelpad=-2)
    ax.set_zlabel(labels[2], labelpad=-2)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    ax.tick_params(labelsize=8, pad=0)
    ax.view_init(elev=elev, azim=azim)
    return surf


@dataclass(eq=False, repr=False)
class SliceArtists:
    """The artists of one slice plot (curve, tangent, point), movable with :meth:`update`.

    Made by :func:`plot_slice` (flat) or :func:`plot_slice_3d` (on a surface). ``update``
    recomputes everything for a new slice position and/or point and returns the changed
    artists, which is what a :func:`gdlib.explore` update function returns.

    Attributes
    ----------
    value : float
        Where the slice is (the fixed coordinate's value).
    point : float or None
        Where on the slice the tangent touches (the free coordinate), if anywhere.
    slope : float or None
        The tangent's slope there: the partial derivative with respect to the free variable.
    """

    ax: object
    f: Callable
    fixed: int
    lim: tuple[float, float]
    n: int
    half_width: float
    is3d: bool
    curve: object
    tangent: object
    marker: object
    value: float | None = None
    point: float | None = None
    slope: float | None = None

    def __post_init__(self):
        self.fixed = axis_index(self.fixed)

    @property
    def artists(self) -> list:
        """The curve, tangent line and point marker."""
        return [self.curve, self.tangent, self.marker]

    def _set(self, artist, s, z) -> None:
        s = np.atleast_1d(np.asarray(s, dtype=float))
        z = np.atleast_1d(np.asarray(z, dtype=float))
        if self.is3d:
            pts = slice_points(self.fixed, self.value, s)
            artist.set_data_3d(pts[..., 0], pts[..., 1], z)
        else:
            artist.set_data(s, z)

    def update(self, value: float | None = None, point: float | None = None) -> list:
        """Move the slice to ``fixed = value`` and the tangent to ``point`` (None: keep).

        Returns the three artists (curve, tangent, marker).
        """
        if value is not None:
            self.value = finite_float(value, "value")
        if point is not None:
            self.point = finite_float(point, "point")
        if self.value is None:
            raise ValueError("value must be given the first time (where is the slice?)")
        g = slice_function(self.f, self.fixed, self.value)
        s = np.linspace(self.lim[0], self.lim[1], self.n)
        self._set(self.curve, s, g(s))
        if self.point is None:
            self._set(self.tangent, [], [])
            self._set(self.marker, [], [])
            self.slope = None
        else:
            p = self.point
            self.slope = float(slice_slope(self.f, self.fixed, self.value, p))
            hw = self.half_width
            # the tangent segment, clipped to the slice's range so it never leaves the plot
            ts = np.array([max(p - hw, self.lim[0]), min(p + hw, self.lim[1])])
            self._set(self.tangent, ts, g(p) + self.slope * (ts - p))
            self._set(self.marker, [p], [g(p)])
        return self.artists


def _slice_args(f, fixed, value, lim, point, n, half_width):
    check_callable(f, "f")
    axis_index(fixed)
    finite_float(value, "value")
    lo, hi = interval(lim, "lim")
    if point is not None:
        finite_float(point, "point")
    n = nonneg_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    hw = 0.15 * (hi - lo) if half_width is None else finite_float(half_width, "half_width")
    if hw <= 0:
        raise ValueError(f"half_width must be positive, got {half_width!r}")
    return (lo, hi), n, hw


def plot_slice(
    ax,
    f: Callable,
    fixed,
    value: float,
    lim: Sequence[float],
    *,
    point: float | None = None,
    n: int = 200,
    half_width: float | None = None,
    color: str = PALETTE["blue"],
    tangent_color: str = PALETTE["vermillion"],
    label: str | None = None,
) -> SliceArtists:
    """The slice ``fixed = value`` of ``f`` as a flat curve over ``lim``, with its tangent.

    The horizontal axis is the free variable (``x`` for ``fixed="y"``), the vertical axis
    the function. With ``point`` (a value of the free variable) the tangent touches the
    curve there, drawn ``half_width`` either side (clipped to ``lim``); its slope is the
    partial derivative, available as ``.slope``. Axis labels and limits are left to the
    caller.

    Examples
    --------
    >>> from gdlib.plotting import figure
    >>> fig, ax = figure()
    >>> sa = plot_slice(ax, lambda p: p[..., 0] ** 2 + p[..., 1], "y", 1.0, (-2, 2), point=1.5)
    >>> round(sa.slope, 6)                   # d/dx (x^2 + y) = 2x = 3 at x = 1.5
    3.0
    >>> _ = sa.update(point=-0.5); round(sa.slope, 6)
    -1.0
    """
    return _draw_slice(ax, f, fixed, value, lim, point, n, half_width, is3d=False,
                       curve={"color": color, "label": label},
                       tangent={"color": tangent_color, "linewidth": 1.5},
                       marker={"color": tangent_color, "markersize": 7, "zorder": 4})


def plot_slice_3d(
    ax,
    f: Callable,
    fixed,
    value: float,
    lim: Sequence[float],
    *,
    point: float | None = None,
    n: int = 80,
    half_width: float | None = None,
    color: str = PALETTE["orange"],
    tangent_color: str = PALETTE["vermillion"],
) -> SliceArtists:
    """The slice ``fixed = value`` drawn on a surface plot, with the tangent line in 3-D.

    ``ax`` is a 3-D axes, usually prepared with :func:`plot_surface`. The tangent at
    ``point`` rises ``slope`` units of ``z`` per unit of the free variable, along the
    slice: it touches the surface, and lies in the plane of the slice. It is drawn
    ``half_width`` either side of ``point``, clipped to ``lim``.

    Examples
    --------
    >>> from gdlib.plotting import figure
    >>> fig, _ = figure()
    >>> fig.clear()
    >>> ax = fig.add_subplot(projection="3d")
    >>> sa = plot_slice_3d(ax, lambda p: p[..., 0] * p[..., 1], "x", 2.0, (-1, 1), point=0.0)
    >>> round(sa.slope, 6)                   # d/dy (x y) = x = 2
    2.0
    """
    _check_3d(ax)
    return _draw_slice(ax, f, fixed, value, lim, point, n, half_width, is3d=True,
                       curve={"color": color, "linewidth": 2.5, "zorder": 3},
                       tangent={"color": tangent_color, "linewidth": 1.8, "zorder": 4},
                       marker={"color": tangent_color, "markersize": 6, "zorder": 5})


def _draw_slice(ax, f, fixed, value, lim, point, n, half_width, *, is3d, curve, tangent,
                marker) -> SliceArtists:
    """What plot_slice and plot_slice_3d share: check, draw three empty artists in the
    given styles (the tangent dashed, the marker a dot), place them with ``update``."""
    lim, n, hw = _slice_args(f, fixed, value, lim, point, n, half_width)
    empty = ([], [], []) if is3d else ([], [])
    (c,) = ax.plot(*empty, **curve)
    (t,) = ax.plot(*empty, linestyle="--", **tangent)
    (m,) = ax.plot(*empty, "o", **marker)
    sa = SliceArtists(ax, f, fixed, lim, n=n, half_width=hw, is3d=is3d, curve=c, tangent=t,
                      marker=m)
    sa.update(value, point)
    return sa
