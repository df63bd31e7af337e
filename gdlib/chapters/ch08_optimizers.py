"""Update rules for :func:`gdlib.descend`.

An optimizer turns the current point and its gradient into the next point. Plain
gradient descent, ``x <- x - lr * grad(x)``, is :class:`GD` and is what ``descend`` uses
when given ``lr=``. Every optimizer has the same two methods:

``reset(x0)``
    forget any state (velocities, running averages) before a new run;
``step(x, g, k)``
    return the next point from the point ``x``, its gradient ``g`` and the step index
    ``k`` (0 for the first step).

A learning rate may be a number or a *schedule*: a callable ``k -> lr``
(see :mod:`gdlib.chapters.ch05_learning_rate`, ``gd.schedules``, or any function of the
step index).

The optimizers of Chapter 8 follow the algorithm boxes of PyTorch's ``torch.optim``
documentation *exactly*: the same defaults, the same place for ``eps``, the same first
step, the same bias correction, so the numbers here are the numbers a learner sees in
PyTorch (``tests/test_optimizers.py`` checks each rule step by step against the written-out
formulas):

- :class:`SGD` (``torch.optim.SGD``): momentum, dampening, Nesterov, L2 decay;
- :class:`Momentum` (``SGD(momentum=0.9)``): heavy ball, ``v <- mu v + g; x <- x - lr v``;
- :class:`Nesterov` (``SGD(nesterov=True)``): ``x <- x - lr (g + mu v)``;
- :class:`AdaGrad` (``torch.optim.Adagrad``): ``x <- x - lr g / (sqrt(sum g^2) + eps)``;
- :class:`RMSprop` (``torch.optim.RMSprop``): ``x <- x - lr g / (sqrt(avg g^2) + eps)``;
- :class:`Adam` (``torch.optim.Adam``): bias-corrected averages of ``g`` and ``g^2``;
- :class:`AdamW` (``torch.optim.AdamW``): Adam with decoupled ``x <- x - lr lam x``.

Two deliberate differences from PyTorch, both in what is *refused*: a learning rate must be
``> 0`` (PyTorch accepts 0), and smoothing constants such as RMSprop's ``alpha`` must lie
in ``[0, 1)`` (PyTorch only checks ``alpha >= 0``). Every error names the argument.

For Chapter 8's theory there are also :func:`heavy_ball_tuning` (Polyak's optimal
momentum for a quadratic), :func:`heavy_ball_rate` (the exact linear rate of momentum on
a quadratic) and :func:`momentum_sweep` (many momentum runs at once, vectorised).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._checks import as_finite_array, flag, nonneg_float, positive_float, unit_float
from ..descent import (  # noqa: F401
    GD,
    Optimizer,
    Sweep,
    check_lr,
    heavy_ball,
    learning_rate_at,
    sweep,
)

# GD, Optimizer and learning_rate_at live in the core (gdlib.descent, which every chapter
# uses); they stay importable from here, as before.
__all__ = [
    "SGD",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSprop",
    "Adam",
    "AdamW",
    "HeavyBallTuning",
    "heavy_ball_tuning",
    "heavy_ball_rate",
    "momentum_sweep",
]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, with 0 where ``den`` is 0 (only with ``eps = 0`` and no gradient yet:
    no gradient, no move; 0/0 would be NaN)."""
    return np.divide(num, den, out=np.zeros(np.broadcast_shapes(np.shape(num), np.shape(den))),
                     where=den != 0)


