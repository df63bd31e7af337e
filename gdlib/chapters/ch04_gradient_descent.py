"""Fitting models by descent: data, losses with gradients, batch and stochastic runs (Chapter 4).

Fitting a model means choosing its parameters so that a *loss*, a number that says how
wrong the model is on the data, is as small as possible. Gradient descent does that by
treating the loss as the function to walk down. This module holds the pieces Chapter 4
uses:

* :func:`make_line_data`: seeded noisy points around a line;
* losses of a line ``y = w x + b`` in its parameters ``(w, b)`` with analytic gradients:
  :func:`sse` / :func:`sse_grad` (sum of squared errors), :func:`mse` / :func:`mse_grad`
  (mean squared error), and the one-parameter losses :func:`intercept_sse` (only ``b``,
  slope known) and :func:`price_mse` (``price = w * size``, no intercept);
* :func:`line_loss`, :func:`intercept_loss`, :func:`price_loss`: the same losses bound to
  data, as catalogue-style :class:`gdlib.functions.TestFunction` objects (``f(p)``,
  ``f.grad(p)``, ``f.minima`` from the closed-form least-squares solution);
* :func:`minibatch_grad` and :func:`stochastic_descend`: batch, mini-batch and stochastic
  gradient descent with a seeded generator, returning a :class:`gdlib.descent.Run`;
* :func:`iteration_table` / :func:`format_table`: the first iterations of a run as rows;
* :func:`epoch_grid`: one small panel per step of a 1-D run.

Parameters of a line are arrays whose *last* axis holds ``(w, b)``, so one point is
``[w, b]`` and a whole grid of them (for a contour map) is ``np.stack([W, B], axis=-1)``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._checks import as_finite_array, check_callable, finite_float, nonneg_int, seeded_rng
from ..descent import Run, descend
from ..functions import TestFunction
from ..plotting import PALETTE, figure, plot_curve

__all__ = [
    "make_line_data",
    "sse",
    "sse_grad",
    "mse",
    "mse_grad",
    "intercept_sse",
    "intercept_sse_grad",
    "price_mse",
    "price_mse_grad",
    "line_loss",
    "intercept_loss",
    "price_loss",
    "MinibatchGradient",
    "minibatch_grad",
    "stochastic_descend",
    "iteration_table",
    "format_table",
    "epoch_grid",
]

KINDS = ("mse", "sse")


# --------------------------------------------------------------------------- checks


def _data(x, y, xname: str = "x", yname: str = "y") -> tuple[np.ndarray, np.ndarray]:
    xa = as_finite_array(x, xname)
    ya = as_finite_array(y, yname)
    if xa.ndim != 1:
        raise ValueError(f"{xname} must be a 1-D array of data, got shape {xa.shape}")
    if ya.shape != xa.shape:
        raise ValueError(f"{yname} must have the shape of {xname} {xa.shape}, got {ya.shape}")
    return xa, ya


def _params(params) -> np.ndarray:
    p = np.asarray(params, dtype=float)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(
            f"params must hold (w, b) on its last axis (shape (..., 2)), got shape {p.shape}"
        )
    return p


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind




# --------------------------------------------------------------------------- data


def make_line_data(
    n: int,
    slope: float,
    intercept: float,
    noise: float,
    seed: int | np.random.Generator,
    *,
    xlim: tuple[float, float] = (0.0, 4.0),
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points ``y = slope * x + intercept + noise * N(0, 1)``, ``x`` uniform in ``xlim``.

    The points are sorted by ``x``. The same ``seed`` always gives the same data.

    Parameters
    ----------
    n : int
        How many points (at least 2).
    slope, intercept : float
        The true line.
    noise : float
        Standard deviation of the Gaussian noise added to ``y`` (0 for exact points).
    seed : int or numpy.random.Generator
        Seed of the generator (or a generator, which is advanced).
    xlim : (float, float)
        The interval the ``x`` values are drawn from.

    Returns
    -------
    x, y : numpy.ndarray
        Two arrays of shape ``(n,)``.

    Examples
    --------
    >>> x, y = make_line_data(5, 2.0, 1.0, 0.0, seed=0)
    >>> bool(np.allclose(y, 2 * x + 1)), x.shape
    (True, (5,))
    """
    n = nonneg_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 (a line needs two points), got {n}")
    slope = finite_float(slope, "slope")
    intercept = finite_float(intercept, "intercept")
    noise = finite_float(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0 (a standard deviation), got {noise!r}")
    lo, hi = (finite_float(v, "xlim") for v in xlim)
    if not lo < hi:
        raise ValueError(f"xlim must be an interval (lo, hi) with lo < hi, got {xlim!r}")
    rng = seeded_rng(seed)
    x = np.sort(rng.uniform(lo, hi, n))
    y = slope * x + intercept + noise * rng.standard_normal(n)
    return x, y


# --------------------------------------------------------------------------- losses


def _sse_raw(p: np.ndarray, x: np.ndarray, y: np.ndarray):
    r = y - (p[..., 0:1] * x + p[..., 1:2])
    return np.sum(r * r, axis=-1)


def _sse_grad_raw(p: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = y - (p[..., 0:1] * x + p[..., 1:2])
    return np.stack([-2 * np.sum(r * x, axis=-1), -2 * np.sum(r, axis=-1)], axis=-1)


def sse(params, x, y):
    """Sum of squared errors of the line ``w x + b``: ``sum((y - w x - b)**2)``.

    Vectorised: ``params`` has shape ``(..., 2)`` and the result shape ``(...)``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> float(sse([2.0, 10.0], x, 2 * x + 1))   # every point is off by 9: 5 * 81
    405.0
    """
    x, y = _data(x, y)
    return _sse_raw(_params(params), x, y)


def sse_grad(params, x, y) -> np.ndarray:
    """Gradient of :func:`sse` in ``(w, b)``: ``(-2 sum(r x), -2 sum(r))``, ``r = y - w x - b``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> sse_grad([2.0, 10.0], x, 2 * x + 1).tolist()
    [180.0, 90.0]
    """
    x, y = _data(x, y)
    return _sse_grad_raw(_params(params), x, y)


def mse(params, x, y):
    """Mean squared error of the line ``w x + b``: :func:`sse` divided by ``len(x)``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> float(mse([2.0, 10.0], x, 2 * x + 1))
    81.0
    """
    x, y = _data(x, y)
    return sse(params, x, y) / x.size


def mse_grad(params, x, y) -> np.ndarray:
    """Gradient of :func:`mse` in ``(w, b)``: :func:`sse_grad` divided by ``len(x)``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> mse_grad([2.0, 10.0], x, 2 * x + 1).tolist()
    [36.0, 18.0]
    """
    x, y = _data(x, y)
    return sse_grad(params, x, y) / x.size


def intercept_sse(b, x, y, slope: float):
    """Sum of squared errors when only the intercept ``b`` is unknown (slope given).

    ``L(b) = sum((y - slope x - b)**2)``; vectorised over ``b``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> float(intercept_sse(10.0, x, 2 * x + 1, slope=2.0))
    405.0
    """
    x, y = _data(x, y)
    slope = finite_float(slope, "slope")
    bb = np.asarray(b, dtype=float)[..., None]
    r = y - slope * x - bb
    return np.sum(r * r, axis=-1)


def intercept_sse_grad(b, x, y, slope: float):
    """Derivative of :func:`intercept_sse`: ``dL/db = -2 sum(y - slope x - b)``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> float(intercept_sse_grad(10.0, x, 2 * x + 1, slope=2.0))
    90.0
    """
    x, y = _data(x, y)
    slope = finite_float(slope, "slope")
    bb = np.asarray(b, dtype=float)[..., None]
    return -2 * np.sum(y - slope * x - bb, axis=-1)


def price_mse(w, size, price):
    """Mean squared error of the no-intercept model ``price = w * size``.

    ``L(w) = mean((price - w size)**2)``; vectorised over ``w``.

    Examples
    --------
    >>> float(price_mse(2.0, [50.0, 100.0], [100.0, 200.0]))
    0.0
    """
    size, price = _data(size, price, "size", "price")
    r = price - np.asarray(w, dtype=float)[..., None] * size
    return np.mean(r * r, axis=-1)


def price_mse_grad(w, size, price):
    """Derivative of :func:`price_mse`: ``dL/dw = -2 mean(size (price - w size))``.

    Examples
    --------
    >>> float(price_mse_grad(0.0, [1.0, 2.0], [2.0, 4.0]))   # -2 * (2 + 8) / 2
    -10.0
    """
    size, price = _data(size, price, "size", "price")
    r = price - np.asarray(w, dtype=float)[..., None] * size
    return -2 * np.mean(size * r, axis=-1)


def _as_float(v):
    a = np.asarray(v, dtype=float)
    return float(a) if a.ndim == 0 else a


def line_loss(x, y, *, kind: str = "mse") -> TestFunction:
    """The loss of a line on the data ``(x, y)`` as a function of ``p = (w, b)``.

    Returns a :class:`gdlib.functions.TestFunction` (``dim == 2``): call it on ``p`` (or a
    grid of them), ``.grad(p)`` gives the gradient, ``.minima`` the least-squares line
    from the normal equations, and ``xlim``/``ylim`` a window around it.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> loss = line_loss(x, 2 * x + 1)
    >>> [round(v, 12) for v in loss.minima[0]], float(loss([2.0, 1.0]))
    ([2.0, 1.0], 0.0)
    """
    x, y = _data(x, y)
    kind = _kind(kind)
    if np.ptp(x) == 0:
        raise ValueError("x must hold at least two different values to determine a line")
    div = x.size if kind == "mse" else 1  # divide, as mse does, for identical rounding
    # Normal equations: [[sum x^2, sum x], [sum x, n]] (w, b) = (sum x y, sum y).
    a = np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), x.size]])
    w, b = np.linalg.solve(a, np.array([np.sum(x * y), np.sum(y)]))
    mean = r"\frac{1}{n}" if kind == "mse" else ""
    formula = rf"L(w, b) = {mean}\sum_i (y_i - w x_i - b)^2"
    return TestFunction(
        f"line_{kind}", formula,
        lambda p: _sse_raw(_params(p), x, y) / div,
        lambda p: _sse_grad_raw(_params(p), x, y) / div, 2,
        minima=((float(w), float(b)),),
        xlim=(float(w) - 3, float(w) + 3), ylim=(float(b) - 3, float(b) + 3),
        note=f"{kind.upper()} of a line on {x.size} points",
    )


