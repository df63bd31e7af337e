"""Tests for gdlib.chapters.ch04_gradient_descent (gd.fitting):
losses against hand-worked values and independent code,
gradient checks, closed-form descent, least squares, mini-batches, tables and plots."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters import ch04_gradient_descent as F

X5 = np.arange(5.0)
Y5 = 2 * X5 + 1
SIZE = np.array([50.0, 100.0, 150.0])
PRICE = np.array([100.0, 200.0, 300.0])

finite = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**31 - 1)


def lstsq_line(x, y):
    """The independent truth: numpy's least-squares solver."""
    a = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(a, y, rcond=None)[0]


def sse_loop(w, b, x, y):
    """Sum of squared errors, written as a plain Python loop."""
    total = 0.0
    for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
        total += (yi - (w * xi + b)) ** 2
    return total


# ----------------------------------------------------------------- hand-worked values


def test_sse_by_hand():
    # b = 10 predicts every point 9 too high: loss 5 * 81; dL/dw = 18 * sum(x) = 180
    assert F.sse([2.0, 10.0], X5, Y5) == pytest.approx(405.0)
    assert F.sse_grad([2.0, 10.0], X5, Y5).tolist() == pytest.approx([180.0, 90.0])
    assert F.sse([2.0, 1.0], X5, Y5) == 0.0


def test_mse_by_hand():
    assert F.mse([2.0, 10.0], X5, Y5) == pytest.approx(81.0)
    assert F.mse_grad([2.0, 10.0], X5, Y5).tolist() == pytest.approx([36.0, 18.0])


def test_intercept_sse_by_hand():
    # every residual is 1 - b: L = 5 (b - 1)^2, dL/db = 10 (b - 1)
    bs = np.array([-3.0, 0.0, 1.0, 10.0])
    assert F.intercept_sse(bs, X5, Y5, slope=2.0) == pytest.approx(5 * (bs - 1) ** 2)
    assert F.intercept_sse_grad(bs, X5, Y5, slope=2.0) == pytest.approx(10 * (bs - 1))


def test_price_mse_by_hand():
    # L(0) = (100^2 + 200^2 + 300^2) / 3; dL/dw(0) = -2/3 (50*100 + 100*200 + 150*300)
    assert F.price_mse(0.0, SIZE, PRICE) == pytest.approx(140_000 / 3)
    assert F.price_mse_grad(0.0, SIZE, PRICE) == pytest.approx(-2 / 3 * 70_000)
    assert F.price_mse(2.0, SIZE, PRICE) == pytest.approx(0.0)
    loss = F.price_loss(SIZE, PRICE)
    assert loss.minima == (pytest.approx(2.0),)
    assert loss.grad(0.0) == pytest.approx(-46_666.666666, rel=1e-9)


def test_losses_are_vectorised_over_parameter_grids():
    x, y = F.make_line_data(12, 1.5, -0.5, 0.3, seed=3)
    w, b = np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-1, 3, 3))
    grid = np.stack([w, b], axis=-1)
    vals = F.sse(grid, x, y)
    grads = F.sse_grad(grid, x, y)
    assert vals.shape == (3, 4) and grads.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            assert vals[i, j] == pytest.approx(sse_loop(w[i, j], b[i, j], x, y))
            assert grads[i, j] == pytest.approx(F.sse_grad(grid[i, j], x, y))
    bs = np.linspace(-1, 1, 5)
    assert F.intercept_sse(bs, x, y, 1.5).shape == (5,)
    assert F.price_mse(bs, np.abs(x) + 1, y).shape == (5,)


@given(w=finite, b=finite, seed=seeds)
def test_sse_matches_a_plain_loop(w, b, seed):
    x, y = F.make_line_data(7, 0.7, 2.0, 1.0, seed=seed)
    assert F.sse([w, b], x, y) == pytest.approx(sse_loop(w, b, x, y), rel=1e-12, abs=1e-12)
    assert F.mse([w, b], x, y) == pytest.approx(sse_loop(w, b, x, y) / 7, rel=1e-12, abs=1e-12)


# ----------------------------------------------------------------- gradient checks


