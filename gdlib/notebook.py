"""Helpers for the chapter notebooks themselves.

:func:`glue` stores a computed value under a name so the prose can show it with
``{glue:text}`name:.3f``` (MyST-NB). Numbers are converted to plain Python floats/ints
first, so the text shows ``0.25`` rather than ``np.float64(0.25)``. Where MyST-NB is not
installed (e.g. on Colab) it does nothing, so every chapter runs anywhere.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["glue", "plain"]


def plain(value):
    """``value`` with numpy scalars turned into Python ``int``/``float``/``bool``.

    Examples
    --------
    >>> plain(np.float64(0.5)), plain(np.int64(3)), plain("text")
    (0.5, 3, 'text')
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value)
    return value


def glue(name: str, value, *, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the book's prose (returns nothing, shows nothing)."""
    value = plain(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. Colab: the prose is not rendered there anyway
        return
    _glue(name, value, display=display)