class _Stateful(Optimizer):
    """Shared bookkeeping: state arrays shaped like ``x`` and a step counter ``t``.

    ``t`` counts the steps taken since :meth:`reset` (1 during the first step), as
    PyTorch's per-parameter ``state["step"]`` does; bias corrections and AdaGrad's
    ``lr_decay`` use it. The learning rate of a schedule is taken at the index ``k`` that
    ``descend`` passes. A step never changes ``x`` in place.
    """

    _slots: tuple[str, ...] = ()
    #: The slot that accumulates ``g * g`` (a denominator), and what the docs call it.
    #: Its overflow is invisible in the iterates (the steps become 0: PyTorch's
    #: arithmetic, kept), so :meth:`state_failure` reports it and descend stops. Once
    #: inf or nan it stays so (it only grows; 0 * inf is nan), and AMSGrad's running
    #: maximum is inf or nan exactly when ``v`` is: one slot is enough.
    _square: tuple[str, str] | None = None

    def state_failure(self):
        v = None if self._square is None else getattr(self, self._square[0], None)
        if v is None or not v.size or v.max() < math.inf:  # per step: one reduction
            return None
        bad = "nan" if np.isnan(v).any() else "inf"
        return (f"{self.name}'s {self._square[1]} overflowed to {bad}: the squared gradient "
                "is beyond the largest float, so the optimizer can no longer step")

    def reset(self, x0):
        shape = np.shape(x0)
        for s in self._slots:
            setattr(self, s, np.zeros(shape))
        self._t = 0

    #: Weight decay as AdamW's: shrink ``x`` itself, not an L2 term added to ``g``.
    _decoupled = False

    def _begin(self, x, g, k):
        """What every step starts with: ``x`` and ``g`` as floats, the step counter, the
        learning rate of step ``k`` and PyTorch's L2 weight decay ``g + lambda x``."""
        x = np.asarray(x, dtype=float)
        g = np.asarray(g, dtype=float)
        if getattr(self, "_t", None) is None or any(
            np.shape(getattr(self, s)) != x.shape for s in self._slots
        ):
            self.reset(x)  # first use without reset(): start from fresh state
        self._t += 1
        lr = learning_rate_at(self.lr, k)
        if self.weight_decay != 0 and not self._decoupled:
            g = g + self.weight_decay * x
        return x, g, lr


class SGD(_Stateful):
    r"""Stochastic gradient descent with optional momentum: ``torch.optim.SGD``, exactly.

    The rule of the PyTorch documentation's algorithm box, with ``mu = momentum``,
    ``tau = dampening``, ``lambda = weight_decay``, ``gamma = lr`` and a buffer ``b``:

    .. math::

        g &\leftarrow g + \lambda x \quad (\text{if } \lambda \ne 0) \\
        b &\leftarrow g \ \text{at the first step, else}\ \mu b + (1 - \tau) g
            \quad (\text{if } \mu \ne 0) \\
        d &\leftarrow g + \mu b \ \text{(Nesterov)}, \ \text{else}\ d \leftarrow b \\
        x &\leftarrow x - \gamma d

    Note the first step: ``b = g``, *not* ``(1 - tau) g``, so dampening only acts from the
    second step on. With ``dampening = 0`` this is Polyak's heavy ball
    ``x_{k+1} = x_k - lr g_k + mu (x_k - x_{k-1})`` with the same ``lr``. Other texts write
    ``v <- mu v + lr g; x <- x - v`` (Sutskever et al. 2013: the same path while ``lr`` is
    constant) or ``v <- beta v + (1 - beta) g`` (an average: the same path as PyTorch's
    with ``lr`` multiplied by ``1 - beta``; *not* the same as ``dampening=beta``, whose
    first step is ``b = g``).

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 (PyTorch's default 1e-3), or a schedule ``k -> lr``.
    momentum : float
        ``mu >= 0`` (default 0: plain gradient descent).
    dampening : float
        ``tau`` in ``[0, 1]`` (default 0).
    weight_decay : float
        L2 penalty ``lambda >= 0`` added to the gradient (default 0).
    nesterov : bool
        Nesterov momentum in PyTorch's form (needs ``momentum > 0`` and ``dampening = 0``,
        as in PyTorch).

    Examples
    --------
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> x = np.array(1.0); opt.reset(x)
    >>> x = opt.step(x, np.array(1.0), 0); float(x)      # b = 1
    0.9
    >>> x = opt.step(x, np.array(1.0), 1); float(x)      # b = 0.9 * 1 + 1 = 1.9
    0.71
    """

    name = "SGD"
    _slots = ("_buf",)

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        self.lr = check_lr(lr)
        self.momentum = nonneg_float(momentum, "momentum")
        self.dampening = unit_float(dampening, "dampening", closed=True)
        self.weight_decay = nonneg_float(weight_decay, "weight_decay")
        self.nesterov = flag(nesterov, "nesterov")
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "nesterov=True requires momentum > 0 and dampening = 0 "
                f"(got momentum={momentum!r}, dampening={dampening!r})"
            )
        self._t = None

    def step(self, x, g, k):
        x, g, lr = self._begin(x, g, k)
        d = g
        if self.momentum != 0:
            self._buf, d = heavy_ball(None if self._t == 1 else self._buf, g, self.momentum,
                                      self.dampening, self.nesterov)
        return x - lr * d


