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
(see :mod:`gdlib.schedules` when present, or any function of the step index).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import positive_float

__all__ = ["Optimizer", "GD", "learning_rate_at"]


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


def _check_lr(lr) -> float | Callable[[int], float]:
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
        self.lr = _check_lr(lr)

    def step(self, x, g, k):
        return x - learning_rate_at(self.lr, k) * g
