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
from dataclasses import dataclass, field, replace

import numpy as np

from ._checks import (
    as_finite_array,
    check_callable,
    nonneg_int,
    norms,
    positive_float,
    raw_norms,
    returned_array,
    returned_float,
    safe_norms,
)

__all__ = [
    "descend",
    "Run",
    "sweep",
    "Sweep",
    "STATUSES",
    "Optimizer",
    "GD",
    "learning_rate_at",
    "check_lr",
    "Stop",
    "RULES",
    "heavy_ball",
    "RunRecord",
]

STATUSES = ("converged", "max_steps", "diverged")


# --------------------------------------------------------------------------- update rules
# The base of every update rule (Chapter 5's Backtracking, Chapter 7's ClipByNorm and
# Chapter 8's optimizers subclass it) and plain gradient descent, which descend uses.


def learning_rate_at(lr: float | Callable[[int], float], k: int) -> float:
    """The learning rate for step ``k``: ``lr`` itself, or ``lr(k)`` for a schedule.

    Examples
    --------
    >>> learning_rate_at(0.1, 5), learning_rate_at(lambda k: 1 / (k + 1), 3)
    (0.1, 0.25)
    """
    if callable(lr):
        return positive_float(lr(k), f"lr({k}) (the schedule's value)")
    return lr


def check_lr(lr) -> float | Callable[[int], float]:
    """``lr`` checked: a positive finite number, or a schedule whose first value is one."""
    if callable(lr):
        learning_rate_at(lr, 0)  # fail early on a schedule that gives nonsense
        return lr
    return positive_float(lr, "lr")




class Optimizer:
    """Base class: subclasses implement :meth:`step` and, if they keep state, :meth:`reset`."""

    name = "optimizer"

    def reset(self, x0: np.ndarray) -> None:  # noqa: B027 - stateless by default
        """Forget all state before a run starting at ``x0``."""

    def step(self, x: np.ndarray, g: np.ndarray, k: int) -> np.ndarray:
        """Return the next point."""
        raise NotImplementedError

    def state_failure(self) -> str | None:
        """What in the optimizer's state is no longer finite, or None (stateless: never).

        :func:`descend` asks after every step it takes with this optimizer and ends the
        run as ``"diverged"`` (rule ``"state_nonfinite"``) at the first step that broke
        the state. It is for state whose overflow no iterate shows: Adam's second moment
        ``v = g * g`` overflows to inf for ``|g| > 1.3e154``, after which its steps are 0
        and ``x`` stops moving (PyTorch computes exactly this too).
        """
        return None

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({params})"


class GD(Optimizer):
    """Plain gradient descent: ``x <- x - lr * g``.

    Reference: Cauchy (1847); PyTorch ``torch.optim.SGD`` with ``momentum=0`` and
    ``weight_decay=0``.

    Examples
    --------
    >>> float(GD(lr=0.1).step(np.array(8.0), np.array(16.0), 0))
    6.4
    """

    name = "gradient descent"

    def __init__(self, lr: float | Callable[[int], float]):
        self.lr = check_lr(lr)

    def step(self, x, g, k):
        return x - learning_rate_at(self.lr, k) * g


def heavy_ball(buf, g, momentum, dampening: float = 0.0, nesterov: bool = False):
    """PyTorch's momentum rule, the one definition (``SGD.step`` and :func:`sweep` use it).

    Returns the new buffer ``b`` and the direction ``d`` the step follows
    (``x <- x - lr * d``)::

        b = g                               at the first step (buf is None)
        b = momentum * b + (1 - dampening) * g      after it
        d = g + momentum * b (nesterov)     or     d = b

    ``momentum`` may be an array (one per run of a sweep), broadcasting with ``g``.

    Examples
    --------
    >>> b, d = heavy_ball(None, np.array(1.0), 0.9); float(b), float(d)
    (1.0, 1.0)
    >>> b, d = heavy_ball(b, np.array(1.0), 0.9, nesterov=True); float(b), float(d)
    (1.9, 2.71)
    """
    if buf is None:
        buf = np.array(g, dtype=float)  # a copy: the caller may reuse its g
    else:
        buf = momentum * buf + (g if dampening == 0 else (1 - dampening) * g)
    return buf, (g + momentum * buf if nesterov else buf)


# --------------------------------------------------------------------------- stop reasons

