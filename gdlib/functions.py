"""A catalogue of named test functions, each with its analytic gradient.

Every function is vectorised. One-variable functions take floats or arrays. Functions of
a point in the plane take an array whose *last* axis holds the coordinates, so a single
point is ``[x, y]`` and a whole grid is ``np.stack([X, Y], axis=-1)``; their gradients
return the same shape. ``tests/test_functions.py`` gradient-checks every entry.

>>> from gdlib.functions import CATALOGUE, get
>>> f = get("bowl")
>>> f(np.array([1.0, 1.0])), f.grad(np.array([1.0, 1.0])).tolist()
(np.float64(3.0), [2.0, 4.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "TestFunction",
    "CATALOGUE",
    "get",
    "names",
    "bounded_saddle",
    "cliff",
    "CLIFF_HEIGHT",
    "CLIFF_WIDTH",
]


@dataclass(frozen=True)
class TestFunction:
    """A named function with its gradient and what is known about it.

    Attributes
    ----------
    name : str
        Short key, e.g. ``"rosenbrock"``.
    formula : str
        The formula as LaTeX, for captions.
    f, grad : callable
        The function and its analytic gradient (derivative for ``dim == 1``).
    dim : int
        1 for a function of one variable, 2 for a function of a point in the plane.
    minima : tuple
        Known minimisers (empty if unbounded below); maxima for a function such as the hill
        are in ``maxima``.
    xlim, ylim : tuple
        A window that shows the interesting part.
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    formula: str
    f: Callable = field(repr=False)
    grad: Callable = field(repr=False)
    dim: int
    minima: tuple = ()
    maxima: tuple = ()
    xlim: tuple = (-5.0, 5.0)
    ylim: tuple = (-5.0, 5.0)
    note: str = ""

    def __post_init__(self):
        # the gradient gets the same input handling as the function (a list is a point)
        object.__setattr__(self, "grad", _PointInput(self.grad, self, "grad"))

    def __call__(self, x):
        return self.f(_as_point(x, self, "f"))


def _as_point(x, t: TestFunction, what: str) -> np.ndarray:
    """``x`` as a float array fit for ``t``: one number per point, or points ``(x, y)``."""
    if isinstance(x, np.ndarray) and x.dtype == float and (t.dim == 1 or x.shape[-1:] == (2,)):
        return x  # the hot path: descend passes float arrays
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{t.name}.{what} needs numbers, got a string")
    try:
        p = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{t.name}.{what} needs numbers, got {type(x).__name__}") from exc
    if t.dim == 2 and p.shape[-1:] != (2,):
        raise ValueError(f"{t.name} is a function of a point (x, y): the last axis must have "
                         f"length 2, got shape {p.shape}")
    return p


class _PointInput:
    """A catalogue gradient that takes what the function takes (lists, ints, points)."""

    __slots__ = ("fn", "t", "what")

    def __init__(self, fn, t, what):
        self.fn, self.t, self.what = fn, t, what

    def __call__(self, x):
        return self.fn(_as_point(x, self.t, self.what))

    def __repr__(self) -> str:
        return f"<gradient of {self.t.name}>"


def _xy(p):
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def _stack(gx, gy):
    return np.stack(np.broadcast_arrays(gx, gy), axis=-1)


