"""Tests for gdlib.chapters.ch05_learning_rate (gd.schedules):
schedules against PyTorch's documented formulas (written out
independently here, closed and recursive forms), the Armijo line search, the closed-form
step count against gd.sweep and a plain loop, the sweep plot, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters import ch05_learning_rate as S
from gdlib.plotting import figure

EPS = np.finfo(float).eps

# ----------------------------------------------------------------------------------------
# Reference formulas, from the PyTorch documentation of torch.optim.lr_scheduler
# (written here from the documented definitions, not from gdlib).


def torch_steplr(base_lr, step_size, gamma, epoch):
    # StepLR: "Decays the learning rate of each parameter group by gamma every step_size
    # epochs": lr = base_lr * gamma ** (epoch // step_size)
    return base_lr * gamma ** (epoch // step_size)


def torch_steplr_recursive(base_lr, step_size, gamma, n):
    lrs, lr = [], base_lr
    for epoch in range(n):
        if epoch > 0 and epoch % step_size == 0:
            lr *= gamma
        lrs.append(lr)
    return lrs


def torch_exponentiallr_recursive(base_lr, gamma, n):
    lrs, lr = [], base_lr
    for epoch in range(n):
        if epoch > 0:
            lr *= gamma
        lrs.append(lr)
    return lrs


def torch_cosine_closed(base_lr, eta_min, t_max, t):
    # CosineAnnealingLR: eta_t = eta_min + (eta_max - eta_min) (1 + cos(T_cur pi / T_max)) / 2
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2


def torch_cosine_recursive(base_lr, eta_min, t_max, n):
    # the documented recursion:
    # eta_{t+1} = eta_min + (eta_t - eta_min) (1 + cos(pi (T_cur + 1) / T_max))
    #                                        / (1 + cos(pi T_cur / T_max))
    lrs, lr = [base_lr], base_lr
    for t in range(n - 1):
        lr = eta_min + (lr - eta_min) * (1 + math.cos(math.pi * (t + 1) / t_max)) / (
            1 + math.cos(math.pi * t / t_max)
        )
        lrs.append(lr)
    return lrs


def torch_linearlr(base_lr, start_factor, end_factor, total_iters, t):
    # LinearLR closed form
    return base_lr * (
        start_factor + (end_factor - start_factor) * min(total_iters, t) / total_iters
    )


def torch_linearlr_recursive(base_lr, start_factor, end_factor, total_iters, n):
    # LinearLR's chainable form: multiply by
    # 1 + (end - start) / (total_iters * start + (t - 1) * (end - start))
    lrs, lr = [base_lr * start_factor], base_lr * start_factor
    for t in range(1, n):
        if t <= total_iters:
            lr *= 1 + (end_factor - start_factor) / (
                total_iters * start_factor + (t - 1) * (end_factor - start_factor)
            )
        lrs.append(lr)
    return lrs


# ----------------------------------------------------------------------------------------
# Schedules: exact values


def test_constant():
    s = S.constant(0.3)
    assert s(0) == 0.3 and s(10**6) == 0.3
    assert np.array_equal(s(np.arange(4)), np.full(4, 0.3))


def test_step_decay_hand_values():
    s = S.step_decay(0.8, drop=0.5, every=3)
    assert [s(k) for k in range(8)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]


@pytest.mark.parametrize("lr0,every,drop", [(0.1, 1, 0.9), (0.5, 7, 0.5), (2.0, 30, 0.1)])
def test_step_decay_matches_torch_steplr(lr0, every, drop):
    s = S.step_decay(lr0, drop=drop, every=every)
    n = 100
    ours = s(np.arange(n))
    closed = [torch_steplr(lr0, every, drop, t) for t in range(n)]
    recursive = torch_steplr_recursive(lr0, every, drop, n)
    np.testing.assert_allclose(ours, closed, rtol=1e-12)
    np.testing.assert_allclose(ours, recursive, rtol=1e-10)


@pytest.mark.parametrize("lr0,gamma", [(0.1, 0.9), (1.0, 0.99), (0.05, 1.0)])
def test_exponential_matches_torch_exponentiallr(lr0, gamma):
    s = S.exponential(lr0, gamma)
    n = 200
    np.testing.assert_allclose(s(np.arange(n)), torch_exponentiallr_recursive(lr0, gamma, n),
                               rtol=1e-10)


@pytest.mark.parametrize("lr0,total,lr_min", [(0.1, 50, 0.0), (1.0, 7, 0.1), (0.3, 200, 0.01)])
def test_cosine_matches_torch_cosineannealing(lr0, total, lr_min):
    s = S.cosine(lr0, total, lr_min)
    k = np.arange(total + 1)
    closed = [torch_cosine_closed(lr0, lr_min, total, t) for t in k]
    recursive = torch_cosine_recursive(lr0, lr_min, total, total + 1)
    np.testing.assert_allclose(s(k), closed, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(s(k), recursive, rtol=1e-9, atol=1e-14)
    # held at lr_min after the end
    assert s(total + 5) == pytest.approx(lr_min, abs=1e-15)


def test_cosine_hand_values():
    s = S.cosine(2.0, total=4)
    # cos(0), cos(pi/4), cos(pi/2), cos(3pi/4), cos(pi)
    expected = [2.0, 1 + math.sqrt(0.5), 1.0, 1 - math.sqrt(0.5), 0.0]
    np.testing.assert_allclose(s(np.arange(5)), expected, atol=1e-15)


@pytest.mark.parametrize("lr0,warmup,total,lr_min", [(0.1, 5, 50, 0.0), (1.0, 2, 9, 0.2),
                                                     (0.05, 20, 21, 0.0)])
def test_warmup_cosine_matches_torch_linear_then_cosine(lr0, warmup, total, lr_min):
    s = S.warmup_cosine(lr0, warmup, total, lr_min)
    start, iters = 1 / warmup, warmup - 1
    for t in range(warmup):  # LinearLR phase
        assert s(t) == pytest.approx(torch_linearlr(lr0, start, 1.0, iters, t), rel=1e-12)
    rec = torch_linearlr_recursive(lr0, start, 1.0, iters, warmup)
    np.testing.assert_allclose(s(np.arange(warmup)), rec, rtol=1e-10)
    for t in range(warmup, total + 1):  # then CosineAnnealingLR(T_max = total - warmup)
        ref = torch_cosine_closed(lr0, lr_min, total - warmup, t - warmup)
        assert s(t) == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_warmup_cosine_hand_values_and_zero_warmup():
    s = S.warmup_cosine(1.0, warmup=4, total=8)
    np.testing.assert_allclose(s(np.arange(4)), [0.25, 0.5, 0.75, 1.0])
    assert s(4) == 1.0 and s(6) == pytest.approx(0.5) and s(8) == pytest.approx(0.0, abs=1e-15)
    plain = S.cosine(0.7, 30, 0.01)
    no_warm = S.warmup_cosine(0.7, 0, 30, 0.01)
    np.testing.assert_allclose(no_warm(np.arange(40)), plain(np.arange(40)), rtol=1e-14)


# ----------------------------------------------------------------------------------------
# Schedules: properties

lr0s = st.floats(1e-4, 10.0)
totals = st.integers(1, 500)


@given(lr0=lr0s, drop=st.floats(0.5, 1.0), every=st.integers(1, 50), k=st.integers(0, 1000))
def test_step_decay_property(lr0, drop, every, k):
    s = S.step_decay(lr0, drop, every)
    assert 0 < s(k) <= lr0
    assert s(k + 1) <= s(k)
    assert s(k) == pytest.approx(lr0 * drop ** (k // every), rel=1e-12)


@given(lr0=lr0s, total=totals, frac=st.floats(0.0, 0.99), data=st.data())
def test_cosine_and_warmup_properties(lr0, total, frac, data):
    lr_min = frac * lr0
    s = S.cosine(lr0, total, lr_min)
    k = np.arange(total + 3)
    v = s(k)
    assert np.all(np.diff(v) <= 1e-15 * lr0)  # never increases
    assert np.all((v >= lr_min - 1e-15) & (v <= lr0 * (1 + 1e-15)))
    assert np.all(v[:total] > 0)  # usable by descend for total steps, even with lr_min = 0
    warmup = data.draw(st.integers(0, total - 1))
    w = S.warmup_cosine(lr0, warmup, total, lr_min)(k)
    peak = max(warmup - 1, 0)
    assert np.all(np.diff(w[: peak + 1]) > 0)  # rises during the warm-up
    assert np.all(np.diff(w[peak:]) <= 1e-15 * lr0)  # then never rises
    assert w[peak] == pytest.approx(lr0)
    assert np.all(w[:total] > 0)


@given(lr0=lr0s, gamma=st.floats(0.5, 1.0), ks=st.lists(st.integers(0, 300), min_size=1,
                                                        max_size=20))
def test_array_call_equals_scalar_calls(lr0, gamma, ks):
    for s in (S.exponential(lr0, gamma), S.step_decay(lr0, gamma, 7), S.cosine(lr0, 100),
              S.warmup_cosine(lr0, 10, 100, 0.1 * lr0), S.constant(lr0)):
        arr = s(np.array(ks))
        assert arr.shape == (len(ks),)
        assert all(isinstance(s(k), float) for k in ks)
        # pow and cos run as SIMD kernels on the array and scalar ones per step: each is
        # within ~4 ulps on every CPU, so the two agree to 8 ulps of lr0 (the scale of
        # every value: lr0 times a factor in [0, 1]).
        np.testing.assert_allclose(arr, [s(k) for k in ks], rtol=0, atol=8 * EPS * lr0)


def test_schedule_drives_descend_like_a_hand_loop():
    s = S.warmup_cosine(0.4, warmup=3, total=12)
    run = gd.descend(lambda x: 2 * x, 5.0, lr=s, steps=12)
    x, xs = 5.0, [5.0]
    for k in range(12):
        lr = 0.4 * (k + 1) / 3 if k < 3 else 0.2 * (1 + math.cos(math.pi * (k - 3) / 9))
        x = x - lr * 2 * x
        xs.append(x)
    np.testing.assert_allclose(run.xs, xs, rtol=1e-12)


def test_cosine_past_total_with_zero_floor_is_refused_by_descend():
    with pytest.raises(ValueError, match="lr"):
        gd.descend(lambda x: 2 * x, 1.0, lr=S.cosine(0.1, total=5), steps=6)


def test_repr_and_labels():
    assert repr(S.step_decay(0.1, 0.5, 10)) == "step_decay(lr0=0.1, drop=0.5, every=10)"
    assert repr(S.warmup_cosine(0.1, 2, 10)) == (
        "warmup_cosine(lr0=0.1, warmup=2, total=10, lr_min=0)"
    )
    labels = {S.constant(0.1).label, S.step_decay(0.1, 0.5, 10).label,
              S.exponential(0.1, 0.9).label, S.cosine(0.1, 10).label,
              S.warmup_cosine(0.1, 2, 10).label}
    assert len(labels) == 5


# ----------------------------------------------------------------------------------------
# Backtracking line search


def _check_armijo(f, run, ls):
    t = ls.step_sizes
    assert len(t) == run.steps
    fx = np.array([f(x) for x in run.xs])
    gg = np.sum(run.grads[:-1].reshape(run.steps, -1) ** 2, axis=1)
    # the Armijo condition on every accepted step, recomputed here
    assert np.all(fx[1:] <= fx[:-1] - ls.c * t * gg)
    # and each accepted step is the first tried: one step longer would have failed
    for k in np.flatnonzero(t < ls.lr0):
        longer = t[k] / ls.beta
        x = run.xs[k] - longer * run.grads[k]
        assert f(x) > fx[k] - ls.c * longer * gg[k]


def test_backtracking_first_step_on_square():
    ls = S.Backtracking(lambda x: x**2, lr0=1.0, beta=0.5, c=1e-4)
    run = gd.descend(lambda x: 2 * x, 10.0, optimizer=ls, steps=1)
    # t = 1 gives x = -10 (f unchanged, no sufficient decrease), t = 0.5 gives x = 0
    assert ls.step_sizes.tolist() == [0.5]
    assert run.xs.tolist() == [10.0, 0.0]
    assert ls.evaluations == 3  # f(10), f(-10), f(0)


def test_backtracking_on_rosenbrock_keeps_armijo():
    rosen = gd.get_function("rosenbrock")
    ls = S.Backtracking(rosen, lr0=0.1, beta=0.5, c=1e-4)
    run = gd.descend(rosen.grad, np.array([-1.5, 2.0]), optimizer=ls, steps=300, f=rosen)
    _check_armijo(rosen, run, ls)
    assert np.all(np.diff(run.losses) < 0)
    assert run.loss < rosen(np.array([-1.5, 2.0]))


@given(
    curv=st.lists(st.floats(0.01, 100.0), min_size=1, max_size=4),
    seed=st.integers(0, 10**6),
    lr0=st.floats(0.01, 10.0),
    beta=st.floats(0.1, 0.9),
    c=st.floats(1e-4, 0.5),
)
def test_backtracking_never_increases_f_on_quadratics(curv, seed, lr0, beta, c):
    d = np.array(curv)
    x0 = np.random.default_rng(seed).uniform(-5, 5, size=d.size)

    def f(x):
        return 0.5 * float(np.sum(d * x * x))

    def grad(x):
        return d * x

    ls = S.Backtracking(f, lr0=lr0, beta=beta, c=c)
    run = gd.descend(grad, x0, optimizer=ls, steps=30, f=f)
    assert run.status != "diverged"
    assert np.all(np.diff(run.losses) <= 0)
    _check_armijo(f, run, ls)


def test_backtracking_gradient_check_of_its_test_quadratic():
    d = np.array([1.0, 25.0])
    check = gd.check_gradient(lambda x: 0.5 * np.sum(d * x * x), lambda x: d * x,
                              np.array([0.3, -1.2]))
    assert check.ok


def test_backtracking_reuses_f_and_resets():
    f = gd.get_function("elongated_bowl")
    ls = S.Backtracking(f, lr0=0.05)  # 0.05 < 2/25: accepted at once every step
    gd.descend(f.grad, np.array([1.0, 1.0]), optimizer=ls, steps=10)
    assert ls.evaluations == 11  # f(x0) once, then one trial per step
    assert np.all(ls.step_sizes == 0.05)
    gd.descend(f.grad, np.array([1.0, 1.0]), optimizer=ls, steps=2)
    assert len(ls.step_sizes) == 2 and ls.evaluations == 3


def test_backtracking_wrong_gradient_raises():
    ls = S.Backtracking(lambda x: x**2, max_backtracks=20)
    with pytest.raises(RuntimeError, match="gradient"):
        gd.descend(lambda x: -2 * x, 3.0, optimizer=ls, steps=5)


def test_backtracking_repr():
    assert repr(S.Backtracking(abs, lr0=2, beta=0.25, c=0.1)) == (
        "Backtracking(lr0=2, beta=0.25, c=0.1, max_backtracks=60)"
    )


# ----------------------------------------------------------------------------------------
# Closed-form step counts


def loop_count(lr, L, x0, tol, cap=100_000):
    """Independent: iterate x <- x - lr L x in plain Python, count until |L x| < tol."""
    x = x0
    for k in range(cap + 1):
        if abs(L * x) < tol:
            return k
        if abs(L * x) > 1e12 * (1 + abs(L * x0)):
            return -1
        x = x - lr * L * x
    return -1


@pytest.mark.parametrize(
    "lr,L,x0,tol,expected",
    [
        (0.5, 2.0, 10.0, 1e-6, 1),  # lr = 1/L: one step
        (0.25, 2.0, 8.0, 1e-6, 24),  # 16 * 0.5^k < 1e-6: 0.5^23 = 1.19e-7, 0.5^24 = 5.96e-8
        (0.75, 2.0, 8.0, 1e-6, 24),  # same |r| = 0.5, oscillating
        (1.0, 2.0, 10.0, 1e-6, -1),  # lr = 2/L: bounces for ever
        (1.1, 2.0, 10.0, 1e-6, -1),  # diverges
        (0.1, 2.0, 1e-8, 1e-6, 0),  # already converged
    ],
)
def test_closed_form_hand_values(lr, L, x0, tol, expected):
    assert S.steps_to_converge_closed_form(lr, L, x0, tol) == expected


@given(
    L=st.floats(0.1, 50.0),
    x0=st.floats(-100.0, 100.0).filter(lambda v: abs(v) > 1e-3),
    frac=st.floats(0.02, 1.98),
    tol=st.sampled_from([1e-3, 1e-6, 1e-9]),
)
def test_closed_form_matches_loop_in_both_regimes(L, x0, frac, tol):
    lr = frac / L  # frac < 1: monotone regime; 1 < frac < 2: oscillating regime
    r = abs(1 - lr * L)
    g0 = abs(L * x0)
    if g0 >= tol and 0 < r < 1:
        ratio = math.log(tol / g0) / math.log(r)
        if abs(ratio - round(ratio)) < 1e-6:
            return  # on a whole-number boundary rounding decides; covered by hand values
    assert S.steps_to_converge_closed_form(lr, L, x0, tol) == loop_count(lr, L, x0, tol)


@pytest.mark.parametrize("L", [2.0, 0.5, 25.0])
def test_closed_form_matches_sweep_across_1_over_L_and_2_over_L(L):
    lrs = np.linspace(0.02, 2.2, 997) / L  # below 1/L, between 1/L and 2/L, above 2/L
    x0, tol = 3.0, 1e-6
    s = gd.sweep(lambda x: L * x, x0, lr=lrs, steps=3000, tol=tol, keep_path=False)
    cf = S.steps_to_converge_closed_form(lrs, L, x0, tol)
    ratio = np.log(tol / (L * x0)) / np.log(np.abs(1 - lrs * L))
    # away from whole-number boundaries, and within the sweep's 3000 steps
    fine = (np.abs(ratio - np.round(ratio)) > 1e-6) & (cf <= 3000)
    below, between, above = lrs < 1 / L, (lrs > 1 / L) & (lrs < 2 / L), lrs > 2 / L
    for region in (below, between):
        assert (region & fine).sum() > 100
        np.testing.assert_array_equal(cf[region & fine], s.converged_at[region & fine])
    assert np.all(cf[above] == -1) and np.all(s.converged_at[above] == -1)
    assert np.all(s.status[above & (lrs > 2.1 / L)] == "diverged")
    # symmetric about 1/L: lr and 2/L - lr give the same |1 - lr L|
    mirror = S.steps_to_converge_closed_form(2 / L - lrs[below], L, x0, tol)
    np.testing.assert_array_equal(mirror[fine[below]], cf[below][fine[below]])


def test_closed_form_broadcasts():
    out = S.steps_to_converge_closed_form(np.array([[0.1], [0.2]]), np.array([1.0, 2.0]), 1.0,
                                          1e-3)
    assert out.shape == (2, 2)
    assert out[0, 0] == loop_count(0.1, 1.0, 1.0, 1e-3)
    assert out[1, 1] == loop_count(0.2, 2.0, 1.0, 1e-3)


# ----------------------------------------------------------------------------------------
# plot_sweep


def test_plot_sweep_draws_points_thresholds_and_closed_form():
    fig, ax = figure()
    lrs = np.linspace(0.05, 1.2, 60)
    counts = S.steps_to_converge_closed_form(lrs, 2.0, 10.0, 1e-6)
    S.plot_sweep(ax, lrs, counts, L=2.0, closed_form=counts)
    assert ax.get_yscale() == "log"
    points = ax.lines[0]
    assert len(points.get_xdata()) == int(np.sum(counts > 0))
    vlines = sorted(line.get_xdata()[0] for line in ax.lines[2:])
    assert vlines == pytest.approx([0.5, 1.0])
    assert len(ax.patches) == 1  # the shaded divergent region
    assert ax.get_xlabel() == "learning rate"


# ----------------------------------------------------------------------------------------
# Bad input: every error names the argument

BAD = [
    (lambda: S.constant(0), ValueError, "lr"),
    (lambda: S.constant(-0.1), ValueError, "lr"),
    (lambda: S.constant("0.1"), TypeError, "lr"),
    (lambda: S.step_decay(0, 0.5, 10), ValueError, "lr0"),
    (lambda: S.step_decay(0.1, 0, 10), ValueError, "drop"),
    (lambda: S.step_decay(0.1, 1.5, 10), ValueError, "drop"),
    (lambda: S.step_decay(0.1, 0.5, 0), ValueError, "every"),
    (lambda: S.step_decay(0.1, 0.5, 2.5), TypeError, "every"),
    (lambda: S.exponential(-1, 0.9), ValueError, "lr0"),
    (lambda: S.exponential(0.1, 0), ValueError, "gamma"),
    (lambda: S.exponential(0.1, -0.5), ValueError, "gamma"),
    (lambda: S.exponential(0.1, 1.01), ValueError, "gamma"),
    (lambda: S.exponential(float("nan"), 0.9), ValueError, "lr0"),
    (lambda: S.cosine(0.1, 0), ValueError, "total"),
    (lambda: S.cosine(0.1, -5), ValueError, "total"),
    (lambda: S.cosine(0.1, 10, lr_min=-0.01), ValueError, "lr_min"),
    (lambda: S.cosine(0.1, 10, lr_min=0.2), ValueError, "lr_min"),
    (lambda: S.cosine(0.1, 10, lr_min="0"), TypeError, "lr_min"),
    (lambda: S.warmup_cosine(0.1, 20, 10), ValueError, "warmup"),
    (lambda: S.warmup_cosine(0.1, 10, 10), ValueError, "warmup"),
    (lambda: S.warmup_cosine(0.1, -1, 10), ValueError, "warmup"),
    (lambda: S.warmup_cosine(0.1, 2, 0), ValueError, "total"),
    (lambda: S.warmup_cosine(0, 2, 10), ValueError, "lr0"),
    (lambda: S.constant(0.1)(-1), ValueError, "k"),
    (lambda: S.cosine(0.1, 10)(np.array([0, -2])), ValueError, "k"),
    (lambda: S.cosine(0.1, 10)("3"), TypeError, "k"),
    (lambda: S.Backtracking(3.0), TypeError, "f"),
    (lambda: S.Backtracking(abs, lr0=0), ValueError, "lr0"),
    (lambda: S.Backtracking(abs, beta=0), ValueError, "beta"),
    (lambda: S.Backtracking(abs, beta=1), ValueError, "beta"),
    (lambda: S.Backtracking(abs, beta=1.5), ValueError, "beta"),
    (lambda: S.Backtracking(abs, c=0), ValueError, "c"),
    (lambda: S.Backtracking(abs, c=1), ValueError, "c"),
    (lambda: S.Backtracking(abs, max_backtracks=0), ValueError, "max_backtracks"),
    (lambda: S.steps_to_converge_closed_form(0, 2.0, 1.0, 1e-6), ValueError, "lr"),
    (lambda: S.steps_to_converge_closed_form(0.1, -2.0, 1.0, 1e-6), ValueError, "L"),
    (lambda: S.steps_to_converge_closed_form(0.1, 2.0, np.inf, 1e-6), ValueError, "x0"),
    (lambda: S.steps_to_converge_closed_form(0.1, 2.0, 1.0, 0), ValueError, "tol"),
    (lambda: S.plot_sweep(figure()[1], [0.1, 0.2], [1]), ValueError, "lrs"),
    (lambda: S.plot_sweep(figure()[1], [0.1, 0.2], [1, 2], L=0), ValueError, "L"),
    (lambda: S.plot_sweep(figure()[1], [0.1, 0.2], [1, 2], closed_form=[1]), ValueError,
     "closed_form"),
]


@pytest.mark.parametrize("call,exc,name", BAD)
def test_bad_input_names_the_argument(call, exc, name):
    with pytest.raises(exc, match=rf"\b{name}\b"):
        call()


def test_all_public_names_exist():
    for name in S.__all__:
        assert hasattr(S, name)
