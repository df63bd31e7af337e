"""gdlib.chapters.ch07_pitfalls (gd.pitfalls):
against hand-derived answers, independent implementations and its contracts.

Expected values are worked out in the comments (calculus, PyTorch's documented clipping
formula, the chain rule written out layer by layer), never taken from running gdlib.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib.chapters.ch07_pitfalls import (
    ACTIVATIONS,
    CLIFF_HEIGHT,
    CLIFF_WIDTH,
    DIVERGED,
    UNSETTLED,
    ClipByNorm,
    basin_map,
    bounded_saddle,
    cliff,
    clip_by_norm,
    init_std,
    layer_gradient_norms,
    mlp_gradients,
)
from gdlib.descent import GD, Optimizer

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
small = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def torch_doc_clip(g, max_norm):
    """PyTorch's clip_grad_norm_, re-implemented from its documentation and source:
    total_norm = ||g||_2; clip_coef = max_norm / (total_norm + 1e-6); g *= min(clip_coef, 1)."""
    g = np.asarray(g, dtype=float)
    total = np.sqrt(np.sum(g**2))
    coef = max_norm / (total + 1e-6)
    return g * min(coef, 1.0)


# --------------------------------------------------------------------------- clipping


def test_clip_by_norm_long_gradient_by_hand():
    # |(3, 4)| = 5 > 2: scaled by 2 / (5 + 1e-6)
    g, n = clip_by_norm([3.0, 4.0], 2.0)
    assert n == 5.0
    np.testing.assert_allclose(g, np.array([3.0, 4.0]) * 2 / (5 + 1e-6), rtol=1e-15)


def test_clip_by_norm_short_gradient_untouched():
    g, n = clip_by_norm(np.array([0.3, -0.4]), 1.0)
    assert n == pytest.approx(0.5)
    assert g.tolist() == [0.3, -0.4]


@given(st.lists(finite, min_size=1, max_size=6), st.floats(1e-3, 100))
def test_clip_by_norm_matches_torch_formula(values, max_norm):
    g = np.array(values)
    got, norm = clip_by_norm(g, max_norm)
    np.testing.assert_allclose(got, torch_doc_clip(g, max_norm), rtol=1e-12, atol=0)
    # math.hypot is the independent reference: it neither under- nor overflows (1e-255 too)
    assert norm == pytest.approx(math.hypot(*values), rel=1e-12, abs=1e-300)
    # never longer than max_norm, never pointing elsewhere, never lengthened
    assert np.linalg.norm(got) <= max_norm * (1 + 1e-12)
    assert np.linalg.norm(got) <= np.linalg.norm(g) * (1 + 1e-15)
    # (a subnormal entry scaled down may underflow to zero, as in IEEE arithmetic and PyTorch)
    assert np.all((np.sign(got) == np.sign(g)) | ((got == 0) & (np.abs(g) < 1e-300)))


@given(st.lists(finite, min_size=2, max_size=4), st.floats(1e-3, 10))
def test_clip_by_norm_long_gradient_gets_length_max_norm(values, max_norm):
    g = np.array(values)
    n = float(np.linalg.norm(g))
    if n <= max_norm:  # make it long: all entries equal, norm 3 * max_norm
        g = np.full(g.size, 3 * max_norm / np.sqrt(g.size))
        n = float(np.linalg.norm(g))
    got, _ = clip_by_norm(g, max_norm)
    # length max_norm * n / (n + 1e-6): a hair under max_norm
    assert np.linalg.norm(got) == pytest.approx(max_norm * n / (n + 1e-6), rel=1e-12)


def test_clip_by_norm_keeps_shape():
    g = np.arange(6.0).reshape(2, 3)
    got, n = clip_by_norm(g, 1.0)
    assert got.shape == (2, 3)
    assert n == pytest.approx(np.sqrt(55.0))  # 0 + 1 + 4 + 9 + 16 + 25


def test_clip_step_is_gd_with_clipped_gradient():
    opt = ClipByNorm(0.1, 2.0)
    x, g = np.array([1.0, 1.0]), np.array([6.0, 8.0])  # norm 10 -> length 2
    expected = x - 0.1 * g * 2 / (10 + 1e-6)
    np.testing.assert_allclose(opt.step(x, g, 0), expected, rtol=1e-15)
    assert isinstance(opt.inner, GD)


def test_clip_accepts_a_schedule():
    opt = ClipByNorm(lambda k: 1.0 / (k + 1), 1.0)
    x, g = np.array([0.0]), np.array([4.0])
    # step 3: lr 1/4, gradient clipped to 4 / (4 + 1e-6)
    assert float(opt.step(x, g, 3)[0]) == pytest.approx(-0.25 * 4 / (4 + 1e-6), rel=1e-15)


class Recorder(Optimizer):
    """A test optimizer: steps x - 0.5 g and remembers what it was given."""

    def __init__(self):
        self.seen, self.resets = [], 0

    def reset(self, x0):
        self.resets += 1

    def step(self, x, g, k):
        self.seen.append(np.array(g))
        return x - 0.5 * g


def test_clip_wraps_another_optimizer():
    inner = Recorder()
    opt = ClipByNorm(inner, 1.0)
    run = gd.descend(lambda x: 2 * x, np.array([10.0]), optimizer=opt, steps=3)
    assert inner.resets == 1
    # first gradient 20 is clipped to 1 / (20 + 1e-6) * 20
    assert float(inner.seen[0][0]) == pytest.approx(20 / (20 + 1e-6))
    assert all(np.linalg.norm(s) <= 1.0 for s in inner.seen)
    assert run.steps == 3


@given(st.floats(-40, 40), st.floats(-40, 40), st.floats(0.05, 2.0), st.floats(0.1, 5.0))
def test_clipped_descent_never_steps_further_than_lr_times_max_norm(x0, y0, lr, max_norm):
    run = gd.descend(cliff.grad, [x0, y0], optimizer=ClipByNorm(lr, max_norm), steps=40)
    steps = np.linalg.norm(np.diff(run.xs, axis=0), axis=1)
    assert np.all(steps <= lr * max_norm * (1 + 1e-12))


def test_clipping_tames_the_cliff():
    # Without clipping the face's slope (about 47) times lr = 1 throws the point far;
    # with max_norm = 1 no step exceeds lr * 1.
    plain = gd.descend(cliff.grad, [-4.0, 2.0], lr=1.0, steps=200, tol=1e-3)
    clipped = gd.descend(cliff.grad, [-4.0, 2.0], optimizer=ClipByNorm(1.0, 1.0), steps=200,
                         tol=1e-3)
    assert np.max(np.linalg.norm(np.diff(plain.xs, axis=0), axis=1)) > 10
    assert np.max(np.linalg.norm(np.diff(clipped.xs, axis=0), axis=1)) <= 1.0
    assert clipped.converged
    np.testing.assert_allclose(clipped.x, [1.0, 0.0], atol=1e-2)


# --------------------------------------------------------------------------- functions


@given(small, small)
def test_bounded_saddle_gradient_check(x, y):
    assert gd.check_gradient(bounded_saddle, bounded_saddle.grad, [x, y]).ok


@given(st.floats(-6, 6), st.floats(-3, 3))
def test_cliff_gradient_check(x, y):
    assert gd.check_gradient(cliff, cliff.grad, [x, y]).ok


def test_cliff_gradient_check_on_the_face():
    for x in np.linspace(-0.21, 0.01, 23):
        assert gd.check_gradient(cliff, cliff.grad, [float(x), 0.7]).ok


def test_bounded_saddle_by_hand():
    # f = x^2 - y^2 + y^4/2: f(0, +-1) = -1 + 1/2; grad = (2x, -2y + 2y^3) = 0 there
    for m in bounded_saddle.minima:
        assert float(bounded_saddle(np.array(m))) == -0.5
        assert bounded_saddle.grad(np.array(m)).tolist() == [0.0, 0.0]
    assert bounded_saddle.grad(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    # Hessian diag(2, -2 + 6y^2): (2, -2) at the origin, (2, 4) at the minima
    H0 = gd.hessian(bounded_saddle, [0.0, 0.0])
    np.testing.assert_allclose(np.linalg.eigvalsh(H0), [-2.0, 2.0], atol=1e-5)
    H1 = gd.hessian(bounded_saddle, [0.0, 1.0])
    np.testing.assert_allclose(np.linalg.eigvalsh(H1), [2.0, 4.0], atol=1e-5)
    # the grid form
    P = np.stack(np.meshgrid([0.0, 1.0], [2.0, -1.0]), axis=-1)
    assert bounded_saddle(P).shape == (2, 2)
    assert bounded_saddle.grad(P).shape == (2, 2, 2)


def test_cliff_by_hand():
    # minimum (1, 0): bowl 0 and the face's term is 0 for x >= 0
    assert float(cliff(np.array([1.0, 0.0]))) == 0.0
    assert cliff.grad(np.array([1.0, 0.0])).tolist() == [0.0, 0.0]
    # on the plateau (x <= -0.2) the drop term is the full height 5
    assert float(cliff(np.array([-1.0, 2.0]))) == pytest.approx(0.1 * 4 + 0.25 * 4 + 5)
    assert cliff.grad(np.array([-1.0, 2.0])).tolist() == pytest.approx([-0.4, 1.0])
    # mid-face, x = -0.1 (t = 1/2): S = 1/2, S' = 30/16 per unit t, so per unit x 30/16/0.2
    f_mid = 0.1 * 1.1**2 + 2.5
    assert float(cliff(np.array([-0.1, 0.0]))) == pytest.approx(f_mid)
    slope = 2 * 0.1 * (-1.1) - CLIFF_HEIGHT * 30 / 16 / CLIFF_WIDTH
    assert float(cliff.grad(np.array([-0.1, 0.0]))[0]) == pytest.approx(slope)
    assert slope == pytest.approx(-47.095)


def test_cliff_minimum_reached_by_descent():
    run = gd.descend(cliff.grad, [3.0, 1.0], lr=1.0, steps=2000, tol=1e-10)
    assert run.converged
    np.testing.assert_allclose(run.x, cliff.minima[0], atol=1e-9)


# --------------------------------------------------------------------------- deep chains


def forward_loss(W, X, G, activation, normalize=False, residual=False, eps=1e-5):
    """An independent forward pass: the loss sum(G * h_L), written out plainly."""
    phi = {
        "sigmoid": lambda u: 1 / (1 + np.exp(-u)),
        "tanh": np.tanh,
        "relu": lambda u: np.where(u > 0, u, 0.0),
        "linear": lambda u: u,
    }[activation]
    h = X
    for Wl in W:
        z = h @ Wl
        if normalize:
            mu = z.mean(axis=1, keepdims=True)
            var = ((z - mu) ** 2).mean(axis=1, keepdims=True)
            z = (z - mu) / np.sqrt(var + eps)
        h = h + phi(z) if residual else phi(z)
    return float(np.sum(G * h))


CASES = [(a, n, r) for a in ACTIVATIONS for n in (False, True) for r in (False, True)]


@pytest.mark.parametrize(("activation", "normalize", "residual"), CASES)
def test_mlp_gradients_match_finite_differences(activation, normalize, residual):
    rng = np.random.default_rng(7)
    depth, width, batch = 3, 4, 2
    W = rng.standard_normal((depth, width, width)) * 0.8
    X = rng.standard_normal((batch, width))
    G = rng.standard_normal((batch, width))
    dW, dh = mlp_gradients(W, X, G, activation, normalize=normalize, residual=residual)

    def loss_w(flat):
        return forward_loss(flat.reshape(W.shape), X, G, activation, normalize, residual)

    def loss_x(flat):
        return forward_loss(W, flat.reshape(X.shape), G, activation, normalize, residual)

    check_w = gd.check_gradient(loss_w, lambda p: dW.ravel(), W.ravel(), tol=1e-6)
    check_x = gd.check_gradient(loss_x, lambda p: dh[0].ravel(), X.ravel(), tol=1e-6)
    assert check_w.ok, check_w
    assert check_x.ok, check_x
    assert dh.shape == (depth + 1, batch, width)
    np.testing.assert_array_equal(dh[depth], G)


def test_mlp_gradients_depth2_width3_by_explicit_chain_rule():
    # h1 = tanh(X W1), h2 = tanh(h1 W2), L = sum(G * h2); tanh' = 1 - tanh^2
    rng = np.random.default_rng(3)
    W1, W2 = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    X, G = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    h1 = np.tanh(X @ W1)
    h2 = np.tanh(h1 @ W2)
    dz2 = G * (1 - h2**2)
    dW2 = h1.T @ dz2
    dh1 = dz2 @ W2.T
    dz1 = dh1 * (1 - h1**2)
    dW1 = X.T @ dz1
    dX = dz1 @ W1.T
    dW, dh = mlp_gradients(np.stack([W1, W2]), X, G, "tanh")
    np.testing.assert_allclose(dW[0], dW1, rtol=1e-12)
    np.testing.assert_allclose(dW[1], dW2, rtol=1e-12)
    np.testing.assert_allclose(dh[1], dh1, rtol=1e-12)
    np.testing.assert_allclose(dh[0], dX, rtol=1e-12)


def test_linear_chain_gradient_is_the_matrix_product():
    # h_L = X W1 W2 W3, so dL/dX = G (W1 W2 W3)^T
    rng = np.random.default_rng(4)
    W = rng.standard_normal((3, 4, 4))
    X, G = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    _, dh = mlp_gradients(W, X, G, "linear")
    np.testing.assert_allclose(dh[0], G @ (W[0] @ W[1] @ W[2]).T, rtol=1e-12)


def test_layer_gradient_norms_depth2_width3_reproduced_independently():
    # the documented draws, then the chain rule by hand (ReLU: derivative 1 where u > 0)
    seed, batch, width = 5, 4, 3
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, width))
    W = rng.standard_normal((2, width, width)) * np.sqrt(2.0 / width)  # He
    G = rng.standard_normal((batch, width))
    G /= np.linalg.norm(G)
    z1 = X @ W[0]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W[1]
    dz2 = G * (z2 > 0)
    dh1 = dz2 @ W[1].T
    dz1 = dh1 * (z1 > 0)
    dX = dz1 @ W[0].T
    weights = [np.linalg.norm(X.T @ dz1), np.linalg.norm(h1.T @ dz2)]
    inputs = [np.linalg.norm(dX), np.linalg.norm(dh1)]
    kw = dict(depth=2, width=width, activation="relu", init="he", batch=batch, seed=seed)
    np.testing.assert_allclose(layer_gradient_norms(**kw), weights, rtol=1e-12)
    np.testing.assert_allclose(layer_gradient_norms(**kw, wrt="inputs"), inputs, rtol=1e-12)


@given(st.integers(1, 8), st.floats(0.3, 3.0), st.integers(0, 10**6))
def test_relu_chain_scales_as_a_power_of_the_init(depth, c, seed):
    # ReLU is positively homogeneous: multiplying every W by c keeps every mask and
    # multiplies the gradient reaching layer l's input (l = 0 .. depth-1) by c^(depth - l).
    base = layer_gradient_norms(depth, 6, "relu", 1.0, batch=3, seed=seed, wrt="inputs")
    scaled = layer_gradient_norms(depth, 6, "relu", c, batch=3, seed=seed, wrt="inputs")
    powers = c ** (depth - np.arange(depth))
    np.testing.assert_allclose(scaled, base * powers, rtol=1e-9)


@given(st.integers(0, 10**6))
def test_sigmoid_layer_shrinks_gradient_by_at_most_a_quarter_of_the_spectral_norm(seed):
    # dh[l-1] = (dh[l] * sigma'(z)) @ W^T with 0 < sigma' <= 1/4, so
    # ||dh[l-1]|| <= ||W||_2 / 4 * ||dh[l]||  (Frobenius norms over the batch)
    depth, width, batch = 6, 5, 3
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, width))
    W = rng.standard_normal((depth, width, width)) * init_std("xavier", width)
    G = rng.standard_normal((batch, width))
    G /= np.linalg.norm(G)
    _, dh = mlp_gradients(W, X, G, "sigmoid")
    norms = np.linalg.norm(dh, axis=(1, 2))
    spectral = np.linalg.norm(W, ord=2, axis=(1, 2))
    assert np.all(norms[:-1] <= spectral / 4 * norms[1:] * (1 + 1e-12))
    inputs = layer_gradient_norms(depth, width, "sigmoid", batch=batch, seed=seed, wrt="inputs")
    np.testing.assert_allclose(inputs, norms[:-1], rtol=1e-12)


@given(st.floats(0.5, 5.0), st.integers(0, 10**6))
def test_normalisation_makes_the_init_scale_irrelevant(c, seed):
    # Multiplying W by c multiplies z = h W and its spread sigma by c (up to eps in the
    # variance), so u, the forward pass and du are unchanged; dz = (...) / sigma shrinks
    # by 1/c and dh = dz W^T grows back by c: the gradients reaching the layers are equal.
    a = layer_gradient_norms(6, 8, "tanh", 1.0, normalize=True, batch=4, seed=seed,
                             wrt="inputs")
    b = layer_gradient_norms(6, 8, "tanh", c, normalize=True, batch=4, seed=seed,
                             wrt="inputs")
    np.testing.assert_allclose(b, a, rtol=1e-3)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(st.floats(-6, 6).filter(lambda u: abs(u) > 1e-3))  # ReLU has a kink at 0
def test_activation_derivatives_gradient_check(name, u):
    phi, dphi = ACTIVATIONS[name]
    assert gd.check_gradient(phi, dphi, u).ok


def test_activation_values_by_hand():
    assert ACTIVATIONS["sigmoid"][0](np.array(0.0)) == 0.5
    assert ACTIVATIONS["sigmoid"][1](np.array(0.0)) == 0.25  # sigma (1 - sigma)
    assert ACTIVATIONS["relu"][0](np.array([-2.0, 3.0])).tolist() == [0.0, 3.0]
    assert ACTIVATIONS["relu"][1](np.array([-2.0, 3.0])).tolist() == [0.0, 1.0]
    assert float(ACTIVATIONS["tanh"][1](np.array(0.0))) == 1.0
    # the sigmoid does not overflow far out
    assert ACTIVATIONS["sigmoid"][0](np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


def test_layer_gradient_norms_shape_and_determinism():
    a = layer_gradient_norms(7, width=5, activation="tanh", seed=11)
    b = layer_gradient_norms(7, width=5, activation="tanh", seed=11)
    c = layer_gradient_norms(7, width=5, activation="tanh", seed=12)
    assert a.shape == (7,)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_init_std_by_hand():
    assert init_std("xavier", 16) == pytest.approx(0.25)  # sqrt(2 / (16 + 16))
    assert init_std("Glorot", 16) == pytest.approx(0.25)
    assert init_std("he", 8) == pytest.approx(0.5)  # sqrt(2 / 8)
    assert init_std(3, 4) == pytest.approx(1.5)


# --------------------------------------------------------------------------- basins


def quartic_grad(x):
    return 4 * x**3 - 4 * x  # f = x^4 - 2x^2: minima -1 and 1, maximum 0


def test_basin_map_small_lr_follows_the_sign_of_the_start():
    starts = np.array([-1.4, -0.7, -0.1, 0.1, 0.6, 1.3])
    bm = basin_map(quartic_grad, starts, [0.01, 0.05], [-1.0, 1.0], steps=3000)
    # f'' = 12x^2 - 4 = 8 at the minima: lr < 2/8 is stable; small steps never jump
    # over the maximum at 0, so the sign of the start decides
    expected = (starts > 0).astype(int)
    np.testing.assert_array_equal(bm.labels, np.stack([expected, expected]))
    np.testing.assert_allclose(bm.fraction(1), [0.5, 0.5])


def test_basin_map_unstable_lr_reaches_no_minimum():
    # lr = 0.3 > 2 / f''(+-1) = 0.25: the minima repel nearby iterates (a start exactly
    # on a minimum would stay there: this grid avoids them)
    starts = np.linspace(-1.25, 1.25, 12)
    bm = basin_map(quartic_grad, starts, [0.3], [-1.0, 1.0], steps=500)
    assert not np.any(bm.labels >= 0)


def test_basin_map_marks_divergence_and_fractions_add_up():
    bm = basin_map(quartic_grad, [-10.0, 0.5, 10.0], [0.1, 0.01], [-1.0, 1.0], steps=2000)
    # from 10 with lr 0.1 the first step is 10 - 0.1 * 3960 = -386: runaway
    assert bm.labels[0, 0] == DIVERGED and bm.labels[0, 2] == DIVERGED
    assert bm.labels[0, 1] == 1
    total = sum(bm.fraction(k) for k in (DIVERGED, UNSETTLED, 0, 1))
    np.testing.assert_allclose(total, 1.0)


def test_basin_map_agrees_with_single_runs():
    starts, lrs = np.array([-1.7, -0.3, 0.4, 1.9]), np.array([0.02, 0.12, 0.2])
    minima = np.array([-1.0, 1.0])
    bm = basin_map(quartic_grad, starts, lrs, minima, steps=1500)
    for i, lr in enumerate(lrs):
        for j, x0 in enumerate(starts):
            run = gd.descend(quartic_grad, float(x0), lr=float(lr), steps=1500, tol=1e-8)
            if run.diverged:
                assert bm.labels[i, j] == DIVERGED
            elif run.converged and np.min(np.abs(run.x - minima)) <= 1e-4:
                assert bm.labels[i, j] == int(np.argmin(np.abs(run.x - minima)))
            else:
                assert bm.labels[i, j] == UNSETTLED


# --------------------------------------------------------------------------- bad input

BAD = [
    (lambda: clip_by_norm([1.0], 0.0), ValueError, "max_norm"),
    (lambda: clip_by_norm([1.0], -1.0), ValueError, "max_norm"),
    (lambda: clip_by_norm([np.nan], 1.0), ValueError, "g"),
    (lambda: clip_by_norm("abc", 1.0), TypeError, "g"),
    (lambda: ClipByNorm(0.1, 0), ValueError, "max_norm"),
    (lambda: ClipByNorm(0.1, float("inf")), ValueError, "max_norm"),
    (lambda: ClipByNorm(0.1, "1"), TypeError, "max_norm"),
    (lambda: ClipByNorm(-0.1, 1.0), ValueError, "optimizer_or_lr"),
    (lambda: ClipByNorm("fast", 1.0), TypeError, "optimizer_or_lr"),
    (lambda: ClipByNorm(True, 1.0), TypeError, "optimizer_or_lr"),
    (lambda: layer_gradient_norms(0), ValueError, "depth"),
    (lambda: layer_gradient_norms(2.5), TypeError, "depth"),
    (lambda: layer_gradient_norms(3, width=0), ValueError, "width"),
    (lambda: layer_gradient_norms(3, batch=0), ValueError, "batch"),
    (lambda: layer_gradient_norms(3, activation="softmax"), ValueError, "activation"),
    (lambda: layer_gradient_norms(3, init="kaiming"), ValueError, "init"),
    (lambda: layer_gradient_norms(3, init=-1.0), ValueError, "init"),
    (lambda: layer_gradient_norms(3, wrt="outputs"), ValueError, "wrt"),
    (lambda: init_std("he", 0), ValueError, "width"),
    (lambda: mlp_gradients(np.ones((3, 3)), np.ones((1, 3)), np.ones((1, 3))), ValueError,
     "weights"),
    (lambda: mlp_gradients(np.ones((1, 3, 3)), np.ones((1, 4)), np.ones((1, 4))), ValueError,
     "inputs"),
    (lambda: mlp_gradients(np.ones((1, 3, 3)), np.ones((2, 3)), np.ones((1, 3))), ValueError,
     "upstream"),
    (lambda: mlp_gradients(np.ones((1, 3, 3)), np.ones((1, 3)), np.ones((1, 3)), "elu"),
     ValueError, "activation"),
    (lambda: basin_map(quartic_grad, [0.5], [0.0], [1.0], steps=10), ValueError, "lrs"),
    (lambda: basin_map(quartic_grad, [[0.5]], [0.1], [1.0], steps=10), ValueError, "starts"),
    (lambda: basin_map("grad", [0.5], [0.1], [1.0], steps=10), TypeError, "grad"),
    (lambda: basin_map(quartic_grad, [0.5], [0.1], [1.0], steps=10, atol=0), ValueError,
     "atol"),
    (lambda: basin_map(quartic_grad, [0.5], [0.1], [1.0], steps=-1), ValueError, "steps"),
]


@pytest.mark.parametrize(("call", "error", "name"), BAD, ids=[f"{b[2]}-{i}" for i, b in
                                                             enumerate(BAD)])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
