"""Tests for gdlib.chapters.ch08_optimizers (gd.optimizers).

Every update rule is checked step for step against a separate, minimal implementation
written here in plain Python floats, line by line from the algorithm boxes of PyTorch's
``torch.optim`` documentation (SGD, Adagrad, RMSprop, Adam, AdamW). Nothing here is
copied from gdlib's output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters.ch08_optimizers import (
    GD,
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSprop,
    heavy_ball_rate,
    heavy_ball_tuning,
    momentum_sweep,
)

STEPS = 8
TOL = 1e-12

# --------------------------------------------------------------------------- problems
# Two test problems, as plain-float gradient functions on lists: a quadratic with
# curvatures 1 and 25, and Rosenbrock's function (not quadratic).


def quad_grad(p):
    return [1.0 * p[0], 25.0 * p[1]]


def rosen_grad(p):
    x, y = p
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


PROBLEMS = {
    "quadratic": (quad_grad, [-5.0, 1.5]),
    "rosenbrock": (rosen_grad, [-1.2, 1.0]),
}

# --------------------------------------------------------------------------- references
# Each reference takes the gradient function, the start and the number of steps, and
# returns the list of iterates. Loops over coordinates, with math.sqrt: no numpy.


def l2(g, x, weight_decay):
    """PyTorch's L2 weight decay, the first line of every algorithm box: g + lambda x."""
    if weight_decay == 0:
        return list(g)
    return [gi + weight_decay * xi for gi, xi in zip(g, x, strict=True)]


