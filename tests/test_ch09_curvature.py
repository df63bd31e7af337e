"""Tests of gdlib.chapters.ch09_curvature: closed forms, properties, and scipy as reference.

scipy is the independent implementation. Two kinds of comparison (the chapter says which
it shows):

* *same iterates*: our BFGS driven by scipy's own line search (``_line_search_wolfe12``,
  the one ``minimize(method="BFGS")`` calls) against scipy's BFGS, iterate by iterate.
  Only the update formula and the bookkeeping are ours, so the paths must agree up to
  round-off (amplified along Rosenbrock's valley to about 1e-9; we allow 1e-7);
* *same solution, comparable cost*: our BFGS and L-BFGS with our own strong-Wolfe search
  against scipy's BFGS and L-BFGS-B, whose line searches differ in their details.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters import ch09_curvature as curv

scipy_optimize = pytest.importorskip("scipy.optimize")
from scipy.optimize._optimize import _line_search_wolfe12  # noqa: E402


def spd(n: int, seed: int, cond: float = 50.0) -> np.ndarray:
    """A random symmetric positive definite matrix with eigenvalues in [1, cond]."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.geomspace(1.0, cond, n)
    return (Q * lam) @ Q.T


def quadratic(A, b):
    return (lambda x: float(0.5 * x @ A @ x + b @ x)), (lambda x: A @ x + b)


def scipy_line_search(F, G, x, d, fx, gx, f_prev):
    """scipy's BFGS line search behind our line-search interface."""
    a, fc, gc, fn, _, gn = _line_search_wolfe12(F, G, x, d, gx, fx, f_prev,
                                                amin=1e-100, amax=1e100)
    return curv.LineStep(a, x + a * d, fn, gn, fc, gc)


def scipy_path(f, g, x0, method="BFGS", **options):
    xs = [np.asarray(x0, dtype=float)]
    res = scipy_optimize.minimize(
        f, x0, jac=g, method=method, options=options,
        callback=lambda intermediate_result: xs.append(intermediate_result.x.copy()),
    )
    return res, np.array(xs)


ROSEN = gd.get_function("rosenbrock")
HIMMEL = gd.get_function("himmelblau")


# --------------------------------------------------------------------------- Newton


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_one_newton_step_lands_on_the_minimiser_of_a_quadratic(n, seed):
    A = spd(n, seed)
    rng = np.random.default_rng(seed + 1)
    b, x0 = rng.standard_normal(n), 10 * rng.standard_normal(n)
    f, g = quadratic(A, b)
    run = curv.newton(f, g, lambda x: A, x0, tol=1e-9, steps=5)
    x_star = np.linalg.solve(A, -b)
    np.testing.assert_allclose(run.xs[1], x_star, rtol=0, atol=1e-10 * (1 + np.abs(x0).max()))
    assert run.status == "converged" and run.steps <= 2
    assert run.nhev[1] == 1 and run.ngev[1] == 2


def test_newton_converges_quadratically_at_the_rate_of_the_theory():
    # double well f = x^4 - 3x^2 + x: e_{k+1} / e_k^2 -> |f'''(x*) / (2 f''(x*))|
    dw = gd.get_function("double_well")
    roots = np.roots([4.0, 0.0, -6.0, 1.0]).real
    x_star = roots[np.argmin(np.abs(roots - 1.13))]
    run = curv.newton(dw, dw.grad, curv.hessian_of("double_well"), 2.0, tol=1e-13)
    e = np.abs(run.xs - x_star)
    C = abs(24 * x_star / (2 * (12 * x_star**2 - 6)))
    ok = (e[:-1] > 1e-7) & (e[1:] > 1e-13)
    ratios = e[1:][ok] / e[:-1][ok] ** 2
    assert ratios.size >= 2
    assert abs(ratios[-1] - C) < 0.05 * C
    assert run.converged and abs(run.x - x_star) < 1e-14


def test_pure_newton_on_sqrt_one_plus_x2_is_x_to_minus_x_cubed():
    f = lambda x: np.sqrt(1 + x * x)  # noqa: E731
    g = lambda x: x / np.sqrt(1 + x * x)  # noqa: E731
    h = lambda x: (1 + x * x) ** -1.5  # noqa: E731
    run = curv.newton(f, g, h, 0.5, steps=3, tol=1e-300)
    np.testing.assert_allclose(run.xs, [0.5, -0.125, 0.125**3, -(0.125**9)], rtol=1e-12)
    far = curv.newton(f, g, h, 1.5, steps=20)
    assert far.status == "diverged"
    damped = curv.newton(f, g, h, 1.5, steps=50, line_search="armijo")
    assert damped.converged and abs(damped.x) < 1e-10
    assert np.all(np.diff(damped.fs) <= 0)


