"""The optimizer playground in a notebook output (the book's page ``playground.md`` too).

:func:`playground` returns a :class:`Playground`, which a notebook shows as the same
interactive page the book has: pick a test function and up to four optimizers, click the
map to set the start, play the runs step by step, race them fairly. It runs in the
browser, with no kernel: the descents are computed by a JavaScript port of
:func:`gdlib.descend` and the optimizers of :mod:`gdlib.optimizers` (PyTorch's rules),
shipped with gdlib as ``gdlib/static/playground/*.js`` and tested against gdlib itself
(``tests/test_playground.py``: node and gdlib side by side, relative 1e-9).

The setup is a URL query with gdlib's own names: ``f`` (the test function), ``x0``,
``y0``, ``steps``, ``tol``, ``ftol``, ``diverge_factor``; per run ``opt`` (the optimizer
class's name in lower case) and the constructor's arguments (``lr``, ``momentum``,
``alpha``, ``eps``, ``weight_decay``, ...; Adam's ``betas`` as ``beta1`` and ``beta2``).
Runs 2 to 4 add ``.2`` ... ``.4`` to each key (``opt.2=adam&lr.2=0.1``).
:meth:`Playground.descend` runs the same setup with :func:`gdlib.descend`.

Examples
--------
>>> pg = playground("rosenbrock", opt="adam", lr=0.05, x0=-1.5, y0=2.5, steps=500)
>>> pg.query
'f=rosenbrock&x0=-1.5&y0=2.5&steps=500&tol=1e-06&opt=adam&lr=0.05'
>>> run = pg.descend()      # the first run, with gdlib.descend: what the page computes
>>> type(run).__name__, run.status in ("converged", "max_steps", "diverged")
('Run', True)
"""

from __future__ import annotations

import html
from importlib import resources
from urllib.parse import quote

import numpy as np

from . import functions as _functions
from . import optimizers as _optimizers
from ._checks import finite_float, nonneg_int, positive_float
from .descent import Run, descend

__all__ = ["FUNCTIONS", "OPTIMIZERS", "MAX_RUNS", "STEPS_MAX", "RACE_GRID", "Playground",
           "playground", "assets"]

#: The test functions the playground offers (gdlib's names): every 2-D entry of the
#: catalogue, and the cliff and bounded saddle of :mod:`gdlib.pitfalls`.
FUNCTIONS = ("bowl", "elongated_bowl", "hill", "saddle", "bounded_saddle", "mixed_poly",
             "cookie", "rosenbrock", "himmelblau", "bumps", "cliff")