def ref_sgd(grad, x0, n, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    x = list(x0)
    b = [0.0] * len(x)
    path = [list(x)]
    for t in range(1, n + 1):
        g = l2(grad(x), x, weight_decay)
        new = []
        for i in range(len(x)):
            gi = g[i]
            if momentum != 0:
                if t > 1:
                    b[i] = momentum * b[i] + (1 - dampening) * gi
                else:
                    b[i] = gi
                if nesterov:
                    gi = gi + momentum * b[i]
                else:
                    gi = b[i]
            new.append(x[i] - lr * gi)
        x = new
        path.append(list(x))
    return path


def ref_adagrad(grad, x0, n, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                initial_accumulator_value=0.0, eps=1e-10):
    x = list(x0)
    state_sum = [initial_accumulator_value] * len(x)
    path = [list(x)]
    for t in range(1, n + 1):
        g = l2(grad(x), x, weight_decay)
        clr = lr / (1 + (t - 1) * lr_decay)
        new = []
        for i in range(len(x)):
            gi = g[i]
            state_sum[i] = state_sum[i] + gi * gi
            new.append(x[i] - clr * gi / (math.sqrt(state_sum[i]) + eps))
        x = new
        path.append(list(x))
    return path


def ref_rmsprop(grad, x0, n, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False):
    x = list(x0)
    v = [0.0] * len(x)
    b = [0.0] * len(x)
    g_ave = [0.0] * len(x)
    path = [list(x)]
    for _ in range(n):
        g = l2(grad(x), x, weight_decay)
        new = []
        for i in range(len(x)):
            gi = g[i]
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            v_tilde = v[i]
            if centered:
                g_ave[i] = g_ave[i] * alpha + (1 - alpha) * gi
                v_tilde = v_tilde - g_ave[i] ** 2
            if momentum > 0:
                b[i] = momentum * b[i] + gi / (math.sqrt(v_tilde) + eps)
                new.append(x[i] - lr * b[i])
            else:
                new.append(x[i] - lr * gi / (math.sqrt(v_tilde) + eps))
        x = new
        path.append(list(x))
    return path


def ref_adam(grad, x0, n, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
             amsgrad=False, decoupled=False):
    b1, b2 = betas
    x = list(x0)
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    v_max = [0.0] * len(x)
    path = [list(x)]
    for t in range(1, n + 1):
        g = grad(x)  # taken at theta_{t-1}, before any decay
        new = []
        for i in range(len(x)):
            gi = g[i]
            xi = x[i]
            if decoupled:
                xi = xi - lr * weight_decay * xi
            elif weight_decay != 0:
                gi = gi + weight_decay * xi
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            m_hat = m[i] / (1 - b1**t)
            if amsgrad:
                v_max[i] = max(v_max[i], v[i])
                v_hat = v_max[i] / (1 - b2**t)
            else:
                v_hat = v[i] / (1 - b2**t)
            new.append(xi - lr * m_hat / (math.sqrt(v_hat) + eps))
        x = new
        path.append(list(x))
    return path


def ref_adamw(grad, x0, n, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
              amsgrad=False):
    return ref_adam(grad, x0, n, lr, betas, eps, weight_decay, amsgrad, decoupled=True)


def run(opt, grad, x0, n):
    """Our optimizer driven by hand (no descend), the gradient given as a list function."""
    x = np.array(x0, dtype=float)
    opt.reset(x)
    path = [x]
    for k in range(n):
        x = opt.step(x, np.array(grad(list(map(float, x)))), k)
        path.append(x)
    return np.array(path)


def assert_same_path(ours, ref):
    ref = np.array(ref)
    assert ours.shape == ref.shape
    scale = 1 + np.abs(ref)
    err = np.max(np.abs(ours - ref) / scale)
    assert err < TOL, f"max relative difference {err:.3e}"
    # and the run moved: a test that compares two frozen points proves nothing
    assert np.max(np.abs(ref[-1] - ref[0])) > 1e-6


# --------------------------------------------------------------------------- step for step

SGD_CASES = [
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.9, dampening=0.5),
    dict(lr=0.01, momentum=0.9, dampening=1.0),
    dict(lr=0.01, momentum=0.9, nesterov=True),
    dict(lr=0.01, momentum=0.8, weight_decay=0.1),
    dict(lr=0.01, momentum=0.8, weight_decay=0.1, nesterov=True),
    dict(lr=0.01, momentum=0.0),
    dict(lr=0.01, momentum=0.0, weight_decay=0.3),
    dict(lr=0.01, momentum=1.2),  # PyTorch allows momentum > 1 too
]
ADAGRAD_CASES = [
    dict(lr=0.3),
    dict(lr=0.3, lr_decay=0.1),
    dict(lr=0.3, initial_accumulator_value=0.5),
    dict(lr=0.3, weight_decay=0.2, eps=1e-3),
    dict(lr=0.3, lr_decay=0.1, initial_accumulator_value=0.5, weight_decay=0.2, eps=1e-3),
]
RMSPROP_CASES = [
    dict(lr=0.01),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.9, alpha=0.9, eps=1e-3, weight_decay=0.1),
    dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1),
    dict(lr=0.01, alpha=0.0),
]
ADAM_CASES = [
    dict(lr=0.05),
    dict(lr=0.05, betas=(0.8, 0.9), eps=1e-3),
    dict(lr=0.05, weight_decay=0.1),
    dict(lr=0.05, amsgrad=True),
    dict(lr=0.05, amsgrad=True, weight_decay=0.3, betas=(0.5, 0.6)),
    dict(lr=0.05, betas=(0.0, 0.0)),
]
ADAMW_CASES = [
    dict(lr=0.05),
    dict(lr=0.05, weight_decay=0.3),
    dict(lr=0.05, weight_decay=0.3, amsgrad=True),
    dict(lr=0.05, weight_decay=0.3, betas=(0.5, 0.7), eps=1e-2),
    dict(lr=0.05, weight_decay=0.0),
]


def _cases(cls, ref, cases):
    return [pytest.param(cls, ref, kw, id=f"{cls.__name__}-{i}") for i, kw in enumerate(cases)]


ALL_CASES = (
    _cases(SGD, ref_sgd, SGD_CASES)
    + _cases(AdaGrad, ref_adagrad, ADAGRAD_CASES)
    + _cases(RMSprop, ref_rmsprop, RMSPROP_CASES)
    + _cases(Adam, ref_adam, ADAM_CASES)
    + _cases(AdamW, ref_adamw, ADAMW_CASES)
)


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("cls, ref, kw", ALL_CASES)
def test_step_for_step(cls, ref, kw, problem):
    grad, x0 = PROBLEMS[problem]
    if cls is SGD and problem == "rosenbrock":
        kw = {**kw, "lr": 2e-4}  # plain SGD at 0.01 blows up on Rosenbrock
    ours = run(cls(**kw), grad, x0, STEPS)
    assert_same_path(ours, ref(grad, x0, STEPS, **kw))


