"""Helpers for the chapter notebooks themselves.

:func:`glue` stores a computed value under a name so the prose can show it with
``{glue:text}`name:.3f``` (MyST-NB). Numbers are converted to plain Python floats/ints
first, so the text shows ``0.25`` rather than ``np.float64(0.25)``. Where MyST-NB is not
installed (e.g. on Colab) it does nothing, so every chapter runs anywhere.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["glue", "plain", "versions"]


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


def glue(name: str, value, *, display: bool = False) -> None:
    """Glue ``value`` under ``name`` for the book's prose (returns nothing, shows nothing)."""
    value = plain(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. Colab: the prose is not rendered there anyway
        return
    _glue(name, value, display=display)
