"""Argument checks shared by gdlib's modules: clear errors that name the argument."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_callable",
    "as_finite_array",
    "finite_float",
    "positive_float",
    "nonneg_int",
    "positive_int",
    "real_float",
]


def check_callable(obj, name: str) -> None:
    """Raise ``TypeError`` unless ``obj`` can be called."""
    if not callable(obj):
        raise TypeError(f"{name} must be callable (a function), got {type(obj).__name__}")


def as_finite_array(x, name: str) -> np.ndarray:
    """``x`` as a float array; ``TypeError`` if not numeric, ``ValueError`` if not finite."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got a string")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {type(x).__name__}"
        ) from exc
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return arr


def real_float(value, name: str) -> float:
    """``value`` as a float, or a ``TypeError`` naming it if it is not a real number."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def finite_float(value, name: str) -> float:
    """``value`` as a finite float: ``TypeError`` if not a real number, else ``ValueError``."""
    v = real_float(value, name)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def positive_float(value, name: str) -> float:
    """``value`` as a float that is finite and > 0, else a ``ValueError`` naming it."""
    v = real_float(value, name)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def nonneg_int(value, name: str) -> int:
    """``value`` as an int >= 0, else an error naming it (floats such as 10.0 are refused)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return int(value)


def positive_int(value, name: str) -> int:
    """``value`` as an int >= 1, else an error naming it."""
    v = nonneg_int(value, name)
    if v == 0:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return v