@pytest.mark.parametrize(
    "cls, ref",
    [(AdaGrad, ref_adagrad), (RMSprop, ref_rmsprop), (Adam, ref_adam), (AdamW, ref_adamw)],
)
def test_defaults_step_for_step(cls, ref):
    grad, x0 = PROBLEMS["rosenbrock"]
    assert_same_path(run(cls(), grad, x0, STEPS), ref(grad, x0, STEPS))


def test_sgd_default_lr_is_pytorchs():
    grad, x0 = PROBLEMS["rosenbrock"]
    assert SGD().lr == 1e-3
    assert_same_path(run(SGD(), grad, x0, STEPS), ref_sgd(grad, x0, STEPS, lr=1e-3))


def test_pytorch_defaults():
    assert (Momentum().momentum, Nesterov().momentum, Nesterov().nesterov) == (0.9, 0.9, True)
    ada = AdaGrad()
    assert (ada.lr, ada.lr_decay, ada.initial_accumulator_value, ada.eps) == (1e-2, 0, 0, 1e-10)
    rms = RMSprop()
    assert (rms.lr, rms.alpha, rms.eps, rms.momentum, rms.centered) == (1e-2, 0.99, 1e-8, 0, False)
    adam = Adam()
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0)
    assert AdamW().weight_decay == 1e-2 and AdamW().amsgrad is False


def test_momentum_and_nesterov_are_sgd_with_those_options():
    grad, x0 = PROBLEMS["quadratic"]
    assert_same_path(run(Momentum(lr=0.02), grad, x0, STEPS),
                     ref_sgd(grad, x0, STEPS, lr=0.02, momentum=0.9))
    assert_same_path(run(Nesterov(lr=0.02, momentum=0.7), grad, x0, STEPS),
                     ref_sgd(grad, x0, STEPS, lr=0.02, momentum=0.7, nesterov=True))


# --------------------------------------------------------------------------- corner cases, by hand


def test_dampening_does_not_touch_the_first_step():
    # b_1 = g (not (1 - tau) g); b_2 = mu b_1 + (1 - tau) g: on f = x with g = 1 always
    opt = SGD(lr=1.0, momentum=0.5, dampening=0.5)
    x = np.array(0.0)
    opt.reset(x)
    x1 = opt.step(x, np.array(1.0), 0)
    x2 = opt.step(x1, np.array(1.0), 1)
    assert float(x1) == -1.0            # b_1 = 1
    assert float(x2) == -1.0 - 1.0      # b_2 = 0.5 * 1 + 0.5 * 1 = 1


def test_nesterov_first_step_by_hand():
    # x1 = x0 - lr (g + mu g) = 1 - 0.1 * 1.9 * 2
    opt = Nesterov(lr=0.1, momentum=0.9)
    x0 = np.array(1.0)
    opt.reset(x0)
    assert float(opt.step(x0, np.array(2.0), 0)) == pytest.approx(1 - 0.1 * 1.9 * 2, abs=1e-15)


def test_nesterov_matches_sutskever_lookahead_form():
    # Sutskever et al. (2013): v <- mu v - lr grad(y + mu v); y <- y + v. PyTorch's iterate
    # is x = y + mu v (the look-ahead point). Check the paths agree under that change.
    lr, mu = 0.02, 0.8
    grad, x0 = quad_grad, [-5.0, 1.5]
    ours = run(Nesterov(lr=lr, momentum=mu), grad, x0, STEPS)
    # start: PyTorch's first step has b = g, i.e. v_0 = 0 and y_0 = x_0
    y = np.array(x0)
    v = np.zeros(2)
    xs = [y + mu * v]
    for _ in range(STEPS):
        v = mu * v - lr * np.array(grad(list(y + mu * v)))
        y = y + v
        xs.append(y + mu * v)
    assert np.max(np.abs(ours - np.array(xs))) < 1e-12


def test_momentum_matches_polyak_form():
    # Polyak: x_{k+1} = x_k - lr g_k + mu (x_k - x_{k-1}), x_{-1} = x_0
    lr, mu = 0.03, 0.7
    grad, x0 = rosen_grad, [-1.2, 1.0]
    ours = run(Momentum(lr=lr * 0.01, momentum=mu), grad, x0, STEPS)
    prev, x = np.array(x0), np.array(x0)
    xs = [x]
    for _ in range(STEPS):
        x, prev = x - lr * 0.01 * np.array(grad(list(x))) + mu * (x - prev), x
        xs.append(x)
    assert np.max(np.abs(ours - np.array(xs))) < 1e-12


