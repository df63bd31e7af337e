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
    "nonneg_float",
    "unit_float",
    "fraction",
    "flag",
    "whole",
    "interval",
    "seeded_rng",
    "is_real",
    "returned_array",
    "returned_float",
    "norms",
    "raw_norms",
    "safe_norms",
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


def nonneg_float(value, name: str) -> float:
    """``value`` as a finite float >= 0, else an error naming it."""
    v = finite_float(value, name)
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def unit_float(value, name: str, *, closed: bool = False) -> float:
    """A float in [0, 1) (or [0, 1] when ``closed``), else an error naming it."""
    v = finite_float(value, name)
    if v < 0 or v > 1 or (v == 1 and not closed):
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return v


def flag(value, name: str) -> bool:
    """``value`` as a bool; ``TypeError`` for anything but True/False (1 and 0 included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def is_real(x) -> bool:
    """Whether ``x`` is a real number (numpy's included), refusing bools."""
    return isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(
        x, (bool, np.bool_)
    )


def whole(value, name: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum``, else an error naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral,)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def interval(lim, name: str) -> tuple[float, float]:
    """A pair ``(low, high)`` of finite floats with ``low < high``, else a ``ValueError``."""
    arr = as_finite_array(lim, name)
    if arr.shape != (2,) or not arr[0] < arr[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {lim!r}")
    return float(arr[0]), float(arr[1])


def seeded_rng(seed, name: str = "seed") -> np.random.Generator:
    """A numpy Generator from an int seed (or the Generator itself)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int or a numpy Generator, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))


def fraction(value, name: str, *, closed_right: bool) -> float:
    """A float in (0, 1] (``closed_right``) or (0, 1), else an error naming it."""
    v = positive_float(value, name)
    if v > 1 or (v == 1 and not closed_right):
        interval = "(0, 1]" if closed_right else "(0, 1)"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


# --------------------------------------------------------------------------- what callables return


def returned_array(
    value, name: str, shape: tuple | None = None, *, expected: str = "", verb: str = "returned"
) -> np.ndarray:
    """What the user's callable ``name`` returned, as a float array, or a clear error.

    ``TypeError`` for None, strings, bools, complex numbers and anything else that is not a
    real number or an array of them ("grad returned None"); ``ValueError`` when ``shape``
    is given and not matched. Non-finite values pass: a blow-up is a result, not an error.
    """
    must = "it must return" if verb == "returned" else "it must be"
    if value is None:
        hint = " (a missing `return`?)" if verb == "returned" else ""
        raise TypeError(f"{name} {verb} None: {must} a number or an array of numbers{hint}")
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise TypeError(f"{name} {verb} {value!r}: {must} a number or an array of "
                        "numbers")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged sequences
        raise TypeError(f"{name} {verb} {type(value).__name__}, not a number or an array "
                        "of numbers") from exc
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} {verb} a complex value {value!r}: it must be real")
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} {verb} {type(value).__name__} of {arr.dtype}, not a number "
                        "or an array of numbers")
    arr = arr.astype(float, copy=False)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} {verb} an array of shape {arr.shape}, "
                         + (expected or f"expected {tuple(shape)}"))
    return arr


def returned_float(value, name: str) -> float:
    """What the user's callable ``name`` returned, as one float (see :func:`returned_array`)."""
    arr = returned_array(value, name)
    if arr.size != 1:
        raise ValueError(f"{name} returned an array of shape {arr.shape}: it must return one "
                         "number")
    return float(arr.reshape(()))


def norms(a, axis=None) -> np.ndarray:
    """Euclidean norms that neither overflow nor underflow.

    ``sqrt(sum(a**2))`` overflows to inf for entries near 1e160 and underflows to 0 near
    1e-170. Where the plain sum of squares is out of the safe range, the norm is computed
    again scaled by the largest magnitude, which keeps every square in range; elsewhere
    the plain formula stands (bit for bit what it always gave). NaN entries give NaN,
    infinite ones inf. ``axis`` as for ``numpy.sum`` (None: all axes).

    Examples
    --------
    >>> float(norms([3.0, 4.0])), f"{float(norms([1e200, 1e200])):.4g}"
    (5.0, '1.414e+200')
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return raw_norms(np.asarray(a, dtype=float), axis)


def raw_norms(a: np.ndarray, axis=None) -> np.ndarray:
    """:func:`norms` of a float array, for callers already inside ``np.errstate``."""
    return safe_norms(a, np.add.reduce(a * a, axis=axis), axis)


def safe_norms(a: np.ndarray, sq: np.ndarray, axis=None) -> np.ndarray:
    """``sqrt(sq)``, where ``sq`` holds the sums of squares of ``a`` along ``axis``, redone
    with scaling wherever ``sq`` over- or underflowed."""
    out = np.sqrt(sq)
    ok = (sq > 1e-290) & (sq < 1e290)
    if a.size and not ok.all():
        m = np.max(np.abs(a), axis=axis, keepdims=True)
        scale = np.where((m > 0) & np.isfinite(m), m, 1.0)
        scaled = np.squeeze(scale, axis=axis) * np.sqrt(np.add.reduce((a / scale) ** 2,
                                                                      axis=axis))
        scaled = np.where(np.squeeze(np.isinf(m), axis=axis), np.inf, scaled)
        out = np.where(ok, out, scaled)
    return out
