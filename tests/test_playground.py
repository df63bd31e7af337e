"""The playground's JavaScript against gdlib: node runs the page's engine, gdlib runs descend.

The page (playground.md) computes its descents in JavaScript
(gdlib/static/playground/engine.js). Here node runs that file on a table of cases (every
function x every optimizer x several hyperparameter sets and starts, runs that converge,
run out of steps and diverge), gdlib's own ``descend`` runs the same cases at test time,
and every iterate, loss, step count and status must agree (relative 1e-9). Nothing gdlib
produces is stored in this file: both sides are computed here, side by side.
"""

from __future__ import annotations

import inspect
import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import gdlib as gd

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "gdlib" / "static" / "playground"
ENGINE = STATIC / "engine.js"
RUNNER = ROOT / "tests" / "playground" / "runner.js"
NODE = shutil.which("node") or "/usr/bin/node"
RTOL = 1e-9

pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


def node(tasks: list[dict], tmp_path: Path) -> list:
    """Run the tasks through the page's engine in node; returns its answers."""
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks))
    out = subprocess.run(
        [NODE, str(RUNNER), str(ENGINE), str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr
    return json.loads(out.stdout)


def dec(v):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) \
        else (math.nan if v is None else v)


def gdlib_function(name: str):
    """The gdlib test function of that name: the catalogue, else gdlib.pitfalls (cliff...)."""
    if name in gd.CATALOGUE:
        return gd.get_function(name)
    return getattr(gd.pitfalls, name)


def gdlib_class(opt: str):
    """The optimizer class whose lower-case name is ``opt`` (the query key's rule)."""
    found = [getattr(gd.optimizers, n) for n in gd.optimizers.__all__ if n.lower() == opt]
    assert len(found) == 1, opt
    return found[0]


def gdlib_optimizer(opt: str, params: dict):
    kw = dict(params)
    if "beta1" in kw:
        kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
    return gdlib_class(opt)(**kw)


@pytest.fixture(scope="module")
def meta(tmp_path_factory):
    return node([{"task": "meta"}], tmp_path_factory.mktemp("meta"))[0]


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", ["engine.js", "app.js"])
def test_javascript_parses(name):
    out = subprocess.run([NODE, "--check", str(STATIC / name)], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr


# ----------------------------------------------------------------------------- catalogue


def test_every_2d_function_of_the_catalogue_is_in_the_page(meta):
    planar = {n for n, t in gd.CATALOGUE.items() if t.dim == 2}
    missing = planar - set(meta["functions"])
    assert not missing, f"port these to engine.js: {sorted(missing)}"
    for required in ("bowl", "elongated_bowl", "rosenbrock", "himmelblau", "saddle", "bumps",
                     "cliff"):
        assert required in meta["functions"]


def test_windows_and_extrema_are_gdlib_s(meta):
    for name, m in meta["functions"].items():
        t = gdlib_function(name)
        assert t.dim == 2, name
        assert tuple(m["xlim"]) == tuple(t.xlim) and tuple(m["ylim"]) == tuple(t.ylim), name
        assert [tuple(p) for p in m["minima"]] == [tuple(p) for p in t.minima], name
        assert [tuple(p) for p in m["maxima"]] == [tuple(p) for p in t.maxima], name
        (x0, x1), (y0, y1) = t.xlim, t.ylim
        assert x0 <= m["start"][0] <= x1 and y0 <= m["start"][1] <= y1, name


def test_function_values_and_gradients_match(meta, tmp_path):
    rng = np.random.default_rng(2020)
    tasks, expected = [], []
    for name in meta["functions"]:
        t = gdlib_function(name)
        (x0, x1), (y0, y1) = t.xlim, t.ylim
        pts = np.column_stack([rng.uniform(x0, x1, 25), rng.uniform(y0, y1, 25)])
        pts = np.vstack([pts, [[0.0, 0.0], [x0, y1], [x1, y0]]])
        tasks.append({"task": "eval", "f": name, "points": pts.tolist()})
        expected.append([(float(t(p)), t.grad(p).tolist()) for p in pts])
    for task, got, want in zip(tasks, node(tasks, tmp_path), expected, strict=True):
        for g, (f, grad) in zip(got, want, strict=True):
            assert math.isclose(dec(g["f"]), f, rel_tol=1e-12, abs_tol=1e-300), task["f"]
            gv, wv = np.array([dec(v) for v in g["g"]]), np.array(grad)
            assert np.linalg.norm(gv - wv) <= 1e-12 * np.linalg.norm(wv) + 1e-300, task["f"]


def test_optimizer_arguments_are_gdlib_s_names_and_defaults(meta):
    for opt, m in meta["optimizers"].items():
        cls = gdlib_class(opt)
        assert m["cls"] == cls.__name__
        sig = inspect.signature(cls.__init__).parameters
        names = {("betas" if k in ("beta1", "beta2") else k) for k in m["defaults"]}
        # Momentum's nesterov flag is the optimizer "nesterov" of its own
        assert names == set(sig) - {"self", "nesterov"}, opt
        for k, v in m["defaults"].items():
            if k in ("beta1", "beta2"):
                default = sig["betas"].default[0 if k == "beta1" else 1]
            else:
                default = sig[k].default
            if default is inspect.Parameter.empty:  # GD's lr: the page's choice
                assert k == "lr" and opt == "gd"
                continue
            assert v == default, (opt, k)


# ----------------------------------------------------------------------------- descents

LR_RANGE = {  # a range where runs mostly behave, per optimizer (log-uniform)
    "gd": (1e-3, 0.1), "momentum": (1e-3, 0.05), "nesterov": (1e-3, 0.05),
    "adagrad": (0.05, 1.0), "rmsprop": (1e-3, 0.05), "adam": (0.01, 0.3), "adamw": (0.01, 0.3),
}
VARIANTS = {  # non-default hyperparameters, in gdlib's names (betas split)
    "gd": [{}],
    "momentum": [{"momentum": 0.5, "dampening": 0.3}, {"momentum": 0.95, "weight_decay": 0.1}],
    "nesterov": [{"momentum": 0.6}, {"momentum": 0.99, "weight_decay": 0.05}],
    "adagrad": [{"lr_decay": 0.01, "initial_accumulator_value": 0.1},
                {"weight_decay": 0.1, "eps": 0.0}],
    "rmsprop": [{"alpha": 0.9, "momentum": 0.5}, {"centered": True, "weight_decay": 0.01}],
    "adam": [{"beta1": 0.5, "beta2": 0.9, "amsgrad": True}, {"weight_decay": 0.1, "eps": 1e-3}],
    "adamw": [{"weight_decay": 0.2, "amsgrad": True}, {"beta1": 0.0, "beta2": 0.5}],
}


def cases(meta) -> list[dict]:
    """Every function x every optimizer x (typical, variant, explosive) settings."""
    rng = np.random.default_rng(20)
    out = []
    for name, m in meta["functions"].items():
        (x0, x1), (y0, y1) = m["xlim"], m["ylim"]
        for opt, spec in meta["optimizers"].items():
            lo, hi = LR_RANGE[opt]
            variants = VARIANTS[opt]
            settings = [
                ({}, float(np.exp(rng.uniform(np.log(lo), np.log(hi)))), m["start"], 300, 1e-6,
                 None, 1e6),
                (variants[int(rng.integers(len(variants)))],
                 float(np.exp(rng.uniform(np.log(lo), np.log(hi)))),
                 [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))],
                 int(rng.integers(50, 250)), None, float(rng.choice([1e-9, 1e-4])), 1e6),
                # explosive: large rates (plain and momentum methods leave the window) and a
                # small diverge_factor, so the "ran away" rule is exercised
                ({}, float(hi * rng.uniform(20, 200)),
                 [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))],
                 200, 1e-8, None, float(rng.choice([10.0, 1e6]))),
            ]
            for extra, lr, start, steps, tol, ftol, factor in settings:
                params = dict(spec["defaults"], **extra, lr=lr)
                out.append({"task": "descend", "f": name, "opt": opt, "params": params,
                            "start": list(start), "steps": steps, "tol": tol, "ftol": ftol,
                            "diverge_factor": factor})
    return out