def test_adagrad_first_step_is_lr_per_coordinate_and_then_shrinks():
    # constant gradient g: G_t = t g^2, so the t-th step is lr / sqrt(t) (eps = 0)
    opt = AdaGrad(lr=0.5, eps=0.0)
    x = np.array([0.0, 0.0])
    opt.reset(x)
    g = np.array([3.0, -0.01])
    for t in range(1, 6):
        new = opt.step(x, g, t - 1)
        assert np.allclose(np.abs(new - x), 0.5 / math.sqrt(t), rtol=1e-14, atol=0)
        x = new


def test_adagrad_lr_decay_by_hand():
    # step t uses lr / (1 + (t - 1) * lr_decay); constant g = 1, eps = 0: step_t = clr / sqrt(t)
    opt = AdaGrad(lr=1.0, lr_decay=0.5, eps=0.0)
    x = np.array(0.0)
    opt.reset(x)
    for t in range(1, 5):
        new = opt.step(x, np.array(1.0), t - 1)
        assert float(x - new) == pytest.approx(1 / (1 + 0.5 * (t - 1)) / math.sqrt(t), rel=1e-14)
        x = new


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha():
    for alpha in (0.0, 0.5, 0.9, 0.99):
        opt = RMSprop(lr=0.01, alpha=alpha, eps=0.0)
        x = np.array([1.0, 1.0])
        opt.reset(x)
        new = opt.step(x, np.array([5.0, -0.3]), 0)
        assert np.allclose(np.abs(new - x), 0.01 / math.sqrt(1 - alpha), rtol=1e-13)


def test_centered_rmsprop_first_step_divides_by_zero_plus_eps():
    # centred: v_tilde = (1 - a) g^2 - ((1 - a) g)^2 = a (1 - a) g^2 at the first step
    a, g = 0.9, 2.0
    opt = RMSprop(lr=0.01, alpha=a, eps=0.0, centered=True)
    x = np.array(0.0)
    opt.reset(x)
    step = float(x - opt.step(x, np.array(g), 0))
    assert step == pytest.approx(0.01 * g / math.sqrt(a * (1 - a) * g * g), rel=1e-13)


def test_adam_bias_correction_by_hand():
    # constant gradient: m_hat = g and v_hat = g^2 exactly, so every step is lr g/(|g| + eps)
    opt = Adam(lr=0.1, eps=1e-8)
    x = np.array(0.0)
    opt.reset(x)
    for k in range(6):
        new = opt.step(x, np.array(-4.0), k)
        assert float(new - x) == pytest.approx(0.1 * 4.0 / (4.0 + 1e-8), rel=1e-12)
        x = new


def test_adam_eps_meets_the_corrected_root_not_the_raw_one():
    # first step with |g| = eps: PyTorch's box gives lr * g / (|g| + eps) = lr / 2. The
    # "efficient" form of Kingma and Ba (eps on the uncorrected sqrt(v) = sqrt(1 - b2) |g|,
    # step size lr sqrt(1 - b2) / (1 - b1)) would give lr s / (s + 1) with s = sqrt(1 - b2).
    eps = 1e-3
    opt = Adam(lr=1.0, eps=eps)
    x = np.array(0.0)
    opt.reset(x)
    step = float(x - opt.step(x, np.array(eps), 0))
    assert step == pytest.approx(0.5, rel=1e-12)
    s = math.sqrt(1 - 0.999)
    assert abs(step - s / (s + 1)) > 0.4


def test_amsgrad_keeps_the_largest_raw_v():
    # a big gradient then small ones: with amsgrad the denominator remembers the big one
    grads = [10.0, 0.1, 0.1, 0.1]
    for ams in (False, True):
        opt = Adam(lr=0.1, amsgrad=ams, betas=(0.0, 0.5), eps=0.0)
        x = np.array(0.0)
        opt.reset(x)
        steps = []
        for k, g in enumerate(grads):
            new = opt.step(x, np.array(g), k)
            steps.append(float(x - new))
            x = new
        # by hand: v_t = 0.5 v + 0.5 g^2; v_max = max; m_hat = g (beta1 = 0)
        v, vmax, expect = 0.0, 0.0, []
        for t, g in enumerate(grads, start=1):
            v = 0.5 * v + 0.5 * g * g
            vmax = max(vmax, v)
            expect.append(0.1 * g / math.sqrt((vmax if ams else v) / (1 - 0.5**t)))
        assert steps == pytest.approx(expect, rel=1e-13)
    assert expect[-1] < 0.01  # amsgrad: the small gradients take small steps