def intercept_loss(x, y, slope: float) -> TestFunction:
    """:func:`intercept_sse` on the data as a function of ``b`` alone (``dim == 1``).

    ``minima`` holds the best intercept, ``mean(y - slope x)``.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> loss = intercept_loss(x, 2 * x + 1, slope=2.0)
    >>> loss.minima, float(loss.grad(10.0))
    ((1.0,), 90.0)
    """
    x, y = _data(x, y)
    slope = finite_float(slope, "slope")
    best = float(np.mean(y - slope * x))
    return TestFunction(
        "intercept_sse", rf"L(b) = \sum_i (y_i - {slope:g} x_i - b)^2",
        lambda b: _as_float(intercept_sse(b, x, y, slope)),
        lambda b: _as_float(intercept_sse_grad(b, x, y, slope)), 1,
        minima=(best,), xlim=(best - 10, best + 10),
    )


def price_loss(size, price) -> TestFunction:
    """:func:`price_mse` on the data as a function of ``w`` alone (``dim == 1``).

    ``minima`` holds the least-squares slope through the origin,
    ``sum(size price) / sum(size**2)``.

    Examples
    --------
    >>> loss = price_loss([50.0, 100.0, 150.0], [100.0, 200.0, 300.0])
    >>> loss.minima, round(float(loss.grad(0.0)), 2)
    ((2.0,), -46666.67)
    """
    size, price = _data(size, price, "size", "price")
    if not np.any(size):
        raise ValueError("size must not be all zeros: the model price = w * size needs a size")
    best = float(np.sum(size * price) / np.sum(size * size))
    return TestFunction(
        "price_mse", r"L(w) = \frac{1}{n}\sum_i (p_i - w s_i)^2",
        lambda w: _as_float(price_mse(w, size, price)),
        lambda w: _as_float(price_mse_grad(w, size, price)), 1,
        minima=(best,), xlim=(best - 2, best + 2),
    )