#: Every stopping rule and the status it gives, in the order the rules are checked.
RULES = {
    "x_nonfinite": "diverged",
    "ran_away": "diverged",
    "grad_nonfinite": "diverged",
    "loss_nonfinite": "diverged",
    "raised": "diverged",
    "state_nonfinite": "diverged",
    "tol": "converged",
    "ftol": "converged",
    "max_steps": "max_steps",
}


@dataclass(frozen=True)
class Stop:
    """Why a run stopped, as data (``Run.stop``); :meth:`words` says it in one sentence.

    Attributes
    ----------
    step : int
        The step at which the run stopped.
    rule : str
        Which rule fired, a key of :data:`RULES`: ``"tol"``, ``"ftol"``, ``"max_steps"``,
        ``"ran_away"``, ``"x_nonfinite"``, ``"grad_nonfinite"``, ``"loss_nonfinite"`` or
        ``"raised"`` (a callable raised an arithmetic error: a blow-up too) or
        ``"state_nonfinite"`` (the step taken from this iterate broke the optimizer's
        state, see :meth:`Optimizer.state_failure`).
    value, bound : float
        What was measured (``|x|``, ``|gradient|``, the loss change) and what it was
        compared with (the runaway limit, ``tol``, ``ftol``); NaN where not applicable.
    lr : float or None
        For plain gradient descent that diverged, the learning rate of the last step.
    detail : str
        For ``"raised"``: which callable raised what; for ``"state_nonfinite"``: what in
        the optimizer's state is no longer finite.
    """

    step: int
    rule: str
    value: float = float("nan")
    bound: float = float("nan")
    lr: float | None = None
    detail: str = ""

    @property
    def status(self) -> str:
        """``"converged"``, ``"max_steps"`` or ``"diverged"``."""
        return RULES[self.rule]

    def words(self, steps: int, tol: float | None = None) -> str:
        """The stop as one sentence (the only place a stop becomes words)."""
        lr = "" if self.lr is None else f" with lr = {self.lr:.3g}"
        v, b, j = self.value, self.bound, self.step
        still = f"; |gradient| is still {v:.3g}" if tol is not None else ""
        return {
            "x_nonfinite": lambda: f"the iterates became non-finite{lr} at step {j}",
            "ran_away": lambda: f"the iterates ran away{lr}: |x| = {v:.3g} exceeded {b:.3g} "
                                f"at step {j}",
            "grad_nonfinite": lambda: f"the gradient became non-finite at step {j}",
            "loss_nonfinite": lambda: f"the loss became non-finite at step {j}",
            "raised": lambda: f"{self.detail} at step {j}",
            "state_nonfinite": lambda: f"the optimizer's state became non-finite at step "
                                       f"{j}: {self.detail}",
            "tol": lambda: f"|gradient| = {v:.3g} fell below tol = {b:.3g} at step {j}",
            "ftol": lambda: f"the loss changed by {v:.3g} < ftol = {b:.3g} at step {j}",
            "max_steps": lambda: f"took all {steps} steps{still}",
        }[self.rule]()


# --------------------------------------------------------------------------- runs


def _fmt(v) -> str:
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return "[" + ", ".join(f"{float(t):.6g}" for t in a.ravel()) + "]"


class RunRecord:
    """What every record of a run shares (:class:`Run`; Chapter 9's ``CurvatureRun``):
    read from its ``xs`` (every iterate), ``grads`` (the gradient at each) and ``status``.
    """

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
        """The gradient's norm at every iterate (overflow- and underflow-safe)."""
        return norms(self.grads.reshape(len(self.grads), -1), axis=1)  # = sqrt(sum g^2)

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