def test_adamw_decay_is_decoupled_and_uses_lr():
    # zero gradient: Adam's part is 0 / (0 + eps) = 0, so only x <- x (1 - lr lambda) acts
    opt = AdamW(lr=0.1, weight_decay=0.5)
    x = np.array([2.0, -4.0])
    opt.reset(x)
    for k in range(3):
        x = opt.step(x, np.zeros(2), k)
    assert np.allclose(x, np.array([2.0, -4.0]) * 0.95**3, rtol=1e-14, atol=0)
    # L2 in Adam instead: the decay term goes through the normalisation: first step = lr
    opt = Adam(lr=0.1, weight_decay=0.5)
    x0 = np.array([2.0, -4.0])
    opt.reset(x0)
    assert np.allclose(opt.step(x0, np.zeros(2), 0), x0 - 0.1 * np.sign(x0), rtol=1e-7)


def test_weight_decay_in_sgd_is_an_l2_gradient():
    # SGD with weight_decay on f equals SGD on f + lambda/2 |x|^2
    lam = 0.3
    a = run(SGD(lr=0.01, momentum=0.9, weight_decay=lam), quad_grad, [-5.0, 1.5], STEPS)

    def reg_grad(p):
        g = quad_grad(p)
        return [g[0] + lam * p[0], g[1] + lam * p[1]]

    b = run(SGD(lr=0.01, momentum=0.9), reg_grad, [-5.0, 1.5], STEPS)
    assert np.max(np.abs(a - b)) < 1e-14


def test_schedule_is_read_at_step_index():
    sched = [0.1, 0.05, 0.02, 0.01]
    opt = Momentum(lr=lambda k: sched[k], momentum=0.5)
    x = np.array(1.0)
    opt.reset(x)
    b, expect, xs = 0.0, 1.0, []
    for k in range(4):
        x = opt.step(x, np.array(2.0), k)
        b = 2.0 if k == 0 else 0.5 * b + 2.0
        expect -= sched[k] * b
        xs.append((float(x), expect))
    assert all(a == pytest.approx(e, abs=1e-15) for a, e in xs)


def test_scalar_problems_and_step_does_not_modify_x():
    for opt in (Momentum(lr=0.1), Nesterov(lr=0.1), AdaGrad(), RMSprop(), Adam(), AdamW()):
        x = np.array(3.0)
        opt.reset(x)
        new = opt.step(x, np.array(6.0), 0)
        assert new.shape == () and float(x) == 3.0 and float(new) < 3.0


def test_step_without_reset_starts_fresh():
    a = Adam(lr=0.1)
    b = Adam(lr=0.1)
    b.reset(np.zeros(2))
    g = np.array([1.0, -2.0])
    assert np.array_equal(a.step(np.zeros(2), g, 0), b.step(np.zeros(2), g, 0))


# --------------------------------------------------------------------------- with descend


@pytest.mark.parametrize(
    "opt",
    [Momentum(lr=0.02), Nesterov(lr=0.02), AdaGrad(lr=0.5), RMSprop(lr=0.01, centered=True,
     momentum=0.5), Adam(lr=0.1, amsgrad=True), AdamW(lr=0.1)],
    ids=lambda o: type(o).__name__,
)
def test_reset_makes_runs_repeatable_in_descend(opt):
    bowl = gd.get_function("elongated_bowl")
    r1 = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=opt, steps=40, f=bowl)
    r2 = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=opt, steps=40, f=bowl)
    assert np.array_equal(r1.xs, r2.xs)
    assert r1.losses[-1] < r1.losses[0]
    assert r1.optimizer is opt


def test_descend_with_adam_matches_the_reference():
    bowl = gd.get_function("elongated_bowl")
    run_ = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=Adam(lr=0.3), steps=STEPS)
    ref = ref_adam(quad_grad, [-5.0, 1.5], STEPS, lr=0.3)
    assert_same_path(run_.xs, ref)