def test_newton_jumps_onto_a_saddle_and_the_saddle_free_step_escapes():
    sad = gd.get_function("saddle")
    h = curv.hessian_of("saddle")
    run = curv.newton(sad, sad.grad, h, [1.0, 0.5], steps=3)
    assert run.converged and run.steps == 1
    np.testing.assert_allclose(run.x, [0.0, 0.0], atol=1e-15)
    # |H| = 2I: x moves to 0, y moves away from 0 (it doubles)
    free = curv.newton(sad, sad.grad, h, [1.0, 0.5], steps=3, fix="abs")
    np.testing.assert_allclose(free.xs[1], [0.0, 1.0], atol=1e-15)


def test_newton_reports_failures_and_divergence():
    # f(x, y) = x^2 has no curvature along y: a singular Hessian, no Newton step
    run = curv.newton(lambda p: p[0] ** 2, lambda p: np.array([2 * p[0], 0.0]),
                      lambda p: np.diag([2.0, 0.0]), [1.0, 1.0])
    assert run.status == "failed" and "singular" in run.reason and run.steps == 0
    # f = -x^2 ... Newton lands on the maximum; with a line search it falls back to -g
    run = curv.newton(lambda x: -(x**2) + 0.25 * x**4, lambda x: -2 * x + x**3,
                      lambda x: -2 + 3 * x**2, 0.3, line_search="armijo", tol=1e-12)
    assert run.converged and abs(abs(run.x) - np.sqrt(2)) < 1e-9 and run.fallbacks >= 1


def test_newton_many_matches_one_run_at_a_time():
    h = curv.hessian_of("himmelblau")
    starts = np.array([[0.0, 0.0], [4.0, 4.0], [-4.0, 4.0], [1.0, -3.0], [-0.5, 2.5]])
    many = curv.newton_many(HIMMEL.grad, h, starts, steps=25)
    for x0, x in zip(starts, many, strict=True):
        one = curv.newton(HIMMEL, HIMMEL.grad, h, x0, steps=25, tol=1e-300)
        np.testing.assert_allclose(x, one.x, atol=1e-9)


# --------------------------------------------------------------------------- Hessians, Taylor


def test_every_catalogue_function_has_a_hessian():
    assert set(curv.HESSIANS) == set(gd.CATALOGUE)


@pytest.mark.parametrize("name", list(gd.CATALOGUE))
def test_analytic_hessians_agree_with_finite_differences(name):
    tf = gd.get_function(name)
    rng = np.random.default_rng(3)
    h = curv.hessian_of(name)
    for _ in range(4):
        if tf.dim == 1:
            x = rng.uniform(*tf.xlim)
            num = gd.derivative(tf.grad, x)
            assert abs(float(h(x)) - num) <= 1e-6 * max(1.0, abs(num))
        else:
            p = np.array([rng.uniform(*tf.xlim), rng.uniform(*tf.ylim)])
            num = np.array([gd.gradient(lambda q, i=i: tf.grad(q)[i], p) for i in range(2)])
            np.testing.assert_allclose(h(p), num, rtol=1e-6, atol=1e-6)
            assert h(np.stack([p, p])).shape == (2, 2, 2)


@settings(max_examples=30, deadline=None)
@given(c=st.lists(st.floats(-5, 5), min_size=1, max_size=5), a=st.floats(-3, 3),
       x=st.floats(-3, 3))
def test_taylor_of_a_polynomial_of_that_order_is_the_polynomial(c, a, x):
    # p(t) = sum c_k t^k has derivatives p^(j)(a) = sum_k c_k k!/(k-j)! a^(k-j)
    from math import factorial

    n = len(c)
    derivs = [sum(c[k] * factorial(k) / factorial(k - j) * a ** (k - j) for k in range(j, n))
              for j in range(n)]
    exact = sum(ck * x**k for k, ck in enumerate(c))
    got = float(curv.taylor(derivs, a)(x))
    assert abs(got - exact) <= 1e-9 * (1 + sum(abs(ck) * 6.0**k for k, ck in enumerate(c)))