#: Query value ``opt`` -> the optimizer class of :mod:`gdlib.optimizers`.
OPTIMIZERS = {name.lower(): name for name in
              ("GD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "AdamW")}
MAX_RUNS = 4
STEPS_MAX = 20000
#: The learning rates the fair race tries for every run (engine.js has the same list).
RACE_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def _function(name: str) -> _functions.TestFunction:
    """The gdlib test function called ``name`` (the catalogue, else :mod:`gdlib.pitfalls`)."""
    if name not in FUNCTIONS:
        raise ValueError(f"f must be one of {', '.join(FUNCTIONS)}, got {name!r}")
    if name in _functions.CATALOGUE:
        return _functions.get(name)
    import gdlib  # the chapter modules load with the package (gdlib.pitfalls: the cliff)

    return getattr(gdlib.pitfalls, name)


def _optimizer(opt, params: dict) -> _optimizers.Optimizer:
    if not isinstance(opt, str) or opt.lower() not in OPTIMIZERS:
        raise ValueError(f"opt must be one of {', '.join(OPTIMIZERS)}, got {opt!r}")
    kw = dict(params)
    if "beta1" in kw or "beta2" in kw:
        kw["betas"] = (kw.pop("beta1", 0.9), kw.pop("beta2", 0.999))
    if opt.lower() == "gd":
        kw.setdefault("lr", 0.01)  # the page's default: gdlib's GD has none
    # gdlib checks every argument and names the bad one
    return getattr(_optimizers, OPTIMIZERS[opt.lower()])(**kw)


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def assets() -> dict[str, str]:
    """The playground's files: ``engine.js``, ``app.js`` and ``playground.css``."""
    base = resources.files("gdlib") / "static" / "playground"
    return {n: (base / n).read_text(encoding="utf-8")
            for n in ("engine.js", "app.js", "playground.css")}


class Playground:
    """A playground setup; shown in a notebook as the interactive page (no kernel needed)."""

    def __init__(self, f: str, x0: float, y0: float, steps: int, tol, ftol, diverge_factor,
                 runs: list[dict], url_state: bool):
        self.f, self.x0, self.y0, self.steps = f, x0, y0, steps
        self.tol, self.ftol, self.diverge_factor = tol, ftol, diverge_factor
        self.runs, self.url_state = runs, url_state

    @property
    def query(self) -> str:
        """The setup as the URL query the page reads (gdlib's argument names)."""
        tol = "none" if self.tol is None else _fmt(self.tol)
        parts = [("f", self.f), ("x0", _fmt(self.x0)), ("y0", _fmt(self.y0)),
                 ("steps", str(self.steps)), ("tol", tol)]
        if self.ftol is not None:
            parts.append(("ftol", _fmt(self.ftol)))
        if self.diverge_factor != 1e6:
            parts.append(("diverge_factor", _fmt(self.diverge_factor)))
        for i, run in enumerate(self.runs):
            s = "" if i == 0 else f".{i + 1}"
            parts.append((f"opt{s}", run["opt"]))
            parts += [(f"{k}{s}", _fmt(v)) for k, v in run.items() if k != "opt"]
        return "&".join(f"{k}={quote(v, safe='')}" for k, v in parts)

    def descend(self, i: int = 0) -> Run:
        """Run ``i`` (0 = the first) with :func:`gdlib.descend`: what the page computes."""
        run = self.runs[i]
        fn = _function(self.f)
        return descend(fn.grad, np.array([self.x0, self.y0]), f=fn, steps=self.steps,
                       tol=self.tol, ftol=self.ftol, diverge_factor=self.diverge_factor,
                       optimizer=_optimizer(run["opt"], {k: v for k, v in run.items()
                                                        if k != "opt"}))

    def to_html(self) -> str:
        """The page: a container the JavaScript fills in, the files inlined (no request)."""
        a = assets()
        js = (a["engine.js"] + "\n" + a["app.js"]).replace("</", "<\\/")
        return (
            f"<style>{a['playground.css']}</style>"
            f'<div class="pg" data-playground data-query="{html.escape(self.query)}"'
            f' data-url-state="{"true" if self.url_state else "false"}">'
            '<noscript><p>The playground needs JavaScript.</p></noscript>'
            "</div>"
            f"<script>{js}</script>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        opts = ", ".join(r["opt"] for r in self.runs)
        return (f"[playground: {self.f} from ({self.x0:g}, {self.y0:g}), {opts}; "
                f"up to {self.steps} steps]")


def playground(
    f: str = "rosenbrock",
    *,
    x0: float | None = None,
    y0: float | None = None,
    steps: int = 1000,
    tol: float | None = 1e-6,
    ftol: float | None = None,
    diverge_factor: float = 1e6,
    runs: list[dict] | None = None,
    url_state: bool = False,
    **run,
) -> Playground:
    """The interactive optimizer playground for a notebook output.

    Parameters
    ----------
    f : str
        A test function: one of :data:`FUNCTIONS`.
    x0, y0 : float, optional
        The start (default: a start chosen for ``f``, inside its window).
    steps, tol, ftol, diverge_factor
        As in :func:`gdlib.descend` (``steps`` at most :data:`STEPS_MAX`).
    runs : list of dict, optional
        Up to four runs, each ``{"opt": "adam", "lr": 0.1, ...}`` with the optimizer's
        constructor arguments (Adam's betas as ``beta1``, ``beta2``).
    url_state : bool
        Keep the setup in the page's URL (the book's page does; a notebook should not).
    **run
        One run given directly: ``opt="adam", lr=0.1`` (instead of ``runs``).

    Returns
    -------
    Playground
    """
    if not isinstance(f, str) or f not in FUNCTIONS:
        raise ValueError(f"f must be one of {', '.join(FUNCTIONS)}, got {f!r}")
    start = _START[f]
    x0 = start[0] if x0 is None else finite_float(x0, "x0")
    y0 = start[1] if y0 is None else finite_float(y0, "y0")
    steps = nonneg_int(steps, "steps")
    if steps > STEPS_MAX:
        raise ValueError(f"steps must be at most {STEPS_MAX}, got {steps}")
    tol = None if tol is None else positive_float(tol, "tol")
    ftol = None if ftol is None else positive_float(ftol, "ftol")
    diverge_factor = positive_float(diverge_factor, "diverge_factor")
    if runs is not None and run:
        raise TypeError("give either runs=[...] or one run's opt=..., lr=..., not both")
    if runs is None:
        runs = [{"opt": "adam", "lr": 0.05, **run}]  # Adam unless run names opt
    if not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"runs must hold 1 to {MAX_RUNS} runs, got {len(runs)}")
    clean = []
    for i, r in enumerate(runs):
        if not isinstance(r, dict) or "opt" not in r:
            raise ValueError(f"runs[{i}] must be a dict with an 'opt' key, got {r!r}")
        params = {k: v for k, v in r.items() if k != "opt"}
        _optimizer(r["opt"], params)  # gdlib validates, naming the argument
        if r["opt"].lower() == "gd":
            params.setdefault("lr", 0.01)
        clean.append({"opt": r["opt"].lower(), **params})
    return Playground(f, x0, y0, steps, tol, ftol, diverge_factor, clean, bool(url_state))


#: Default starts, as in engine.js (inside each function's window).
_START = {
    "bowl": (-4.0, 3.0), "elongated_bowl": (-5.0, 2.0), "hill": (1.0, 0.5),
    "saddle": (-1.8, 0.05), "bounded_saddle": (-1.4, 0.02), "mixed_poly": (1.0, -1.0),
    "cookie": (160.0, 12.0), "rosenbrock": (-1.5, 2.5), "himmelblau": (-0.5, 0.5),
    "bumps": (0.2, 0.0), "cliff": (-4.0, 2.0),
}