@given(w=finite, b=finite, seed=seeds)
def test_line_gradients_pass_gradient_check(w, b, seed):
    x, y = F.make_line_data(9, -1.0, 0.5, 0.8, seed=seed)
    p = np.array([w, b])
    assert gd.check_gradient(lambda q: F.sse(q, x, y), lambda q: F.sse_grad(q, x, y), p).ok
    assert gd.check_gradient(lambda q: F.mse(q, x, y), lambda q: F.mse_grad(q, x, y), p).ok
    for kind in F.KINDS:
        loss = F.line_loss(x, y, kind=kind)
        assert gd.check_gradient(loss, loss.grad, p).ok


@given(v=finite, seed=seeds)
def test_one_parameter_gradients_pass_gradient_check(v, seed):
    x, y = F.make_line_data(6, 3.0, -2.0, 0.5, seed=seed)
    ib = F.intercept_loss(x, y, slope=3.0)
    assert gd.check_gradient(ib, ib.grad, v).ok
    assert gd.check_gradient(lambda b: F.intercept_sse(b, x, y, 3.0),
                             lambda b: F.intercept_sse_grad(b, x, y, 3.0), v).ok
    size = np.abs(x) + 0.5
    pl = F.price_loss(size, y)
    assert gd.check_gradient(pl, pl.grad, v).ok


def test_a_wrong_gradient_fails_the_check():
    """The checks above have teeth: a gradient off by a factor is caught."""
    loss = F.line_loss(X5, Y5)
    assert not gd.check_gradient(loss, lambda p: 2 * loss.grad(p), np.array([0.5, 3.0])).ok


# ----------------------------------------------------------------- least squares


@given(seed=seeds, n=st.integers(3, 60), kind=st.sampled_from(F.KINDS))
def test_line_loss_minimum_is_the_least_squares_line(seed, n, kind):
    x, y = F.make_line_data(n, -0.4, 3.0, 2.0, seed=seed)
    loss = F.line_loss(x, y, kind=kind)
    assert np.allclose(loss.minima[0], lstsq_line(x, y), atol=1e-8)
    assert np.allclose(loss.grad(np.array(loss.minima[0])), 0.0, atol=1e-8)


def test_descent_converges_to_lstsq():
    x, y = F.make_line_data(40, 2.0, 1.0, 1.0, seed=4, xlim=(-1.0, 3.0))
    loss = F.line_loss(x, y)
    run = gd.descend(loss.grad, [-1.0, 5.0], lr=0.1, steps=5000, tol=1e-10, f=loss)
    assert run.converged
    assert np.allclose(run.x, lstsq_line(x, y), atol=1e-9)


def test_one_parameter_minima_by_formula():
    x, y = F.make_line_data(25, 1.2, 0.3, 0.7, seed=11)
    # best intercept for a known slope: least squares of y - slope x on a column of ones
    b_ls = np.linalg.lstsq(np.ones((25, 1)), y - 1.2 * x, rcond=None)[0][0]
    assert F.intercept_loss(x, y, 1.2).minima[0] == pytest.approx(b_ls)
    size = np.abs(x) + 1
    w_ls = np.linalg.lstsq(size[:, None], y, rcond=None)[0][0]
    assert F.price_loss(size, y).minima[0] == pytest.approx(w_ls)


# ----------------------------------------------------------------- closed forms


def test_intercept_descent_closed_form():
    # dL/db = 10 (b - 1), so b_{k+1} - 1 = (1 - 10 lr)(b_k - 1): b_k = 1 + 9 * 0.9**k
    loss = F.intercept_loss(X5, Y5, slope=2.0)
    run = gd.descend(loss.grad, 10.0, lr=0.01, steps=30, f=loss)
    k = np.arange(31)
    assert np.allclose(run.xs, 1 + 9 * 0.9**k, rtol=0, atol=1e-12)
    assert np.allclose(run.losses, 405 * 0.81**k, rtol=1e-12)
    assert run.x == pytest.approx(1.3815, abs=5e-5)
    assert run.loss == pytest.approx(5 * (9 * 0.9**30) ** 2)


@given(lr=st.floats(0.001, 0.19))
def test_intercept_descent_closed_form_any_stable_rate(lr):
    loss = F.intercept_loss(X5, Y5, slope=2.0)
    run = gd.descend(loss.grad, 10.0, lr=lr, steps=20)
    assert np.allclose(run.xs, 1 + 9 * (1 - 10 * lr) ** np.arange(21), atol=1e-10)


