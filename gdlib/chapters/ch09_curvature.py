"""Curvature (Chapter 9): Taylor models, Newton's method, BFGS and L-BFGS.

Everything here is written from the textbook formulas (Nocedal and Wright, *Numerical
Optimization*, 2nd ed., chapters 2, 3, 6 and 7), and ``tests/test_ch09_curvature.py``
checks it against closed forms and against ``scipy.optimize.minimize``.

* :func:`taylor`: the Taylor polynomial of a function of one variable around a point;
* :data:`HESSIANS` and :func:`hessian_of`: analytic, vectorised Hessians of the catalogue
  functions of :mod:`gdlib.functions` (the catalogue itself stores gradients only);
* :func:`newton`: Newton's method, pure or damped by a line search, optionally with the
  *saddle-free* fix of Dauphin et al. (2014), ``|H|`` in place of ``H``;
* :func:`newton_many`: many Newton runs at once (one start per row), for basin maps;
* :func:`bfgs` and :func:`lbfgs`: quasi-Newton methods, with :func:`bfgs_update` (the
  inverse-Hessian update) and :func:`two_loop` (L-BFGS's product ``H g``) on their own;
* line searches for all of them: :func:`armijo` (backtracking), :func:`wolfe` (strong
  Wolfe conditions, Algorithms 3.5 and 3.6 of Nocedal and Wright) and :func:`exact` (the
  exact step on a quadratic); any callable with the same signature can be given instead;
* :func:`memory_floats` and :func:`step_seconds`: what one step of each method stores
  and how long its own arithmetic takes, as the dimension grows.

Every method returns a :class:`CurvatureRun`: the iterates, values, gradients, step sizes,
the number of function, gradient and Hessian evaluations after every step, and why it
stopped (``"converged"``, ``"max_steps"``, ``"diverged"``, or ``"failed"`` when the step
is undefined: a singular Hessian, or a line search that found no acceptable step).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._checks import (
    as_finite_array,
    check_callable,
    nonneg_int,
    norms,
    positive_float,
    positive_int,
)
from ..descent import RunRecord, Stop

__all__ = [
    "CurvatureRun",
    "LineStep",
    "STATUSES",
    "taylor",
    "HESSIANS",
    "hessian_of",
    "armijo",
    "wolfe",
    "exact",
    "newton",
    "newton_many",
    "bfgs_update",
    "two_loop",
    "bfgs",
    "lbfgs",
    "memory_floats",
    "step_seconds",
]

STATUSES = ("converged", "max_steps", "diverged", "failed")


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True, repr=False)
class CurvatureRun(RunRecord):
    """The record of one Newton, BFGS or L-BFGS run.

    Attributes
    ----------
    xs : numpy.ndarray
        Every iterate, the start included: shape ``(steps + 1,)`` for a scalar problem,
        ``(steps + 1, n)`` otherwise.
    fs : numpy.ndarray
        ``f`` at every iterate.
    grads : numpy.ndarray
        The gradient at every iterate (same shape as ``xs``).
    step_sizes : numpy.ndarray
        The step size ``alpha`` of every step (1 for a pure Newton step).
    nfev, ngev, nhev : numpy.ndarray of int
        Function, gradient and Hessian evaluations used up to each iterate (cumulative,
        length ``steps + 1``), line searches included.
    status, reason : str
        How and why the run ended.
    method : str
        ``"newton"``, ``"bfgs"`` or ``"lbfgs"`` (with the line search's name).
    H : numpy.ndarray or None
        BFGS's last inverse-Hessian approximation.
    pairs : tuple
        The ``(s, y)`` pairs of the quasi-Newton updates that were applied.
    fallbacks : int
        Newton steps that were not descent directions and were replaced by ``-g`` (only
        with a line search), or BFGS/L-BFGS updates skipped because ``s.y <= 0``.
    """

    xs: np.ndarray
    fs: np.ndarray
    grads: np.ndarray
    step_sizes: np.ndarray
    nfev: np.ndarray
    ngev: np.ndarray
    nhev: np.ndarray
    status: str
    reason: str
    method: str
    H: np.ndarray | None = None
    pairs: tuple = field(default=())
    fallbacks: int = 0

    @property
    def loss(self) -> float:
        return float(self.fs[-1])

    def cost(self, hessian_as: int | None = None) -> np.ndarray:
        """Gradient evaluations used up to each iterate, a Hessian counted as
        ``hessian_as`` gradients (default: the dimension ``n``, what a Hessian built from
        ``n`` gradient differences or Hessian-vector products costs)."""
        n = 1 if self.xs.ndim == 1 else self.xs.shape[1]
        w = n if hessian_as is None else nonneg_int(hessian_as, "hessian_as")
        return self.ngev + w * self.nhev

    def __repr__(self) -> str:
        last = np.atleast_1d(self.xs[-1])
        x = ", ".join(f"{float(v):.6g}" for v in last)
        x = x if self.xs.ndim == 1 else f"[{x}]"
        return (
            f"CurvatureRun({self.method}: {self.status} after {self.steps} steps, x={x}, "
            f"f={self.loss:.6g}, {int(self.nfev[-1])} f / {int(self.ngev[-1])} grad / "
            f"{int(self.nhev[-1])} Hessian evaluations): {self.reason}"
        )


# --------------------------------------------------------------------------- Taylor


def taylor(derivatives: Sequence[float], x0: float) -> Callable:
    r"""The Taylor polynomial :math:`\sum_k f^{(k)}(x_0) (x - x_0)^k / k!`.

    Parameters
    ----------
    derivatives : sequence of float
        ``f(x0), f'(x0), f''(x0), ...``; its length minus one is the order.
    x0 : float
        The point of expansion.

    Returns
    -------
    callable
        ``p(x)``, vectorised over ``x``.

    Examples
    --------
    >>> p = taylor([1.0, 1.0, 1.0], 0.0)       # exp around 0, order 2
    >>> float(p(0.5))
    1.625
    """
    d = as_finite_array(derivatives, "derivatives")
    if d.ndim != 1:
        raise ValueError(f"derivatives must be a 1-D sequence, got shape {d.shape}")
    a = float(as_finite_array(x0, "x0"))
    coef = np.array([d[k] / math.factorial(k) for k in range(d.size)])

    def poly(x):
        t = np.asarray(x, dtype=float) - a
        out = np.zeros_like(t)
        for c in coef[::-1]:  # Horner
            out = out * t + c
        return out

    return poly


# --------------------------------------------------------------------------- Hessians


def _xy(p):
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def _mat(a, b, d):
    a, b, d = np.broadcast_arrays(a, b, d)
    return np.stack([np.stack([a, b], -1), np.stack([b, d], -1)], -2)


def _const(a, b, d):
    return lambda p: _mat(*(np.full(np.shape(p)[:-1], v, dtype=float) for v in (a, b, d)))


def _rosen_h(p):
    x, y = _xy(p)
    return _mat(2 - 400 * (y - x**2) + 800 * x**2, -400 * x, 200.0 + 0 * x)


def _himmel_h(p):
    x, y = _xy(p)
    a, b = x**2 + y - 11, x + y**2 - 7
    return _mat(4 * a + 8 * x**2 + 2, 4 * x + 4 * y, 4 * b + 8 * y**2 + 2)


def _mixed_h(p):
    x, y = _xy(p)
    return _mat(6.0 + 0 * x, 8.0 + 0 * x, -60 * y**3)


def _bumps_h(p):
    x, y = _xy(p)
    out = 0.0
    # each bump is c exp(q) with q quadratic: Hessian c e^q (grad q grad q^T + hess q)
    for c, cx, sx, cy, sy in [(3, 1, 1, 1, 1), (-2, -1.5, 1, -0.5, 0.5), (1.5, -1, 0.6, 1.5, 1)]:
        e = c * np.exp(-((x - cx) ** 2) / sx - (y - cy) ** 2 / sy)
        qx, qy = -2 * (x - cx) / sx, -2 * (y - cy) / sy
        out = out + e[..., None, None] * _mat(qx * qx - 2 / sx, qx * qy, qy * qy - 2 / sy)
    return out


def _one(v):
    return lambda x: np.full(np.shape(x), v, dtype=float)


def _bsaddle_h(p):
    x, y = _xy(p)  # x^2 - y^2 + y^4 / 2
    return _mat(2.0 + 0 * x, 0 * x, -2 + 6 * y**2)


def _cliff_h(p):
    # 0.1 (x - 1)^2 + 0.25 y^2 + H (1 - S(t)), t = (x + W) / W, S the smootherstep:
    # d2/dx2 = 0.2 - H S''(t) / W^2 with S''(t) = 60 t (1 - t)(1 - 2t) on [0, 1], 0 outside
    from ..functions import CLIFF_HEIGHT, CLIFF_WIDTH

    x, y = _xy(p)
    t = (x + CLIFF_WIDTH) / CLIFF_WIDTH
    s2 = np.where((t > 0) & (t < 1), 60 * t * (1 - t) * (1 - 2 * t), 0.0)
    return _mat(0.2 - CLIFF_HEIGHT * s2 / CLIFF_WIDTH**2, 0 * x, 0.5 + 0 * x)


#: Analytic Hessians of the catalogue's functions (second derivatives for the 1-D ones),
#: vectorised like the functions: a 2-D point ``(..., 2)`` gives ``(..., 2, 2)``.
HESSIANS: dict[str, Callable] = {
    "square": _one(2.0),
    "parabola": _one(2.0),
    "shifted_parabola": _one(2.0),
    "profit": _one(-40.0),
    "double_well": lambda x: 12 * np.asarray(x, dtype=float) ** 2 - 6,
    "bowl": _const(2.0, 0.0, 4.0),
    "elongated_bowl": _const(1.0, 0.0, 25.0),
    "hill": _const(-2.0, 0.0, -4.0),
    "saddle": _const(2.0, 0.0, -2.0),
    "mixed_poly": _mixed_h,
    "cookie": _const(-0.02, 0.0, -1.0),
    "rosenbrock": _rosen_h,
    "himmelblau": _himmel_h,
    "bumps": _bumps_h,
    "bounded_saddle": _bsaddle_h,
    "cliff": _cliff_h,
}


def hessian_of(name: str) -> Callable:
    """The analytic Hessian of the catalogue function ``name`` (``KeyError`` if unknown).

    Examples
    --------
    >>> hessian_of("rosenbrock")(np.array([1.0, 1.0])).tolist()
    [[802.0, -400.0], [-400.0, 200.0]]
    """
    try:
        return HESSIANS[name]
    except KeyError:
        raise KeyError(
            f"no Hessian for {name!r}; choose one of {', '.join(HESSIANS)}"
        ) from None


# --------------------------------------------------------------------------- line searches


@dataclass(frozen=True)
class LineStep:
    """What a line search returns: the accepted step and what it cost.

    ``g`` is the gradient at the new point when the search computed it (else ``None``:
    the method evaluates it). ``nfev`` and ``ngev`` count the search's own evaluations.
    """

    alpha: float
    x: np.ndarray
    f: float
    g: np.ndarray | None
    nfev: int
    ngev: int


def _unit_open(value, name: str) -> float:
    v = positive_float(value, name)
    if v >= 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return v


def _first_alpha(fx: float, f_prev: float | None, slope: float, cap: float = 1.0) -> float:
    """Initial trial step, eq. (3.60) of Nocedal and Wright, capped at 1 (as scipy does):
    ``min(1, 1.01 * 2 (f_k - f_{k-1}) / phi'(0))``; 1 when that is not positive."""
    if f_prev is None or not np.isfinite(f_prev) or slope == 0:
        return cap
    a = 1.01 * 2 * (fx - f_prev) / slope
    return min(cap, a) if a > 0 else cap


def armijo(c: float = 1e-4, beta: float = 0.5, alpha0: float = 1.0,
           max_backtracks: int = 50) -> Callable:
    r"""Backtracking line search: the first of ``alpha0, beta alpha0, beta^2 alpha0, ...``
    with sufficient decrease :math:`f(x + \alpha d) \le f(x) + c\,\alpha\, g^\top d`
    (Nocedal and Wright, Algorithm 3.1). Returns ``None`` (the method reports
    ``"failed"``) after ``max_backtracks`` shrinks.

    Examples
    --------
    >>> ls = armijo()
    >>> step = ls(lambda x: float(x @ x), None, np.array([1.0]), np.array([-4.0]), 1.0,
    ...           np.array([2.0]), None)
    >>> step.alpha, step.nfev
    (0.25, 3)
    """
    c = _unit_open(c, "c")
    beta = _unit_open(beta, "beta")
    alpha0 = positive_float(alpha0, "alpha0")
    max_backtracks = positive_int(max_backtracks, "max_backtracks")

    def search(f, grad, x, d, fx, gx, f_prev):
        slope = float(gx @ d)
        a, nfev = alpha0, 0
        for _ in range(max_backtracks + 1):
            xn = x + a * d
            fn = f(xn)
            nfev += 1
            if fn <= fx + c * a * slope:  # False for nan: keep shrinking
                return LineStep(a, xn, fn, None, nfev, 0)
            a *= beta
        return None

    search.__name__ = "armijo"
    return search


def wolfe(c1: float = 1e-4, c2: float = 0.9, max_evals: int = 40) -> Callable:
    r"""A line search for the strong Wolfe conditions (Nocedal and Wright, Algorithms 3.5
    and 3.6):

    .. math:: f(x + \alpha d) \le f(x) + c_1 \alpha\, g^\top d, \qquad
              |\nabla f(x + \alpha d)^\top d| \le c_2\, |g^\top d|.

    The first trial step is eq. (3.60), ``min(1, 1.01 * 2 (f_k - f_{k-1}) / phi'(0))``,
    the rule scipy's BFGS uses too; the bracket is widened by doubling and shrunk by
    safeguarded quadratic interpolation. Returns ``None`` after ``max_evals`` trial steps.
    The curvature condition guarantees ``s.y > 0``, so BFGS updates stay positive definite.

    Examples
    --------
    >>> ls = wolfe()
    >>> f = lambda x: float(x @ x); g = lambda x: 2 * x
    >>> step = ls(f, g, np.array([1.0]), np.array([-1.0]), 1.0, np.array([2.0]), None)
    >>> step.alpha, step.f
    (1.0, 0.0)
    """
    c1 = _unit_open(c1, "c1")
    c2 = _unit_open(c2, "c2")
    if not c1 < c2:
        raise ValueError(f"c1 must be smaller than c2, got c1={c1!r}, c2={c2!r}")
    max_evals = positive_int(max_evals, "max_evals")

    def search(f, grad, x, d, fx, gx, f_prev):
        d0 = float(gx @ d)
        if not d0 < 0:
            return None
        a = _first_alpha(fx, f_prev, d0)
        with np.errstate(over="ignore", invalid="ignore"):
            return _Wolfe(f, grad, x, d, fx, d0, c1, c2, max_evals).run(a)

    search.__name__ = "wolfe"
    return search


def _interpolate(lo: float, f_lo: float, d_lo: float, hi: float, f_hi: float) -> float:
    """The minimiser of the quadratic through ``f_lo``, the slope ``d_lo`` at ``lo`` and
    ``f_hi``, safeguarded: the midpoint where it falls within 10 % of either end."""
    w = hi - lo
    den = 2 * (f_hi - f_lo - d_lo * w)
    a = lo - d_lo * w * w / den if den > 0 else lo + 0.5 * w
    if not (min(lo, hi) + 0.1 * abs(w) <= a <= max(lo, hi) - 0.1 * abs(w)):
        a = lo + 0.5 * w  # safeguard: bisect
    return a


class _Wolfe:
    """One strong-Wolfe line search along ``d`` from ``x``: the bracketing phase
    (:meth:`run`, Algorithm 3.5) and the zoom (:meth:`zoom`, Algorithm 3.6)."""

    def __init__(self, f, grad, x, d, fx, d0, c1, c2, max_evals):
        self.f, self.grad, self.x, self.d, self.fx, self.d0 = f, grad, x, d, fx, d0
        self.c1, self.c2, self.max_evals = c1, c2, max_evals
        self.nf = self.ng = 0

    def phi(self, a):
        self.nf += 1
        return self.f(self.x + a * self.d)

    def dphi(self, a):
        self.ng += 1
        g = self.grad(self.x + a * self.d)
        return float(g @ self.d), g

    def too_high(self, a, fa) -> bool:
        """The sufficient-decrease (Armijo) condition fails at ``a``."""
        return fa > self.fx + self.c1 * a * self.d0

    def flat(self, da) -> bool:
        """The strong curvature condition holds."""
        return abs(da) <= -self.c2 * self.d0

    def done(self, a, fa, ga):
        return LineStep(a, self.x + a * self.d, fa, ga, self.nf, self.ng)

    def zoom(self, lo, f_lo, d_lo, hi, f_hi):
        while self.nf < self.max_evals:
            a = _interpolate(lo, f_lo, d_lo, hi, f_hi)
            fa = self.phi(a)
            if self.too_high(a, fa) or fa >= f_lo:
                hi, f_hi = a, fa
                continue
            da, ga = self.dphi(a)
            if self.flat(da):
                return self.done(a, fa, ga)
            if da * (hi - lo) >= 0:
                hi, f_hi = lo, f_lo
            lo, f_lo, d_lo = a, fa, da
        return None

    def run(self, a):
        a_prev, f_prev_a, d_prev = 0.0, self.fx, self.d0
        while self.nf < self.max_evals:
            fa = self.phi(a)
            if not np.isfinite(fa) or self.too_high(a, fa) or (a_prev > 0 and fa >= f_prev_a):
                return self.zoom(a_prev, f_prev_a, d_prev, a, fa if np.isfinite(fa) else np.inf)
            da, ga = self.dphi(a)
            if self.flat(da):
                return self.done(a, fa, ga)
            if da >= 0:
                return self.zoom(a, fa, da, a_prev, f_prev_a)
            a_prev, f_prev_a, d_prev = a, fa, da
            a = 2 * a
        return None


def exact() -> Callable:
    r"""The exact line search on a quadratic: along ``d`` the slope
    :math:`\varphi'(\alpha) = \nabla f(x + \alpha d)^\top d` is linear in
    :math:`\alpha`, so one extra gradient at ``x + d`` gives its zero,
    :math:`\alpha = -\varphi'(0) / (\varphi'(1) - \varphi'(0))`. On a function that is
    not quadratic this is a secant step, not exact. ``None`` if the curvature along
    ``d`` is not positive.

    Examples
    --------
    >>> f = lambda x: float(x @ x); g = lambda x: 2 * x
    >>> exact()(f, g, np.array([3.0]), np.array([-1.0]), 9.0, np.array([6.0]), None).alpha
    3.0
    """

    def search(f, grad, x, d, fx, gx, f_prev):
        d0 = float(gx @ d)
        d1 = float(grad(x + d) @ d)
        if not d1 - d0 > 0 or not d0 < 0:
            return None
        a = -d0 / (d1 - d0)
        xn = x + a * d
        return LineStep(a, xn, f(xn), grad(xn), 1, 2)

    search.__name__ = "exact"
    return search


def _line_search(value) -> Callable | None:
    if value is None:
        return None
    if isinstance(value, str):
        makers = {"armijo": armijo, "wolfe": wolfe, "exact": exact}
        if value not in makers:
            raise ValueError(
                f"line_search must be one of {', '.join(map(repr, makers))}, None or a "
                f"callable, got {value!r}"
            )
        return makers[value]()
    check_callable(value, "line_search")
    return value


# --------------------------------------------------------------------------- plumbing


def _vectorise(f, grad, hess, x0):
    """Wrap a scalar or vector problem as functions of a 1-D array; check shapes."""
    check_callable(f, "f")
    check_callable(grad, "grad")
    if hess is not None:
        check_callable(hess, "hess")
    x = as_finite_array(x0, "x0")
    if x.ndim > 1:
        raise ValueError(f"x0 must be a number or a 1-D point, got shape {x.shape}")
    scalar = x.ndim == 0
    n = 1 if scalar else x.size

    def F(v):
        out = f(float(v[0])) if scalar else f(v)
        return float(np.asarray(out, dtype=float).reshape(()))

    def G(v):
        g = np.asarray(grad(float(v[0])) if scalar else grad(v), dtype=float)
        if g.size != n or (not scalar and g.shape != (n,)):
            raise ValueError(f"grad returned shape {g.shape}, but x0 has shape {x.shape}")
        return g.reshape(n)

    def Hf(v):
        h = np.asarray(hess(float(v[0])) if scalar else hess(v), dtype=float)
        if h.size != n * n or (not scalar and h.shape != (n, n)):
            raise ValueError(f"hess returned shape {h.shape}, expected {(n, n)}")
        return h.reshape(n, n)

    return F, G, (Hf if hess is not None else None), x.reshape(n).copy(), scalar


class _Recorder:
    def __init__(self, x, fx, gx, scalar, limit):
        self.xs, self.fs, self.gs = [x.copy()], [fx], [gx.copy()]
        self.alphas: list[float] = []
        self.nfev, self.ngev, self.nhev = [1], [1], [0]
        self.scalar = scalar
        self.limit = limit

    def add(self, x, fx, gx, alpha, df, dg, dh):
        self.xs.append(x.copy())
        self.fs.append(fx)
        self.gs.append(gx.copy())
        self.alphas.append(alpha)
        self.nfev.append(self.nfev[-1] + df)
        self.ngev.append(self.ngev[-1] + dg)
        self.nhev.append(self.nhev[-1] + dh)

    def check(self, k, tol):
        """The verdict ``(status, reason)`` at the newest iterate, or None to go on.

        The stopping rules are descend's (:class:`gdlib.descent.Stop`), in its order, and
        say so in its words; what only these methods have (a singular or non-finite
        Hessian, a failed line search: status ``"failed"``) is said by the methods.
        """
        x, fx, gx = self.xs[-1], self.fs[-1], self.gs[-1]
        xn, gn = float(norms(x)), float(norms(gx))
        for rule, fired, value, bound in (
            ("x_nonfinite", not math.isfinite(xn), xn, math.nan),
            ("ran_away", xn > self.limit, xn, self.limit),
            ("grad_nonfinite", not math.isfinite(gn), gn, math.nan),
            ("loss_nonfinite", not math.isfinite(fx), fx, math.nan),
            ("tol", gn < tol, gn, tol),
        ):
            if fired:
                stop = Stop(k, rule, value, bound)
                return stop.status, stop.words(k, tol)
        return None

    def finish(self, steps, tol):
        """The verdict of a run that took all ``steps`` steps."""
        stop = Stop(steps, "max_steps", float(norms(self.gs[-1])))
        return stop.status, stop.words(steps, tol)

    def run(self, status, reason, method, **extra) -> CurvatureRun:
        xs = np.array(self.xs)
        gs = np.array(self.gs)
        if self.scalar:
            xs, gs = xs[:, 0], gs[:, 0]
        return CurvatureRun(
            xs=xs, fs=np.array(self.fs, dtype=float), grads=gs,
            step_sizes=np.array(self.alphas, dtype=float),
            nfev=np.array(self.nfev), ngev=np.array(self.ngev), nhev=np.array(self.nhev),
            status=status, reason=reason, method=method, **extra,
        )


def _common(steps, tol, diverge_factor, x):
    steps = nonneg_int(steps, "steps")
    tol = positive_float(tol, "tol")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    return steps, tol, diverge_factor * (1.0 + float(norms(x)))


def _take_step(search, F, G, x, d, fx, gx, f_prev):
    """A line step (or the unit step when ``search`` is None) and its gradient."""
    if search is None:
        xn = x + d
        return LineStep(1.0, xn, F(xn), None, 1, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        return search(F, G, x, d, fx, gx, f_prev)


# --------------------------------------------------------------------------- Newton


def newton(
    f: Callable,
    grad: Callable,
    hess: Callable,
    x0,
    *,
    steps: int = 50,
    tol: float = 1e-10,
    line_search: str | Callable | None = None,
    fix: str | None = None,
    diverge_factor: float = 1e6,
) -> CurvatureRun:
    r"""Newton's method: :math:`x_{k+1} = x_k - \alpha_k H(x_k)^{-1} \nabla f(x_k)`.

    Parameters
    ----------
    f, grad, hess : callable
        The function, its gradient and its Hessian (for a scalar ``x0``: ``f``, ``f'``
        and ``f''`` of a float).
    x0 : float or array_like, 1-D
        The start.
    steps : int
        The most steps.
    tol : float
        Converged when ``|gradient| < tol``.
    line_search : None, "armijo", "wolfe" or callable
        ``None``: the pure method, ``alpha = 1``. Otherwise *damped* Newton: the step
        length is chosen along the Newton direction; a direction that is not downhill
        (``g.d >= 0``, possible where ``H`` is not positive definite) is replaced by
        ``-g`` and counted in ``fallbacks``.
    fix : None or "abs"
        ``"abs"``: the saddle-free Newton step of Dauphin et al. (2014), with ``H``
        replaced by ``V |Lambda| V^T`` (its eigenvalues made positive), so the step runs
        *away* from a saddle along negative curvature.
    diverge_factor : float
        ``"diverged"`` once ``|x| > diverge_factor * (1 + |x0|)``.

    Returns
    -------
    CurvatureRun
        ``"failed"`` when the Hessian is singular (no Newton step) or the line search
        finds no acceptable step.

    Examples
    --------
    >>> r = newton(lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3), lambda x: 2.0, 10.0)
    >>> r.status, r.steps, r.x
    ('converged', 1, 3.0)
    """
    F, G, H, x, scalar = _vectorise(f, grad, hess, x0)
    steps, tol, limit = _common(steps, tol, diverge_factor, x)
    search = _line_search(line_search)
    if fix not in (None, "abs"):
        raise ValueError(f"fix must be None or 'abs', got {fix!r}")
    method = "newton" + ("" if search is None else f" + {search.__name__}")
    method += " (saddle-free)" if fix else ""
    fx, gx = F(x), G(x)
    rec = _Recorder(x, fx, gx, scalar, limit)
    fallbacks = 0
    verdict = rec.check(0, tol)
    k = 0
    while verdict is None and k < steps:
        Hx = H(x)
        if not np.all(np.isfinite(Hx)):
            verdict = ("diverged", f"the Hessian became non-finite at step {k}")
            break
        try:
            if fix == "abs":
                lam, V = np.linalg.eigh(0.5 * (Hx + Hx.T))
                if np.min(np.abs(lam)) == 0:
                    raise np.linalg.LinAlgError
                d = -(V @ ((V.T @ gx) / np.abs(lam)))
            else:
                d = -np.linalg.solve(Hx, gx)
        except np.linalg.LinAlgError:
            verdict = ("failed", f"the Hessian is singular at step {k}: no Newton step")
            break
        if search is not None and not float(gx @ d) < 0:
            d, fallbacks = -gx, fallbacks + 1
        step = _take_step(search, F, G, x, d, fx, gx, None)
        if step is None:
            verdict = ("failed", f"the line search found no acceptable step at step {k}")
            break
        g_new = step.g if step.g is not None else G(step.x)
        k += 1
        rec.add(step.x, step.f, g_new, step.alpha, step.nfev, step.ngev + (step.g is None), 1)
        x, fx, gx = step.x, step.f, g_new
        verdict = rec.check(k, tol)
    if verdict is None:
        verdict = rec.finish(steps, tol)
    return rec.run(*verdict, method, fallbacks=fallbacks)


def newton_many(grad: Callable, hess: Callable, x0s, *, steps: int = 30,
                fix: str | None = None) -> np.ndarray:
    """Pure Newton from many starts at once; returns the last iterates, shape of ``x0s``.

    ``x0s`` has shape ``(m, n)``; ``grad`` and ``hess`` must be vectorised (rows of
    points to rows of gradients, ``(m, n, n)`` Hessians), like the catalogue's functions
    and :data:`HESSIANS`. A run whose Hessian turns singular or whose iterate overflows
    ends as ``nan``. ``fix="abs"`` takes saddle-free steps (see :func:`newton`).

    Examples
    --------
    >>> h = hessian_of("saddle"); g = lambda p: p * np.array([2.0, -2.0])
    >>> newton_many(g, h, np.array([[1.0, 1.0], [-2.0, 0.5]]), steps=1).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    check_callable(grad, "grad")
    check_callable(hess, "hess")
    X = as_finite_array(x0s, "x0s")
    if X.ndim != 2:
        raise ValueError(f"x0s must have shape (m, n), got {X.shape}")
    steps = nonneg_int(steps, "steps")
    if fix not in (None, "abs"):
        raise ValueError(f"fix must be None or 'abs', got {fix!r}")
    X = X.copy()
    with np.errstate(all="ignore"):
        for _ in range(steps):
            ok = np.all(np.isfinite(X), axis=1)
            g = np.where(ok[:, None], grad(np.where(ok[:, None], X, 0.0)), np.nan)
            Hs = hess(np.where(ok[:, None], X, 0.0))
            finite = np.all(np.isfinite(Hs), axis=(1, 2))[:, None, None]
            Hs = np.where(finite, Hs, np.eye(X.shape[1]))
            lam, V = np.linalg.eigh(Hs)
            lam = np.abs(lam) if fix == "abs" else lam
            lam = np.where(lam == 0, np.nan, lam)
            X = X - np.einsum("mij,mj->mi", V, np.einsum("mji,mj->mi", V, g) / lam)
            X[np.abs(X) > 1e12] = np.nan
    return X


# --------------------------------------------------------------------------- quasi-Newton


def bfgs_update(H, s, y) -> np.ndarray:
    r"""The BFGS update of an inverse-Hessian approximation (Nocedal and Wright, eq. 6.17):

    .. math:: H_+ = (I - \rho s y^\top) H (I - \rho y s^\top) + \rho s s^\top,
              \qquad \rho = 1 / (y^\top s),

    the symmetric matrix closest to ``H`` (in a weighted norm) that satisfies the secant
    condition ``H_+ y = s``. Needs ``y.s > 0``.

    Examples
    --------
    >>> H = bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 0.0]))
    >>> (H @ np.array([2.0, 0.0])).tolist()        # the secant condition H y = s
    [1.0, 0.0]
    """
    H = as_finite_array(H, "H")
    s = as_finite_array(s, "s")
    y = as_finite_array(y, "y")
    n = s.size
    if s.shape != (n,) or y.shape != (n,) or H.shape != (n, n):
        raise ValueError(f"need H of shape (n, n) and s, y of shape (n,); got {H.shape}, "
                         f"{s.shape}, {y.shape}")
    sy = float(s @ y)
    if not sy > 0:
        raise ValueError(f"the curvature y.s must be > 0 for a BFGS update, got {sy:.3g}")
    rho = 1.0 / sy
    left = np.eye(n) - s[:, None] * y[None, :] * rho      # I - rho s y^T
    right = np.eye(n) - y[:, None] * s[None, :] * rho     # I - rho y s^T
    return left @ (H @ right) + rho * s[:, None] * s[None, :]


def two_loop(g, S, Y, gamma: float | None = None) -> np.ndarray:
    r"""L-BFGS's product :math:`H_k g` from the stored pairs, without forming ``H_k``
    (Nocedal and Wright, Algorithm 7.4).

    ``S`` and ``Y`` hold the pairs ``s_i, y_i``, oldest first (shape ``(m, n)``; ``m``
    may be 0). The initial matrix is ``gamma I``, by default
    :math:`\gamma = s^\top y / y^\top y` of the newest pair (eq. 7.20), 1 without pairs.
    The result equals ``m`` :func:`bfgs_update` steps applied to ``gamma I``.

    Examples
    --------
    >>> s, y = np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]])
    >>> two_loop(np.array([2.0, 0.0]), s, y).tolist()
    [1.0, 0.0]
    """
    q = as_finite_array(g, "g").copy()
    n = q.size
    S = np.asarray(S, dtype=float).reshape(-1, n)
    Y = np.asarray(Y, dtype=float).reshape(-1, n)
    if S.shape != Y.shape:
        raise ValueError(f"S and Y must have the same shape, got {S.shape} and {Y.shape}")
    m = S.shape[0]
    rho = np.array([1.0 / float(S[i] @ Y[i]) for i in range(m)])
    if np.any(~(rho > 0)):
        raise ValueError("every pair needs y.s > 0")
    if gamma is None:
        gamma = float(S[-1] @ Y[-1] / (Y[-1] @ Y[-1])) if m else 1.0
    gamma = positive_float(gamma, "gamma")
    a = np.empty(m)
    for i in range(m - 1, -1, -1):
        a[i] = rho[i] * float(S[i] @ q)
        q -= a[i] * Y[i]
    r = gamma * q
    for i in range(m):
        b = rho[i] * float(Y[i] @ r)
        r += (a[i] - b) * S[i]
    return r


def _quasi_newton(f, grad, x0, *, steps, tol, line_search, diverge_factor, memory, H0,
                  keep_pairs):
    F, G, _, x, scalar = _vectorise(f, grad, None, x0)
    steps, tol, limit = _common(steps, tol, diverge_factor, x)
    search = _line_search(line_search)
    n = x.size
    limited = memory is not None
    if H0 is None:
        H = np.eye(n)
    else:
        H = as_finite_array(H0, "H0")
        if H.shape != (n, n):
            raise ValueError(f"H0 must have shape {(n, n)}, got {H.shape}")
        H = H.copy()
    name = ("lbfgs" if limited else "bfgs") + ("" if search is None else f" + {search.__name__}")
    fx, gx = F(x), G(x)
    rec = _Recorder(x, fx, gx, scalar, limit)
    S: list[np.ndarray] = []
    Y: list[np.ndarray] = []
    pairs = []
    skipped = 0
    f_prev = fx + float(np.linalg.norm(gx)) / 2  # first trial step ~ 1/|g|, as scipy
    verdict = rec.check(0, tol)
    k = 0
    while verdict is None and k < steps:
        d = -two_loop(gx, S, Y) if limited else -(H @ gx)
        step = _take_step(search, F, G, x, d, fx, gx, f_prev)
        if step is None:
            verdict = ("failed", f"the line search found no acceptable step at step {k}")
            break
        g_new = step.g if step.g is not None else G(step.x)
        s, y = step.x - x, g_new - gx
        k += 1
        rec.add(step.x, step.f, g_new, step.alpha, step.nfev, step.ngev + (step.g is None), 0)
        f_prev, x, fx, gx = fx, step.x, step.f, g_new
        verdict = rec.check(k, tol)
        if verdict is not None:
            break
        if float(s @ y) > 0:
            if limited:
                S.append(s)
                Y.append(y)
                if len(S) > memory:
                    S.pop(0)
                    Y.pop(0)
            else:
                H = bfgs_update(H, s, y)
            if keep_pairs:
                pairs.append((s, y))
        else:
            skipped += 1
    if verdict is None:
        verdict = rec.finish(steps, tol)
    return rec.run(*verdict, name, H=None if limited else H, pairs=tuple(pairs),
                   fallbacks=skipped)


def bfgs(f: Callable, grad: Callable, x0, *, steps: int = 200, tol: float = 1e-5,
         line_search: str | Callable | None = "wolfe", H0=None, diverge_factor: float = 1e6,
         keep_pairs: bool = True) -> CurvatureRun:
    r"""BFGS: steps :math:`-\alpha_k H_k \nabla f(x_k)` with :func:`bfgs_update` after each.

    Starts from ``H0`` (default the identity, as scipy's ``method="BFGS"``), takes the
    step length from ``line_search`` (default :func:`wolfe`; ``None`` for the unit
    step) and skips an update whose ``s.y <= 0`` (counted in ``fallbacks``; the Wolfe
    conditions rule it out). The run's ``H`` is the last approximation of the inverse
    Hessian and ``pairs`` the ``(s, y)`` of every update applied.

    Examples
    --------
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> r = bfgs(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, [1.0, -2.0], line_search="exact",
    ...          tol=1e-12)
    >>> r.status, r.steps
    ('converged', 2)
    """
    return _quasi_newton(f, grad, x0, steps=steps, tol=tol, line_search=line_search,
                         diverge_factor=diverge_factor, memory=None, H0=H0,
                         keep_pairs=keep_pairs)


def lbfgs(f: Callable, grad: Callable, x0, *, memory: int = 10, steps: int = 200,
          tol: float = 1e-5, line_search: str | Callable | None = "wolfe",
          diverge_factor: float = 1e6, keep_pairs: bool = False) -> CurvatureRun:
    r"""L-BFGS: BFGS that keeps only the last ``memory`` pairs ``(s, y)`` and applies its
    inverse Hessian with :func:`two_loop` (``2 m n`` numbers stored instead of ``n^2``).

    Examples
    --------
    >>> A = np.diag([1.0, 10.0, 100.0])
    >>> r = lbfgs(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, np.ones(3), memory=3,
    ...           line_search="exact", tol=1e-10)
    >>> r.status, r.steps <= 3
    ('converged', True)
    """
    memory = positive_int(memory, "memory")
    return _quasi_newton(f, grad, x0, steps=steps, tol=tol, line_search=line_search,
                         diverge_factor=diverge_factor, memory=memory, H0=None,
                         keep_pairs=keep_pairs)


# --------------------------------------------------------------------------- cost


_FLOATS = {
    # what one step keeps besides x and g (n numbers each)
    "newton": lambda n, m: n * n + n,      # the Hessian and the step
    "bfgs": lambda n, m: n * n + 3 * n,    # H, the step, s and y
    "lbfgs": lambda n, m: 2 * m * n + n,   # m pairs (s, y) and the step
    "gd": lambda n, m: 0,
    "momentum": lambda n, m: n,            # the velocity
    "adam": lambda n, m: 2 * n,            # two running averages
}


def memory_floats(method: str, n: int, memory: int = 10) -> int:
    """Numbers one step of ``method`` stores for a problem of dimension ``n``, the
    point and its gradient (``2 n``) included; times 8 for bytes in float64.

    Examples
    --------
    >>> memory_floats("newton", 1000), memory_floats("lbfgs", 1000, 10), memory_floats("gd", 1000)
    (1003000, 23000, 2000)
    """
    if method not in _FLOATS:
        raise ValueError(f"method must be one of {', '.join(_FLOATS)}, got {method!r}")
    n = positive_int(n, "n")
    memory = positive_int(memory, "memory")
    return 2 * n + _FLOATS[method](n, memory)


def step_seconds(n: int, *, memory: int = 10, repeats: int = 3, seed: int = 0,
                 methods: Sequence[str] = ("newton", "lbfgs", "gd")) -> dict[str, float]:
    """Wall-clock seconds of one step's own arithmetic in dimension ``n`` (best of
    ``repeats``), given the gradient: Newton's linear solve with a dense ``n x n``
    Hessian (building that Hessian is *not* included), L-BFGS's two-loop recursion with
    ``memory`` pairs, and gradient descent's ``x - lr g``; only those in ``methods``
    (leave Newton out for a large ``n``: its matrix has ``n^2`` entries). Timings vary
    from run to run and machine to machine: plot them, never quote their digits.
    """
    n = positive_int(n, "n")
    memory = positive_int(memory, "memory")
    repeats = positive_int(repeats, "repeats")
    known = ("newton", "lbfgs", "gd")
    methods = tuple(methods)
    if not methods or any(m not in known for m in methods):
        raise ValueError(f"methods must be some of {', '.join(known)}, got {methods!r}")
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(n)
    work = {}
    if "newton" in methods:
        Q = rng.standard_normal((n, n))
        Hm = Q + Q.T + 2.0 * n * np.eye(n)      # diagonally dominant: positive definite
        work["newton"] = lambda: np.linalg.solve(Hm, g)
    if "lbfgs" in methods:
        S = rng.standard_normal((memory, n))
        Y = S + 0.1 * rng.standard_normal((memory, n))
        work["lbfgs"] = lambda: two_loop(g, S, Y)
    if "gd" in methods:
        x = rng.standard_normal(n)
        work["gd"] = lambda: x - 0.1 * g
    out = {}
    for name, fn in work.items():
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        out[name] = best
    return out