class Momentum(SGD):
    r"""Heavy-ball momentum, PyTorch's form: :class:`SGD` with ``momentum=0.9`` by default.

    .. math::

        v \leftarrow \mu v + g \ (v = g \text{ at the first step}), \qquad
        x \leftarrow x - \gamma v

    Reference: PyTorch ``torch.optim.SGD`` documentation, algorithm box (``dampening`` and
    ``weight_decay`` as there). Polyak (1964) writes the same method as
    ``x_{k+1} = x_k - lr g_k + mu (x_k - x_{k-1})``; both give the same iterates.

    Examples
    --------
    >>> opt = Momentum(lr=0.1)
    >>> x = np.array([1.0, -2.0]); opt.reset(x)
    >>> opt.step(x, 2 * x, 0).tolist()
    [0.8, -1.6]
    """

    name = "momentum"

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-3,
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        super().__init__(lr, momentum, dampening, weight_decay, nesterov)


class Nesterov(SGD):
    r"""Nesterov momentum in PyTorch's form: :class:`SGD` with ``nesterov=True``.

    .. math::

        b \leftarrow \mu b + g \ (b = g \text{ at the first step}), \qquad
        x \leftarrow x - \gamma\,(g + \mu b)

    Reference: PyTorch ``torch.optim.SGD`` documentation, algorithm box with
    ``nesterov=True``. Sutskever et al. (2013) write
    ``v <- mu v - lr grad(x + mu v); x <- x + v`` (gradient at a look-ahead point); PyTorch's
    iterate is that look-ahead point, which turns the rule into the one above with the
    gradient at the current point. Nesterov's own 1983 method also lets ``mu`` grow with
    the step count.

    Examples
    --------
    >>> opt = Nesterov(lr=0.1)
    >>> x = np.array(1.0); opt.reset(x)
    >>> float(opt.step(x, np.array(1.0), 0))     # 1 - 0.1 * (1 + 0.9 * 1)
    0.81
    """

    name = "Nesterov"

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-3,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
    ):
        super().__init__(lr, momentum, 0.0, weight_decay, True)