def test_price_descent_closed_form():
    # dL/dw = -2/3 (70000 - 35000 w): w_{k+1} - 2 = (1 - lr * 70000 / 3)(w_k - 2)
    loss = F.price_loss(SIZE, PRICE)
    lr = 1e-5
    run = gd.descend(loss.grad, 0.0, lr=lr, steps=40)
    factor = 1 - lr * 70_000 / 3
    assert run.xs[1] == pytest.approx(0.466666666667)
    assert np.allclose(run.xs, 2 - 2 * factor ** np.arange(41), atol=1e-12)


# ----------------------------------------------------------------- data


def test_make_line_data_exact_deterministic_sorted():
    x, y = F.make_line_data(50, -3.0, 4.0, 0.0, seed=1, xlim=(-2.0, 5.0))
    assert np.allclose(y, -3 * x + 4)
    assert np.all(np.diff(x) >= 0) and x.min() >= -2 and x.max() <= 5
    x2, y2 = F.make_line_data(50, -3.0, 4.0, 0.0, seed=1, xlim=(-2.0, 5.0))
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    x3, _ = F.make_line_data(50, -3.0, 4.0, 0.0, seed=2, xlim=(-2.0, 5.0))
    assert not np.array_equal(x, x3)


def test_make_line_data_noise_level():
    x, y = F.make_line_data(20_000, 1.0, 0.0, 0.5, seed=0)
    resid = y - x
    assert abs(resid.mean()) < 0.02
    assert resid.std() == pytest.approx(0.5, rel=0.03)


def test_make_line_data_accepts_a_generator():
    rng = np.random.default_rng(5)
    a = F.make_line_data(4, 1.0, 1.0, 1.0, seed=rng)
    b = F.make_line_data(4, 1.0, 1.0, 1.0, seed=rng)  # the generator has moved on
    assert not np.array_equal(a[0], b[0])


# ----------------------------------------------------------------- mini-batches


@given(n=st.integers(2, 30), batch=st.integers(1, 40), seed=seeds)
def test_every_epoch_uses_every_point_once(n, batch, seed):
    x, y = F.make_line_data(n, 1.0, 0.0, 1.0, seed=seed)
    g = F.minibatch_grad(x, y, batch, np.random.default_rng(seed))
    m = min(batch, n)
    per_epoch = math.ceil(n / m)
    for _ in range(2 * per_epoch):
        g(np.zeros(2))
    assert g.epochs == pytest.approx(2.0)
    for e in range(2):
        used = np.concatenate(g.batches[e * per_epoch : (e + 1) * per_epoch])
        assert sorted(used.tolist()) == list(range(n))
    assert all(len(b) <= m for b in g.batches)


@given(seed=seeds, w=finite, b=finite, divisor=st.sampled_from([1, 2, 3, 4, 6, 12]))
def test_minibatch_gradients_average_to_the_full_gradient(seed, w, b, divisor):
    """Over one epoch of equal batches, the mean of the batch gradients is the full one."""
    x, y = F.make_line_data(12, -2.0, 1.0, 1.0, seed=seed)
    p = np.array([w, b])
    for kind, full in (("mse", F.mse_grad), ("sse", F.sse_grad)):
        g = F.minibatch_grad(x, y, divisor, np.random.default_rng(seed), kind=kind)
        mean = np.mean([g(p) for _ in range(12 // divisor)], axis=0)
        assert np.allclose(mean, full(p, x, y), rtol=1e-10, atol=1e-9)


def test_full_batch_equals_plain_descent_exactly():
    x, y = F.make_line_data(20, 2.0, 1.0, 1.0, seed=8)
    loss = F.line_loss(x, y)
    plain = gd.descend(loss.grad, [0.0, 0.0], lr=0.1, steps=50, f=loss)
    full = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.1, steps=50, batch_size=20, seed=0)
    assert np.array_equal(plain.xs, full.xs)
    assert np.allclose(plain.losses, full.losses, rtol=1e-14)
    big = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.1, steps=50, batch_size=500, seed=0)
    assert np.array_equal(plain.xs, big.xs)


def test_stochastic_runs_are_seeded():
    x, y = F.make_line_data(30, 2.0, 1.0, 1.0, seed=8)
    a = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.05, steps=40, batch_size=3, seed=1)
    b = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.05, steps=40, batch_size=3, seed=1)
    c = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.05, steps=40, batch_size=3, seed=2)
    assert np.array_equal(a.xs, b.xs)
    assert not np.array_equal(a.xs, c.xs)
    assert isinstance(a, gd.Run) and a.losses.shape == (41,)
    # the recorded losses are full-data losses at the iterates
    assert np.allclose(a.losses, F.mse(a.xs, x, y))