@dataclass(frozen=True, repr=False)
class Run(RunRecord):
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
        One sentence: why it stopped (``stop.words(...)``).
    optimizer : Optimizer
        The update rule used.
    stop : Stop
        Why it stopped, as data: the rule, the step, the measured value and its bound.
    """

    xs: np.ndarray
    grads: np.ndarray
    losses: np.ndarray | None
    status: str
    reason: str
    optimizer: Optimizer = field(default=None)
    stop: Stop | None = field(default=None)

    @property
    def loss(self) -> float | None:
        """The last loss, when ``f`` was given."""
        return None if self.losses is None else float(self.losses[-1])

    def __repr__(self) -> str:
        loss = "" if self.losses is None else f", f={self.loss:.6g}"
        x = _fmt(self.xs[-1])
        return f"Run({self.status} after {self.steps} steps, x={x}{loss}): {self.reason}"


_FIRST_BLOCK, _MAX_BLOCK = 8, 256
_NAN = float("nan")


def _grow(buf: np.ndarray | None, cap: int) -> np.ndarray | None:
    if buf is None:
        return None
    new = np.empty((cap,) + buf.shape[1:])
    new[: len(buf)] = buf
    return new


def _row_norms(X: np.ndarray) -> np.ndarray:
    return safe_norms(X, np.einsum("ij,ij->i", X, X), axis=1)


def _rules(xs, gs, losses, a, b, steps, tol, ftol, limit):
    """Each stopping rule on iterates ``a..b``: ``(rule, fired, value, bound)``, in order."""
    n = b - a + 1
    xn = _row_norms(xs[a : b + 1].reshape(n, -1))  # inside descend's errstate
    gn = _row_norms(gs[a : b + 1].reshape(n, -1))
    idx = np.arange(a, b + 1)
    later = idx > 0  # x0 was checked by descend itself
    out = [
        ("x_nonfinite", later & ~np.isfinite(xn), xn, _NAN),
        ("ran_away", later & (xn > limit), xn, limit),
        ("grad_nonfinite", ~np.isfinite(gn), gn, _NAN),
    ]
    if losses is not None:
        cur = losses[a : b + 1]
        prev = losses[a - 1 : b] if a > 0 else np.concatenate([[np.nan], cur[:-1]])
        out.append(("loss_nonfinite", ~np.isfinite(cur), cur, _NAN))
    if tol is not None:
        out.append(("tol", gn < tol, gn, tol))
    if ftol is not None:
        change = np.abs(cur - prev)
        out.append(("ftol", later & (change < ftol), change, ftol))
    out.append(("max_steps", idx == steps, gn, _NAN))
    return out


def _first_stop(xs, gs, losses, a, b, steps, tol, ftol, limit) -> Stop | None:
    """The first iterate in ``a..b`` at which a run stops, as a :class:`Stop`.

    Per iterate the rules apply in the order of :data:`RULES`. ``None`` if the run goes
    on past ``b``.
    """
    if b < a:
        return None
    rules = _rules(xs, gs, losses, a, b, steps, tol, ftol, limit)
    hit = np.logical_or.reduce([fired for _, fired, _, _ in rules])
    if not hit.any():
        return None
    i = int(np.argmax(hit))
    rule, _, value, bound = next(r for r in rules if r[1][i])
    return Stop(a + i, rule, float(value[i]), float(bound))


def _after_error(exc, who, rec, a, b, steps, tol, ftol, limit) -> Stop:
    """A callable raised at iterate ``b + 1`` (or during step ``b``): what the run says.

    A step-by-step check might have stopped earlier (the iterate past a stopping point may
    be outside grad's domain), or at the iterate itself if it ran away: then that is the
    answer. Otherwise a broken optimizer state or an arithmetic error (overflow, division
    by zero) is a blow-up, so the run diverged; anything else is a real error and
    propagates.
    """
    stop = _first_stop(*rec, a, b, steps, tol, ftol, limit)
    if stop is not None:
        return stop
    k = b + 1 if who != "the optimizer" else b
    xn = float(raw_norms(rec[0][k]))
    if k > 0 and not np.isfinite(xn):
        return Stop(k, "x_nonfinite", xn)
    if k > 0 and xn > limit:
        return Stop(k, "ran_away", xn, limit)
    if isinstance(exc, _StateFailure):
        return Stop(k, "state_nonfinite", detail=str(exc))
    if isinstance(exc, ArithmeticError):
        return Stop(k, "raised", detail=f"{who} raised {type(exc).__name__} ({exc})")
    raise exc


def _loop(grad, f, x, optimizer, steps, tol, ftol, limit):
    """Step and record; check the stopping rules on blocks of iterates (see descend)."""
    shape, scalar = x.shape, x.shape == ()
    cap = min(steps + 1, 1024)
    xs, gs = np.empty((cap,) + shape), np.empty((cap,) + shape)
    losses = np.empty(cap) if f is not None else None
    xs[0] = x
    fast_lr = optimizer.lr if type(optimizer) is GD and not callable(optimizer.lr) else None
    k = checked = 0  # xs[k] is the current iterate; iterates < checked passed every check
    block = _FIRST_BLOCK
    while True:
        try:
            g = grad(x)
            tg = type(g)
            if not ((tg is np.ndarray and g.shape == shape) or (tg is np.float64 and scalar)):
                g = returned_array(g, "grad", shape, expected=f"but x0 has shape {shape}")
            gs[k] = g
        except Exception as exc:  # noqa: BLE001 - sorted out by _after_error
            return xs, gs, losses, _after_error(exc, "grad", (xs, gs, losses), checked, k - 1,
                                                steps, tol, ftol, limit)
        if losses is not None:
            try:
                losses[k] = _loss(f, x)
            except Exception as exc:  # noqa: BLE001
                return xs, gs, losses, _after_error(exc, "f", (xs, gs, losses), checked,
                                                    k - 1, steps, tol, ftol, limit)
        if k == steps or k + 1 - checked >= block:
            stop = _first_stop(xs, gs, losses, checked, k, steps, tol, ftol, limit)
            if stop is not None:
                return xs, gs, losses, stop
            checked, block = k + 1, min(2 * block, _MAX_BLOCK)
        try:
            x = x - fast_lr * g if fast_lr is not None else _next(optimizer, x, g, k, shape)
        except Exception as exc:  # noqa: BLE001
            return xs, gs, losses, _after_error(exc, "the optimizer", (xs, gs, losses),
                                                checked, k, steps, tol, ftol, limit)
        k += 1
        if k == cap:
            cap = min(2 * cap, steps + 1)
            xs, gs, losses = _grow(xs, cap), _grow(gs, cap), _grow(losses, cap)
        xs[k] = x


def _loss(f, x) -> float:
    v = f(x)
    return v if type(v) is float or type(v) is np.float64 else returned_float(v, "f")


class _StateFailure(Exception):
    """The optimizer's state became non-finite in a step (:meth:`Optimizer.state_failure`)."""


def _next(optimizer, x, g, k, shape) -> np.ndarray:
    new = optimizer.step(x, g, k)
    failure = optimizer.state_failure()
    if failure is not None:
        raise _StateFailure(failure)
    if type(new) is np.ndarray and new.shape == shape:
        return new
    return returned_array(new, f"{type(optimizer).__name__}.step", shape,
                          expected=f"but x0 has shape {shape}")


def _choose_optimizer(lr, optimizer) -> Optimizer:
    if optimizer is None:
        if lr is None:
            raise TypeError("descend() needs lr= (the learning rate) or optimizer=")
        return GD(lr)
    if lr is not None:
        raise TypeError("give either lr= or optimizer= (which has its own lr), not both")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a gdlib.Optimizer, got {type(optimizer).__name__}"
        )
    return optimizer


