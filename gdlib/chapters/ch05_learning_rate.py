"""Learning-rate schedules, backtracking line search and learning-rate sweeps (Chapter 5).

A **schedule** is a callable ``k -> lr`` giving the learning rate of step ``k``
(``k = 0`` for the first step). :func:`gdlib.descend` accepts one wherever it accepts a
number: ``descend(grad, x0, lr=cosine(0.1, total=200), steps=200)``. The factories here
return small :class:`Schedule` objects that also work on arrays of step indices (handy
for plotting) and print their parameters. Their formulas follow PyTorch's documented
schedulers, as ``tests/test_schedules.py`` checks:

=====================================  ===============================================
factory                                PyTorch counterpart
=====================================  ===============================================
:func:`constant`                       a fixed ``lr`` (no scheduler)
:func:`step_decay`                     ``StepLR(step_size=every, gamma=drop)``
:func:`exponential`                    ``ExponentialLR(gamma)``
:func:`cosine`                         ``CosineAnnealingLR(T_max=total, eta_min=lr_min)``
:func:`warmup_cosine`                  ``LinearLR(start_factor=1/warmup, total_iters=warmup - 1)``
                                       then ``CosineAnnealingLR(T_max=total - warmup)``
=====================================  ===============================================

:class:`Backtracking` chooses the step size afresh at every step instead: it tries a
large step and shrinks it until the **Armijo sufficient-decrease condition** holds.
Use it as ``descend(grad, x0, optimizer=Backtracking(f), steps=...)``.

For the quadratic ``f(x) = L x^2 / 2`` the error is multiplied by ``1 - lr L`` at every
step, so the number of steps to converge has a closed form:
:func:`steps_to_converge_closed_form`. :func:`plot_sweep` draws such counts against the
learning rate, with the thresholds ``1/L`` and ``2/L`` marked.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._checks import (
    check_callable,
    fraction,
    nonneg_int,
    norms,
    positive_float,
    positive_int,
    real_float,
    returned_float,
)
from ..descent import Optimizer
from ..plotting import PALETTE

__all__ = [
    "Schedule",
    "constant",
    "step_decay",
    "exponential",
    "cosine",
    "warmup_cosine",
    "Backtracking",
    "steps_to_converge_closed_form",
    "plot_sweep",
]


# --------------------------------------------------------------------------- checks


def _lr_min(value, lr0: float) -> float:
    v = real_float(value, "lr_min")
    if not np.isfinite(v) or v < 0 or v > lr0:
        raise ValueError(f"lr_min must be in [0, lr0] = [0, {lr0:g}], got {value!r}")
    return v


def _steps(k) -> np.ndarray:
    """The step index (or indices) as a float array, refusing negatives and non-numbers."""
    if isinstance(k, (bool, str, bytes)):
        raise TypeError(f"k must be a step index (a whole number >= 0), got {k!r}")
    try:
        a = np.asarray(k, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"k must be a step index (a whole number >= 0), got {k!r}") from None
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"k must be >= 0 (step indices start at 0), got {k!r}")
    return a


# --------------------------------------------------------------------------- schedules

_TINY = float(np.nextafter(0.0, 1.0))  # the smallest positive float (5e-324)


class Schedule:
    """A learning rate as a function of the step index: ``schedule(k)``.

    Subclasses implement ``_rate(k)`` for a float array ``k >= 0``. Calling a schedule
    with an integer gives a float; with an array, an array of the same shape.
    """

    name = "schedule"
    _factory = "Schedule"  # the function that makes it, for the repr

    def _rate(self, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, k):
        a = _steps(k)
        out = np.asarray(self._rate(a), dtype=float)
        return float(out) if out.ndim == 0 else out

    @property
    def label(self) -> str:
        """A short description for legends."""
        return self.name

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v:g}" for k, v in vars(self).items())
        return f"{self._factory}({params})"


class _Constant(Schedule):
    name = "constant"
    _factory = "constant"

    def __init__(self, lr: float):
        self.lr = positive_float(lr, "lr")

    def _rate(self, k):
        return np.full(k.shape, self.lr)

    @property
    def label(self) -> str:
        return f"constant {self.lr:g}"


class _StepDecay(Schedule):
    name = "step decay"
    _factory = "step_decay"

    def __init__(self, lr0: float, drop: float, every: int):
        self.lr0 = positive_float(lr0, "lr0")
        self.drop = fraction(drop, "drop", closed_right=True)
        self.every = positive_int(every, "every")

    def _rate(self, k):
        # never 0 by underflow (after ~1000 drops): the smallest positive float instead
        return np.maximum(self.lr0 * self.drop ** np.floor(k / self.every), _TINY)

    @property
    def label(self) -> str:
        return f"step decay (×{self.drop:g} every {self.every})"


class _Exponential(Schedule):
    name = "exponential"
    _factory = "exponential"

    def __init__(self, lr0: float, gamma: float):
        self.lr0 = positive_float(lr0, "lr0")
        self.gamma = fraction(gamma, "gamma", closed_right=True)

    def _rate(self, k):
        # never 0 by underflow (gamma = 0.5 reaches it at k = 1072): the smallest positive
        # float instead, so a long run with a valid schedule does not fail
        return np.maximum(self.lr0 * self.gamma**k, _TINY)

    @property
    def label(self) -> str:
        return f"exponential (×{self.gamma:g} a step)"


class _Cosine(Schedule):
    name = "cosine"
    _factory = "cosine"

    def __init__(self, lr0: float, total: int, lr_min: float = 0.0):
        self.lr0 = positive_float(lr0, "lr0")
        self.total = positive_int(total, "total")
        self.lr_min = _lr_min(lr_min, self.lr0)

    def _rate(self, k):
        t = np.minimum(k, self.total) / self.total
        return self.lr_min + (self.lr0 - self.lr_min) * (1 + np.cos(np.pi * t)) / 2

    @property
    def label(self) -> str:
        return f"cosine over {self.total}"


class _WarmupCosine(Schedule):
    name = "warm-up + cosine"
    _factory = "warmup_cosine"

    def __init__(self, lr0: float, warmup: int, total: int, lr_min: float = 0.0):
        self.lr0 = positive_float(lr0, "lr0")
        total = positive_int(total, "total")
        self.warmup = nonneg_int(warmup, "warmup")
        if self.warmup >= total:
            raise ValueError(
                f"warmup must be < total = {total} (steps left for the cosine), got {warmup!r}"
            )
        self.total = total
        self.lr_min = _lr_min(lr_min, self.lr0)

    def _rate(self, k):
        w = self.warmup
        rising = self.lr0 * (k + 1) / max(w, 1)
        t = np.clip(k - w, 0, self.total - w) / (self.total - w)
        falling = self.lr_min + (self.lr0 - self.lr_min) * (1 + np.cos(np.pi * t)) / 2
        return np.where(k < w, rising, falling)

    @property
    def label(self) -> str:
        return f"warm-up {self.warmup} + cosine"


def constant(lr: float) -> Schedule:
    """The same learning rate at every step.

    Examples
    --------
    >>> constant(0.1)(0), constant(0.1)(99)
    (0.1, 0.1)
    >>> constant(0.1)
    constant(lr=0.1)
    """
    return _Constant(lr)


def step_decay(lr0: float, drop: float, every: int) -> Schedule:
    """``lr0 * drop ** floor(k / every)``: multiply by ``drop`` every ``every`` steps.

    PyTorch's ``StepLR(optimizer, step_size=every, gamma=drop)``. ``drop`` is in (0, 1].

    Examples
    --------
    >>> s = step_decay(0.1, drop=0.5, every=10)
    >>> s(0), s(9), s(10), s(25)
    (0.1, 0.1, 0.05, 0.025)
    """
    return _StepDecay(lr0, drop, every)


def exponential(lr0: float, gamma: float) -> Schedule:
    """``lr0 * gamma ** k``: multiply by ``gamma`` at every step (PyTorch's ``ExponentialLR``).

    Examples
    --------
    >>> s = exponential(0.1, gamma=0.9)
    >>> round(s(2), 12)
    0.081
    """
    return _Exponential(lr0, gamma)


def cosine(lr0: float, total: int, lr_min: float = 0.0) -> Schedule:
    """Half a cosine from ``lr0`` at ``k = 0`` down to ``lr_min`` at ``k = total``.

    ``lr_min + (lr0 - lr_min) * (1 + cos(pi * k / total)) / 2``, the closed form of
    PyTorch's ``CosineAnnealingLR(T_max=total, eta_min=lr_min)``; from ``k = total`` on it
    stays at ``lr_min`` (PyTorch would rise again). With ``lr_min = 0``, run at most
    ``total`` steps: the learning rate of step ``total`` would be 0, which
    :func:`gdlib.descend` refuses.

    Examples
    --------
    >>> s = cosine(0.1, total=100)
    >>> s(0), round(s(50), 12), s(100)
    (0.1, 0.05, 0.0)
    """
    return _Cosine(lr0, total, lr_min)


def warmup_cosine(lr0: float, warmup: int, total: int, lr_min: float = 0.0) -> Schedule:
    """A linear warm-up to ``lr0`` over ``warmup`` steps, then a cosine down to ``lr_min``.

    Steps ``k < warmup`` use ``lr0 * (k + 1) / warmup`` (PyTorch's ``LinearLR`` with
    ``start_factor = 1 / warmup`` and ``total_iters = warmup - 1``), so the first step is
    small but not zero and step ``warmup - 1`` reaches ``lr0``. From ``k = warmup`` on it
    is :func:`cosine` with ``total - warmup`` steps, started at step ``warmup``.
    ``warmup = 0`` gives the plain cosine.

    Examples
    --------
    >>> s = warmup_cosine(0.1, warmup=4, total=20)
    >>> [round(s(k), 12) for k in (0, 1, 3, 4, 12, 20)]
    [0.025, 0.05, 0.1, 0.1, 0.05, 0.0]
    """
    return _WarmupCosine(lr0, warmup, total, lr_min)


# --------------------------------------------------------------------------- line search


class Backtracking(Optimizer):
    """Gradient descent whose step size is chosen by a backtracking (Armijo) line search.

    At every step it tries ``t = lr0``, then ``beta * t``, ``beta**2 * t``, ... and
    accepts the first ``t`` with **sufficient decrease**

    .. math:: f(x - t g) \\le f(x) - c\\, t\\, \\lVert g \\rVert^2 ,

    the Armijo condition for the direction ``-g`` (Nocedal and Wright, *Numerical
    Optimization*, Algorithm 3.1). Accepted steps therefore never increase ``f``.

    Parameters
    ----------
    f : callable
        The function being minimised (the line search evaluates it; ``descend`` only
        gives optimizers the gradient).
    lr0 : float
        The first step size tried at every step (> 0).
    beta : float
        The shrink factor, in (0, 1).
    c : float
        The sufficient-decrease constant, in (0, 1); small values (1e-4) accept almost
        any decrease.
    max_backtracks : int
        Give up (``RuntimeError``) after this many shrinks in one step: that happens when
        ``-g`` is not a descent direction, usually a wrong gradient.

    Attributes
    ----------
    step_sizes : numpy.ndarray
        The accepted step size of every step so far.
    evaluations : int
        How many times ``f`` was evaluated since the last reset.

    Examples
    --------
    >>> import gdlib as gd
    >>> ls = Backtracking(lambda x: x**2, lr0=1.0, beta=0.5)
    >>> run = gd.descend(lambda x: 2 * x, 10.0, optimizer=ls, steps=3)
    >>> run.xs.tolist(), ls.step_sizes.tolist()
    ([10.0, 0.0, 0.0, 0.0], [0.5, 1.0, 1.0])
    """

    name = "backtracking line search"

    def __init__(
        self,
        f: Callable,
        lr0: float = 1.0,
        beta: float = 0.5,
        c: float = 1e-4,
        max_backtracks: int = 60,
    ):
        check_callable(f, "f")
        self.f = f
        self.lr0 = positive_float(lr0, "lr0")
        self.beta = fraction(beta, "beta", closed_right=False)
        self.c = fraction(c, "c", closed_right=False)
        self.max_backtracks = positive_int(max_backtracks, "max_backtracks")
        self.reset(None)

    def reset(self, x0) -> None:
        self._steps: list[float] = []
        self.evaluations = 0
        self._last: tuple[np.ndarray, float] | None = None

    @property
    def step_sizes(self) -> np.ndarray:
        return np.array(self._steps, dtype=float)

    def _f(self, x) -> float:
        self.evaluations += 1
        return returned_float(self.f(x), "f")

    def step(self, x, g, k):
        x = np.asarray(x, dtype=float)
        g = np.asarray(g, dtype=float)
        if self._last is not None and np.array_equal(self._last[0], x):
            fx = self._last[1]  # f at the point the previous step accepted: no re-evaluation
        else:
            fx = self._f(x)
        t = self.lr0
        with np.errstate(over="ignore", invalid="ignore"):
            slope = float(np.sum(g * g))
            # |g|^2 overflows past |g| = 1.3e154: then the decrease c t |g|^2 is (t |g|) |g|
            gn = float(norms(g)) if not np.isfinite(slope) else None
            for _ in range(self.max_backtracks + 1):
                x_new = x - t * g
                if slope > 0 and np.array_equal(x_new, x):
                    raise RuntimeError(
                        f"step {k}: the step is lost to rounding (x - t g == x for t = "
                        f"{t:.3g}, |g| = {float(norms(g)):.3g}): x cannot move; stop earlier "
                        "with descend(..., tol=...)"
                    )
                f_new = self._f(x_new)
                decrease = self.c * t * slope if gn is None else self.c * (t * gn) * gn
                if f_new <= fx - decrease:  # False for nan: keep shrinking
                    self._steps.append(t)
                    self._last = (x_new, f_new)
                    return x_new
                t *= self.beta
        raise RuntimeError(
            f"step {k}: no step size down to {t / self.beta:.3g} gave sufficient decrease "
            f"(max_backtracks = {self.max_backtracks}); is grad really the gradient of f?"
        )

    def __repr__(self) -> str:
        return (
            f"Backtracking(lr0={self.lr0:g}, beta={self.beta:g}, c={self.c:g}, "
            f"max_backtracks={self.max_backtracks})"
        )


# --------------------------------------------------------------------------- quadratics


def steps_to_converge_closed_form(lr, L, x0, tol: float) -> np.ndarray | int:
    """Steps plain gradient descent needs on ``f(x) = L x^2 / 2``, from the formula.

    The gradient is ``L x`` and every step multiplies it by ``r = 1 - lr L``, so
    ``|g_k| = |L x0| |r|^k``. The count is the first ``k`` with ``|g_k| < tol`` (the test
    :func:`gdlib.descend` and :func:`gdlib.sweep` use):

    * ``0`` if ``|L x0| < tol`` already;
    * ``1`` if ``r = 0`` (``lr = 1/L``: one step lands on the minimum);
    * ``floor(log(tol / |L x0|) / log|r|) + 1`` if ``0 < |r| < 1``, which is
      ``ceil(log(tol / |L x0|) / log|r|)`` unless that ratio is a whole number;
    * ``-1`` (never) if ``|r| >= 1``, i.e. ``lr >= 2/L``.

    ``lr``, ``L`` and ``x0`` broadcast together.

    Examples
    --------
    >>> steps_to_converge_closed_form([0.1, 0.5, 0.9, 1.0], L=2.0, x0=10.0, tol=1e-6).tolist()
    [76, 1, 76, -1]
    """
    tol = positive_float(tol, "tol")
    lr_a = np.asarray(lr, dtype=float)
    L_a = np.asarray(L, dtype=float)
    x0_a = np.asarray(x0, dtype=float)
    for name, a in (("lr", lr_a), ("L", L_a)):
        if not np.all(np.isfinite(a)) or np.any(a <= 0):
            raise ValueError(f"{name} must be > 0 and finite everywhere, got {a.tolist()!r}")
    if not np.all(np.isfinite(x0_a)):
        raise ValueError(f"x0 must be finite, got {x0_a.tolist()!r}")
    lr_a, L_a, x0_a = np.broadcast_arrays(lr_a, L_a, x0_a)
    g0 = np.abs(L_a * x0_a)
    r = np.abs(1 - lr_a * L_a)
    out = np.full(lr_a.shape, -1, dtype=int)
    out[r == 0] = 1
    mid = (r > 0) & (r < 1) & (g0 >= tol)  # a start already below tol needs no step
    with np.errstate(divide="ignore"):
        ratio = np.log(tol / g0[mid]) / np.log(r[mid])
    out[mid] = np.floor(ratio).astype(int) + 1
    out[g0 < tol] = 0
    return int(out) if out.ndim == 0 else out


def plot_sweep(
    ax,
    lrs,
    steps,
    *,
    L: float | None = None,
    label: str = "gd.sweep",
    color: str = PALETTE["blue"],
    closed_form=None,
):
    """Steps-to-converge against the learning rate, on a log axis, with ``1/L`` and ``2/L``.

    Parameters
    ----------
    ax : matplotlib Axes
    lrs, steps : array_like
        Learning rates and, for each, the steps it took to converge (``-1`` or any
        negative value: never; those are left out, and ``0`` cannot be shown on a log axis).
    L : float, optional
        The curvature: marks ``1/L`` (one-step convergence) and ``2/L`` (the divergence
        threshold) and shades ``lr > 2/L``.
    label, color : str
        For the measured counts.
    closed_form : array_like, optional
        Counts from a formula, same length as ``lrs``, overlaid as a dashed line.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from gdlib.plotting import figure
    >>> fig, ax = figure()
    >>> lrs = np.linspace(0.05, 1.2, 50)
    >>> counts = steps_to_converge_closed_form(lrs, 2.0, 10.0, 1e-6)
    >>> plot_sweep(ax, lrs, counts, L=2.0).get_yscale()
    'log'
    """
    lrs = np.asarray(lrs, dtype=float)
    steps = np.asarray(steps, dtype=float)
    if lrs.shape != steps.shape or lrs.ndim != 1:
        raise ValueError(
            f"lrs and steps must be 1-D and of equal length, got shapes {lrs.shape} "
            f"and {steps.shape}"
        )
    shown = steps > 0
    ax.plot(lrs[shown], steps[shown], ".", color=color, markersize=3, label=label)
    if closed_form is not None:
        cf = np.asarray(closed_form, dtype=float)
        if cf.shape != lrs.shape:
            raise ValueError(f"closed_form must have the shape of lrs {lrs.shape}, got {cf.shape}")
        ax.plot(lrs, np.where(cf > 0, cf, np.nan), "--", color=PALETTE["black"], linewidth=1.2,
                label="closed form")
    ax.set_yscale("log")
    if L is not None:
        L = positive_float(L, "L")
        for x, text in ((1 / L, "1/L"), (2 / L, "2/L")):
            ax.axvline(x, color=PALETTE["vermillion"], linestyle=":", linewidth=1.2)
            ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), xytext=(3, -12),
                        textcoords="offset points", color=PALETTE["vermillion"])
        hi = max(float(lrs.max()), 2 / L)
        if hi > 2 / L:
            ax.axvspan(2 / L, hi, color=PALETTE["vermillion"], alpha=0.08, linewidth=0)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("steps to converge")
    return ax