def test_taylor_error_of_exp_shrinks_like_the_next_term():
    for order in (1, 2, 3):
        p = curv.taylor([1.0] * (order + 1), 0.0)
        for h in (0.1, 0.01):
            err = abs(np.exp(h) - float(p(h)))
            lead = h ** (order + 1) / np.prod(np.arange(1, order + 2))
            assert 0.9 * lead < err < 1.2 * lead


# --------------------------------------------------------------------------- BFGS, L-BFGS


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_bfgs_update_satisfies_the_secant_condition_and_stays_positive_definite(n, seed):
    rng = np.random.default_rng(seed)
    H = spd(n, seed, cond=10.0)
    s = rng.standard_normal(n)
    y = spd(n, seed + 7, cond=10.0) @ s       # y = A s with A positive definite: s.y > 0
    Hn = curv.bfgs_update(H, s, y)
    np.testing.assert_allclose(Hn @ y, s, rtol=1e-9, atol=1e-9 * np.abs(s).max())
    np.testing.assert_allclose(Hn, Hn.T, atol=1e-12 * np.abs(Hn).max())
    assert np.linalg.eigvalsh(Hn).min() > 0


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 7), seed=st.integers(0, 10_000))
def test_bfgs_with_exact_line_search_ends_in_n_steps_with_the_true_inverse_hessian(n, seed):
    A = spd(n, seed, cond=20.0)
    rng = np.random.default_rng(seed + 2)
    b, x0 = rng.standard_normal(n), 3 * rng.standard_normal(n)
    f, g = quadratic(A, b)
    g0 = np.linalg.norm(g(x0))
    run = curv.bfgs(f, g, x0, line_search="exact", tol=1e-9 * g0, steps=3 * n)
    assert run.converged and run.steps <= n
    np.testing.assert_allclose(run.x, np.linalg.solve(A, -b), atol=1e-7 * (1 + np.abs(x0).max()))
    # the secant condition after every update, rebuilt from the applied pairs
    H = np.eye(n)
    for s, y in run.pairs:
        H = curv.bfgs_update(H, s, y)
        np.testing.assert_allclose(H @ y, s, atol=1e-9 * np.abs(s).max())
    np.testing.assert_allclose(H, run.H, rtol=0, atol=1e-12 * np.abs(H).max())
    if len(run.pairs) == n:     # n conjugate steps: H_n = A^{-1} (Nocedal and Wright, Thm 6.4)
        np.testing.assert_allclose(run.H, np.linalg.inv(A), atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 8), m=st.integers(0, 6), seed=st.integers(0, 10_000),
       gamma=st.floats(0.05, 5.0))
def test_two_loop_equals_the_dense_bfgs_inverse_built_from_the_same_pairs(n, m, seed, gamma):
    rng = np.random.default_rng(seed)
    A = spd(n, seed, cond=30.0)
    S = rng.standard_normal((m, n))
    Y = S @ A                                   # y_i = A s_i
    g = rng.standard_normal(n)
    H = gamma * np.eye(n)
    for s, y in zip(S, Y, strict=True):
        H = curv.bfgs_update(H, s, y)
    np.testing.assert_allclose(curv.two_loop(g, S, Y, gamma), H @ g, rtol=1e-8,
                               atol=1e-8 * np.abs(H @ g).max())


def test_lbfgs_with_large_memory_matches_bfgs_on_a_quadratic_with_exact_steps():
    # with exact line searches on a quadratic, BFGS from H0 = gamma I and L-BFGS give the
    # same (conjugate-gradient) iterates whatever the scaling; both end in <= n steps
    n = 6
    A = spd(n, 5, cond=40.0)
    b = np.linspace(-1, 1, n)
    f, g = quadratic(A, b)
    x0 = np.ones(n)
    r1 = curv.bfgs(f, g, x0, line_search="exact", tol=1e-10)
    r2 = curv.lbfgs(f, g, x0, memory=n, line_search="exact", tol=1e-10)
    k = min(r1.steps, r2.steps)
    np.testing.assert_allclose(r1.xs[:k + 1], r2.xs[:k + 1], atol=1e-8)
    assert r1.steps <= n and r2.steps <= n


def _problems():
    A = spd(4, 11, cond=100.0)
    b = np.array([1.0, -2.0, 0.5, 3.0])
    fq, gq = quadratic(A, b)
    return {
        "quadratic": (fq, gq, np.array([2.0, 1.0, -1.0, 0.0])),
        "rosenbrock": (lambda x: float(ROSEN(x)), ROSEN.grad, np.array([-1.2, 1.0])),
        "himmelblau": (lambda x: float(HIMMEL(x)), HIMMEL.grad, np.array([0.0, 0.0])),
    }