def test_momentum_converges_faster_than_gd_on_the_elongated_bowl():
    bowl = gd.get_function("elongated_bowl")
    t = heavy_ball_tuning(25.0, 1.0)
    hb = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=Momentum(lr=t.lr, momentum=t.momentum),
                    steps=2000, tol=1e-8)
    plain = gd.descend(bowl.grad, [-5.0, 1.5], lr=t.gd_lr, steps=2000, tol=1e-8)
    assert hb.converged and plain.converged
    assert hb.steps < plain.steps / 3


# --------------------------------------------------------------------------- properties

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
nonzero = st.one_of(st.floats(min_value=1e-3, max_value=1e4), st.floats(min_value=-1e4,
                                                                         max_value=-1e-3))


@given(g=st.lists(nonzero, min_size=1, max_size=4), lr=st.floats(1e-4, 1.0),
       x=finite, b1=st.floats(0.0, 0.99), b2=st.floats(0.0, 0.9999))
def test_adam_first_step_is_lr_per_coordinate(g, lr, x, b1, b2):
    opt = Adam(lr=lr, betas=(b1, b2))
    x0 = np.full(len(g), x)
    opt.reset(x0)
    step = np.abs(opt.step(x0, np.array(g), 0) - x0)
    # exactly lr |g| / (|g| + eps), so within lr * eps / |g| <= lr * 1e-5 of lr
    assert np.all(np.abs(step - lr) <= lr * 1e-5 + 1e-12 * (1 + abs(x)))


@given(g=st.lists(nonzero, min_size=2, max_size=2), c=st.floats(1e-2, 1e2))
def test_adam_is_invariant_to_rescaling_the_gradient(g, c):
    # with eps = 0, multiplying every gradient by c > 0 leaves the path unchanged
    def path(scale):
        opt = Adam(lr=0.05, eps=0.0)
        x = np.array([1.0, -1.0])
        opt.reset(x)
        out = []
        for k in range(5):
            x = opt.step(x, scale * np.array(g) * (1 + 0.1 * k) * x, k)
            out.append(x)
        return np.array(out)

    assert np.allclose(path(1.0), path(c), rtol=1e-9, atol=1e-12)


@given(x0=st.lists(finite, min_size=2, max_size=2), lr=st.floats(1e-4, 0.07))
def test_momentum_zero_equals_gd(x0, lr):
    bowl = gd.get_function("elongated_bowl")
    a = gd.descend(bowl.grad, x0, optimizer=SGD(lr=lr, momentum=0.0), steps=12)
    b = gd.descend(bowl.grad, x0, optimizer=GD(lr), steps=12)
    assert np.array_equal(a.xs, b.xs)


@given(x0=st.lists(finite, min_size=2, max_size=2), lr=st.floats(1e-4, 0.05),
       mu=st.floats(0.0, 0.95))
def test_adamw_without_decay_equals_adam(x0, lr, mu):
    bowl = gd.get_function("elongated_bowl")
    a = gd.descend(bowl.grad, x0, optimizer=AdamW(lr=lr, weight_decay=0.0, betas=(mu, 0.99)),
                   steps=10)
    b = gd.descend(bowl.grad, x0, optimizer=Adam(lr=lr, betas=(mu, 0.99)), steps=10)
    assert np.array_equal(a.xs, b.xs)


@given(g=st.lists(nonzero, min_size=1, max_size=3), lr=st.floats(1e-3, 1.0))
def test_adagrad_first_step_is_lr_per_coordinate(g, lr):
    opt = AdaGrad(lr=lr)
    x0 = np.zeros(len(g))
    opt.reset(x0)
    step = np.abs(opt.step(x0, np.array(g), 0))
    assert np.allclose(step, lr, rtol=1e-6)


@given(mu=st.floats(0.0, 0.99), lr=st.floats(1e-3, 0.5))
def test_terminal_velocity_of_momentum(mu, lr):
    # constant gradient g: the k-th step is lr g (1 - mu^k) / (1 - mu) -> lr g / (1 - mu)
    opt = Momentum(lr=lr, momentum=mu)
    x = np.array(0.0)
    opt.reset(x)
    for k in range(1, 30):
        new = opt.step(x, np.array(1.0), k - 1)
        expect = lr * (1 - mu**k) / (1 - mu)
        assert float(x - new) == pytest.approx(expect, rel=1e-10)
        x = new