# --------------------------------------------------------------------------- stochastic


class MinibatchGradient:
    """A gradient that uses the next mini-batch of the data at every call (stateful).

    Each *epoch* shuffles the indices with the generator and cuts them into consecutive
    batches of ``batch_size`` (the last one smaller when ``batch_size`` does not divide
    ``n``), so every point is used exactly once per epoch. With ``batch_size >= n`` every
    call uses all points in their original order and no random numbers are drawn: the
    exact full-batch gradient.

    For ``kind="mse"`` the batch gradient is the MSE gradient of the batch; for
    ``kind="sse"`` it is scaled by ``n / len(batch)``, an unbiased estimate of the SSE
    gradient.

    Attributes
    ----------
    batches : list of numpy.ndarray
        The indices used by every call so far, in order.
    """

    def __init__(self, x, y, batch_size: int, rng: np.random.Generator, kind: str = "mse"):
        self.x, self.y = _data(x, y)
        self.n = self.x.size
        bs = nonneg_int(batch_size, "batch_size")
        if bs < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        self.batch_size = min(bs, self.n)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
        self.rng = rng
        self.kind = _kind(kind)
        self.batches: list[np.ndarray] = []
        self._queue: list[np.ndarray] = []

    @property
    def epochs(self) -> float:
        """How many passes over the data the calls so far amount to."""
        return sum(len(b) for b in self.batches) / self.n

    def _next(self) -> np.ndarray:
        if self.batch_size == self.n:
            return np.arange(self.n)
        if not self._queue:
            perm = self.rng.permutation(self.n)
            cuts = range(self.batch_size, self.n, self.batch_size)
            self._queue = list(np.array_split(perm, cuts))
        return self._queue.pop(0)

    def __call__(self, params) -> np.ndarray:
        idx = self._next()
        self.batches.append(idx)
        p = np.asarray(params, dtype=float)
        g = _sse_grad_raw(p, self.x[idx], self.y[idx]) / idx.size
        return g * self.n if self.kind == "sse" else g


