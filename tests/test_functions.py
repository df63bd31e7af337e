"""Every catalogued test function: its gradient, its vectorisation and its known optima.

The gradients are checked against central differences (gdlib.check_gradient, itself
tested against analytic derivatives in test_calculus.py); the optima are refined with
Newton's method and must agree with the catalogue to the digits it writes down; the
double well's critical points are recomputed from scratch with numpy.roots.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdlib.calculus import check_gradient, derivative, gradient, hessian
from gdlib.functions import CATALOGUE, TestFunction, get, names

ENTRIES = list(CATALOGUE.values())
IDS = [t.name for t in ENTRIES]
WITH_MINIMA = [t for t in ENTRIES if t.minima]
WITH_MAXIMA = [t for t in ENTRIES if t.maxima]


def random_points(t: TestFunction, n: int, seed: int) -> np.ndarray:
    """``n`` points drawn uniformly from the entry's window: shape (n,) or (n, 2)."""
    rng = np.random.default_rng(seed)
    xs = rng.uniform(*t.xlim, size=n)
    if t.dim == 1:
        return xs
    return np.column_stack([xs, rng.uniform(*t.ylim, size=n)])


def as_point(t: TestFunction, p) -> np.ndarray:
    """A catalogue optimum as a 1-D array (one coordinate for 1-D functions)."""
    return np.atleast_1d(np.asarray(p, dtype=float))


def f_of_vector(t: TestFunction):
    """The function as f(1-D array) -> float, for gradient/hessian on either dimension."""
    if t.dim == 1:
        return lambda p: float(t(p[0]))
    return lambda p: float(t(p))


def grad_of_vector(t: TestFunction):
    if t.dim == 1:
        return lambda p: np.atleast_1d(np.asarray(t.grad(p[0]), dtype=float))
    return lambda p: np.asarray(t.grad(p), dtype=float)


def decimals(v: float) -> int:
    """How many decimals the shortest repr of ``v`` writes (its claimed precision)."""
    text = repr(float(v))
    assert "e" not in text
    return len(text.split(".")[1])


def newton(t: TestFunction, p0: np.ndarray, iters: int = 8) -> np.ndarray:
    """Newton's method on the gradient: analytic gradient, numeric Hessian."""
    f, g = f_of_vector(t), grad_of_vector(t)
    p = p0.copy()
    for _ in range(iters):
        step = np.linalg.solve(hessian(f, p), g(p))
        p = p - step
        if np.max(np.abs(step)) < 1e-15:
            break
    return p


# --------------------------------------------------------------------------- catalogue

def test_catalogue_is_keyed_by_name_and_well_formed():
    assert names() == list(CATALOGUE) and len(CATALOGUE) > 0
    for key, t in CATALOGUE.items():
        assert isinstance(t, TestFunction)
        assert t.name == key
        assert get(key) is t
        assert t.dim in (1, 2)
        assert t.formula.strip()
        assert t.xlim[0] < t.xlim[1] and t.ylim[0] < t.ylim[1]


@pytest.mark.parametrize("t", ENTRIES, ids=IDS)
def test_known_optima_lie_inside_the_window(t):
    for p in (*t.minima, *t.maxima):
        q = as_point(t, p)
        assert q.size == t.dim
        assert t.xlim[0] <= q[0] <= t.xlim[1]
        if t.dim == 2:
            assert t.ylim[0] <= q[1] <= t.ylim[1]


def test_get_unknown_name_raises_keyerror_listing_the_valid_names():
    with pytest.raises(KeyError, match="no_such_function") as info:
        get("no_such_function")
    message = str(info.value)
    for name in CATALOGUE:
        assert name in message


# --------------------------------------------------------------------------- gradients

@pytest.mark.parametrize("t", ENTRIES, ids=IDS)
def test_gradient_agrees_with_finite_differences_across_the_window(t):
    for p in random_points(t, 40, seed=len(t.name)):
        x = float(p) if t.dim == 1 else p
        res = check_gradient(t, t.grad, x)
        assert res.ok, f"{t.name} at {p}: {res}"


