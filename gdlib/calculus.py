"""Numeric derivatives, gradients and gradient checks.

Everything here is a central finite difference,

.. math:: f'(x) \\approx \\frac{f(x + h) - f(x - h)}{2h},

whose error has two parts: the truncation error, about ``h**2 * |f'''| / 6``, and the
round-off error, about ``eps * |f| / h``. Balancing them gives the default step
``h = eps**(1/3) * max(1, |x|)`` (about ``6e-6`` near ``x = 1``).

Functions of one variable are evaluated on whole arrays at once; functions of a vector
take a 1-D array and return a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import (
    as_finite_array,
    check_callable,
    norms,
    positive_float,
    returned_array,
    returned_float,
)

__all__ = [
    "default_step",
    "derivative",
    "partial",
    "gradient",
    "hessian",
    "directional_derivative",
    "check_gradient",
    "GradientCheck",
]

_EPS = np.finfo(float).eps


def default_step(x: np.ndarray | float) -> np.ndarray:
    """Step ``h`` that balances truncation and round-off for a central difference.

    Examples
    --------
    >>> f"{float(default_step(1.0)):.4e}", f"{float(default_step(-1000.0)):.4e}"
    ('6.0555e-06', '6.0555e-03')
    """
    return np.cbrt(_EPS) * np.maximum(1.0, np.abs(np.asarray(x, dtype=float)))


def _step(x: np.ndarray, h: float | None) -> np.ndarray | float:
    if h is None:
        return default_step(x)
    h = positive_float(h, "h")
    xa = np.asarray(x, dtype=float)
    lost = xa + h == xa - h  # the step vanishes in rounding: the difference would be 0
    if np.any(lost):
        at = float(np.abs(xa[lost]).max()) if xa.ndim else float(abs(xa))
        raise ValueError(f"h = {h!r} is too small for x = {at:g}: x + h and x - h round to "
                         f"the same number (use h >= {float(_EPS * max(1.0, at)):.1e}, or the "
                         "default)")
    return h


def _f(f, point) -> float:
    """``f(point)`` as one float; what f returned is checked (names f)."""
    return returned_float(f(point), "f")


def derivative(f: Callable, x, h: float | None = None):
    """Central-difference derivative of a function of one variable.

    Parameters
    ----------
    f : callable
        ``f(x)`` for a float; when ``x`` is an array, ``f`` must accept it elementwise
        (numpy functions do).
    x : float or array_like
        Where to differentiate. Arrays are handled in one vectorised call per side.
    h : float, optional
        The step. Default: :func:`default_step` of each ``x``.

    Returns
    -------
    float or numpy.ndarray
        ``(f(x + h) - f(x - h)) / (2h)``, with the shape of ``x``.

    Examples
    --------
    >>> round(derivative(lambda x: x**3, 2.0), 6)
    12.0
    >>> derivative(np.sin, np.array([0.0, np.pi])).round(6)
    array([ 1., -1.])
    """
    check_callable(f, "f")
    xa = as_finite_array(x, "x")
    hh = _step(xa, h)
    out = (returned_array(f(xa + hh), "f") - returned_array(f(xa - hh), "f")) / (2 * hh)
    return float(out) if np.ndim(out) == 0 else out


def _vector_point(x, name: str = "x") -> np.ndarray:
    xa = as_finite_array(x, name)
    if xa.ndim != 1:
        raise ValueError(f"{name} must be a 1-D point (a vector), got shape {xa.shape}")
    return xa


def partial(f: Callable, x, i: int, h: float | None = None) -> float:
    """Partial derivative of ``f`` with respect to coordinate ``i`` at the point ``x``.

    Examples
    --------
    >>> f = lambda p: p[0] ** 2 * p[1]
    >>> round(partial(f, [3.0, 2.0], 0), 6), round(partial(f, [3.0, 2.0], 1), 6)
    (12.0, 9.0)
    """
    check_callable(f, "f")
    xa = _vector_point(x)
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < xa.size:
        raise ValueError(f"i must be an integer coordinate index in [0, {xa.size}), got {i!r}")
    hh = float(_step(xa[i], h))
    e = np.zeros_like(xa)
    e[i] = hh
    return (_f(f, xa + e) - _f(f, xa - e)) / (2 * hh)


def gradient(f: Callable, x, h: float | None = None) -> np.ndarray:
    """Central-difference gradient of a scalar function of a vector.

    Parameters
    ----------
    f : callable
        ``f(x)`` for a 1-D array ``x``, returning a number.
    x : array_like, 1-D
        The point.
    h : float, optional
        The step for every coordinate. Default: :func:`default_step` per coordinate.

    Returns
    -------
    numpy.ndarray
        The vector of partial derivatives, same shape as ``x``.

    Examples
    --------
    >>> gradient(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 5.0]).round(6)
    array([2., 3.])
    """
    check_callable(f, "f")
    xa = _vector_point(x)
    hs = np.broadcast_to(_step(xa, h), xa.shape)
    # All 2n shifted points in one array: row k is x + h_k e_k, row n + k is x - h_k e_k.
    shifts = np.diag(hs)
    points = np.concatenate([xa + shifts, xa - shifts])
    values = np.array([_f(f, p) for p in points])
    n = xa.size
    return (values[:n] - values[n:]) / (2 * hs)


def hessian(f: Callable, x, h: float | None = None) -> np.ndarray:
    """Matrix of second partial derivatives by central differences.

    Uses the four-point formula for every pair ``(i, j)``, which is symmetric in ``i``
    and ``j`` by construction. So is nesting :func:`partial` in the two orders (it
    evaluates the same four points), so neither can *test* the symmetry of mixed
    partials: differentiate analytic first partials numerically for that.

    Examples
    --------
    >>> hessian(lambda p: p[0] ** 2 + 3 * p[0] * p[1], [1.0, 2.0]).round(4)
    array([[2., 3.],
           [3., 0.]])
    """
    check_callable(f, "f")
    xa = _vector_point(x)
    n = xa.size
    # A larger step than for first derivatives: the error balance is eps**(1/4).
    hs = (
        np.full(n, _step(xa, h))
        if h is not None
        else (_EPS ** 0.25) * np.maximum(1.0, np.abs(xa))
    )
    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei = np.zeros(n)
            ej = np.zeros(n)
            ei[i] = hs[i]
            ej[j] = hs[j]
            val = (
                _f(f, xa + ei + ej)
                - _f(f, xa + ei - ej)
                - _f(f, xa - ei + ej)
                + _f(f, xa - ei - ej)
            ) / (4 * hs[i] * hs[j])
            H[i, j] = H[j, i] = val
    return H


def directional_derivative(f: Callable, x, direction, h: float | None = None) -> float:
    """Slope of ``f`` at ``x`` along ``direction`` (normalised to unit length).

    Computed as the derivative of ``t -> f(x + t u)`` at ``t = 0``, so it needs no
    gradient; for a differentiable ``f`` it equals ``grad f(x) . u``.

    Examples
    --------
    >>> round(directional_derivative(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 1.0], [1.0, 1.0]), 6)
    2.828427
    """
    check_callable(f, "f")
    xa = _vector_point(x)
    d = _vector_point(direction, "direction")
    if d.shape != xa.shape:
        raise ValueError(f"direction must have the shape of x {xa.shape}, got {d.shape}")
    norm = float(norms(d))  # no overflow for a direction of 1e300, no underflow for 1e-300
    if norm == 0:
        raise ValueError("direction must be a non-zero vector")
    u = d / norm
    hh = float(_step(float(norms(xa)), h))
    return (_f(f, xa + hh * u) - _f(f, xa - hh * u)) / (2 * hh)


@dataclass(frozen=True)
class GradientCheck:
    """Outcome of :func:`check_gradient`: the two gradients and how far apart they are."""

    analytic: np.ndarray
    numeric: np.ndarray
    max_rel_error: float
    tol: float

    @property
    def ok(self) -> bool:
        """True when the worst relative error is at most ``tol``."""
        return bool(self.max_rel_error <= self.tol)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        verdict = "agree" if self.ok else "DISAGREE"
        return (
            f"GradientCheck({verdict}: worst relative error {self.max_rel_error:.1e}, "
            f"tolerance {self.tol:.0e})"
        )


def check_gradient(
    f: Callable, grad: Callable, x, *, h: float | None = None, tol: float = 1e-6
) -> GradientCheck:
    """Compare an analytic gradient (or derivative) with central differences.

    The relative error of each component is ``|a - n| / max(1, |a|, |n|)``, so
    components near zero are compared absolutely.

    Parameters
    ----------
    f : callable
        The function, of a float (1-D problems) or of a 1-D array.
    grad : callable
        Its claimed derivative / gradient, same calling convention.
    x : float or array_like
        Where to compare.
    tol : float
        The largest relative error still called agreement.

    Examples
    --------
    >>> check_gradient(lambda x: x**2, lambda x: 2 * x, 3.0).ok
    True
    >>> check_gradient(lambda x: x**2, lambda x: 3 * x, 3.0).ok
    False
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    xa = as_finite_array(x, "x")
    tol = positive_float(tol, "tol")
    if xa.ndim == 0:
        numeric = np.atleast_1d(derivative(f, xa, h))
        analytic = np.atleast_1d(np.asarray(grad(float(xa)), dtype=float))
    else:
        numeric = gradient(f, xa, h)
        analytic = np.asarray(grad(xa), dtype=float)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"grad returned shape {analytic.shape}, but x has shape {numeric.shape}"
        )
    scale = np.maximum(1.0, np.maximum(np.abs(analytic), np.abs(numeric)))
    rel = np.abs(analytic - numeric) / scale
    worst = float(np.max(rel)) if rel.size else 0.0
    if not np.isfinite(worst):
        worst = float("inf")
    return GradientCheck(analytic=analytic, numeric=numeric, max_rel_error=worst, tol=tol)
