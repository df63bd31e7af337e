"""gdlib: the helper package of the Downhill course.

Import it as ``import gdlib as gd``. The public API, by module:

* :mod:`gdlib.calculus`: ``derivative``, ``partial``, ``gradient``, ``hessian``,
  ``directional_derivative``, ``check_gradient``;
* :mod:`gdlib.descent`: ``descend`` (one run, returns a ``Run``), ``sweep`` (many runs
  at once, returns a ``Sweep``);
* :mod:`gdlib.optimizers`: update rules for ``descend(..., optimizer=...)``;
* :mod:`gdlib.functions`: a catalogue of named test functions with gradients;
* :mod:`gdlib.plotting`: palette, ``figure``, ``show`` (with alt text), plot helpers;
* :mod:`gdlib.widgets`: ``explore`` and ``slider``, figures driven by sliders that work
  live and in the static book;
* :mod:`gdlib.notebook`: ``glue`` for numbers quoted in the prose;
* :mod:`gdlib.prose`: rankings, comparisons and verdicts as words, slider steps inside a run;
* :mod:`gdlib.exercises`: ``check`` (self-checking answers) and ``quiz`` (kernel-free
  multiple choice);
* per chapter: :mod:`gdlib.surfaces` (2), :mod:`gdlib.fields` (3), :mod:`gdlib.fitting` (4),
  :mod:`gdlib.schedules` (5), :mod:`gdlib.autodiff` (6), :mod:`gdlib.pitfalls` (7);
  the optimizers of Chapter 8 live in :mod:`gdlib.optimizers`.
"""

from . import (
    autodiff,
    calculus,
    descent,
    exercises,
    fields,
    fitting,
    functions,
    notebook,
    optimizers,
    pitfalls,
    plotting,
    prose,
    schedules,
    surfaces,
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
from .descent import Run, Sweep, descend, sweep
from .functions import CATALOGUE, TestFunction
from .functions import get as get_function
from .optimizers import GD, Optimizer
from .plotting import COLORS, PALETTE, figure, show, use_style
from .widgets import Explorer, explore, slider

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
    "schedules",
    "surfaces",
    "functions",
    "optimizers",
    "plotting",
    "prose",
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
