"""Turning results into words for the prose, so a sentence changes when its numbers do.

A chapter that says "Adam wins, then RMSprop" or "this run diverges" must not type those
words: after a learner edits a parameter the numbers change and typed words would lie.
These helpers compute the words; glue them like numbers (``glue("winner", ...)`` and
``{glue:text}`winner``` in the Markdown).

* :func:`ranking` and :func:`order`: names sorted by a score, as words or as a list;
* :func:`compare`: one comparison word ("faster"/"slower"/"as fast as");
* :func:`verdict`: what a :class:`~gdlib.descent.Run` did, as a verb phrase;
* :func:`pick_steps` and :func:`spread`: slider values and quoted iterates that exist in a
  run (never an index past its end);
* :func:`join` and :func:`plural`: lists and counts in English.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

__all__ = ["compare", "join", "order", "pick_steps", "plural", "power_above", "ranking", "spread",
           "verdict"]


def _score(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"scores[{name!r}] must be a real number, got {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"scores[{name!r}] is NaN: a ranking needs comparable scores")
    return value


def order(scores: Mapping[str, float], *, best: str = "lowest") -> list[str]:
    """The names of ``scores`` from best to worst.

    ``best="lowest"`` (steps, losses, errors) or ``"highest"`` (accuracy). Ties keep the
    order in which the names were given (a stable sort). ``inf`` ranks last with
    ``best="lowest"`` (e.g. a run that never reached its tolerance).

    Examples
    --------
    >>> order({"GD": 120, "Adam": 35, "RMSprop": 60})
    ['Adam', 'RMSprop', 'GD']
    >>> order({"a": 0.9, "b": 0.95}, best="highest")
    ['b', 'a']
    """
    if best not in ("lowest", "highest"):
        raise ValueError(f'best must be "lowest" or "highest", got {best!r}')
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError("scores must be a non-empty mapping of name -> number")
    values = {str(k): _score(k, v) for k, v in scores.items()}
    sign = 1.0 if best == "lowest" else -1.0
    return sorted(values, key=lambda k: sign * values[k])


def join(words: Iterable[str], *, last: str = "and") -> str:
    """``["a", "b", "c"]`` as ``"a, b and c"``.

    Examples
    --------
    >>> join(["Adam"]), join(["Adam", "GD"]), join(["a", "b", "c"], last="or")
    ('Adam', 'Adam and GD', 'a, b or c')
    """
    words = [str(w) for w in words]
    if not words:
        raise ValueError("words must not be empty")
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def ranking(
    scores: Mapping[str, float], *, best: str = "lowest", tie_rtol: float = 0.0
) -> str:
    """The names of ``scores`` from best to worst, as a sentence fragment.

    Names whose scores agree to the relative tolerance ``tie_rtol`` are grouped as a tie.

    Examples
    --------
    >>> ranking({"GD": 120, "Adam": 35, "RMSprop": 60})
    'Adam, then RMSprop, and last GD'
    >>> ranking({"GD": 120, "Adam": 35, "RMSprop": 35})
    'Adam and RMSprop (tied), then GD'
    >>> ranking({"GD": 1.0, "Adam": 2.0})
    'GD, then Adam'
    """
    if not (isinstance(tie_rtol, (int, float)) and 0 <= tie_rtol < 1):
        raise ValueError(f"tie_rtol must be a number in [0, 1), got {tie_rtol!r}")
    names = order(scores, best=best)
    values = {str(k): float(v) for k, v in scores.items()}
    groups: list[list[str]] = []
    for name in names:
        if groups and _tied(values[groups[-1][0]], values[name], tie_rtol):
            groups[-1].append(name)
        else:
            groups.append([name])
    words = [g[0] if len(g) == 1 else join(g) + " (tied)" for g in groups]
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return f"{words[0]}, then {words[1]}"
    return ", then ".join(words[:-1]) + f", and last {words[-1]}"


def _tied(a: float, b: float, rtol: float) -> bool:
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def compare(
    a: float,
    b: float,
    *,
    more: str = "more",
    less: str = "less",
    same: str = "the same",
    rtol: float = 0.0,
) -> str:
    """One word saying how ``a`` stands to ``b``: ``more``, ``less`` or ``same``.

    ``same`` is chosen when the two agree to the relative tolerance ``rtol``.

    Examples
    --------
    >>> compare(213, 339, more="slower", less="faster")
    'faster'
    >>> compare(1.0, 1.004, more="larger", less="smaller", same="about equal", rtol=0.01)
    'about equal'
    """
    a, b = _score("a", a), _score("b", b)
    if not (isinstance(rtol, (int, float)) and 0 <= rtol < 1):
        raise ValueError(f"rtol must be a number in [0, 1), got {rtol!r}")
    if _tied(a, b, rtol):
        return same
    return more if a > b else less


_VERDICTS = {"converged": "converges", "diverged": "diverges", "max_steps": "does not converge"}


def verdict(run, *, words: Mapping[str, str] | None = None) -> str:
    """What a run did, as a verb: ``"converges"``, ``"diverges"`` or ``"does not converge"``.

    ``words`` overrides the phrase per status (keys ``"converged"``, ``"diverged"``,
    ``"max_steps"``), e.g. ``{"max_steps": "is still on its way"}``.

    Examples
    --------
    >>> import gdlib as gd
    >>> verdict(gd.descend(lambda x: 2 * x, 1.0, lr=0.1, steps=200, tol=1e-8))
    'converges'
    >>> verdict(gd.descend(lambda x: 2 * x, 1.0, lr=1.5, steps=200))
    'diverges'
    """
    status = getattr(run, "status", None)
    table = dict(_VERDICTS)
    if words is not None:
        unknown = set(words) - set(table)
        if unknown:
            raise ValueError(f"words has unknown statuses {sorted(unknown)}; use {sorted(table)}")
        table.update(words)
    if status not in table:
        raise TypeError(f"run must be a descent Run with a status, got {type(run).__name__}")
    return table[status]


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    return int(value)


def pick_steps(n_available: int, wanted: Sequence[int], *, include_last: bool = True) -> list[int]:
    """The step indices of ``wanted`` that exist in a record of ``n_available`` entries.

    A run of ``k`` steps has ``k + 1`` iterates (``len(run.xs)``), indices ``0..k``.
    Indices past the end are dropped; with ``include_last`` the last index is added when it
    is not already there, so a slider still reaches where the run ended. The result is
    sorted and without repeats.

    Examples
    --------
    >>> pick_steps(51, [0, 1, 2, 5, 10, 20, 50])
    [0, 1, 2, 5, 10, 20, 50]
    >>> pick_steps(25, [0, 1, 2, 5, 10, 20, 50])
    [0, 1, 2, 5, 10, 20, 24]
    """
    n = _count("n_available", n_available)
    if n < 1:
        raise ValueError(f"n_available must be at least 1, got {n}")
    picked = set()
    for w in wanted:
        w = _count("wanted[...]", w)
        if w < 0:
            raise ValueError(f"wanted holds a negative index {w}")
        if w < n:
            picked.add(w)
    if include_last or not picked:
        picked.add(n - 1)
    return sorted(picked)


def spread(n_available: int, count: int) -> list[int]:
    """``count`` indices spread evenly over ``0..n_available-1``, both ends included.

    Fewer are returned when the record is shorter than ``count``.

    Examples
    --------
    >>> spread(101, 5)
    [0, 25, 50, 75, 100]
    >>> spread(3, 5)
    [0, 1, 2]
    """
    n = _count("n_available", n_available)
    c = _count("count", count)
    if n < 1:
        raise ValueError(f"n_available must be at least 1, got {n}")
    if c < 1:
        raise ValueError(f"count must be at least 1, got {c}")
    if c == 1:
        return [n - 1]
    return sorted({round(i * (n - 1) / (c - 1)) for i in range(c)})


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 step"``, ``"3 steps"``.

    Examples
    --------
    >>> plural(1, "step"), plural(3, "step"), plural(2, "basis", "bases")
    ('1 step', '3 steps', '2 bases')
    """
    n = _count("n", n)
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n} {word}"