def gdlib_run(case):
    fn = gdlib_function(case["f"])
    return gd.descend(
        fn.grad, np.array(case["start"], dtype=float),
        optimizer=gdlib_optimizer(case["opt"], case["params"]),
        steps=case["steps"], tol=case["tol"], ftol=case["ftol"], f=fn,
        diverge_factor=case["diverge_factor"],
    )


def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||) per row (0 when both are 0); rows must agree on which
    entries are finite."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    assert np.array_equal(fa, fb), "different entries are finite"
    if not fa.all():
        assert np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(a[~fa], b[~fb])
    a = np.where(fa, a, 0.0).reshape(len(a), -1)
    b = np.where(fb, b, 0.0).reshape(len(b), -1)
    num = np.linalg.norm(a - b, axis=1)
    den = np.maximum(np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1))
    return float(np.max(np.where(den > 0, num / np.where(den > 0, den, 1), num), initial=0.0))


def test_descents_match_gdlib(meta, tmp_path):
    table = cases(meta)
    assert len(table) >= 60
    answers = node(table, tmp_path)
    worst = {"xs": 0.0, "loss": 0.0}
    statuses = set()
    for case, js in zip(table, answers, strict=True):
        run = gdlib_run(case)
        label = json.dumps({k: case[k] for k in ("f", "opt", "params", "start", "steps")})
        assert js["status"] == run.status, label
        assert js["steps"] == run.steps, label
        statuses.add(run.status)
        xs = np.array([[dec(v) for v in p] for p in js["xs"]], dtype=float)
        worst["xs"] = max(worst["xs"], d := rel_diff(xs, run.xs))
        assert d <= RTOL, (label, d)
        losses = np.array([dec(v) for v in js["losses"]], dtype=float)[:, None]
        worst["loss"] = max(worst["loss"], d := rel_diff(losses, run.losses[:, None]))
        assert d <= RTOL, (label, d)
        # the result element's JSON: the last iterate, its loss, the steps and the status
        res = js["result"]
        assert res["steps"] == run.steps and res["status"] == run.status
        last = [math.nan if v is None else v for v in res["x"]]
        assert rel_diff(np.array([last]), np.where(np.isfinite(run.xs[-1:]), run.xs[-1:],
                                                   math.nan)) <= RTOL
        if math.isfinite(run.loss):
            assert math.isclose(res["loss"], run.loss, rel_tol=RTOL, abs_tol=0.0)
        else:
            assert res["loss"] is None
        # the page shows gdlib's reason; for blow-ups only the kind of reason must agree
        # (gdlib may reword those, issue 17)
        if run.status == "diverged":
            assert js["reason"].split(":")[0].split(" at step")[0][:16] == run.reason[:16], label
        else:
            assert js["reason"] == run.reason, label
    assert statuses == {"converged", "max_steps", "diverged"}
    print(f"\nplayground parity: {len(table)} cases, largest relative difference "
          f"{worst['xs']:.2e} (iterates), {worst['loss']:.2e} (losses)")