def test_sgd_with_decaying_rate_approaches_least_squares():
    """Robbins-Monro: with a shrinking learning rate, SGD closes in on the solution."""
    x, y = F.make_line_data(40, 2.0, 1.0, 1.0, seed=4, xlim=(-1.0, 3.0))
    best = lstsq_line(x, y)
    const = F.stochastic_descend(x, y, [0.0, 0.0], lr=0.1, steps=4000, batch_size=1, seed=3)
    decay = F.stochastic_descend(x, y, [0.0, 0.0], lr=lambda k: 0.1 / (1 + k / 100),
                                 steps=4000, batch_size=1, seed=3)
    d_const = np.linalg.norm(const.xs[-500:] - best, axis=1).mean()
    d_decay = np.linalg.norm(decay.xs[-500:] - best, axis=1).mean()
    assert d_decay < 0.1
    assert d_decay < d_const / 2


# ----------------------------------------------------------------- tables


def test_iteration_table_matches_the_closed_form():
    par = gd.get_function("parabola")
    run = gd.descend(par.grad, 0.0, lr=0.1, steps=12, f=par)
    rows = F.iteration_table(run, n=10)
    assert [r["k"] for r in rows] == list(range(10))
    for r in rows:
        k = r["k"]
        xk = 2 - 2 * 0.8**k
        assert r["x"] == pytest.approx(xk)
        assert r["f"] == pytest.approx((xk - 2) ** 2 + 1)
        assert r["grad"] == pytest.approx(2 * xk - 4)
        assert r["step"] == pytest.approx(-0.1 * (2 * xk - 4))
        assert r["x_next"] == pytest.approx(2 - 2 * 0.8 ** (k + 1))
    assert len(F.iteration_table(run, n=100)) == 12
    late = F.iteration_table(run, n=2, start=10)
    assert [r["k"] for r in late] == [10, 11]


def test_iteration_table_with_explicit_gradient_and_vectors():
    bowl = gd.get_function("bowl")
    run = gd.descend(bowl.grad, [4.0, 3.0], lr=0.1, steps=3)
    rows = F.iteration_table(run, grad=lambda p: np.zeros(2), n=2)
    assert "f" not in rows[0]
    assert np.array_equal(rows[0]["grad"], [0.0, 0.0])
    assert rows[0]["x_next"] == pytest.approx([3.2, 1.8])
    assert rows[1]["step"] == pytest.approx([-0.64, -0.72])


def test_format_table():
    rows = [{"k": 0, "x": 0.5, "v": np.array([1.0, -2.0])},
            {"k": 1, "x": 0.25, "v": np.array([0.5, 0.0])}]
    text = F.format_table(rows, fmt="{:.2f}", names={"x": "x_k"})
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].split() == ["k", "x_k", "v"]
    assert "(1.00, -2.00)" in lines[1] and lines[2].split()[:2] == ["1", "0.25"]
    assert len({len(line) for line in lines}) == 1  # aligned columns


# ----------------------------------------------------------------- plots


def test_epoch_grid_panels():
    par = gd.get_function("shifted_parabola")
    run = gd.descend(par.grad, 5.0, lr=0.1, steps=12)
    fig, axes = F.epoch_grid(par, run, nrows=4, ncols=3, xlim=(-10, 6), minimum=-2.5)
    assert axes.shape == (4, 3)
    titles = [ax.get_title() for ax in axes.flat]
    assert titles[0] == f"step 1: x = {5 - 0.1 * 15:.3f}"
    assert titles[-1].startswith("step 12:")
    fig2, axes2 = F.epoch_grid(par, run, nrows=1, ncols=2, xlim=(-10, 6), first=11)
    assert [ax.get_title()[:7] for ax in axes2.flat] == ["step 11", "step 12"]
    assert isinstance(gd.show(fig, alt="grid"), gd.plotting.FigureImage)


# ----------------------------------------------------------------- bad input


def _run1d():
    return gd.descend(lambda x: 2 * x, 1.0, lr=0.1, steps=3)


def _run2d():
    return gd.descend(lambda p: 2 * p, np.ones(2), lr=0.1, steps=3)


