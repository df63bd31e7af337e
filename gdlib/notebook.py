"""Helpers for the chapter notebooks themselves.

:func:`glue` stores a computed value under a name so the prose can show it with
``{glue:text}`name:.3f``` (MyST-NB). Numbers are converted to plain Python floats/ints
first, so the text shows ``0.25`` rather than ``np.float64(0.25)``. Where MyST-NB is not
installed (e.g. on Colab) it does nothing, so every chapter runs anywhere.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["SIGNIFICANT", "glue", "plain", "stable", "versions"]

#: Significant digits a glued float keeps. numpy's SIMD kernels and BLAS differ by CPU in
#: the last bits (about 1e-16 relative; 1e-13 after long iterations), so the stored value,
#: which nbval compares, must not carry them. Eight digits are more than any sentence
#: shows, and a change at the precision the prose shows still changes the stored value.
SIGNIFICANT = 8


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


def versions() -> str:
    """The versions a chapter's numbers were computed with, as one line.

    Each chapter prints it after its imports: a reader comparing their own run with the book
    knows what the book used, and nbval fails if a dependency changes under a notebook.

    Examples
    --------
    >>> versions()  # doctest: +ELLIPSIS
    'gdlib 0.1.0 · numpy ... · matplotlib ...'
    """
    import matplotlib

    from . import __version__

    return f"gdlib {__version__} · numpy {np.__version__} · matplotlib {matplotlib.__version__}"


def stable(value, digits: int = SIGNIFICANT):
    """``value`` with every float rounded to ``digits`` significant digits.

    Numbers inside lists, tuples and numpy arrays are rounded too (arrays become lists, so
    the stored text is a plain Python literal that ``{glue:text}`` can read back). Integers,
    booleans, strings and non-finite floats are kept as they are.

    Examples
    --------
    >>> stable(0.29552109331914017), stable(1.8129474852133584e-14)
    (0.29552109, 1.8129475e-14)
    >>> stable(np.array([1 / 3, 2.0])), stable((7, "x", float("inf")))
    ([0.33333333, 2.0], (7, 'x', inf))
    """
    value = plain(value)
    if isinstance(value, float):
        return float(f"{value:.{digits}g}") if np.isfinite(value) else value
    if isinstance(value, np.ndarray):
        return stable(value.tolist(), digits)
    if isinstance(value, (list, tuple)):
        return type(value)(stable(v, digits) for v in value)
    return value


def glue(name: str, value, *, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the book's prose (returns nothing, shows nothing).

    Floats are stored rounded by :func:`stable`, so the committed record is the same on
    every CPU; format them in the prose (``{glue:text}`name:.3f```) to the digits the
    sentence needs.
    """
    value = stable(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. Colab: the prose is not rendered there anyway
        return
    _glue(name, value, display=display)