def _entries():
    def rosen_f(p):
        x, y = _xy(p)
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    def rosen_g(p):
        x, y = _xy(p)
        return _stack(-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2))

    def bumps_f(p):
        x, y = _xy(p)
        return (
            3 * np.exp(-((x - 1) ** 2) - (y - 1) ** 2)
            - 2 * np.exp(-((x + 1.5) ** 2) - (y + 0.5) ** 2 / 0.5)
            + 1.5 * np.exp(-((x + 1) ** 2) / 0.6 - (y - 1.5) ** 2)
        )

    def bumps_g(p):
        x, y = _xy(p)
        a = 3 * np.exp(-((x - 1) ** 2) - (y - 1) ** 2)
        b = -2 * np.exp(-((x + 1.5) ** 2) - (y + 0.5) ** 2 / 0.5)
        c = 1.5 * np.exp(-((x + 1) ** 2) / 0.6 - (y - 1.5) ** 2)
        gx = a * (-2 * (x - 1)) + b * (-2 * (x + 1.5)) + c * (-2 * (x + 1) / 0.6)
        gy = a * (-2 * (y - 1)) + b * (-2 * (y + 0.5) / 0.5) + c * (-2 * (y - 1.5))
        return _stack(gx, gy)

    def himmel_f(p):
        x, y = _xy(p)
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def himmel_g(p):
        x, y = _xy(p)
        a, b = x**2 + y - 11, x + y**2 - 7
        return _stack(4 * x * a + 2 * b, 2 * a + 4 * y * b)

    return [
        TestFunction(
            "square", r"f(x) = x^2", lambda x: x**2, lambda x: 2 * x, 1,
            minima=(0.0,), xlim=(-10, 10),
        ),
        TestFunction(
            "parabola", r"f(x) = x^2 - 4x + 5",
            lambda x: x**2 - 4 * x + 5, lambda x: 2 * x - 4, 1,
            minima=(2.0,), xlim=(-1, 5),
        ),
        TestFunction(
            "shifted_parabola", r"f(x) = x^2 + 5x + 6",
            lambda x: x**2 + 5 * x + 6, lambda x: 2 * x + 5, 1,
            minima=(-2.5,), xlim=(-10, 6),
        ),
        TestFunction(
            "profit", r"P(p) = -20p^2 + 200p - 300",
            lambda p: -20 * p**2 + 200 * p - 300, lambda p: -40 * p + 200, 1,
            maxima=(5.0,), xlim=(0, 10), note="daily profit (dollars) at price p (dollars)",
        ),
        TestFunction(
            "double_well", r"f(x) = x^4 - 3x^2 + x",
            lambda x: x**4 - 3 * x**2 + x, lambda x: 4 * x**3 - 6 * x + 1, 1,
            # roots of 4x^3 - 6x + 1 with f'' > 0 (computed, see tests)
            minima=(-1.300839566, 1.130901123), maxima=(0.169938443,), xlim=(-2.2, 2.2),
            note="two minima of different depth: the left one is lower",
        ),
        TestFunction(
            "bowl", r"f(x, y) = x^2 + 2y^2",
            lambda p: _xy(p)[0] ** 2 + 2 * _xy(p)[1] ** 2,
            lambda p: _stack(2 * _xy(p)[0], 4 * _xy(p)[1]), 2,
            minima=((0.0, 0.0),),
        ),
        TestFunction(
            "elongated_bowl", r"f(x, y) = \frac{1}{2}(x^2 + 25 y^2)",
            lambda p: 0.5 * (_xy(p)[0] ** 2 + 25 * _xy(p)[1] ** 2),
            lambda p: _stack(_xy(p)[0], 25 * _xy(p)[1]), 2,
            minima=((0.0, 0.0),), xlim=(-6, 6), ylim=(-3, 3),
            note="curvatures 1 and 25: condition number 25",
        ),
        TestFunction(
            "hill", r"h(x, y) = 100 - x^2 - 2y^2",
            lambda p: 100 - _xy(p)[0] ** 2 - 2 * _xy(p)[1] ** 2,
            lambda p: _stack(-2 * _xy(p)[0], -4 * _xy(p)[1]), 2,
            maxima=((0.0, 0.0),), note="a hill: the top is at the origin",
        ),
        TestFunction(
            "saddle", r"f(x, y) = x^2 - y^2",
            lambda p: _xy(p)[0] ** 2 - _xy(p)[1] ** 2,
            lambda p: _stack(2 * _xy(p)[0], -2 * _xy(p)[1]), 2,
            xlim=(-2, 2), ylim=(-2, 2), note="a saddle point at the origin, no minimum",
        ),
        TestFunction(
            "mixed_poly", r"f(x, y) = 3x^2 + 8xy - 3y^5",
            lambda p: 3 * _xy(p)[0] ** 2 + 8 * _xy(p)[0] * _xy(p)[1] - 3 * _xy(p)[1] ** 5,
            lambda p: _stack(6 * _xy(p)[0] + 8 * _xy(p)[1], 8 * _xy(p)[0] - 15 * _xy(p)[1] ** 4),
            2, xlim=(-2, 2), ylim=(-1.5, 1.5),
        ),
        TestFunction(
            "cookie", r"Q(T, t) = -0.01T^2 - 0.5t^2 + 3T + 10t",
            lambda p: -0.01 * _xy(p)[0] ** 2 - 0.5 * _xy(p)[1] ** 2 + 3 * _xy(p)[0]
            + 10 * _xy(p)[1],
            lambda p: _stack(-0.02 * _xy(p)[0] + 3, -_xy(p)[1] + 10), 2,
            maxima=((150.0, 10.0),), xlim=(100, 200), ylim=(0, 20),
            note="cookie quality at oven temperature T (degrees C) and baking time t (minutes)",
        ),
        TestFunction(
            "rosenbrock", r"f(x, y) = (1 - x)^2 + 100(y - x^2)^2", rosen_f, rosen_g, 2,
            minima=((1.0, 1.0),), xlim=(-2, 2), ylim=(-1, 3),
            note="a curved, flat-bottomed valley",
        ),
        TestFunction(
            "himmelblau", r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            himmel_f, himmel_g, 2,
            minima=((3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186),
                    (3.584428, -1.848127)),
            note="four minima, all with value 0",
        ),
        TestFunction(
            "bumps", r"f(x, y) = \text{three Gaussian bumps}", bumps_f, bumps_g, 2,
            xlim=(-3.5, 3.5), ylim=(-3, 3.5), note="two hills and one pit",
        ),
    ]