def minibatch_grad(
    x, y, batch_size: int, rng: np.random.Generator, *, kind: str = "mse"
) -> MinibatchGradient:
    """A stateful mini-batch gradient of the line loss, for :func:`gdlib.descend`.

    ``batch_size = len(x)`` is batch gradient descent, ``1`` is stochastic gradient
    descent, anything between is mini-batch descent. See :class:`MinibatchGradient`.

    Examples
    --------
    >>> x = np.arange(4.0)
    >>> g = minibatch_grad(x, 2 * x + 1, 2, np.random.default_rng(0))
    >>> _ = g([0.0, 0.0]); _ = g([0.0, 0.0])
    >>> sorted(np.concatenate(g.batches).tolist()), g.epochs   # one epoch: each point once
    ([0, 1, 2, 3], 1.0)
    """
    return MinibatchGradient(x, y, batch_size, rng, kind)


def stochastic_descend(
    x,
    y,
    params0,
    *,
    lr: float | Callable[[int], float],
    steps: int,
    batch_size: int,
    seed: int | np.random.Generator,
    kind: str = "mse",
    tol: float | None = None,
    ftol: float | None = None,
) -> Run:
    """Fit a line ``w x + b`` by batch, mini-batch or stochastic gradient descent.

    Built on :func:`gdlib.descend` with a :func:`minibatch_grad` gradient: each step uses
    one mini-batch. The run records the **full-data** loss at every iterate (so
    ``run.losses`` is comparable between batch sizes) and the mini-batch gradients in
    ``run.grads``. ``tol`` therefore tests a noisy gradient, and ``ftol`` the full loss.

    Parameters
    ----------
    x, y : array_like
        The data.
    params0 : array_like
        Start ``(w, b)``.
    lr, steps, tol, ftol
        As for :func:`gdlib.descend`.
    batch_size : int
        Points per step: ``len(x)`` (batch), 1 (stochastic) or in between (mini-batch).
    seed : int or numpy.random.Generator
        Seeds the shuffling; the same seed gives the same run.
    kind : {"mse", "sse"}
        The loss.

    Returns
    -------
    Run

    Examples
    --------
    >>> x, y = make_line_data(20, 2.0, 1.0, 0.0, seed=1)
    >>> run = stochastic_descend(x, y, [0.0, 0.0], lr=0.05, steps=2000, batch_size=5, seed=2)
    >>> run.status, [round(float(v), 3) for v in run.x]
    ('max_steps', [2.0, 1.0])
    """
    x, y = _data(x, y)
    kind = _kind(kind)
    p0 = _params(as_finite_array(params0, "params0"))
    if p0.shape != (2,):
        raise ValueError(f"params0 must be one point (w, b) of shape (2,), got {p0.shape}")
    grad = minibatch_grad(x, y, batch_size, seeded_rng(seed), kind=kind)
    div = x.size if kind == "mse" else 1
    return descend(grad, p0, lr=lr, steps=steps, tol=tol, ftol=ftol,
                   f=lambda p: _sse_raw(p, x, y) / div)