class AdaGrad(_Stateful):
    r"""AdaGrad: ``torch.optim.Adagrad``, exactly.

    .. math::

        \tilde\gamma &\leftarrow \gamma / (1 + (t - 1)\eta) \\
        g &\leftarrow g + \lambda x \quad (\text{if } \lambda \ne 0) \\
        G &\leftarrow G + g^2 \quad (G = \tau \text{ before the first step}) \\
        x &\leftarrow x - \tilde\gamma\, g / (\sqrt{G} + \epsilon)

    with ``eta = lr_decay``, ``tau = initial_accumulator_value``, ``lambda =
    weight_decay`` and ``t = 1`` at the first step. Reference: PyTorch ``torch.optim.Adagrad``
    documentation, algorithm box; ``eps`` is added *outside* the square root, as there.
    Duchi, Hazan and Singer (2011) have their ``delta`` outside the root too
    (``delta I + diag(G)^(1/2)``); Keras 3 adds its ``epsilon`` *inside* the root
    (``sqrt(G + eps)``) and starts the accumulator at 0.1, not 0.

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 (default 1e-2), or a schedule.
    lr_decay, weight_decay, initial_accumulator_value : float
        All ``>= 0`` (default 0).
    eps : float
        ``>= 0``, added to the denominator (default 1e-10).

    Examples
    --------
    >>> opt = AdaGrad(lr=0.5)
    >>> x = np.array([1.0, 1.0]); opt.reset(x)
    >>> opt.step(x, np.array([4.0, 0.01]), 0).round(6).tolist()   # each moves by lr
    [0.5, 0.5]
    """

    name = "AdaGrad"
    _slots = ("_sum",)
    _square = ("_sum", "sum of squared gradients G")

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ):
        self.lr = check_lr(lr)
        self.lr_decay = nonneg_float(lr_decay, "lr_decay")
        self.weight_decay = nonneg_float(weight_decay, "weight_decay")
        self.initial_accumulator_value = nonneg_float(
            initial_accumulator_value, "initial_accumulator_value"
        )
        self.eps = nonneg_float(eps, "eps")
        self._t = None

    def reset(self, x0):
        super().reset(x0)
        self._sum = np.full(np.shape(x0), self.initial_accumulator_value)

    def step(self, x, g, k):
        x, g, lr = self._begin(x, g, k)
        clr = lr / (1 + (self._t - 1) * self.lr_decay)
        self._sum = self._sum + g * g
        return x - _ratio(clr * g, np.sqrt(self._sum) + self.eps)  # (clr g) / d, as before


class RMSprop(_Stateful):
    r"""RMSprop: ``torch.optim.RMSprop``, exactly.

    .. math::

        g &\leftarrow g + \lambda x \quad (\text{if } \lambda \ne 0) \\
        v &\leftarrow \alpha v + (1 - \alpha) g^2, \qquad \tilde v \leftarrow v \\
        \bar g &\leftarrow \alpha \bar g + (1 - \alpha) g, \quad
            \tilde v \leftarrow v - \bar g^2 \quad (\text{if centered}) \\
        b &\leftarrow \mu b + g / (\sqrt{\tilde v} + \epsilon), \quad
            x \leftarrow x - \gamma b \quad (\text{if } \mu > 0) \\
        x &\leftarrow x - \gamma\, g / (\sqrt{\tilde v} + \epsilon) \quad (\text{otherwise})

    with every average starting at 0, so there is **no bias correction**: the first step
    divides by ``sqrt(1 - alpha) |g|`` and moves ``lr / sqrt(1 - alpha)`` (10 ``lr`` for
    the default ``alpha = 0.99``) per coordinate. Reference: PyTorch ``torch.optim.RMSprop``
    documentation, algorithm box: ``eps`` outside the square root. Keras 3 adds its
    ``epsilon`` *inside* it (``sqrt(v + eps)``), defaults to ``rho = 0.9`` and puts ``lr``
    inside its momentum buffer; Hinton's lecture (2012) has no ``eps`` at all; the centered
    form is from Graves (2013).

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 (default 1e-2), or a schedule.
    alpha : float
        Smoothing constant in ``[0, 1)`` (default 0.99).
    eps : float
        ``>= 0`` (default 1e-8).
    weight_decay, momentum : float
        ``>= 0`` (default 0).
    centered : bool
        Divide by an estimate of the gradient's standard deviation instead of its RMS.

    Examples
    --------
    >>> opt = RMSprop(lr=0.01)
    >>> x = np.array([1.0, 1.0]); opt.reset(x)
    >>> opt.step(x, np.array([3.0, -0.2]), 0).round(6).tolist()   # 10 lr per coordinate
    [0.9, 1.1]
    """

    name = "RMSprop"
    _slots = ("_sq", "_avg", "_buf")
    _square = ("_sq", "average of squared gradients v")

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        self.lr = check_lr(lr)
        self.alpha = unit_float(alpha, "alpha")
        self.eps = nonneg_float(eps, "eps")
        self.weight_decay = nonneg_float(weight_decay, "weight_decay")
        self.momentum = nonneg_float(momentum, "momentum")
        self.centered = flag(centered, "centered")
        self._t = None

    def step(self, x, g, k):
        x, g, lr = self._begin(x, g, k)
        a = self.alpha
        self._sq = a * self._sq + (1 - a) * g * g
        v = self._sq
        if self.centered:
            self._avg = a * self._avg + (1 - a) * g
            v = np.maximum(v - self._avg * self._avg, 0.0)  # >= 0, also after rounding
        d = _ratio(g, np.sqrt(v) + self.eps)
        if self.momentum > 0:
            self._buf = self.momentum * self._buf + d
            d = self._buf
        return x - lr * d