@pytest.mark.parametrize("name", list(_problems()))
def test_bfgs_with_scipys_line_search_follows_scipys_iterates(name):
    f, g, x0 = _problems()[name]
    res, xs = scipy_path(f, g, x0, "BFGS")
    ours = curv.bfgs(f, g, x0, line_search=scipy_line_search, tol=1e-5)
    k = min(len(xs), ours.steps + 1)
    assert abs(len(xs) - (ours.steps + 1)) <= 1    # scipy's gtol uses the max-norm
    np.testing.assert_allclose(ours.xs[:k], xs[:k], rtol=0, atol=1e-7)
    assert int(ours.nfev[k - 1]) <= res.nfev and int(ours.ngev[k - 1]) <= res.njev


@pytest.mark.parametrize("name", list(_problems()))
def test_our_wolfe_bfgs_and_lbfgs_find_scipys_solution_at_a_comparable_cost(name):
    f, g, x0 = _problems()[name]
    sb = scipy_optimize.minimize(f, x0, jac=g, method="BFGS", options={"gtol": 1e-8})
    sl = scipy_optimize.minimize(f, x0, jac=g, method="L-BFGS-B",
                                 options={"gtol": 1e-8, "ftol": 1e-15})
    b = curv.bfgs(f, g, x0, tol=1e-8)
    lb = curv.lbfgs(f, g, x0, memory=10, tol=1e-8)
    for ours, ref in [(b, sb), (lb, sl)]:
        assert ours.converged, ours
        np.testing.assert_allclose(ours.x, ref.x, atol=1e-5)
        assert ours.ngev[-1] <= 1.5 * ref.njev + 5, (ours, ref.njev)
        assert ours.nfev[-1] <= 1.5 * ref.nfev + 5, (ours, ref.nfev)


# --------------------------------------------------------------------------- line searches


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1e-3, 1e3))
def test_line_searches_meet_their_conditions(seed, scale):
    rng = np.random.default_rng(seed)
    A = spd(3, seed, cond=100.0) * scale
    f = lambda x: float(0.5 * x @ A @ x + 0.1 * np.sum(x**4))  # noqa: E731
    g = lambda x: A @ x + 0.4 * x**3  # noqa: E731
    x = rng.standard_normal(3)
    gx = g(x)
    d = -gx
    slope = float(gx @ d)
    a = curv.armijo()(f, g, x, d, f(x), gx, None)
    assert a is not None and a.f <= f(x) + 1e-4 * a.alpha * slope
    w = curv.wolfe()(f, g, x, d, f(x), gx, None)
    assert w is not None
    assert w.f <= f(x) + 1e-4 * w.alpha * slope
    assert abs(float(g(w.x) @ d)) <= 0.9 * abs(slope) + 1e-12
    np.testing.assert_allclose(w.g, g(w.x))


def test_line_searches_refuse_uphill_directions():
    f, g = (lambda x: float(x @ x)), (lambda x: 2 * x)
    x = np.array([1.0])
    assert curv.wolfe()(f, g, x, np.array([1.0]), 1.0, g(x), None) is None
    assert curv.exact()(f, g, x, np.array([1.0]), 1.0, g(x), None) is None
    assert curv.armijo(max_backtracks=5)(f, g, x, np.array([1.0]), 1.0, g(x), None) is None


def test_bfgs_reports_a_failed_line_search():
    run = curv.bfgs(lambda x: float(x @ x), lambda x: -2 * x, np.array([1.0, 2.0]))
    assert run.status == "failed" and "line search" in run.reason


# --------------------------------------------------------------------------- cost


def test_memory_grows_like_n_squared_for_newton_and_like_n_for_the_others():
    for method, power in [("newton", 2), ("bfgs", 2), ("lbfgs", 1), ("gd", 1), ("adam", 1)]:
        ratio = curv.memory_floats(method, 20_000) / curv.memory_floats(method, 10_000)
        assert abs(ratio - 2**power) < 0.01 * 2**power
    A = spd(5, 1)
    f, g = quadratic(A, np.ones(5))
    run = curv.bfgs(f, g, np.zeros(5))
    assert curv.memory_floats("bfgs", 5) >= run.H.size + 2 * 5
    assert curv.memory_floats("lbfgs", 100, 7) >= 2 * 7 * 100