def test_fair_race_picks_the_best_rate_of_the_grid(meta, tmp_path):
    """The race's choice, recomputed from gdlib runs over the same grid and the rule the
    page states: converged first (fewest steps), then the lowest final loss; diverged last."""
    grid = meta["race_grid"]
    tasks = [
        {"task": "tune", "f": f, "opt": opt, "params": meta["optimizers"][opt]["defaults"],
         "start": meta["functions"][f]["start"], "steps": 300, "tol": 1e-6}
        for f in ("rosenbrock", "elongated_bowl", "himmelblau")
        for opt in ("gd", "momentum", "adam", "rmsprop")
    ]
    for task, got in zip(tasks, node(tasks, tmp_path), strict=True):
        scored = []
        for lr in grid:
            run = gdlib_run({**task, "params": dict(task["params"], lr=lr), "ftol": None,
                             "diverge_factor": 1e6})
            rank = {"converged": 0, "max_steps": 1, "diverged": 2}[run.status]
            key = (rank, run.steps if rank == 0 else 0, run.loss if rank < 2 else 0.0)
            scored.append((key, grid.index(lr), lr))
        best = min(scored)
        assert got["lr"] == best[2], (task["f"], task["opt"], got, best)


# ----------------------------------------------------------------------------- URL state


def test_query_round_trip_and_errors(meta, tmp_path):
    queries = [
        "",
        "f=bowl&opt=adam&lr=0.1&beta1=0.8&beta2=0.99&x0=1&y0=-2&steps=300&tol=none",
        "f=cliff&opt=rmsprop&centered=true&opt.2=nesterov&momentum.2=0.5&opt.4=adagrad",
        "f=nope&opt=sgd&lr=-1&steps=2.5&x0=abc&zzz=1",
        "opt=adam&lr=0&beta1=1&amsgrad=maybe&momentum=0.9",
    ]
    tasks = [{"task": "query", "query": q, "numbers": [1e-6, 8.63e-7, 123456.0, 0.000123,
                                                      12.5, 2e8, -0.0042]} for q in queries]
    got = node(tasks, tmp_path)
    assert got[0]["errors"] == [] and got[0]["query"] == meta["default_query"]
    # what the page writes, it reads back to the same state
    again = node([{"task": "query", "query": g["query"]} for g in got], tmp_path)
    for g, a in zip(got, again, strict=True):
        assert a["state"] == g["state"] and a["errors"] == []
        assert g["fmt"] == [format(v, ".3g") for v in tasks[0]["numbers"]]
    s1 = got[1]["state"]
    assert s1["f"] == "bowl" and s1["x0"] == 1 and s1["y0"] == -2 and s1["tol"] is None
    assert s1["runs"] == [{"opt": "adam", "params": dict(
        meta["optimizers"]["adam"]["defaults"], lr=0.1, beta1=0.8, beta2=0.99)}]
    s2 = got[2]["state"]
    assert [r["opt"] for r in s2["runs"]] == ["rmsprop", "nesterov", "adagrad"]
    assert s2["runs"][0]["params"]["centered"] is True
    assert s2["runs"][1]["params"]["momentum"] == 0.5
    # bad input: every error names its key, and the state falls back to valid values
    errs = " | ".join(got[3]["errors"])
    for key in ("f must be", "opt must be", "steps must be", "x0 must be", '"zzz"'):
        assert key in errs, errs
    errs = " | ".join(got[4]["errors"])
    for key in ("lr must be > 0", "beta1 must lie in [0, 1)", "amsgrad must be true or false",
                "momentum is not an argument"):
        assert key in errs, errs
    for g in got:  # whatever came in, the state is one gdlib accepts
        for r in g["state"]["runs"]:
            gdlib_optimizer(r["opt"], r["params"])


