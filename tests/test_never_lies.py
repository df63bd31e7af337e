"""gdlib never lies (issue 17): every bad input a clear error naming what was wrong, every
blow-up a run that ends "diverged", no stray warning, never a silently wrong result.

Tables by class (warnings are errors, pyproject's filterwarnings), then hypothesis
properties: descend and sweep never raise or warn for finite input, and the norms are
exact under scaling by powers of two over the whole float range.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gdlib as gd
from gdlib._checks import norms
from gdlib.chapters import ch05_learning_rate as S
from gdlib.chapters import ch06_chain_rule as AD
from gdlib.chapters import ch08_optimizers as O
from gdlib.chapters import ch09_curvature as C
from gdlib.chapters.ch03_gradients import plot_gradient_field
from gdlib.chapters.ch07_pitfalls import ClipByNorm, clip_by_norm
from gdlib.descent import STATUSES
from gdlib.exercises import check
from gdlib.plotting import figure, plot_contour, plot_losses


def sq(x):
    return 2 * x


# --------------------------------------------------------------------------- 1. diverged

def _sinh(x):
    return math.exp(x) - math.exp(-x)  # OverflowError past x = 710


def _recip(x):
    return 1.0 / float(x)  # ZeroDivisionError at 0


BLOWUPS = [
    # (id, call, the rule that must stop it)
    ("grad overflows (OverflowError)", lambda: gd.descend(_sinh, 1.0, lr=1e7, steps=10),
     {"ran_away", "raised"}),
    ("grad divides by zero", lambda: gd.descend(_recip, 1.0, lr=1.0, steps=10), {"raised"}),
    ("grad returns inf", lambda: gd.descend(lambda x: np.inf * x, 1.0, lr=0.1, steps=5),
     {"grad_nonfinite"}),
    ("grad returns nan later", lambda: gd.descend(lambda x: np.where(x < 0.5, np.nan, 2 * x),
                                                   1.0, lr=0.4, steps=20), {"grad_nonfinite"}),
    ("f overflows", lambda: gd.descend(sq, 1.0, lr=1.5, steps=100, f=lambda x: 1e300 * x * x),
     {"loss_nonfinite"}),
    ("f overflows (OverflowError)", lambda: gd.descend(sq, 1.0, lr=1.5, steps=2000,
                                                       f=lambda x: math.exp(float(x) ** 2)),
     {"raised", "ran_away"}),
    ("lr huge: x overflows to inf", lambda: gd.descend(sq, 1.0, lr=1e308, steps=5),
     {"x_nonfinite", "ran_away"}),
    ("iterate becomes -inf", lambda: gd.descend(lambda x: np.where(x < -2, np.inf, 2.0), 1.0,
                                                lr=1.0, steps=10, diverge_factor=1e300),
     {"grad_nonfinite", "x_nonfinite"}),
    ("clipping a nan gradient (optimizer refuses it)",
     lambda: gd.descend(np.log, 3.0, optimizer=ClipByNorm(5.0, 1.0), steps=10),
     {"grad_nonfinite"}),
    ("optimizer returns inf", lambda: gd.descend(sq, 1.0, optimizer=O.SGD(lr=1e308,
                                                                          momentum=0.9),
                                                 steps=10), {"x_nonfinite", "ran_away"}),
]


@pytest.mark.parametrize(("call", "rules"), [b[1:] for b in BLOWUPS], ids=[b[0] for b in BLOWUPS])
def test_every_blow_up_ends_diverged(call, rules):
    run = call()
    assert run.status == "diverged" and run.stop.rule in rules, run
    assert run.stop.status == "diverged" and run.reason == run.stop.words(run.steps)
    assert np.all(np.isfinite(run.xs[:-1]))  # only the last iterate may be the bad one


def _huge(x):
    return np.full(np.shape(x), 1e200)  # g * g = 1e400 overflows to inf


# The second moment of an adaptive optimizer is g * g: for |g| = 1e200 it is inf, the
# step is m / inf = 0 and x never moves (PyTorch in float64 does the same arithmetic,
# which gdlib keeps). The run must say "diverged", not "took all steps".
STATE_OVERFLOWS = [
    ("Adam", lambda: O.Adam(lr=0.1)),
    ("AMSGrad", lambda: O.Adam(lr=0.1, amsgrad=True)),
    ("AdamW", lambda: O.AdamW(lr=0.1)),
    ("Adam with L2 decay", lambda: O.Adam(lr=0.1, weight_decay=0.1)),
    ("RMSprop", lambda: O.RMSprop(lr=0.1)),
    ("RMSprop centered with momentum", lambda: O.RMSprop(lr=0.1, centered=True, momentum=0.5)),
    ("AdaGrad", lambda: O.AdaGrad(lr=0.1)),
    ("AdaGrad eps 0", lambda: O.AdaGrad(lr=0.1, eps=0.0)),
    ("Adam inside clipping that lets it through", lambda: ClipByNorm(O.Adam(lr=0.1), 1e300)),
]


@pytest.mark.parametrize("make", [c[1] for c in STATE_OVERFLOWS],
                         ids=[c[0] for c in STATE_OVERFLOWS])
def test_an_overflowing_optimizer_state_ends_diverged(make):
    run = gd.descend(_huge, np.array([1.0, 2.0]), optimizer=make(), steps=20, tol=1e-3)
    assert run.status == "diverged" and run.stop.rule == "state_nonfinite", run
    assert run.steps == 0 and run.xs.tolist() == [[1.0, 2.0]]  # cut before the bad step
    assert "overflowed to" in run.reason and run.reason == run.stop.words(run.steps)


def test_the_state_check_names_the_step_that_broke_it():
    # AdaGrad's sum: 3, then 3 + 1e308 (finite), then 3 + 2e308 (inf: the largest float
    # is 1.8e308), in the step from step 4
    seq = iter([1.0, 1.0, 1.0, 1e154, 1e154, 1e154, 1e154])
    run = gd.descend(lambda x: np.array([next(seq)]), np.array([5.0]),
                     optimizer=O.AdaGrad(lr=0.1), steps=6)
    assert run.stop.rule == "state_nonfinite" and run.stop.step == 4, run  # 3 + 2e308
    assert len(run.xs) == 5 and np.all(np.isfinite(run.grads))


def test_clipping_keeps_the_state_finite_and_sgd_shows_it_in_the_iterates():
    run = gd.descend(_huge, np.array([1.0, 2.0]), optimizer=ClipByNorm(O.Adam(lr=0.1), 1.0),
                     steps=20)
    assert run.status == "max_steps" and np.all(np.diff(run.xs[:, 0]) < 0)  # it moves
    run = gd.descend(_huge, np.array([1.0, 2.0]), optimizer=O.SGD(lr=0.1, momentum=0.9),
                     steps=20)
    assert run.stop.rule == "ran_away"  # no hidden state: the iterate itself blows up
    s = gd.sweep(lambda x: np.full(np.shape(x), 1e200), np.array([1.0]), lr=0.1, steps=5,
                 momentum=0.9)
    assert s.status.tolist() == ["diverged"] and s.diverged_at.tolist() == [1]


def test_backtracking_measures_a_decrease_whose_square_norm_overflows():
    # |g| = 1.4e160: |g|^2 overflows, so c t |g|^2 was inf and no step was ever accepted
    f = lambda x: float(1e160 * np.sum(np.sin(x)))  # noqa: E731
    ls = S.Backtracking(f, lr0=1e-150, max_backtracks=100)
    x0 = np.array([0.5, 0.3])
    x1 = ls.step(x0, 1e160 * np.cos(x0), 0)
    t = ls.step_sizes[0]
    slope = math.hypot(*(1e160 * np.cos(x0) / 1e160)) ** 2  # |g|^2 / 1e320, exact enough
    assert f(x1) <= f(x0) - 1e-4 * (t * 1e160) * 1e160 * slope * (1 - 1e-12)  # Armijo
    assert t < 1e-150  # it had to backtrack to a step that truly decreases f


@given(c=st.floats(1e-300, 1e300) | st.floats(-1e300, -1e-300),
       opt=st.sampled_from(["adam", "amsgrad", "rmsprop", "adagrad"]),
       x0=st.floats(-1e3, 1e3), steps=st.integers(1, 30))
def test_an_adaptive_optimizer_moves_or_says_diverged(c, opt, x0, steps):
    make = {"adam": lambda: O.Adam(lr=0.1), "amsgrad": lambda: O.Adam(lr=0.1, amsgrad=True),
            "rmsprop": lambda: O.RMSprop(lr=0.1), "adagrad": lambda: O.AdaGrad(lr=0.1)}[opt]
    run = gd.descend(lambda x: np.full(np.shape(x), c), np.array([x0]), optimizer=make(),
                     steps=steps)
    if abs(c) > 1e156:  # (1 - beta2) g^2 > 1.8e308 for every one of them
        assert run.stop.rule == "state_nonfinite" and run.steps == 0, run
    elif abs(c) < 1e153:  # 30 steps of g^2 stay below the largest float
        assert run.status == "max_steps", run
        if abs(c) > 1e-6:  # eps = 1e-8 or 1e-10 is small beside |g|: a step of ~lr or more
            assert np.all(np.diff(run.xs[:, 0]) * np.sign(c) < 0), run  # every step moves
    else:
        assert run.status in ("diverged", "max_steps")
    if run.status == "max_steps":  # tiny |g|: a step below eps's scale may round away
        assert np.all(np.diff(run.xs[:, 0]) * np.sign(c) <= 0)  # never uphill


PAST_THE_STOP = [
    ("schedule turns negative after the stop",
     lambda: gd.descend(sq, 0.1, lr=lambda k: 0.1 if k < 5 else -1.0, steps=20, tol=1.5)),
    ("schedule raises after the stop",
     lambda: gd.descend(sq, 0.1, lr=lambda k: 0.1 if k < 3 else 1 / 0, steps=20, tol=1.5)),
    ("grad raises after the stop",
     lambda: gd.descend(lambda x: 2 * x if x > 0.5 else [][0], 0.6, lr=0.3, steps=20,
                        tol=1.5)),
]


@pytest.mark.parametrize("call", [p[1] for p in PAST_THE_STOP], ids=[p[0] for p in PAST_THE_STOP])
def test_errors_past_the_stopping_step_do_not_escape(call):
    run = call()
    assert run.status == "converged" and run.steps == 0, run


def test_a_valid_schedule_never_underflows_to_an_invalid_rate():
    for s in (S.exponential(0.1, 0.5), S.step_decay(0.1, 0.5, 1)):
        assert s(1100) > 0 and np.all(s(np.arange(2000)) > 0)
        run = gd.descend(sq, 1.0, lr=s, steps=1200)
        assert run.status == "max_steps"
    assert S.exponential(0.1, 0.5)(3) == pytest.approx(0.1 / 8, rel=1e-15)  # unchanged


# --------------------------------------------------------------------------- 2. norms

NORM_CASES = [
    ("descend at 1e160 is not diverged", lambda: gd.descend(sq, [1e160, 1e160], lr=0.1,
                                                            steps=10).status, "max_steps"),
    ("descend at 1e-200 has not converged", lambda: gd.descend(sq, [1e-200, 1e-200], lr=0.1,
                                                               steps=10, tol=1e-250).status,
     "max_steps"),
    ("grad norms at 1e-200", lambda: float(gd.descend(sq, [3e-200, 4e-200], lr=0.1,
                                                      steps=0).grad_norms[0] / 1e-199), 1.0),
    ("sweep at 1e160", lambda: gd.sweep(sq, np.full((1, 2), 1e160), lr=0.1, steps=5,
                                        point_ndim=1).status.tolist(), ["max_steps"]),
    ("clip 1e200", lambda: clip_by_norm([1e200, 1e200], 1.0)[0].tolist(),
     pytest.approx([2**-0.5, 2**-0.5], rel=1e-12)),
    ("clip 1e-200 untouched", lambda: clip_by_norm([3e-200, 4e-200], 1.0)[0].tolist(),
     [3e-200, 4e-200]),
    ("Newton with |gradient| 3e-200 has not converged at the start",
     lambda: _tiny_newton().steps, 1),
    ("Newton's gradient norms at 3e-200", lambda: float(_tiny_newton().grad_norms[0] / 3e-200),
     pytest.approx(1.0, rel=1e-12)),
    ("directional derivative along 1e300", lambda: gd.directional_derivative(
        lambda p: p[0] + 2 * p[1], [1.0, 1.0], [1e300, 0.0]), pytest.approx(1.0, rel=1e-8)),
    ("directional derivative along 1e-300", lambda: gd.directional_derivative(
        lambda p: p[0] + 2 * p[1], [1.0, 1.0], [0.0, 1e-300]), pytest.approx(2.0, rel=1e-8)),
]


def _tiny_newton():
    # f = 1e-200 x^2: |g(1.5)| = 3e-200, whose square underflows; tol = 1e-250 is below it
    return C.newton(lambda x: 1e-200 * x * x, lambda x: 2e-200 * x, lambda x: 2e-200, 1.5,
                    tol=1e-250)


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in NORM_CASES],
                         ids=[c[0] for c in NORM_CASES])
def test_norms_neither_overflow_nor_underflow(call, expected):
    assert call() == expected


magnitude = st.just(0.0) | st.floats(1e-100, 1e3) | st.floats(-1e3, -1e-100)


@given(exp=st.integers(-1000, 1000), v=st.lists(magnitude, min_size=1, max_size=5))
def test_norms_scale_exactly_by_powers_of_two(exp, v):
    a = np.array(v)
    base = float(np.sqrt(np.sum(a * a)))  # safe in this range: the reference
    scaled = norms(np.ldexp(a, exp))
    if base == 0:
        assert scaled == 0
    else:
        expect = math.ldexp(base, exp)
        if 1e-300 < expect < 1e300:
            assert scaled == pytest.approx(expect, rel=4 * np.finfo(float).eps)


# --------------------------------------------------------------------- 3. what callables return

RETURNS = [
    ("grad None", lambda: gd.descend(lambda x: None, 1.0, lr=0.1, steps=3), TypeError,
     "grad returned None"),
    ("grad str", lambda: gd.descend(lambda x: "2", 1.0, lr=0.1, steps=3), TypeError,
     "grad returned '2'"),
    ("grad complex", lambda: gd.descend(lambda x: 2j * x, 1.0, lr=0.1, steps=3), TypeError,
     "grad returned a complex"),
    ("grad bool", lambda: gd.descend(lambda x: True, 1.0, lr=0.1, steps=3), TypeError,
     "grad returned True"),
    ("grad dict", lambda: gd.descend(lambda x: {"g": 1}, 1.0, lr=0.1, steps=3), TypeError,
     "grad returned dict"),
    ("grad ragged", lambda: gd.descend(lambda x: [1.0, [2.0]], [1.0, 1.0], lr=0.1, steps=3),
     TypeError, "grad returned list"),
    ("grad wrong shape", lambda: gd.descend(lambda x: np.ones(3), [1.0, 1.0], lr=0.1,
                                            steps=3), ValueError, r"grad returned .*\(3,\)"),
    ("f None", lambda: gd.descend(sq, 1.0, lr=0.1, steps=3, f=lambda x: None), TypeError,
     "f returned None"),
    ("f complex", lambda: gd.descend(sq, 1.0, lr=0.1, steps=3, f=lambda x: 1j), TypeError,
     "f returned a complex"),
    ("f an array", lambda: gd.descend(sq, [1.0, 2.0], lr=0.1, steps=3, f=lambda x: x),
     ValueError, "f returned an array of shape"),
    ("optimizer step None", lambda: gd.descend(sq, 1.0, optimizer=_NoneStep(), steps=3),
     TypeError, "_NoneStep.step returned None"),
    ("sweep grad None", lambda: gd.sweep(lambda x: None, [1.0], lr=0.1, steps=3), TypeError,
     "grad returned None"),
    ("sweep grad str", lambda: gd.sweep(lambda x: "x", [1.0], lr=0.1, steps=3), TypeError,
     "grad returned"),
    ("derivative f None", lambda: gd.derivative(lambda x: None, 1.0), TypeError,
     "f returned None"),
    ("partial f str", lambda: gd.partial(lambda p: "1", [1.0, 2.0], 0), TypeError,
     "f returned '1'"),
    ("gradient f complex", lambda: gd.gradient(lambda p: 1j, [1.0, 2.0]), TypeError,
     "f returned a complex"),
    ("hessian f None", lambda: gd.hessian(lambda p: None, [1.0, 2.0]), TypeError,
     "f returned None"),
    ("directional f array", lambda: gd.directional_derivative(lambda p: p, [1.0, 2.0],
                                                              [1.0, 0.0]), ValueError,
     "f returned an array"),
    ("check_gradient f None", lambda: gd.check_gradient(lambda p: None, lambda p: p,
                                                        [1.0, 2.0]), TypeError,
     "f returned None"),
    ("backtracking f None", lambda: gd.descend(sq, 1.0, optimizer=S.Backtracking(
        lambda x: None), steps=3), TypeError, "f returned None"),
    ("gradient field grad None", lambda: plot_gradient_field(
        figure()[1], lambda p: p[..., 0], lambda p: None, (-1, 1), (-1, 1), n=3), TypeError,
     "grad returned None"),
    ("catalogue point of 3 coordinates", lambda: gd.get_function("bowl")([1.0, 2.0, 3.0]),
     ValueError, "last axis must have length 2"),
    ("catalogue gradient of 3 coordinates",
     lambda: gd.get_function("bowl").grad([1.0, 2.0, 3.0]), ValueError, "length 2"),
    ("catalogue point as a string", lambda: gd.get_function("square")("1.0"), TypeError,
     "needs numbers"),
]


class _NoneStep(gd.Optimizer):
    def step(self, x, g, k):
        return None


@pytest.mark.parametrize(("call", "exc", "pattern"), [c[1:] for c in RETURNS],
                         ids=[c[0] for c in RETURNS])
def test_what_a_callable_returns_is_checked_and_named(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_catalogue_functions_take_lists_as_points():
    assert gd.get_function("square").grad([1.0, 2.0]).tolist() == [2.0, 4.0]  # not repeated
    assert gd.get_function("bowl").grad([[1, 1], [0, 2]]).shape == (2, 2)


# --------------------------------------------------------------------------- 4. numerics

def test_eps_zero_with_no_gradient_does_not_move_instead_of_nan():
    for opt in (O.AdaGrad(lr=0.1, eps=0.0), O.RMSprop(lr=0.1, eps=0.0),
                O.RMSprop(lr=0.1, eps=0.0, centered=True), O.Adam(lr=0.1, eps=0.0)):
        x = np.array([1.0, -2.0])
        opt.reset(x)
        assert opt.step(x, np.zeros(2), 0).tolist() == [1.0, -2.0], opt
        assert np.all(np.isfinite(opt.step(x, np.array([0.0, 3.0]), 1)))


def test_centered_rmsprop_never_takes_the_root_of_a_negative_variance():
    opt = O.RMSprop(lr=0.01, centered=True, eps=0.0)
    x = np.array([1.0])
    opt.reset(x)
    for k in range(50):  # a constant gradient: variance 0, rounding makes it +-tiny
        x = opt.step(x, np.array([0.1]), k)
        assert np.all(np.isfinite(x))


def test_backtracking_says_when_the_step_is_lost_to_rounding():
    ls = S.Backtracking(lambda x: float((x - 1e8) ** 2), lr0=1e-9, max_backtracks=3)
    with pytest.raises(RuntimeError, match="lost to rounding"):
        ls.step(np.array(1e8 + 1e-8 * 1e8), np.array(1e-6), 0)


NUMERICS = [
    ("closed form from x0 = 0", lambda: S.steps_to_converge_closed_form(0.1, 2.0, 0.0, 1e-6),
     0),
    ("closed form, an array with x0 = 0",
     lambda: S.steps_to_converge_closed_form(np.array([0.1, 0.1]), 2.0, np.array([0.0, 1.0]),
                                             1e-6).tolist(),
     [0, next(k for k in range(200) if 2 * 0.8**k < 1e-6)]),  # |g_k| = 2 * 0.8**k
    ("Value divided by 1e-200", lambda: _value_div(1.0, 1e-200), (1e200, -math.inf)),
    ("Value divided by 1e200", lambda: _value_div(1.0, 1e200), (1e-200, -1e-400 * 1e0)),
]


def _value_div(a, b):
    x, y = AD.Value(a), AD.Value(b)
    out = x / y
    out.backward()
    return (x.grad, y.grad)


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in NUMERICS],
                         ids=[c[0] for c in NUMERICS])
def test_numerics_on_ordinary_but_extreme_input(call, expected):
    assert call() == expected


def test_derivative_refuses_a_step_lost_to_rounding():
    with pytest.raises(ValueError, match="h = 1e-300 is too small"):
        gd.derivative(lambda x: x**2, 1.0, h=1e-300)
    with pytest.raises(ValueError, match="too small"):
        gd.partial(lambda p: p[0] ** 2, [1e10, 0.0], 0, h=1e-8)
    assert gd.derivative(lambda x: x**2, 0.0, h=1e-300) == 0.0  # at 0 the step survives


# --------------------------------------------------------------------------- 5. plots, widgets

def test_plot_losses_draws_every_run_and_takes_a_list():
    runs = [gd.descend(sq, 1.0 + i, lr=0.1, steps=5, f=lambda x: x * x) for i in range(9)]
    _, ax = figure()
    plot_losses(ax, runs)
    assert len(ax.lines) == 9 and len({line.get_label() for line in ax.lines}) == 9
    assert ax.lines[7].get_linestyle() == "--"  # past the palette: dashed, not dropped


def test_log_contours_honour_the_levels_asked_for():
    _, ax = figure()
    f = gd.get_function("rosenbrock")
    cs = plot_contour(ax, f, (-2, 2), (-1, 3), levels=[1.0, 10.0, 100.0], log=True, n=60)
    # the map is of f - min + 1e-3 (min ~ 0 on this grid): the levels, shifted alike
    assert len(cs.levels) == 3
    assert np.allclose(np.diff(cs.levels), [9.0, 90.0])


def test_one_nan_gradient_does_not_spoil_the_arrow_scale():
    _, ax = figure()
    good = plot_gradient_field(ax, lambda p: p[..., 0], lambda p: p + 0.0, (-1, 1), (-1, 1),
                               n=5)

    def holed(p):
        g = p + 0.0
        g[2, 2] = np.nan
        return g

    _, ax2 = figure()
    q = plot_gradient_field(ax2, lambda p: p[..., 0], holed, (-1, 1), (-1, 1), n=5)
    lengths, ref = np.hypot(q.U, q.V).ravel(), np.hypot(good.U, good.V).ravel()
    keep = np.arange(25) != 12
    assert np.allclose(lengths[keep], ref[keep])  # the same scale as without the hole
    assert np.ravel(q.Umask)[12] and not np.any(np.ravel(q.Umask)[keep])  # no arrow there


# --------------------------------------------------------------------------- 6. self-checks

CHECKS = [
    ("a complex answer", lambda: check(1 + 5j, 1.0), "must be a number"),
    ("a string that looks like the answer", lambda: check("0.5", 0.5), "must be a number"),
    ("True for 1", lambda: check(True, 1), "must be a number"),
    ("a list with a string", lambda: check([1.0, "2"], [1.0, 2.0]), "must be a number"),
]


@pytest.mark.parametrize(("call", "says"), [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS])
def test_check_never_calls_a_non_number_correct(call, says):
    fb = call()
    assert not fb.correct and says in repr(fb)


@pytest.mark.parametrize(("expected", "exc"), [(None, TypeError), ("1", TypeError),
                                               (float("nan"), ValueError)])
def test_check_refuses_a_bad_expected_value_from_the_author(expected, exc):
    with pytest.raises(exc, match="expected"):
        check(1.0, expected)


# --------------------------------------------------------------------------- properties

finite = st.floats(allow_nan=False, allow_infinity=False)
OPTIMIZERS = {
    "gd": lambda lr: gd.GD(lr),
    "momentum": lambda lr: O.Momentum(lr=lr),
    "nesterov": lambda lr: O.Nesterov(lr=lr),
    "adagrad": lambda lr: O.AdaGrad(lr=lr, eps=0.0),
    "rmsprop": lambda lr: O.RMSprop(lr=lr, centered=True),
    "adam": lambda lr: O.Adam(lr=lr, amsgrad=True),
    "clip": lambda lr: ClipByNorm(1.0, lr),
}
GRADS = {
    "linear": lambda c: (lambda x: c * x),
    "cubic": lambda c: (lambda x: c * x**3),
    "sine": lambda c: (lambda x: c * np.sin(x)),
    "constant": lambda c: (lambda x: np.full(np.shape(x), c)),
    "sign": lambda c: (lambda x: c * np.sign(x)),
}


@given(x0=st.lists(finite, min_size=1, max_size=3),
       lr=st.floats(1e-300, 1e300), c=finite,
       grad=st.sampled_from(sorted(GRADS)), opt=st.sampled_from(sorted(OPTIMIZERS)),
       steps=st.integers(0, 40), tol=st.none() | st.floats(1e-300, 1e300),
       with_f=st.booleans())
def test_descend_never_raises_or_warns_for_finite_input(x0, lr, c, grad, opt, steps, tol,
                                                          with_f):
    f = (lambda x: float(np.sum(np.asarray(x) ** 2))) if with_f else None
    run = gd.descend(GRADS[grad](c), np.array(x0), optimizer=OPTIMIZERS[opt](lr),
                     steps=steps, tol=tol, f=f)
    assert run.status in STATUSES and run.status == run.stop.status
    assert run.steps <= steps and isinstance(run.reason, str) and run.reason
    if run.status != "diverged":
        assert np.all(np.isfinite(run.xs)) and np.all(np.isfinite(run.grads))
        if with_f:
            assert np.all(np.isfinite(run.losses))
    else:
        assert np.all(np.isfinite(run.xs[:-1]))


@given(x0=st.lists(finite, min_size=1, max_size=4), lr=st.floats(1e-300, 1e300), c=finite,
       grad=st.sampled_from(sorted(GRADS)), momentum=st.none() | st.floats(0.0, 0.99),
       steps=st.integers(0, 30))
def test_sweep_never_raises_or_warns_for_finite_input(x0, lr, c, grad, momentum, steps):
    s = gd.sweep(GRADS[grad](c), np.array(x0), lr=lr, steps=steps, tol=1e-6,
                 momentum=momentum)
    assert set(s.status.ravel()) <= set(STATUSES)
    alive = s.diverged_at < 0
    assert np.all(np.isfinite(s.x[alive]))