def _finish(xs, gs, losses, stop: Stop, f, optimizer) -> tuple:
    """Cut the record at the stop; a runaway iterate's gradient is not part of it."""
    j = stop.step
    xs, gs = xs[: j + 1].copy(), gs[: j + 1].copy()
    losses = None if losses is None else losses[: j + 1].copy()
    if stop.rule in ("ran_away", "x_nonfinite") or (stop.rule == "raised" and j == len(xs) - 1
                                                     and "optimizer" not in stop.detail):
        gs[j] = np.nan
        if losses is not None:  # its loss is kept, when it can be computed
            losses[j] = _safe_loss(f, xs[j])
    if stop.rule in ("ran_away", "x_nonfinite") and isinstance(optimizer, GD):
        stop = replace(stop, lr=learning_rate_at(optimizer.lr, j - 1))
    return xs, gs, losses, stop


def _safe_loss(f, x) -> float:
    if not np.all(np.isfinite(x)):
        return _NAN
    try:
        return float(_loss(f, x))
    except ArithmeticError:
        return _NAN


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
        Another update rule (see :mod:`gdlib.chapters.ch08_optimizers`, ``gd.optimizers``);
        default :class:`GD` with ``lr``.
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
    calls, in the state it is left in. An error raised by ``grad``, ``f``, a schedule or
    the optimizer past the stopping point is therefore ignored. An arithmetic error
    (``OverflowError``, ``ZeroDivisionError``) ends the run as ``"diverged"``, and so does an
    optimizer whose state became non-finite (:meth:`Optimizer.state_failure`); a callable
    that returns something that is not a real number (None, a string, a complex number,
    the wrong shape) is an error naming it.

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
    tol = None if tol is None else positive_float(tol, "tol")
    ftol = None if ftol is None else positive_float(ftol, "ftol")
    if ftol is not None and f is None:
        raise ValueError("ftol needs f: give the function whose change is measured")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    optimizer = _choose_optimizer(lr, optimizer)
    optimizer.reset(x)
    # The loop is the hot path of every chapter, so it only steps and records; the
    # stopping rules are checked on blocks of iterates at once, vectorised, and the run
    # is cut at the first iterate that triggers one, exactly as a per-step check would.
    # Blocks start small (a short run stops early) and double up to _MAX_BLOCK (a long
    # one pays little); scripts/bench.py measures the overhead against a bare loop.
    with np.errstate(all="ignore"):
        limit = diverge_factor * (1.0 + float(raw_norms(x)))
        xs, gs, losses, stop = _finish(*_loop(grad, f, x, optimizer, steps, tol, ftol, limit),
                                       f, optimizer)
    return Run(xs=xs, grads=gs, losses=losses, status=stop.status,
               reason=stop.words(steps, tol), optimizer=optimizer, stop=stop)


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
        see :func:`gdlib.chapters.ch08_optimizers.momentum_sweep`. Default: plain descent.
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
    tol = None if tol is None else positive_float(tol, "tol")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    x, lrb, mub, axes = _sweep_batch(x0, lr, momentum, nesterov, nonneg_int(point_ndim,
                                                                            "point_ndim"))
    batch = x.shape[: x.ndim - len(axes)]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        limit = diverge_factor * (1.0 + _batch_norm(x, axes))
        state = _SweepState(batch, steps, keep_path, x)
        step = _heavy_ball(mub, nesterov, x) if momentum is not None else None
        for k in range(steps + 1):
            g = returned_array(grad(x), "grad", x.shape, expected=f"expected {x.shape}")
            state.check_gradient(k, _batch_norm(g, axes), tol)
            if k == steps:
                break
            mask = state.alive.reshape(lrb.shape)
            x_new = np.where(mask, x - lrb * (g if step is None else step(g, mask)), x)
            x = state.check_step(k, x, x_new, _batch_norm(x_new, axes), limit, mask.shape)
    # A run that diverged is not "converged", even if its gradient was once small.
    state.converged_at[state.diverged_at >= 0] = -1
    return Sweep(xs=state.path, x=x, converged_at=state.converged_at,
                 diverged_at=state.diverged_at, steps=steps)


