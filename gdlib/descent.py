"""Gradient descent runs that return values (never print) and say why they stopped.

:func:`descend` runs one descent and returns a :class:`Run`. :func:`sweep` runs many
plain descents at once (many starting points and/or many learning rates) as one numpy
computation and returns a :class:`Sweep`.

A run ends in one of three ways, its ``status``:

``"converged"``
    the gradient's norm fell below ``tol``, or the loss changed by less than ``ftol``;
``"max_steps"``
    it took all ``steps`` steps without meeting a tolerance (or none was given);
``"diverged"``
    an iterate, gradient or loss became non-finite, or the iterates ran away: an iterate
    grew larger than ``diverge_factor * (1 + |x0|)`` in norm. This is a result, not an
    error: the run stops there and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_finite_array, check_callable, nonneg_int, positive_float
from .optimizers import GD, Optimizer, learning_rate_at

__all__ = ["descend", "Run", "sweep", "Sweep", "STATUSES"]

STATUSES = ("converged", "max_steps", "diverged")


def _fmt(v) -> str:
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return "[" + ", ".join(f"{float(t):.6g}" for t in a.ravel()) + "]"


@dataclass(frozen=True, repr=False)
class Run:
    """The record of one descent.

    Attributes
    ----------
    xs : numpy.ndarray
        Every iterate, the start included: shape ``(steps + 1, *x0.shape)``.
    grads : numpy.ndarray
        The gradient at every iterate in ``xs`` (same shape). For a diverged run the
        last row may be non-finite.
    losses : numpy.ndarray or None
        ``f`` at every iterate, when ``f`` was given.
    status : str
        ``"converged"``, ``"max_steps"`` or ``"diverged"``.
    reason : str
        One sentence: why it stopped.
    optimizer : Optimizer
        The update rule used.
    """

    xs: np.ndarray
    grads: np.ndarray
    losses: np.ndarray | None
    status: str
    reason: str
    optimizer: Optimizer = field(default=None)

    @property
    def x(self):
        """The last iterate (a float for a scalar problem)."""
        last = self.xs[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def steps(self) -> int:
        """How many steps were taken."""
        return len(self.xs) - 1

    @property
    def grad_norms(self) -> np.ndarray:
        """The gradient's norm at every iterate."""
        g = self.grads.reshape(len(self.grads), -1)
        return np.sqrt(np.sum(g * g, axis=1))

    @property
    def loss(self) -> float | None:
        """The last loss, when ``f`` was given."""
        return None if self.losses is None else float(self.losses[-1])

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def __repr__(self) -> str:
        loss = "" if self.losses is None else f", f={self.loss:.6g}"
        x = _fmt(self.xs[-1])
        return f"Run({self.status} after {self.steps} steps, x={x}{loss}): {self.reason}"


def _as_grad(g, shape):
    g = np.asarray(g, dtype=float)
    if g.shape != shape:
        raise ValueError(f"grad returned an array of shape {g.shape}, but x0 has shape {shape}")
    return g


_FIRST_BLOCK, _MAX_BLOCK = 8, 256


def _grow(buf: np.ndarray, cap: int) -> np.ndarray:
    new = np.empty((cap,) + buf.shape[1:])
    new[: len(buf)] = buf
    return new


def _first_stop(xs, gs, losses, a, b, steps, tol, ftol, limit):
    """The first iterate in ``a..b`` at which a run stops, as ``(j, status, reason)``.

    Per iterate the rules apply in this order: the iterate ran away (or is non-finite);
    its gradient or loss is non-finite; ``|gradient| < tol``; the loss changed by less
    than ``ftol``; it is the last allowed step. ``None`` if the run goes on past ``b``.
    """
    if b < a:
        return None
    n = b - a + 1
    X = xs[a : b + 1].reshape(n, -1)
    G = gs[a : b + 1].reshape(n, -1)
    xn = np.sqrt(np.einsum("ij,ij->i", X, X))
    gn = np.sqrt(np.einsum("ij,ij->i", G, G))
    idx = np.arange(a, b + 1)
    with np.errstate(invalid="ignore"):
        rules = [(idx > 0) & ~(xn <= limit), ~np.isfinite(gn)]  # "not <=" also catches nan
        if losses is not None:
            L = losses[max(a - 1, 0) : b + 1]
            cur = L[1:] if a > 0 else L
            rules.append(~np.isfinite(cur))
        rules.append(gn < tol if tol is not None else np.zeros(n, bool))
        if ftol is not None:
            prev = L[:-1] if a > 0 else np.concatenate([[np.nan], L[:-1]])
            rules.append((idx > 0) & (np.abs(cur - prev) < ftol))
        rules.append(idx == steps)
    hit = np.logical_or.reduce(rules)
    if not hit.any():
        return None
    i = int(np.argmax(hit))
    j = a + i
    if j > 0 and not (xn[i] <= limit):
        return j, "diverged", f"ran away: |x| = {xn[i]:.3g} exceeded {limit:.3g} at step {j}"
    if not np.isfinite(gn[i]):
        return j, "diverged", f"the gradient became non-finite at step {j}"
    if losses is not None and not np.isfinite(losses[j]):
        return j, "diverged", f"the loss became non-finite at step {j}"
    if tol is not None and gn[i] < tol:
        return j, "converged", f"|gradient| = {gn[i]:.3g} fell below tol = {tol:.3g} at step {j}"
    if ftol is not None and j > 0:
        change = abs(losses[j] - losses[j - 1])
        if change < ftol:
            return j, "converged", (
                f"the loss changed by {change:.3g} < ftol = {ftol:.3g} at step {j}"
            )
    best = f"; |gradient| is still {gn[i]:.3g}" if tol is not None else ""
    return j, "max_steps", f"took all {steps} steps{best}"