@pytest.mark.parametrize("t", ENTRIES, ids=IDS)
def test_function_and_gradient_are_vectorised(t):
    if t.dim == 1:
        xs = np.linspace(*t.xlim, 23).reshape(-1)
        values, grads = t(xs), t.grad(xs)
        assert np.shape(values) == xs.shape and np.shape(grads) == xs.shape
        np.testing.assert_allclose(values, [t(float(x)) for x in xs], rtol=1e-14, atol=0)
        np.testing.assert_allclose(grads, [t.grad(float(x)) for x in xs], rtol=1e-14, atol=0)
        return
    X, Y = np.meshgrid(np.linspace(*t.xlim, 7), np.linspace(*t.ylim, 5))
    grid = np.stack([X, Y], axis=-1)
    assert grid.shape == (5, 7, 2)
    values, grads = t(grid), t.grad(grid)
    assert np.shape(values) == (5, 7)
    assert np.shape(grads) == (5, 7, 2)
    one_by_one = np.array([[t(grid[i, j]) for j in range(7)] for i in range(5)])
    grads_one_by_one = np.array([[t.grad(grid[i, j]) for j in range(7)] for i in range(5)])
    np.testing.assert_allclose(values, one_by_one, rtol=1e-14, atol=0)
    np.testing.assert_allclose(grads, grads_one_by_one, rtol=1e-14, atol=1e-300)
    # A single point gives a number and a gradient of shape (2,); a list works too.
    p = grid[2, 3]
    assert np.ndim(t(p)) == 0 and np.shape(t.grad(p)) == (2,)
    assert t(list(p)) == t(p)


# --------------------------------------------------------------------------- optima

def check_listed_critical_point(t, m, sign):
    """The catalogue's point ``m`` of ``t`` is a critical point whose Hessian has the
    ``sign`` (+1 minimum, -1 maximum), and ``f`` is larger (smaller) all around it."""
    f, g = f_of_vector(t), grad_of_vector(t)
    p = as_point(t, m)
    H = hessian(f, p)
    eig = np.linalg.eigvalsh(H)
    assert np.all(sign * eig > 0), f"{t.name} at {m}: Hessian eigenvalues {eig}"
    # "Near zero" gradient: the catalogue writes the point to some number of
    # decimals, so the gradient there is at most |H| times that rounding.
    unit = np.array([10.0 ** -decimals(v) for v in p])
    assert np.linalg.norm(g(p)) <= np.linalg.norm(H, 2) * np.linalg.norm(unit)
    # Newton's method from the catalogue's point lands within one unit of the last
    # written decimal, on a point where the gradient is zero (numerically too).
    q = newton(t, p)
    assert np.linalg.norm(g(q)) < 1e-9 * max(1.0, np.linalg.norm(H, 2))
    assert np.linalg.norm(gradient(f, q)) < 1e-6
    assert np.all(np.abs(q - p) <= unit / 2 + 1e-12), f"{t.name}: refined {q}, listed {p}"
    # And it is a minimum (maximum): f is larger (smaller) a little way off everywhere.
    for d in np.vstack([np.eye(t.dim), -np.eye(t.dim)]):
        assert sign * (f(q + 1e-3 * d) - f(q)) > 0


@pytest.mark.parametrize("t", WITH_MINIMA, ids=[t.name for t in WITH_MINIMA])
def test_minima_are_critical_points_with_a_positive_definite_hessian(t):
    for m in t.minima:
        check_listed_critical_point(t, m, +1)


@pytest.mark.parametrize("t", WITH_MAXIMA, ids=[t.name for t in WITH_MAXIMA])
def test_maxima_are_critical_points_with_a_negative_definite_hessian(t):
    for m in t.maxima:
        check_listed_critical_point(t, m, -1)


def test_double_well_critical_points_from_numpy_roots():
    t = get("double_well")
    # f(x) = x^4 - 3x^2 + x, so f'(x) = 4x^3 - 6x + 1 and f''(x) = 12x^2 - 6.
    roots = np.roots([4.0, 0.0, -6.0, 1.0])
    assert np.all(np.abs(roots.imag) < 1e-12)
    roots = np.sort(roots.real)
    curvature = 12 * roots**2 - 6
    minima, maxima = roots[curvature > 0], roots[curvature < 0]
    assert minima.size == 2 and maxima.size == 1
    np.testing.assert_allclose(np.sort(t.minima), minima, rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.sort(t.maxima), maxima, rtol=0, atol=1e-9)
    # The catalogue's derivative vanishes there too, and the numeric one agrees.
    np.testing.assert_allclose(t.grad(roots), 0.0, atol=1e-12)
    np.testing.assert_allclose(derivative(t, roots), 0.0, atol=1e-8)
    # Its note: the left minimum is the lower one.
    assert t(minima[0]) < t(minima[1])


def test_saddle_has_an_indefinite_hessian_at_the_origin():
    t = get("saddle")
    f = f_of_vector(t)
    assert np.linalg.norm(t.grad(np.zeros(2))) == 0.0
    eig = np.linalg.eigvalsh(hessian(f, np.zeros(2)))
    np.testing.assert_allclose(np.sort(eig), [-2.0, 2.0], atol=1e-6)  # from x^2 - y^2