# ----------------------------------------------------------------------------- notebook


def test_python_side_lists_what_the_page_has(meta):
    from gdlib import playground

    assert list(playground.FUNCTIONS) == list(meta["functions"])
    assert list(playground.OPTIMIZERS) == list(meta["optimizers"])
    assert {k: v for k, v in playground.OPTIMIZERS.items()} == {
        k: m["cls"] for k, m in meta["optimizers"].items()}
    assert list(playground.RACE_GRID) == meta["race_grid"]
    assert playground.MAX_RUNS == meta["max_runs"] and playground.STEPS_MAX == meta["steps_max"]
    assert {k: list(v) for k, v in playground._START.items()} == {
        k: m["start"] for k, m in meta["functions"].items()}


def test_notebook_function_embeds_the_same_engine():
    from gdlib import playground

    pg = playground.playground("himmelblau", opt="adam", lr=0.1, x0=-1.0, y0=1.0, steps=400)
    html = pg._repr_html_()
    assert "data-playground" in html and "data-playground-result" in html
    assert ENGINE.read_text(encoding="utf-8").strip()[:200] in html
    assert "f=himmelblau" in pg.query and "opt=adam" in pg.query and "lr=0.1" in pg.query
    assert pg.descend().status in ("converged", "max_steps", "diverged")
    assert "himmelblau" in repr(pg)
    # without opt, one Adam run; its hyperparameters may still be given
    assert playground.playground("bowl", lr=0.2, beta1=0.8).runs == [
        {"opt": "adam", "lr": 0.2, "beta1": 0.8}]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": "nope"}, ValueError, "f must be one of"),
        ({"f": "square"}, ValueError, "f must be one of"),
        ({"opt": "sgd"}, ValueError, "opt must be one of"),
        ({"opt": "adam", "lr": -1.0}, ValueError, "lr"),
        ({"opt": "adam", "beta1": 1.5}, ValueError, r"betas\[0\]"),
        ({"opt": "gd", "momentum": 0.9}, TypeError, "momentum"),
        ({"steps": -3}, ValueError, "steps"),
        ({"steps": 10**6}, ValueError, "steps"),
        ({"x0": float("nan")}, ValueError, "x0"),
        ({"tol": 0.0}, ValueError, "tol"),
        ({"runs": [{"opt": "gd"}] * 5}, ValueError, "runs"),
        ({"runs": [{"lr": 0.1}]}, ValueError, "opt"),
    ],
)
def test_notebook_function_rejects_bad_input(kwargs, error, match):
    from gdlib import playground

    with pytest.raises(error, match=match):
        playground.playground(**kwargs)