class Adam(_Stateful):
    r"""Adam: ``torch.optim.Adam``, exactly (L2 ``weight_decay`` and ``amsgrad`` included).

    .. math::

        g &\leftarrow g + \lambda x \quad (\text{if } \lambda \ne 0) \\
        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \hat m &\leftarrow m / (1 - \beta_1^t), \qquad
        \hat v \leftarrow v / (1 - \beta_2^t)
            \quad (\text{amsgrad: } v^{max} \leftarrow \max(v^{max}, v),\
            \hat v \leftarrow v^{max} / (1 - \beta_2^t)) \\
        x &\leftarrow x - \gamma\, \hat m / (\sqrt{\hat v} + \epsilon)

    with ``t = 1`` at the first step and ``m = v = v^max = 0`` before it. Reference: PyTorch
    ``torch.optim.Adam`` documentation, algorithm box: ``eps`` is added to the square root
    of the *bias-corrected* ``v``. Kingma and Ba (2014), Algorithm 1, write the same; their
    "more efficient" form (section 2) folds the corrections into the step size,
    ``lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps_hat)``, where ``eps_hat``
    meets the *uncorrected* ``sqrt(v)``: Keras implements that form, which equals this one
    with ``eps`` replaced by ``eps * sqrt(1 - beta2^t)``. For AMSGrad, PyTorch keeps
    the maximum of the uncorrected ``v``; older PyTorch documentation (and Reddi et al.
    2018, who have no bias correction) state the maximum differently.

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 (default 1e-3), or a schedule.
    betas : (float, float)
        ``(beta1, beta2)``, each in ``[0, 1)`` (default ``(0.9, 0.999)``).
    eps : float
        ``>= 0`` (default 1e-8).
    weight_decay : float
        L2 penalty added to the gradient, ``>= 0`` (default 0). For *decoupled* decay use
        :class:`AdamW`.
    amsgrad : bool
        Use the running maximum of ``v`` (default False).

    Examples
    --------
    The first step moves every coordinate by about ``lr``, whatever the gradient's size:

    >>> opt = Adam(lr=0.1)
    >>> x = np.array([1.0, 1.0]); opt.reset(x)
    >>> opt.step(x, np.array([1000.0, -0.001]), 0).round(4).tolist()
    [0.9, 1.1]
    """

    name = "Adam"
    _slots = ("_m", "_v", "_vmax")
    _square = ("_v", "second moment v")

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ):
        self.lr = check_lr(lr)
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (unit_float(betas[0], "betas[0]"), unit_float(betas[1], "betas[1]"))
        self.eps = nonneg_float(eps, "eps")
        self.weight_decay = nonneg_float(weight_decay, "weight_decay")
        self.amsgrad = flag(amsgrad, "amsgrad")
        self._t = None

    def step(self, x, g, k):
        x, g, lr = self._begin(x, g, k)
        b1, b2 = self.betas
        t = self._t
        if self.weight_decay != 0 and self._decoupled:
            x = x - lr * self.weight_decay * x
        self._m = b1 * self._m + (1 - b1) * g
        self._v = b2 * self._v + (1 - b2) * g * g
        m_hat = self._m / (1 - b1**t)
        if self.amsgrad:
            self._vmax = np.maximum(self._vmax, self._v)
            v_hat = self._vmax / (1 - b2**t)
        else:
            v_hat = self._v / (1 - b2**t)
        return x - _ratio(lr * m_hat, np.sqrt(v_hat) + self.eps)  # (lr m) / d, as before