def _sweep_batch(x0, lr, momentum, nesterov, point_ndim):
    """Check and broadcast sweep's inputs: starts, rates and momenta over one batch."""
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
    axes = tuple(range(len(batch), len(batch) + point_ndim))
    return x, lrb, mub, axes


def _batch_norm(a, axes):
    return raw_norms(a, axis=axes) if axes else np.abs(a)


def _heavy_ball(mub, nesterov: bool, x):
    """PyTorch's momentum direction (``b <- mu b + g``; Nesterov ``g + mu b``), batched."""
    buf = np.zeros_like(x)  # b = mu * 0 + g at the first step: the same as b = g

    def step(g, mask):
        nonlocal buf
        new, d = heavy_ball(buf, g, mub, nesterov=nesterov)
        buf = np.where(mask, new, buf)  # a run that stopped keeps its buffer
        return d

    return step


class _SweepState:
    """Per run of a sweep: alive or not, when it converged or diverged, and its path."""

    def __init__(self, batch, steps, keep_path, x):
        self.converged_at = np.full(batch, -1, dtype=int)
        self.diverged_at = np.full(batch, -1, dtype=int)
        self.alive = np.ones(batch, dtype=bool)
        self.path = np.empty((steps + 1,) + x.shape) if keep_path else None
        if keep_path:
            self.path[0] = x

    def check_gradient(self, k, gn, tol):
        bad = self.alive & ~np.isfinite(gn)
        self.diverged_at[bad] = k
        self.alive &= ~bad
        if tol is not None:
            newly = self.alive & (self.converged_at < 0) & (gn < tol)
            self.converged_at[newly] = k

    def check_step(self, k, x, x_new, dist, limit, shape):
        run_away = self.alive & (~np.isfinite(dist) | (dist > limit))
        self.diverged_at[run_away] = k + 1
        self.alive &= ~run_away
        x = np.where(run_away.reshape(shape), x, x_new)
        if self.path is not None:
            self.path[k + 1] = np.where(self.alive.reshape(shape), x, np.nan)
        return x