# --------------------------------------------------------------------------- tables


def iteration_table(
    run: Run, grad: Callable | None = None, *, n: int = 5, start: int = 0
) -> list[dict]:
    """The iterations ``start, ..., start + n - 1`` of a run, one dict per step.

    Each row has ``k``, ``x`` (the iterate :math:`x_k`), ``f`` (its loss, when the run
    recorded losses), ``grad`` (the gradient used at :math:`x_k`: from ``grad`` when
    given, else the one the run recorded), ``step`` (:math:`x_{k+1} - x_k`, the move
    actually taken) and ``x_next`` (:math:`x_{k+1}`). Vector-valued entries are arrays.

    Examples
    --------
    >>> run = descend(lambda x: 2 * x - 4, 0.0, lr=0.1, steps=3)
    >>> rows = iteration_table(run, n=2)
    >>> [(r["k"], r["x"], r["grad"], round(r["step"], 10), round(r["x_next"], 10))
    ...  for r in rows]
    [(0, 0.0, -4.0, 0.4, 0.4), (1, 0.4, -3.2, 0.32, 0.72)]
    """
    if not isinstance(run, Run):
        raise TypeError(f"run must be a gdlib Run, got {type(run).__name__}")
    if grad is not None:
        check_callable(grad, "grad")
    n = nonneg_int(n, "n")
    start = nonneg_int(start, "start")
    if start >= run.steps and n > 0:
        raise ValueError(f"start must be below the run's {run.steps} steps, got {start}")
    rows = []
    for k in range(start, min(start + n, run.steps)):
        xk, xn = _as_float(run.xs[k]), _as_float(run.xs[k + 1])
        g = _as_float(grad(run.xs[k]) if grad is not None else run.grads[k])
        row = {"k": k, "x": xk}
        if run.losses is not None:
            row["f"] = float(run.losses[k])
        row.update({"grad": g, "step": _as_float(np.asarray(xn) - np.asarray(xk)),
                    "x_next": xn})
        rows.append(row)
    return rows


def _cell(v, fmt: str) -> str:
    if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return fmt.format(float(a))
    return "(" + ", ".join(fmt.format(float(t)) for t in a.ravel()) + ")"


def format_table(
    rows: Sequence[Mapping], *, fmt: str = "{:.4f}", names: Mapping[str, str] | None = None
) -> str:
    """Rows of dicts (e.g. from :func:`iteration_table`) as an aligned text table.

    ``names`` renames column headers, e.g. ``{"x": "x_k", "x_next": "x_k+1"}``.

    Examples
    --------
    >>> print(format_table([{"k": 0, "x": 0.5}, {"k": 1, "x": 0.25}], fmt="{:.2f}"))
    k     x
    0  0.50
    1  0.25
    """
    if not rows:
        raise ValueError("rows must hold at least one row")
    try:
        fmt.format(1.0)
    except (ValueError, TypeError, IndexError) as exc:
        raise ValueError(f"fmt {fmt!r} cannot format a float: {exc}") from None
    names = dict(names or {})
    keys = list(rows[0])
    table = [[names.get(k, k) for k in keys]]
    table += [[_cell(r[k], fmt) for k in keys] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(keys))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True))
                     for line in table)


# --------------------------------------------------------------------------- plots