class AdamW(Adam):
    r"""AdamW: ``torch.optim.AdamW``, exactly: Adam with *decoupled* weight decay.

    .. math::

        x \leftarrow x - \gamma \lambda x, \qquad
        x \leftarrow x - \gamma\, \hat m / (\sqrt{\hat v} + \epsilon)

    where the second line is the step of :class:`Adam` (with ``m`` and ``v`` updated from
    the gradient ``g`` taken at the old ``x``, and no L2 term). The decay shrinks ``x``
    directly; it never enters ``m`` or ``v``. Default ``weight_decay = 0.01`` (PyTorch's).
    Reference: PyTorch ``torch.optim.AdamW`` documentation, algorithm box. Loshchilov and
    Hutter (2019), Algorithm 2, multiply the decay by a schedule multiplier ``eta_t`` but
    not by the learning rate ``alpha``
    (``x <- x - eta_t (alpha m_hat / (sqrt(v_hat) + eps) + lambda x)``); PyTorch's ``lr``
    plays the role of ``eta_t alpha``, so its ``lambda`` is theirs divided by ``alpha``.

    Examples
    --------
    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> x = np.array(2.0); opt.reset(x)
    >>> round(float(opt.step(x, np.array(0.0), 0)), 6)    # no gradient: only the decay
    1.9
    """

    name = "AdamW"
    _decoupled = True

    def __init__(
        self,
        lr: float | Callable[[int], float] = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ):
        super().__init__(lr, betas, eps, weight_decay, amsgrad)


# --------------------------------------------------------------------------- theory


@dataclass(frozen=True)
class HeavyBallTuning:
    """Polyak's optimal heavy-ball parameters for a quadratic, and what they buy.

    Attributes
    ----------
    lr, momentum : float
        ``4 / (sqrt(L) + sqrt(mu))**2`` and ``((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``.
    rate : float
        The linear rate of the error with those: ``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)``.
    gd_lr, gd_rate : float
        The best plain gradient descent: ``lr = 2 / (L + mu)``, rate ``(kappa - 1) /
        (kappa + 1)``.
    kappa : float
        The condition number ``L / mu``.
    """

    lr: float
    momentum: float
    rate: float
    gd_lr: float
    gd_rate: float
    kappa: float


def heavy_ball_tuning(L: float, mu: float) -> HeavyBallTuning:
    """Polyak's optimal learning rate and momentum for a quadratic with curvatures in [mu, L].

    For ``f(x) = x^T A x / 2`` whose Hessian ``A`` has eigenvalues between ``mu > 0`` and
    ``L``, momentum in PyTorch's form (``dampening = 0``: the same iterates as Polyak's
    ``x_{k+1} = x_k - lr g_k + momentum (x_k - x_{k-1})``) converges fastest with these.

    Examples
    --------
    >>> t = heavy_ball_tuning(25.0, 1.0)       # condition number 25
    >>> round(t.lr, 6), round(t.momentum, 6), round(t.rate, 6), round(t.gd_rate, 6)
    (0.111111, 0.444444, 0.666667, 0.923077)
    """
    L = positive_float(L, "L")
    mu = positive_float(mu, "mu")
    if mu > L:
        raise ValueError(f"mu must be <= L (the smallest curvature), got mu={mu!r} > L={L!r}")
    kappa = L / mu
    sk = float(np.sqrt(kappa))
    return HeavyBallTuning(
        lr=4.0 / (float(np.sqrt(L)) + float(np.sqrt(mu))) ** 2,
        momentum=((sk - 1) / (sk + 1)) ** 2,
        rate=(sk - 1) / (sk + 1),
        gd_lr=2.0 / (L + mu),
        gd_rate=(kappa - 1) / (kappa + 1),
        kappa=kappa,
    )