def descend(
    grad: Callable,
    x0,
    *,
    lr: float | Callable[[int], float] | None = None,
    steps: int,
    tol: float | None = None,
    ftol: float | None = None,
    f: Callable | None = None,
    optimizer: Optimizer | None = None,
    diverge_factor: float = 1e6,
) -> Run:
    """Run gradient descent ``x <- x - lr * grad(x)`` and record everything.

    Parameters
    ----------
    grad : callable
        The gradient (or derivative) ``grad(x)``, returning the shape of ``x``.
    x0 : float or array_like
        The start. Scalars give a scalar problem; arrays keep their shape.
    lr : float or callable, keyword-only
        Learning rate > 0, or a schedule ``k -> lr``. Omit it when ``optimizer`` is given.
    steps : int, keyword-only
        The most steps to take (0 is allowed: just evaluate the start).
    tol : float, optional
        Stop as ``"converged"`` when the gradient's norm is below ``tol``.
    ftol : float, optional
        Stop as ``"converged"`` when the loss changes by less than ``ftol`` in one step
        (needs ``f``).
    f : callable, optional
        The function being minimised, to record ``losses``.
    optimizer : Optimizer, optional
        Another update rule (see :mod:`gdlib.optimizers`); default :class:`GD` with ``lr``.
    diverge_factor : float
        Stop as ``"diverged"`` once ``|x| > diverge_factor * (1 + |x0|)``.

    Returns
    -------
    Run

    Notes
    -----
    Stopping rules are checked on blocks of iterates at once (for speed), so when a run
    stops early ``grad`` (and ``f``) may already have been called at a few iterates past
    the stopping point. The record is cut exactly where a step-by-step check would stop;
    only a *stateful* gradient (e.g. one drawing random mini-batches) notices the extra
    calls, in the state it is left in.

    Examples
    --------
    >>> run = descend(lambda x: 2 * x, 8.0, lr=0.1, steps=50, f=lambda x: x**2)
    >>> run.status, run.steps, round(run.x, 6)
    ('max_steps', 50, 0.000114)
    >>> descend(lambda x: 2 * x, 8.0, lr=0.1, steps=100, tol=1e-6).reason
    '|gradient| = 8.63e-07 fell below tol = 1e-06 at step 75'
    >>> descend(lambda x: 2 * x, 1.0, lr=1.5, steps=100).status
    'diverged'
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f, "f")
    x = as_finite_array(x0, "x0").copy()
    steps = nonneg_int(steps, "steps")
    if tol is not None:
        tol = positive_float(tol, "tol")
    if ftol is not None:
        ftol = positive_float(ftol, "ftol")
        if f is None:
            raise ValueError("ftol needs f: give the function whose change is measured")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    if optimizer is None:
        if lr is None:
            raise TypeError("descend() needs lr= (the learning rate) or optimizer=")
        optimizer = GD(lr)
    else:
        if lr is not None:
            raise TypeError("give either lr= or optimizer= (which has its own lr), not both")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a gdlib.optimizers.Optimizer, got {type(optimizer).__name__}"
            )
    optimizer.reset(x)

    shape = x.shape
    limit = diverge_factor * (1.0 + float(np.linalg.norm(x)))
    # Records live in preallocated buffers that double when full.
    cap = min(steps + 1, 1024)
    xs = np.empty((cap,) + shape)
    gs = np.empty((cap,) + shape)
    losses = np.empty(cap) if f is not None else None
    has_f, scalar = f is not None, shape == ()
    xs[0] = x

    # The loop is the hot path of every chapter, so it only steps and records; the
    # stopping rules are checked on blocks of iterates at once, vectorised, and the run
    # is cut at the first iterate that triggers one, exactly as a per-step check would.
    # Blocks start small (a short run stops early) and double up to _MAX_BLOCK (a long
    # one pays little); scripts/bench.py measures the overhead against a bare loop.
    fast_lr = optimizer.lr if type(optimizer) is GD and not callable(optimizer.lr) else None
    k = 0          # steps taken; xs[k] is the current iterate
    checked = 0    # iterates 0 .. checked-1 passed every check
    verdict = None
    block = _FIRST_BLOCK
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while True:
            try:
                g = grad(x)
                tg = type(g)
                # the float buffer casts; only the shape needs checking (no broadcasting)
                if not ((tg is np.ndarray and g.shape == shape) or (tg is np.float64 and scalar)):
                    g = _as_grad(g, shape)
                gs[k] = g
                if has_f:
                    losses[k] = f(x)
            except Exception:
                # an iterate past a stopping point may be outside grad's domain: if the
                # unchecked block already stops earlier, that is the answer
                verdict = _first_stop(xs, gs, losses, checked, k - 1, steps, tol, ftol, limit)
                if verdict is None:
                    raise
                break
            if k == steps or k + 1 - checked >= block:
                verdict = _first_stop(xs, gs, losses, checked, k, steps, tol, ftol, limit)
                if verdict is not None:
                    break
                checked = k + 1
                block = min(2 * block, _MAX_BLOCK)
            if fast_lr is not None:
                x = x - fast_lr * g
            else:
                x = np.asarray(optimizer.step(x, g, k), dtype=float)
            k += 1
            if k == cap:
                cap = min(2 * cap, steps + 1)
                xs = _grow(xs, cap)
                gs = _grow(gs, cap)
                if losses is not None:
                    losses = _grow(losses, cap)
            xs[k] = x

    j, status, reason = verdict
    xs = xs[: j + 1].copy()
    gs = gs[: j + 1].copy()
    if losses is not None:
        losses = losses[: j + 1].copy()
    if status == "diverged" and reason.startswith("ran away"):
        # x_j ran away: its gradient is not part of the record; its loss is, if finite
        gs[j] = np.nan
        if losses is not None:
            losses[j] = float(f(xs[j])) if np.all(np.isfinite(xs[j])) else float("nan")
        lr_note = ""
        if isinstance(optimizer, GD):
            lr_note = f" with lr = {learning_rate_at(optimizer.lr, j - 1):.3g}"
        reason = f"the iterates {reason[:8]}{lr_note}{reason[8:]}"

    return Run(
        xs=xs,
        grads=gs,
        losses=losses,
        status=status,
        reason=reason,
        optimizer=optimizer,
    )


@dataclass(frozen=True, repr=False)
class Sweep:
    """Many plain descents run side by side (see :func:`sweep`).

    Attributes
    ----------
    xs : numpy.ndarray or None
        Iterates, shape ``(steps + 1, *batch, *point)`` (when ``keep_path``).
    x : numpy.ndarray
        The last iterate of every run (a diverged run keeps its last finite iterate).
    converged_at : numpy.ndarray
        Per run, the first step at which ``|gradient| < tol``; -1 if never (or no ``tol``).
    diverged_at : numpy.ndarray
        Per run, the step at which it diverged; -1 if it did not.
    """

    xs: np.ndarray | None
    x: np.ndarray
    converged_at: np.ndarray
    diverged_at: np.ndarray
    steps: int

    @property
    def status(self) -> np.ndarray:
        """Per run: ``"converged"``, ``"diverged"`` or ``"max_steps"``."""
        out = np.full(self.converged_at.shape, "max_steps", dtype=object)
        out[self.converged_at >= 0] = "converged"
        out[self.diverged_at >= 0] = "diverged"
        return out

    def __repr__(self) -> str:
        s = self.status
        counts = ", ".join(f"{n} {name}" for name in STATUSES if (n := int(np.sum(s == name))))
        return f"Sweep({s.size} runs of up to {self.steps} steps: {counts})"


def sweep(
    grad: Callable,
    x0,
    *,
    lr,
    steps: int,
    tol: float | None = None,
    point_ndim: int = 0,
    diverge_factor: float = 1e6,
    keep_path: bool = True,
    momentum=None,
    nesterov: bool = False,
) -> Sweep:
    """Run many gradient descents at once, vectorised over starts and learning rates.

    ``x0`` and ``lr`` broadcast together into a batch of runs. ``grad`` is called once per
    step on the whole batch, so it must work on arrays (numpy expressions do).

    Parameters
    ----------
    grad : callable
        Vectorised gradient: for an array of points of shape ``(*batch, *point)``, the
        array of their gradients, same shape.
    x0 : array_like
        Starting points, shape ``(*batch, *point)`` (or broadcastable against ``lr``).
    lr : float or array_like
        Learning rate(s) > 0, shape broadcastable to ``batch``.
    steps : int
        Steps per run.
    tol : float, optional
        Records ``converged_at``: the first step with ``|gradient| < tol`` (runs go on
        to ``steps`` regardless, so paths have equal length).
    point_ndim : int
        How many trailing axes of ``x0`` make one point: 0 for 1-D problems, 1 for
        vectors.
    keep_path : bool
        Keep every iterate (memory ``(steps + 1) * x0.size`` floats).
    momentum : float or array_like, optional
        Heavy-ball momentum in PyTorch's form (``b <- momentum * b + g``, ``b = g`` at the
        first step; ``x <- x - lr * b``), >= 0 and broadcastable to ``batch`` with ``lr``;
        see :func:`gdlib.optimizers.momentum_sweep`. Default: plain descent.
    nesterov : bool
        With ``momentum``: PyTorch's Nesterov form, ``x <- x - lr * (g + momentum * b)``.

    Examples
    --------
    >>> s = sweep(lambda x: 2 * x, 10.0, lr=np.array([0.1, 0.5, 1.1]), steps=200, tol=1e-6)
    >>> s.status.tolist(), s.converged_at.tolist()
    (['converged', 'converged', 'diverged'], [76, 1, -1])
    """
    check_callable(grad, "grad")
    steps = nonneg_int(steps, "steps")
    point_ndim = nonneg_int(point_ndim, "point_ndim")
    if tol is not None:
        tol = positive_float(tol, "tol")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    x0a = as_finite_array(x0, "x0")
    if np.asarray(lr).dtype == bool:  # as descend(): True is not a learning rate
        raise TypeError(f"lr must be a number or an array of numbers, got {lr!r}")
    lra = as_finite_array(lr, "lr")
    if np.any(lra <= 0):
        raise ValueError(f"lr must be > 0 everywhere, got a minimum of {lra.min():g}")
    mua = np.zeros(()) if momentum is None else as_finite_array(momentum, "momentum")
    if np.any(mua < 0):
        raise ValueError(f"momentum must be >= 0 everywhere, got a minimum of {mua.min():g}")
    if nesterov and (momentum is None or np.any(mua == 0)):
        raise ValueError("nesterov=True requires momentum > 0 everywhere")
    if x0a.ndim < point_ndim:
        raise ValueError(f"x0 has {x0a.ndim} axes, fewer than point_ndim = {point_ndim}")
    point_shape = x0a.shape[x0a.ndim - point_ndim :]
    batch = np.broadcast_shapes(x0a.shape[: x0a.ndim - point_ndim], lra.shape, mua.shape)
    tail = (1,) * point_ndim
    x = np.broadcast_to(x0a, batch + point_shape).astype(float)
    lrb = np.broadcast_to(lra, batch).reshape(batch + tail)
    mub = np.broadcast_to(mua, batch).reshape(batch + tail)
    buf = np.zeros_like(x)  # b = mu * 0 + g at the first step: the same as b = g
    axes = tuple(range(len(batch), len(batch) + point_ndim))

    def norm(a):
        return np.sqrt(np.sum(a * a, axis=axes)) if axes else np.abs(a)

    limit = diverge_factor * (1.0 + norm(x))
    converged_at = np.full(batch, -1, dtype=int)
    diverged_at = np.full(batch, -1, dtype=int)
    alive = np.ones(batch, dtype=bool)
    path = np.empty((steps + 1,) + x.shape) if keep_path else None
    if keep_path:
        path[0] = x
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            g = np.asarray(grad(x), dtype=float)
            if g.shape != x.shape:
                raise ValueError(
                    f"grad returned an array of shape {g.shape}, expected {x.shape}"
                )
            gn = norm(g)
            bad = alive & ~np.isfinite(gn)
            diverged_at[bad] = k
            alive &= ~bad
            if tol is not None:
                newly = alive & (converged_at < 0) & (gn < tol)
                converged_at[newly] = k
            if k == steps:
                break
            mask = alive.reshape(batch + tail)
            if momentum is None:
                step = g
            else:
                buf = np.where(mask, mub * buf + g, buf)
                step = g + mub * buf if nesterov else buf
            x_new = np.where(mask, x - lrb * step, x)
            dist = norm(x_new)
            run_away = alive & (~np.isfinite(dist) | (dist > limit))
            diverged_at[run_away] = k + 1
            alive &= ~run_away
            x = np.where(run_away.reshape(mask.shape), x, x_new)
            if keep_path:
                path[k + 1] = np.where(alive.reshape(mask.shape), x, np.nan)
    # A run that diverged is not "converged", even if its gradient was once small.
    converged_at[diverged_at >= 0] = -1
    return Sweep(xs=path, x=x, converged_at=converged_at, diverged_at=diverged_at, steps=steps)