BAD = [
    (lambda: F.make_line_data(1, 1.0, 0.0, 0.0, seed=0), ValueError, "n must"),
    (lambda: F.make_line_data(5.0, 1.0, 0.0, 0.0, seed=0), TypeError, "n must"),
    (lambda: F.make_line_data(5, "1", 0.0, 0.0, seed=0), TypeError, "slope"),
    (lambda: F.make_line_data(5, 1.0, np.nan, 0.0, seed=0), ValueError, "intercept"),
    (lambda: F.make_line_data(5, 1.0, 0.0, -1.0, seed=0), ValueError, "noise"),
    (lambda: F.make_line_data(5, 1.0, 0.0, 1.0, seed=1.5), TypeError, "seed"),
    (lambda: F.make_line_data(5, 1.0, 0.0, 1.0, seed=0, xlim=(1, 1)), ValueError, "xlim"),
    (lambda: F.sse([1.0, 2.0, 3.0], X5, Y5), ValueError, "params"),
    (lambda: F.sse(1.0, X5, Y5), ValueError, "params"),
    (lambda: F.sse([1.0, 2.0], X5, Y5[:3]), ValueError, "y must"),
    (lambda: F.mse_grad([1.0, 2.0], [[1.0]], [[1.0]]), ValueError, "x must"),
    (lambda: F.sse_grad([1.0, 2.0], [1.0, np.inf], [1.0, 2.0]), ValueError, "x must"),
    (lambda: F.intercept_sse(0.0, X5, Y5, slope=None), TypeError, "slope"),
    (lambda: F.price_mse(0.0, SIZE, PRICE[:2]), ValueError, "price"),
    (lambda: F.price_loss(np.zeros(3), PRICE), ValueError, "size"),
    (lambda: F.line_loss(X5, Y5, kind="mae"), ValueError, "kind"),
    (lambda: F.line_loss(np.ones(4), np.arange(4.0)), ValueError, "x must"),
    (lambda: F.minibatch_grad(X5, Y5, 0, np.random.default_rng(0)), ValueError, "batch_size"),
    (lambda: F.minibatch_grad(X5, Y5, 2.5, np.random.default_rng(0)), TypeError, "batch_size"),
    (lambda: F.minibatch_grad(X5, Y5, 2, 0), TypeError, "rng"),
    (lambda: F.stochastic_descend(X5, Y5, [0.0], lr=0.1, steps=3, batch_size=1, seed=0),
     ValueError, "params"),
    (lambda: F.stochastic_descend(X5, Y5, [0.0, np.nan], lr=0.1, steps=3, batch_size=1, seed=0),
     ValueError, "params0"),
    (lambda: F.stochastic_descend(X5, Y5, [0.0, 0.0], lr=-1.0, steps=3, batch_size=1, seed=0),
     ValueError, "lr"),
    (lambda: F.stochastic_descend(X5, Y5, [0.0, 0.0], lr=0.1, steps=3, batch_size=1, seed="a"),
     TypeError, "seed"),
    (lambda: F.iteration_table("run"), TypeError, "run"),
    (lambda: F.iteration_table(_run1d(), grad=3), TypeError, "grad"),
    (lambda: F.iteration_table(_run1d(), n=-1), ValueError, "n must"),
    (lambda: F.iteration_table(_run1d(), start=3), ValueError, "start"),
    (lambda: F.format_table([]), ValueError, "rows"),
    (lambda: F.format_table([{"x": 1.0}], fmt="{:q}"), ValueError, "fmt"),
    (lambda: F.epoch_grid(3, _run1d(), xlim=(0, 1)), TypeError, "f must"),
    (lambda: F.epoch_grid(np.sin, "run", xlim=(0, 1)), TypeError, "run"),
    (lambda: F.epoch_grid(np.sin, _run2d(), xlim=(0, 1)), ValueError, "run must"),
    (lambda: F.epoch_grid(np.sin, _run1d(), nrows=2, ncols=2, xlim=(0, 1)), ValueError, "nrows"),
    (lambda: F.epoch_grid(np.sin, _run1d(), nrows=0, ncols=2, xlim=(0, 1)), ValueError, "nrows"),
    (lambda: F.epoch_grid(np.sin, _run1d(), nrows=1, ncols=1, xlim=(0, 1), first=0),
     ValueError, "first"),
    (lambda: F.epoch_grid(np.sin, _run1d(), nrows=1, ncols=1, xlim=(1, 0)), ValueError, "xlim"),
    (lambda: F.epoch_grid(np.sin, _run1d(), nrows=1, ncols=1, xlim=(0, 1), minimum="a"),
     TypeError, "minimum"),
]


@pytest.mark.parametrize(("call", "exc", "match"), BAD)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