def heavy_ball_rate(lr: float | np.ndarray, momentum: float | np.ndarray,
                    curvatures) -> np.ndarray:
    """The exact linear rate of heavy-ball momentum on a quadratic (vectorised).

    Along an eigenvector with curvature ``lam`` the error obeys
    ``e_{k+1} = (1 + momentum - lr lam) e_k - momentum e_{k-1}``; its rate is the larger
    modulus of the roots of ``z^2 - (1 + momentum - lr lam) z + momentum``. The rate of the
    whole run is the largest over ``curvatures`` (the Hessian's eigenvalues, last axis).
    ``lr`` and ``momentum`` broadcast; a rate >= 1 means no convergence.

    Examples
    --------
    >>> float(heavy_ball_rate(0.1, 0.0, [1.0, 25.0]))          # plain GD: max |1 - lr lam|
    1.5
    >>> round(float(heavy_ball_rate(1 / 9, 4 / 9, [1.0, 25.0])), 6)   # Polyak's optimum
    0.666667
    """
    lam = as_finite_array(curvatures, "curvatures")
    if lam.ndim == 0:
        lam = lam[None]
    a = np.asarray(lr, dtype=float)[..., None]
    b = np.asarray(momentum, dtype=float)[..., None]
    s = 1 + b - a * lam
    root = np.sqrt((s * s - 4 * b).astype(complex))
    r = np.maximum(np.abs((s + root) / 2), np.abs((s - root) / 2))
    return r.max(axis=-1)


def momentum_sweep(
    grad: Callable,
    x0,
    *,
    lr: float | np.ndarray,
    momentum: float | np.ndarray,
    steps: int,
    tol: float | None = None,
    nesterov: bool = False,
    point_ndim: int = 0,
    diverge_factor: float = 1e6,
    keep_path: bool = False,
) -> Sweep:
    """Many momentum runs at once (PyTorch's form), vectorised over starts, lr and momentum.

    The momentum counterpart of :func:`gdlib.sweep`: ``x0``, ``lr`` and ``momentum``
    broadcast into a batch of runs of :class:`Momentum` (or :class:`Nesterov` when
    ``nesterov``) with ``dampening = weight_decay = 0``; ``grad`` is called once per step on
    the whole batch. Runs go on to ``steps`` regardless of ``tol``, so paths have equal
    length.

    Parameters
    ----------
    grad : callable
        Vectorised gradient: for points of shape ``(*batch, *point)``, their gradients.
    x0 : array_like
        Starting points, shape ``(*batch, *point)`` (or broadcastable against the others).
    lr, momentum : float or array_like
        Learning rates > 0 and momenta >= 0, broadcastable to ``batch``.
    steps : int
        Steps per run.
    tol : float, optional
        Records ``converged_at``: the first step with ``|gradient| < tol``.
    nesterov : bool
        Nesterov momentum in PyTorch's form (needs every momentum > 0).
    point_ndim : int
        How many trailing axes of ``x0`` make one point (1 for points in the plane).
    diverge_factor : float
        A run has diverged once ``|x| > diverge_factor * (1 + |x0|)`` (as in
        :func:`gdlib.sweep`, which does the work).
    keep_path : bool
        Keep every iterate in ``xs`` (``nan`` after a run diverged).

    Returns
    -------
    Sweep
        ``converged_at`` (first step with ``|gradient| < tol``, -1 if never),
        ``diverged_at`` (-1 if never), ``x`` and, with ``keep_path``, ``xs``.

    Examples
    --------
    >>> s = momentum_sweep(lambda x: 25 * x, 1.0, lr=1 / 9, momentum=np.array([0.0, 4 / 9]),
    ...                    steps=200, tol=1e-6)
    >>> s.status.tolist()
    ['diverged', 'converged']
    """
    nesterov = flag(nesterov, "nesterov")
    return sweep(
        grad, x0, lr=lr, steps=steps, tol=tol, point_ndim=point_ndim,
        diverge_factor=diverge_factor, keep_path=keep_path,
        momentum=momentum, nesterov=nesterov,
    )