# --------------------------------------------------------------------------- theory helpers


def test_heavy_ball_tuning_formulas():
    t = heavy_ball_tuning(100.0, 1.0)
    assert t.kappa == 100.0
    assert t.lr == pytest.approx(4 / 121, rel=1e-15)
    assert t.momentum == pytest.approx((9 / 11) ** 2, rel=1e-15)
    assert t.rate == pytest.approx(9 / 11, rel=1e-15)
    assert t.gd_lr == pytest.approx(2 / 101, rel=1e-15)
    assert t.gd_rate == pytest.approx(99 / 101, rel=1e-15)


def _rate_by_eigvals(lr, mu, lams):
    # the iteration (e_{k+1}, e_k) = M (e_k, e_{k-1}) per eigenvalue; rate = spectral radius
    out = 0.0
    for lam in lams:
        M = np.array([[1 + mu - lr * lam, -mu], [1.0, 0.0]])
        out = max(out, float(np.max(np.abs(np.linalg.eigvals(M)))))
    return out


@given(lr=st.floats(1e-3, 0.2), mu=st.floats(0.0, 0.99), lam=st.floats(0.1, 30.0))
def test_heavy_ball_rate_matches_matrix_eigenvalues(lr, mu, lam):
    lams = [0.5, lam]
    assert float(heavy_ball_rate(lr, mu, lams)) == pytest.approx(
        _rate_by_eigvals(lr, mu, lams), rel=1e-6, abs=1e-7)


def test_heavy_ball_rate_at_polyaks_optimum_and_broadcasting():
    for kappa in (4.0, 25.0, 1e3):
        t = heavy_ball_tuning(kappa, 1.0)
        assert float(heavy_ball_rate(t.lr, t.momentum, [1.0, kappa])) == pytest.approx(
            t.rate, rel=1e-6)
        assert float(heavy_ball_rate(t.gd_lr, 0.0, [1.0, kappa])) == pytest.approx(
            t.gd_rate, rel=1e-12)
    r = heavy_ball_rate(np.array([0.01, 0.1])[:, None], np.array([0.0, 0.5, 0.9]), [1.0, 25.0])
    assert r.shape == (2, 3)


def test_momentum_sweep_matches_one_run_at_a_time():
    bowl = gd.get_function("elongated_bowl")
    lrs = np.array([0.02, 1 / 9])[:, None]
    mus = np.array([0.0, 0.3, 4 / 9, 0.9])
    s = momentum_sweep(bowl.grad, np.array([-5.0, 1.5]), lr=lrs, momentum=mus, steps=300,
                       tol=1e-6, point_ndim=1, keep_path=True)
    assert s.converged_at.shape == (2, 4)
    for i, lr in enumerate(lrs[:, 0]):
        for j, mu in enumerate(mus):
            r = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=SGD(lr=float(lr), momentum=float(mu)),
                           steps=300, tol=1e-6)
            if r.converged:
                assert s.converged_at[i, j] == r.steps
                assert np.allclose(s.xs[: r.steps + 1, i, j], r.xs, rtol=0, atol=1e-12)
            else:
                assert s.converged_at[i, j] == -1
            assert (s.diverged_at[i, j] >= 0) == r.diverged
    assert s.status[1, 0] == "diverged"  # lr = 1/9 > 2/25 without momentum
    assert s.status[1, 2] == "converged"


