"""gdlib.chapters.ch06_chain_rule (gd.autodiff):
against finite differences, calculus by hand and a second implementation.

Independent truths used here:

* every operation of the engine against central differences of the same formula written
  with numpy/math (``gd.check_gradient``, ``gd.gradient``), over random inputs in the
  operation's domain (hypothesis);
* composed expressions against derivatives worked out by hand;
* the numpy backpropagation of the small network against finite differences and against
  the scalar engine (two implementations that share no code), and its loss against the
  textbook cross-entropy formula;
* the toy data against the circles they are drawn from.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

import gdlib as gd
from gdlib.chapters.ch06_chain_rule import (
    PARAM_NAMES,
    Value,
    backward,
    draw_graph,
    engine_gradient,
    flatten,
    forward,
    init_params,
    loss,
    loss_and_grad,
    make_moons,
    predict,
    topological_order,
    unflatten,
)

TOL = 1e-7  # relative: central differences are good to ~1e-10 on these smooth functions


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def engine_derivative(build):
    """d build(x) / dx at x, by the engine (build maps a Value to a Value)."""

    def grad(x):
        v = Value(float(x))
        build(v).backward()
        return v.grad

    return grad


# --------------------------------------------------------------------------- one operation

# (name, engine version, numpy version, strategy for x in the operation's domain)
UNARY = [
    ("exp", lambda v: v.exp(), np.exp, st.floats(-5, 5)),
    ("log", lambda v: v.log(), np.log, st.floats(0.05, 50)),
    ("tanh", lambda v: v.tanh(), np.tanh, st.floats(-4, 4)),
    ("sigmoid", lambda v: v.sigmoid(), sigmoid, st.floats(-8, 8)),
    ("neg", lambda v: -v, np.negative, st.floats(-10, 10)),
    ("relu+", lambda v: v.relu(), lambda x: np.maximum(x, 0), st.floats(1e-3, 10)),
    ("relu-", lambda v: v.relu(), lambda x: np.maximum(x, 0), st.floats(-10, -1e-3)),
    ("square", lambda v: v**2, np.square, st.floats(-5, 5)),
    ("cube", lambda v: v**3, lambda x: x**3, st.floats(-3, 3)),
    ("inverse", lambda v: v**-1, lambda x: 1 / x, st.floats(0.1, 10)),
    ("sqrt", lambda v: v**0.5, np.sqrt, st.floats(0.1, 10)),
    ("power 1.5", lambda v: v**1.5, lambda x: x**1.5, st.floats(0.1, 10)),
    ("power -2.5", lambda v: v**-2.5, lambda x: x**-2.5, st.floats(0.2, 10)),
    ("power 0", lambda v: v**0, lambda x: np.ones_like(x), st.floats(-5, 5)),
    ("2 * x", lambda v: 2 * v, lambda x: 2 * x, st.floats(-10, 10)),
    ("x * 2", lambda v: v * 2, lambda x: 2 * x, st.floats(-10, 10)),
    ("1 + x", lambda v: 1 + v, lambda x: 1 + x, st.floats(-10, 10)),
    ("x - 3", lambda v: v - 3, lambda x: x - 3, st.floats(-10, 10)),
    ("3 - x", lambda v: 3 - v, lambda x: 3 - x, st.floats(-10, 10)),
    ("x / 4", lambda v: v / 4, lambda x: x / 4, st.floats(-10, 10)),
    ("3 / x", lambda v: 3 / v, lambda x: 3 / x, st.floats(0.2, 10)),
]


@pytest.mark.parametrize(("name", "build", "f", "xs"), UNARY, ids=[u[0] for u in UNARY])
def test_each_operation_matches_finite_differences(name, build, f, xs):
    @given(xs)
    def check(x):
        # value: the engine computes the same number as numpy
        assert build(Value(x)).data == pytest.approx(float(f(x)), rel=1e-12, abs=1e-12)
        result = gd.check_gradient(f, engine_derivative(build), x, tol=TOL)
        assert result.ok, (name, x, result)

    check()


BINARY = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
]


@pytest.mark.parametrize(("name", "op"), BINARY, ids=[b[0] for b in BINARY])
@given(a=st.floats(-5, 5), b=st.floats(0.3, 5), sign=st.sampled_from([-1.0, 1.0]))
def test_binary_operations_match_finite_differences(name, op, a, b, sign):
    b = sign * b  # keep the divisor away from 0

    def grad(point):
        va, vb = Value(point[0]), Value(point[1])
        op(va, vb).backward()
        return np.array([va.grad, vb.grad])

    result = gd.check_gradient(lambda p: op(p[0], p[1]), grad, [a, b], tol=TOL)
    assert result.ok, (name, a, b, result)


def test_binary_partials_by_hand():
    a, b = Value(3.0), Value(-2.0)
    cases = {  # op: (d/da, d/db) worked out by hand at a = 3, b = -2
        "add": (lambda: a + b, 1.0, 1.0),
        "sub": (lambda: a - b, 1.0, -1.0),
        "mul": (lambda: a * b, -2.0, 3.0),
        "div": (lambda: a / b, -0.5, -3.0 / 4.0),
    }
    for name, (make, da, db) in cases.items():
        make().backward()
        assert (a.grad, b.grad) == (pytest.approx(da), pytest.approx(db)), name


def test_local_derivatives_are_stored():
    x = Value(0.3)
    s = x.sigmoid()
    t = x.tanh()
    assert s.parents == (x,) and t.parents == (x,)
    assert s.local_grads[0] == pytest.approx(sigmoid(0.3) * (1 - sigmoid(0.3)), rel=1e-14)
    assert t.local_grads[0] == pytest.approx(1 - math.tanh(0.3) ** 2, rel=1e-14)
    prod = Value(2.0) * Value(5.0)
    assert prod.local_grads == (5.0, 2.0)
    assert prod.op == "*"


def test_sigmoid_is_stable_far_out():
    lo, hi = Value(-800.0).sigmoid(), Value(800.0).sigmoid()
    assert lo.data == pytest.approx(0.0, abs=1e-300) and hi.data == 1.0
    assert math.isfinite(lo.local_grads[0]) and hi.local_grads[0] == 0.0


def test_relu_at_zero_has_derivative_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


# --------------------------------------------------------------------------- composed


def test_the_module_example_by_hand():
    a, b = Value(2.0), Value(-3.0)
    L = (a * b + 10) ** 2
    L.backward()
    # u = ab + 10 = 4, L = u^2: dL/da = 2u b = -24, dL/db = 2u a = 16
    assert L.data == 16.0
    assert (a.grad, b.grad) == (-24.0, 16.0)


@given(
    w=st.lists(st.floats(-3, 3), min_size=2, max_size=2),
    x=st.lists(st.floats(-3, 3), min_size=2, max_size=2),
    bias=st.floats(-2, 2),
)
def test_neuron_with_log_loss_matches_the_formulas(w, x, bias):
    ws = [Value(v) for v in w]
    xs = [Value(v) for v in x]
    b = Value(bias)
    p = (ws[0] * xs[0] + ws[1] * xs[1] + b).sigmoid()
    L = -p.log()
    L.backward()
    z = w[0] * x[0] + w[1] * x[1] + bias
    pv = sigmoid(z)
    # dL/dz = p - 1 for a point of class 1
    assert L.data == pytest.approx(np.log1p(np.exp(-z)), rel=1e-12)
    for i in range(2):
        assert ws[i].grad == pytest.approx((pv - 1) * x[i], rel=1e-10, abs=1e-12)
        assert xs[i].grad == pytest.approx((pv - 1) * w[i], rel=1e-10, abs=1e-12)
    assert b.grad == pytest.approx(pv - 1, rel=1e-10, abs=1e-12)


def _composite_numpy(v):
    x, y, z = v
    return np.tanh(x * y + z) * np.exp(-0.5 * x) / (1 + y**2) + np.log(1 + z**2) - (x - z) ** 3


def _composite_engine(x, y, z):
    return (x * y + z).tanh() * (-0.5 * x).exp() / (1 + y**2) + (1 + z**2).log() - (x - z) ** 3


@given(st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_composed_expression_matches_gd_gradient(point):
    vs = [Value(c) for c in point]
    out = _composite_engine(*vs)
    out.backward()
    assert out.data == pytest.approx(float(_composite_numpy(point)), rel=1e-12, abs=1e-12)
    numeric = gd.gradient(_composite_numpy, point)
    np.testing.assert_allclose([v.grad for v in vs], numeric, rtol=1e-7, atol=1e-8)


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_paths_add_up(x, y):
    xv, yv = Value(x), Value(y)
    (xv * yv + xv.tanh() + xv * xv).backward()
    # x reaches the output along three paths: y, 1 - tanh^2 x and 2x
    assert xv.grad == pytest.approx(y + 1 - math.tanh(x) ** 2 + 2 * x, rel=1e-12, abs=1e-12)
    assert yv.grad == pytest.approx(x, rel=1e-12, abs=1e-12)


def test_shared_node_counted_once_per_use():
    x = Value(3.0)
    u = x * 2  # used twice below
    out = u * u + u
    out.backward()
    # out = 4x^2 + 2x: derivative 8x + 2
    assert x.grad == 26.0
    assert len(topological_order(out)) == 5  # x, 2, u, u*u, + (no duplicates)


def test_backward_twice_gives_the_same_gradients():
    x = Value(1.5)
    y = (x * x).tanh()
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first == pytest.approx(2 * 1.5 * (1 - math.tanh(2.25) ** 2))


def test_long_chain_needs_no_recursion():
    x = Value(0.0)
    y = x
    for _ in range(5000):
        y = y + 1
    y.backward()
    assert y.data == 5000.0 and x.grad == 1.0


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    e = d.exp()
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(v) for v in order}) == 5
    where = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            assert where[id(p)] < where[id(v)]


def test_value_accepts_numpy_numbers_and_repr():
    v = Value(np.float64(2.5), label="w") * np.int64(2)
    assert v.data == 5.0 and isinstance(v.data, float)
    assert repr(Value(2.5, label="w")) == "Value(w: data=2.5, grad=0)"


# --------------------------------------------------------------------------- drawing


def _neuron_loss():
    x1, x2 = Value(1.5, label="x1"), Value(-0.5, label="x2")
    w1, w2, b = Value(0.5, label="w1"), Value(-1.0, label="w2"), Value(0.1, label="b")
    L = -(w1 * x1 + w2 * x2 + b).sigmoid().log()
    L.backward()
    return L, (w1, x1, w2, x2, b)


def test_draw_graph_layout_and_steps():
    L, leaves = _neuron_loss()
    ax = Figure().subplots()
    drawing = draw_graph(ax, L, show_grads=False)
    assert len(drawing.nodes) == len(topological_order(L)) == 12
    xs = {k: p[0] for k, p in drawing.positions.items()}
    assert xs[id(L)] == max(xs.values())  # the output on the right
    assert all(xs[id(v)] < xs[id(L)] for v in leaves)
    assert all(t.get_text() == "grad ?" for t in drawing.grad_texts.values())
    assert drawing.backward_order[0] is L
    changed = drawing.show_step(3)
    assert drawing.highlight in changed and drawing.highlight.get_visible()
    shown = [drawing.grad_texts[id(v)].get_text() for v in drawing.backward_order]
    assert all(s != "grad ?" for s in shown[:4]) and all(s == "grad ?" for s in shown[4:])
    drawing.show_step(None)
    assert not drawing.highlight.get_visible()
    assert drawing.grad_texts[id(L)].get_text() == "grad 1"


# --------------------------------------------------------------------------- toy data


def test_make_moons_lies_on_two_half_circles_without_noise():
    X, y = make_moons(50, noise=0.0, seed=3)
    assert X.shape == (50, 2) and y.shape == (50,)
    assert int(np.sum(y == 0)) == 25 and int(np.sum(y == 1)) == 25
    up, low = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(up[:, 0], up[:, 1]), 1.0, atol=1e-12)
    assert np.all(up[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(low[:, 0] - 1, low[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(low[:, 1] <= 0.5 + 1e-12)


def test_make_moons_is_seeded_and_noisy():
    X1, y1 = make_moons(40, noise=0.2, seed=7)
    X2, y2 = make_moons(40, noise=0.2, seed=7)
    X3, _ = make_moons(40, noise=0.2, seed=8)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    # odd n: the extra point goes to class 1
    assert int(make_moons(7, seed=0)[1].sum()) == 4


# --------------------------------------------------------------------------- the network


def _bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_init_params_shapes_and_seeding():
    p = init_params(seed=4, n_hidden=5, n_in=3)
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (3, 5), "b1": (5,), "W2": (5,), "b2": (1,)}
    assert np.all(p["b1"] == 0) and np.all(p["b2"] == 0)
    q = init_params(seed=4, n_hidden=5, n_in=3)
    assert all(np.array_equal(p[k], q[k]) for k in PARAM_NAMES)


def test_forward_against_a_direct_formula():
    params = init_params(seed=2, n_hidden=4)
    X, y = make_moons(30, seed=1)
    p, cache = forward(params, X)
    # written out independently: one point at a time
    expected = []
    for x in X:
        hidden = [math.tanh(x[0] * params["W1"][0, j] + x[1] * params["W1"][1, j]
                            + params["b1"][j]) for j in range(4)]
        z = sum(h * w for h, w in zip(hidden, params["W2"], strict=True)) + params["b2"][0]
        expected.append(1 / (1 + math.exp(-z)))
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    assert loss(params, X, y) == pytest.approx(_bce(np.array(expected), y), rel=1e-12)
    np.testing.assert_array_equal(predict(params, X), (np.array(expected) >= 0.5).astype(int))


def test_loss_is_finite_for_confident_wrong_predictions():
    params = init_params(seed=0, n_hidden=2)
    params["W2"] = np.array([400.0, 400.0])
    params["W1"] = np.array([[10.0, 10.0], [0.0, 0.0]])
    X = np.array([[1.0, 0.0]])  # z2 = 800: p rounds to 1
    assert loss(params, X, [0]) == pytest.approx(800.0 * math.tanh(10.0), rel=1e-9)


@given(seed=st.integers(0, 10_000), n_hidden=st.integers(1, 6))
def test_backprop_matches_finite_differences(seed, n_hidden):
    params = init_params(seed=seed, n_hidden=n_hidden)
    X, y = make_moons(20, noise=0.3, seed=seed)

    def f(theta):
        return loss(unflatten(theta), X, y)

    def g(theta):
        return flatten(loss_and_grad(unflatten(theta), X, y)[1])

    result = gd.check_gradient(f, g, flatten(params), tol=1e-7)
    assert result.ok, result


@given(seed=st.integers(0, 10_000))
def test_backprop_matches_the_engine(seed):
    params = init_params(seed=seed, n_hidden=3)
    X, y = make_moons(12, noise=0.3, seed=seed + 1)
    L_np, g_np = loss_and_grad(params, X, y)
    L_engine, g_engine = engine_gradient(params, X, y)
    assert L_engine == pytest.approx(L_np, rel=1e-12)
    for k in PARAM_NAMES:
        np.testing.assert_allclose(g_engine[k], g_np[k], rtol=1e-9, atol=1e-14)


def test_backward_uses_the_cache_of_forward():
    params = init_params(seed=5)
    X, y = make_moons(25, seed=5)
    _, cache = forward(params, X)
    grads = backward(params, cache, y)
    _, grads2 = loss_and_grad(params, X, y)
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(grads[k], grads2[k])
    # b2: the mean of (p - y), by hand
    p = cache["p"]
    assert grads["b2"][0] == pytest.approx(np.mean(p - y), rel=1e-12)


def test_gradient_descent_with_backprop_learns_the_moons():
    X, y = make_moons(100, noise=0.1, seed=0)
    theta0 = flatten(init_params(seed=1))

    def g(theta):
        return flatten(loss_and_grad(unflatten(theta), X, y)[1])

    run = gd.descend(g, theta0, lr=1.0, steps=600)
    before, after = loss(unflatten(theta0), X, y), loss(unflatten(run.x), X, y)
    assert after < 0.5 * before
    assert np.mean(predict(unflatten(run.x), X) == y) > 0.9


def test_flatten_unflatten_round_trip():
    for h in (1, 4, 9):
        p = init_params(seed=h, n_hidden=h, n_in=3)
        theta = flatten(p)
        assert theta.shape == (3 * h + 2 * h + 1,)
        back = unflatten(theta, n_in=3)
        assert all(np.array_equal(back[k], p[k]) for k in PARAM_NAMES)


# --------------------------------------------------------------------------- bad input


def _params_with(**changes):
    p = init_params(seed=0, n_hidden=3)
    p.update(changes)
    return p


_X = np.zeros((4, 2))
_y = np.array([0, 1, 0, 1])

BAD = [
    ("data string", lambda: Value("1.0"), TypeError, "data"),
    ("data bool", lambda: Value(True), TypeError, "data"),
    ("data nan", lambda: Value(float("nan")), ValueError, "data"),
    ("data inf", lambda: Value(float("inf")), ValueError, "data"),
    ("add str", lambda: Value(1.0) + "x", TypeError, "other .* got str"),
    ("radd str", lambda: "x" + Value(1.0), TypeError, "other .* got str"),
    ("mul list", lambda: Value(1.0) * [1, 2], TypeError, "other .* got list"),
    ("sub None", lambda: Value(1.0) - None, TypeError, "other .* got NoneType"),
    ("div array", lambda: Value(1.0) / np.ones(2), TypeError, "other .* got ndarray"),
    ("log negative", lambda: Value(-1.0).log(), ValueError, "log needs a positive"),
    ("log zero", lambda: Value(0.0).log(), ValueError, "log needs a positive"),
    ("Value exponent", lambda: Value(2.0) ** Value(3.0), TypeError, "exponent"),
    ("rpow", lambda: 2.0 ** Value(3.0), TypeError, "exponent"),
    ("string exponent", lambda: Value(2.0) ** "2", TypeError, "exponent"),
    ("negative base", lambda: Value(-2.0) ** 0.5, ValueError, "exponent"),
    ("zero base", lambda: Value(0.0) ** -1, ValueError, "exponent"),
    ("divide by zero", lambda: Value(1.0) / 0, ZeroDivisionError, "divisor"),
    ("rdivide by zero", lambda: 1.0 / Value(0.0), ZeroDivisionError, "divisor"),
    ("exp overflow", lambda: Value(800.0).exp(), OverflowError, "exp"),
    ("mul overflow", lambda: Value(1e200) * 1e200, OverflowError, "non-finite"),
    ("pow overflow", lambda: Value(1e200) ** 3, OverflowError, "exponent"),
    ("topological root", lambda: topological_order(3.0), TypeError, "root"),
    ("draw root", lambda: draw_graph(Figure().subplots(), 3.0), TypeError, "root"),
    ("moons n small", lambda: make_moons(1), ValueError, "n must be >= 2"),
    ("moons n float", lambda: make_moons(10.5), TypeError, "n must be a whole"),
    ("moons noise", lambda: make_moons(10, noise=-0.1), ValueError, "noise"),
    ("moons noise nan", lambda: make_moons(10, noise=float("nan")), ValueError, "noise"),
    ("moons seed", lambda: make_moons(10, seed=-1), ValueError, "seed"),
    ("init hidden", lambda: init_params(n_hidden=0), ValueError, "n_hidden"),
    ("init seed", lambda: init_params(seed=1.5), TypeError, "seed"),
    ("params keys", lambda: forward({"W1": np.zeros((2, 3))}, _X), ValueError, "params"),
    ("params type", lambda: forward([1, 2], _X), ValueError, "params"),
    ("params W1", lambda: forward(_params_with(W1=np.zeros(3)), _X), ValueError, "W1"),
    ("params b1", lambda: forward(_params_with(b1=np.zeros(4)), _X), ValueError, "b1"),
    ("params b2", lambda: forward(_params_with(b2=np.zeros(())), _X), ValueError, "b2"),
    ("X columns", lambda: forward(_params_with(), np.zeros((4, 3))), ValueError, "X"),
    ("X 1-D", lambda: predict(_params_with(), np.zeros(4)), ValueError, "X"),
    ("y length", lambda: loss(_params_with(), _X, [0, 1]), ValueError, "y must have"),
    ("y labels", lambda: loss(_params_with(), _X, [0, 1, 2, 1]), ValueError, "y must hold"),
    ("y in engine", lambda: engine_gradient(_params_with(), _X, [0, 1]), ValueError, "y"),
    ("theta size", lambda: unflatten(np.zeros(10)), ValueError, "theta"),
    ("theta 2-D", lambda: unflatten(np.zeros((3, 9))), ValueError, "theta"),
    ("unflatten n_in", lambda: unflatten(np.zeros(9), n_in=0), ValueError, "n_in"),
]


@pytest.mark.parametrize(("name", "call", "exc", "pattern"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_clear_message(name, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_show_step_refuses_out_of_range():
    x = Value(1.0)
    drawing = draw_graph(Figure().subplots(), x * 2)
    with pytest.raises(ValueError, match="k must be in"):
        drawing.show_step(3)
    with pytest.raises(TypeError, match="k must be a whole number"):
        drawing.show_step(1.0)