# --- added for chA ---
def power_above(value, *, floor: float = 1e-12) -> float:
    """The smallest power of ten above ``|value|`` (and not below ``floor``): a bound to quote.

    A round-off-level quantity (``8.3e-17``, ``1.4e-10``) has no meaningful digits: the prose
    states a bound instead ("agree to better than 1e-09", "below 1e-12"), the same on every
    machine. Glue the bound and format it with ``:.0e``.

    Parameters
    ----------
    value : float
        The quantity, e.g. the largest difference between two computations. Finite.
    floor : float
        The smallest bound returned (a positive power of ten, by default 1e-12): exact zeros
        and smaller values are "below ``floor``".

    Examples
    --------
    >>> power_above(1.4e-10), power_above(0.0), power_above(3e-16), power_above(7.0)
    (1e-09, 1e-12, 1e-12, 10.0)
    >>> power_above(1e-9)  # strictly above: "below 1e-09" would be false
    1e-08
    """
    try:
        v = abs(float(value))
    except (TypeError, ValueError):
        raise TypeError(f"value must be a real number, got {type(value).__name__}") from None
    if not math.isfinite(v):
        raise ValueError(f"value must be finite, got {value!r}")
    f = float(floor)
    if not (math.isfinite(f) and f > 0):
        raise ValueError(f"floor must be a positive finite number, got {floor!r}")
    if v < f:
        return f
    p = 10.0 ** math.ceil(math.log10(v))
    while p <= v:  # log10 can round down at an exact power of ten
        p *= 10.0
    while p / 10.0 > v:
        p /= 10.0
    return float(f"{p:.0e}")  # exactly the decimal 1e-k, whatever pow rounded to