def test_momentum_sweep_nesterov_matches_descend():
    bowl = gd.get_function("elongated_bowl")
    s = momentum_sweep(bowl.grad, [-5.0, 1.5], lr=0.03, momentum=np.array([0.5, 0.8]),
                       steps=25, nesterov=True, point_ndim=1, keep_path=True)
    for j, mu in enumerate([0.5, 0.8]):
        r = gd.descend(bowl.grad, [-5.0, 1.5], optimizer=Nesterov(lr=0.03, momentum=mu), steps=25)
        assert np.allclose(s.xs[:, j], r.xs, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- bad input

BAD = [
    (lambda: SGD(lr=0.0), ValueError, "lr"),
    (lambda: SGD(lr=-0.1), ValueError, "lr"),
    (lambda: Adam(lr=0.0), ValueError, "lr"),
    (lambda: AdaGrad(lr=-1.0), ValueError, "lr"),
    (lambda: RMSprop(lr=float("nan")), ValueError, "lr"),
    (lambda: SGD(lr="0.1"), TypeError, "lr"),
    (lambda: Momentum(lr=0.1, momentum=-0.5), ValueError, "momentum"),
    (lambda: RMSprop(momentum=-0.1), ValueError, "momentum"),
    (lambda: SGD(lr=0.1, momentum=0.9, dampening=-0.1), ValueError, "dampening"),
    (lambda: SGD(lr=0.1, momentum=0.9, dampening=1.5), ValueError, "dampening"),
    (lambda: SGD(lr=0.1, weight_decay=-1e-4), ValueError, "weight_decay"),
    (lambda: SGD(lr=0.1, momentum=0.0, nesterov=True), ValueError, "nesterov"),
    (lambda: SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError, "nesterov"),
    (lambda: SGD(lr=0.1, nesterov="yes"), TypeError, "nesterov"),
    (lambda: Nesterov(lr=0.1, momentum=0.0), ValueError, "nesterov"),
    (lambda: Adam(betas=(1.0, 0.999)), ValueError, r"betas\[0\]"),
    (lambda: Adam(betas=(-0.1, 0.999)), ValueError, r"betas\[0\]"),
    (lambda: Adam(betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
    (lambda: AdamW(betas=(0.9, 1.2)), ValueError, r"betas\[1\]"),
    (lambda: Adam(betas=0.9), TypeError, "betas"),
    (lambda: Adam(betas=(0.9, 0.99, 0.9)), TypeError, "betas"),
    (lambda: Adam(eps=-1e-8), ValueError, "eps"),
    (lambda: AdaGrad(eps=-1.0), ValueError, "eps"),
    (lambda: RMSprop(eps=-1e-8), ValueError, "eps"),
    (lambda: Adam(weight_decay=-0.1), ValueError, "weight_decay"),
    (lambda: AdamW(weight_decay=-0.1), ValueError, "weight_decay"),
    (lambda: Adam(amsgrad=1), TypeError, "amsgrad"),
    (lambda: RMSprop(alpha=1.0), ValueError, "alpha"),
    (lambda: RMSprop(alpha=-0.5), ValueError, "alpha"),
    (lambda: RMSprop(centered="no"), TypeError, "centered"),
    (lambda: AdaGrad(lr_decay=-0.1), ValueError, "lr_decay"),
    (lambda: AdaGrad(initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
    (lambda: Adam(lr=lambda k: -1.0), ValueError, "lr"),
    (lambda: heavy_ball_tuning(0.0, 1.0), ValueError, "L"),
    (lambda: heavy_ball_tuning(1.0, 0.0), ValueError, "mu"),
    (lambda: heavy_ball_tuning(1.0, 2.0), ValueError, "mu"),
    (lambda: heavy_ball_rate(0.1, 0.5, [np.nan]), ValueError, "curvatures"),
    (lambda: momentum_sweep(lambda x: x, 1.0, lr=0.0, momentum=0.5, steps=3), ValueError, "lr"),
    (lambda: momentum_sweep(lambda x: x, 1.0, lr=0.1, momentum=-0.5, steps=3), ValueError,
     "momentum"),
    (lambda: momentum_sweep(lambda x: x, 1.0, lr=0.1, momentum=0.0, steps=3, nesterov=True),
     ValueError, "nesterov"),
    (lambda: momentum_sweep(lambda x: x, 1.0, lr=0.1, momentum=0.5, steps=-1), ValueError,
     "steps"),
    (lambda: momentum_sweep(lambda x: x, 1.0, lr=0.1, momentum=0.5, steps=3, tol=0.0),
     ValueError, "tol"),
    (lambda: momentum_sweep("grad", 1.0, lr=0.1, momentum=0.5, steps=3), TypeError, "grad"),
    (lambda: momentum_sweep(lambda x: x[..., :1], [1.0, 2.0], lr=0.1, momentum=0.5, steps=3,
                            point_ndim=1), ValueError, "grad"),
]


@pytest.mark.parametrize("make, exc, name", BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_input(make, exc, name):
    with pytest.raises(exc, match=name):
        make()
