"""gdlib: the helper package of the Downhill course.

Import it as ``import gdlib as gd``. Two layers:

* **the core**, what two or more chapters use: :mod:`gdlib.calculus` (``derivative``,
  ``partial``, ``gradient``, ``hessian``, ``directional_derivative``, ``check_gradient``),
  :mod:`gdlib.descent` (``descend`` returns a ``Run``, ``sweep`` a ``Sweep``; the
  ``Optimizer`` base and plain ``GD``), :mod:`gdlib.functions` (the one catalogue of test
  functions), :mod:`gdlib.plotting` (``figure``, ``show`` with alt text, palette),
  :mod:`gdlib.widgets` (``explore`` and ``slider``: sliders that work live and in the
  static book), :mod:`gdlib.exercises` (``check`` and ``quiz``), :mod:`gdlib.notebook`
  (``glue``), :mod:`gdlib.prose` (results in words), :mod:`gdlib.sealed` (answer keys for
  student notebooks) and ``gdlib._checks`` (argument checks);
* **the chapter layer**, :mod:`gdlib.chapters`, one module per notebook, named like it:
  ``gdlib/chapters/ch05_learning_rate.py`` belongs to ``chapters/05_learning_rate.ipynb``.
  A chapter module imports only the core; the core never imports a chapter module.

The chapter modules keep the short names the notebooks use, as aliases of the same module
objects: ``gd.surfaces`` (Chapter 2), ``gd.fields`` (3), ``gd.fitting`` (4),
``gd.schedules`` (5), ``gd.autodiff`` (6), ``gd.pitfalls`` (7), ``gd.optimizers`` (8);
``import gdlib.fitting`` and ``from gdlib.fitting import x`` work too.
"""

import sys as _sys

from . import (
    calculus,
    descent,
    exercises,
    functions,
    notebook,
    plotting,
    prose,
    widgets,
)
from .calculus import (
    GradientCheck,
    check_gradient,
    default_step,
    derivative,
    directional_derivative,
    gradient,
    hessian,
    partial,
)
from .chapters import (
    ch02_partial_derivatives,
    ch03_gradients,
    ch04_gradient_descent,
    ch05_learning_rate,
    ch06_chain_rule,
    ch07_pitfalls,
    ch08_optimizers,
)
from .descent import GD, Optimizer, Run, Sweep, descend, sweep
from .functions import CATALOGUE, TestFunction
from .functions import get as get_function
from .plotting import COLORS, PALETTE, figure, show, use_style
from .widgets import Explorer, explore, slider

#: The old (topic) names of the chapter modules: the same module objects, so
#: ``gd.fitting.x``, ``import gdlib.fitting`` and ``from gdlib.fitting import x`` all work.
ALIASES = {
    "surfaces": ch02_partial_derivatives,
    "fields": ch03_gradients,
    "fitting": ch04_gradient_descent,
    "schedules": ch05_learning_rate,
    "autodiff": ch06_chain_rule,
    "pitfalls": ch07_pitfalls,
    "optimizers": ch08_optimizers,
}
for _name, _module in ALIASES.items():
    _sys.modules[f"{__name__}.{_name}"] = _module
surfaces = ch02_partial_derivatives
fields = ch03_gradients
fitting = ch04_gradient_descent
schedules = ch05_learning_rate
autodiff = ch06_chain_rule
pitfalls = ch07_pitfalls
optimizers = ch08_optimizers
del _name, _module

__version__ = "0.1.0"

__all__ = [
    "autodiff",
    "calculus",
    "descent",
    "exercises",
    "fields",
    "fitting",
    "notebook",
    "pitfalls",
    "prose",
    "schedules",
    "surfaces",
    "functions",
    "optimizers",
    "plotting",
    "widgets",
    "GradientCheck",
    "check_gradient",
    "default_step",
    "derivative",
    "directional_derivative",
    "gradient",
    "hessian",
    "partial",
    "Run",
    "Sweep",
    "descend",
    "sweep",
    "CATALOGUE",
    "TestFunction",
    "get_function",
    "GD",
    "Optimizer",
    "COLORS",
    "PALETTE",
    "figure",
    "show",
    "use_style",
    "Explorer",
    "explore",
    "slider",
]