def test_step_seconds_gives_positive_times():
    t = curv.step_seconds(16, memory=3, repeats=1)
    assert set(t) == {"newton", "lbfgs", "gd"}
    assert all(np.isfinite(v) and v > 0 for v in t.values())
    assert set(curv.step_seconds(10_000, repeats=1, methods=["gd"])) == {"gd"}


def test_run_record_is_consistent():
    run = curv.newton(ROSEN, ROSEN.grad, curv.hessian_of("rosenbrock"), [-1.2, 1.0])
    assert run.xs.shape == (run.steps + 1, 2) == run.grads.shape
    assert run.fs.shape == run.nfev.shape == run.ngev.shape == run.nhev.shape == (run.steps + 1,)
    assert np.all(np.diff(run.nhev) == 1) and run.step_sizes.shape == (run.steps,)
    np.testing.assert_allclose(run.fs, ROSEN(run.xs))
    assert list(run.cost()) == list(run.ngev + 2 * run.nhev)
    assert "converged" in repr(run) and run.converged and not run.diverged


# --------------------------------------------------------------------------- bad input

_f, _g = (lambda x: float(x @ x)), (lambda x: 2 * x)
_h = lambda x: 2 * np.eye(2)  # noqa: E731

BAD = [
    (curv.newton, (_f, _g, _h, [1.0, 2.0]), {"steps": -1}, ValueError, "steps"),
    (curv.newton, (_f, _g, _h, [1.0, 2.0]), {"tol": 0}, ValueError, "tol"),
    (curv.newton, (_f, _g, _h, [1.0, np.nan]), {}, ValueError, "x0"),
    (curv.newton, (_f, _g, "H", [1.0, 2.0]), {}, TypeError, "hess"),
    (curv.newton, (_f, _g, _h, [[1.0, 2.0]]), {}, ValueError, "x0"),
    (curv.newton, (_f, _g, _h, [1.0, 2.0]), {"fix": "clip"}, ValueError, "fix"),
    (curv.newton, (_f, _g, _h, [1.0, 2.0]), {"line_search": "golden"}, ValueError,
     "line_search"),
    (curv.newton, (_f, _g, lambda x: np.eye(3), [1.0, 2.0]), {}, ValueError, "hess"),
    (curv.bfgs, (_f, lambda x: np.ones(3), [1.0, 2.0]), {}, ValueError, "grad"),
    (curv.bfgs, (None, _g, [1.0, 2.0]), {}, TypeError, "f"),
    (curv.bfgs, (_f, _g, [1.0, 2.0]), {"H0": np.eye(3)}, ValueError, "H0"),
    (curv.lbfgs, (_f, _g, [1.0, 2.0]), {"memory": 0}, ValueError, "memory"),
    (curv.lbfgs, (_f, _g, [1.0, 2.0]), {"memory": 2.5}, TypeError, "memory"),
    (curv.bfgs_update, (np.eye(2), [1.0, 0.0], [-1.0, 0.0]), {}, ValueError, "curvature"),
    (curv.bfgs_update, (np.eye(3), [1.0, 0.0], [1.0, 0.0]), {}, ValueError, "shape"),
    (curv.two_loop, ([1.0, 0.0], [[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]), {}, ValueError,
     "same shape"),
    (curv.two_loop, ([1.0, 0.0], [[1.0, 0.0]], [[1.0, 0.0]]), {"gamma": -1.0}, ValueError,
     "gamma"),
    (curv.armijo, (), {"c": 1.5}, ValueError, "c"),
    (curv.armijo, (), {"beta": 0.0}, ValueError, "beta"),
    (curv.wolfe, (), {"c1": 0.9, "c2": 0.1}, ValueError, "c1"),
    (curv.taylor, ([1.0, np.inf], 0.0), {}, ValueError, "derivatives"),
    (curv.hessian_of, ("banana",), {}, KeyError, "banana"),
    (curv.memory_floats, ("sgd", 10), {}, ValueError, "method"),
    (curv.memory_floats, ("gd", 0), {}, ValueError, "n"),
    (curv.newton_many, (_g, _h, [1.0, 2.0]), {}, ValueError, "x0s"),
    (curv.step_seconds, (10,), {"methods": ["adam"]}, ValueError, "methods"),
]


@pytest.mark.parametrize(("fn", "args", "kwargs", "exc", "match"), BAD,
                         ids=[f"{b[0].__name__}-{b[4]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_gets_a_clear_error(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)
