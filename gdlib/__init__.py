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
  live and in the static book.
"""

from . import calculus, descent, functions, optimizers, plotting, widgets
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
    "calculus",
    "descent",
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