# --------------------------------------------------------------------------- Chapter 7's landscapes


def _bsaddle_f(p):
    x, y = _xy(p)
    return x**2 - y**2 + 0.5 * y**4


def _bsaddle_g(p):
    x, y = _xy(p)
    return _stack(2 * x, -2 * y + 2 * y**3)


#: ``x^2 - y^2 + y^4/2``: the saddle of the catalogue, with a quartic floor in ``y``.
#: Saddle point at the origin (Hessian ``diag(2, -2)``), minima at ``(0, -1)`` and
#: ``(0, 1)`` where ``f = -1/2`` (Hessian ``diag(2, 4)``). Near the origin it is the
#: plain saddle to within ``y^4/2``.
bounded_saddle = TestFunction(
    "bounded_saddle",
    r"f(x, y) = x^2 - y^2 + \tfrac{1}{2}y^4",
    _bsaddle_f,
    _bsaddle_g,
    2,
    minima=((0.0, -1.0), (0.0, 1.0)),
    xlim=(-1.5, 1.5),
    ylim=(-1.5, 1.5),
    note="a saddle at the origin between two minima at (0, -1) and (0, 1), f = -1/2",
)

#: Height of the cliff's drop and the width of its face.
CLIFF_HEIGHT = 5.0
CLIFF_WIDTH = 0.2
_BOWL = (0.1, 0.25)  # 0.1 (x - 1)^2 + 0.25 y^2


def _smootherstep(t):
    """Perlin's ``6t^5 - 15t^4 + 10t^3`` on [0, 1], 0 below and 1 above; and its slope."""
    t = np.clip(t, 0.0, 1.0)
    return t**3 * (10 - 15 * t + 6 * t**2), 30 * t**2 * (1 - t) ** 2


def _cliff_f(p):
    x, y = _xy(p)
    a, b = _BOWL
    s, _ = _smootherstep((x + CLIFF_WIDTH) / CLIFF_WIDTH)
    return a * (x - 1) ** 2 + b * y**2 + CLIFF_HEIGHT * (1 - s)


def _cliff_g(p):
    x, y = _xy(p)
    a, b = _BOWL
    _, ds = _smootherstep((x + CLIFF_WIDTH) / CLIFF_WIDTH)
    return _stack(2 * a * (x - 1) - CLIFF_HEIGHT * ds / CLIFF_WIDTH, 2 * b * y)


#: A gentle bowl ``0.1 (x - 1)^2 + 0.25 y^2`` with a drop of height 5 between
#: ``x = -0.2`` and ``x = 0``: ``f = bowl + 5 (1 - S(5x + 1))`` with ``S`` the smootherstep
#: ``6t^5 - 15t^4 + 10t^3`` (clamped to 0 for ``t < 0`` and 1 for ``t > 1``; twice
#: continuously differentiable). Left of the face is a plateau 5 units higher. The face's
#: slope peaks at ``5 * 30 / 16 / 0.2 = 46.875`` at ``x = -0.1``, while the bowl's
#: gradient ``(0.2 (x - 1), 0.5 y)`` has norm below 2 in the window ``|x| <= 5, |y| <= 3``.
#: The minimum is exactly ``(1, 0)``, where ``f = 0``.
cliff = TestFunction(
    "cliff",
    r"f(x, y) = 0.1(x - 1)^2 + 0.25y^2 + 5\,\bigl(1 - S(5x + 1)\bigr)",
    _cliff_f,
    _cliff_g,
    2,
    minima=((1.0, 0.0),),
    xlim=(-5.0, 5.0),
    ylim=(-3.0, 3.0),
    note="a gentle bowl with a drop of height 5 across -0.2 < x < 0; S is the smootherstep",
)


CATALOGUE: dict[str, TestFunction] = {t.name: t for t in [*_entries(), bounded_saddle, cliff]}


def names() -> list[str]:
    """The catalogue's keys, in order."""
    return list(CATALOGUE)


def get(name: str) -> TestFunction:
    """The catalogue entry called ``name``; ``KeyError`` lists the valid names."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"no test function {name!r}; choose one of {', '.join(CATALOGUE)}") from None