def epoch_grid(
    f: Callable,
    run: Run,
    *,
    nrows: int = 4,
    ncols: int = 3,
    xlim: Sequence[float],
    ylim: Sequence[float] | None = None,
    first: int = 1,
    minimum: float | None = None,
    figsize: tuple[float, float] | None = None,
):
    """One small panel per step of a 1-D run: the curve, the trail so far, the new point.

    Panel ``i`` (row-major) shows step ``first + i``: the iterates :math:`x_0, \\dots,
    x_{k-1}` as small dots, the step just taken as an arrow and :math:`x_k` as a large
    dot, titled with ``k`` and :math:`x_k`. ``minimum`` (optional) is marked with a dotted
    vertical line in every panel.

    Returns
    -------
    fig, axes
        Show the figure with :func:`gdlib.show` and an alt text.

    Examples
    --------
    >>> run = descend(lambda x: 2 * x, 3.0, lr=0.1, steps=4)
    >>> fig, axes = epoch_grid(lambda x: x**2, run, nrows=2, ncols=2, xlim=(-4, 4))
    >>> axes.shape, axes[1, 1].get_title()
    ((2, 2), 'step 4: x = 1.229')
    """
    check_callable(f, "f")
    nrows, ncols, first, lo, hi, minimum = _epoch_grid_args(run, nrows, ncols, first, xlim,
                                                            minimum)
    if figsize is None:
        figsize = (2.2 * ncols, 1.8 * nrows)
    fig, axes = figure(nrows, ncols, figsize=figsize, sharex=True, sharey=True, squeeze=False)
    # A fixed layout: constrained layout is slow on many small panels and gains nothing here.
    w, h = fig.get_size_inches()
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=0.5 / w, right=1 - 0.1 / w, bottom=0.4 / h, top=1 - 0.25 / h,
                        wspace=0.12, hspace=0.3 * nrows / max(h, 1.0) + 0.2)
    xs = np.asarray(run.xs, dtype=float)
    fx = np.asarray(f(xs), dtype=float)
    for i, ax in enumerate(axes.flat):
        _step_panel(ax, f, xs, fx, first + i, (lo, hi), ylim, minimum)
    for ax in axes[-1]:
        ax.set_xlabel("x", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("f(x)", fontsize=8)
    return fig, axes


def _epoch_grid_args(run, nrows, ncols, first, xlim, minimum):
    if not isinstance(run, Run):
        raise TypeError(f"run must be a gdlib Run, got {type(run).__name__}")
    if np.ndim(run.xs[0]) != 0:
        raise ValueError("run must be a run of a 1-D problem (scalar iterates)")
    nrows, ncols = nonneg_int(nrows, "nrows"), nonneg_int(ncols, "ncols")
    first = nonneg_int(first, "first")
    if nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be at least 1, got {nrows} x {ncols}")
    if first < 1:
        raise ValueError("first must be at least 1 (panel k shows the step into x_k)")
    last = first + nrows * ncols - 1
    if last > run.steps:
        raise ValueError(
            f"nrows * ncols = {nrows * ncols} panels from step {first} need {last} steps, "
            f"but the run took {run.steps}"
        )
    lo, hi = (finite_float(v, "xlim") for v in xlim)
    if not lo < hi:
        raise ValueError(f"xlim must be an interval (lo, hi) with lo < hi, got {xlim!r}")
    if minimum is not None:
        minimum = finite_float(minimum, "minimum")
    return nrows, ncols, first, lo, hi, minimum


def _step_panel(ax, f, xs, fx, k, xlim, ylim, minimum) -> None:
    """One panel of :func:`epoch_grid`: the curve, the path so far and the step into x_k."""
    lo, hi = xlim
    plot_curve(ax, f, (lo, hi), n=200, linewidth=1.2)
    if minimum is not None:
        ax.axvline(minimum, color=PALETTE["black"], linewidth=0.8, linestyle=":")
    ax.plot(xs[:k], fx[:k], "o", color=PALETTE["orange"], markersize=2.5, alpha=0.7)
    ax.annotate("", xy=(xs[k], fx[k]), xytext=(xs[k - 1], fx[k - 1]),
                arrowprops={"arrowstyle": "->", "color": PALETTE["vermillion"], "lw": 1.2})
    ax.plot([xs[k]], [fx[k]], "o", color=PALETTE["vermillion"], markersize=5)
    ax.set_title(f"step {k}: x = {xs[k]:.3f}", fontsize=9)
    ax.set_xlim(lo, hi)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.tick_params(labelsize=7)
    ax.locator_params(nbins=3)  # few ticks: small panels, and much faster to draw
    ax.grid(False)
