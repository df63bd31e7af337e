"""Exercises that check themselves.

* :func:`check` compares a reader's answer (a number or an array) with the expected one
  and says "correct" or "not yet" with a hint, never revealing the expected value.
* :func:`quiz` is a multiple-choice question that works with no kernel: in the static
  book and in a trusted notebook it is plain HTML with radio buttons, a "Check" button and
  a few lines of JavaScript; its text form lists the options.
"""

from __future__ import annotations

import hashlib
import html
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._assets import script
from ._checks import nonneg_float, returned_array

__all__ = ["check", "Feedback", "quiz", "Quiz"]


@dataclass(frozen=True)
class Feedback:
    """The verdict of :func:`check`; displays as one line."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        # the text colour is the page's own (readable in light and dark); a mark says which
        mark = "✓" if self.correct else "✗"
        return f'<p class="gd-feedback"><strong>{mark} {html.escape(self.message)}</strong></p>'


def check(answer, expected, *, rtol: float = 1e-6, atol: float = 1e-9,
          hint: str | None = None) -> Feedback:
    """Is ``answer`` close to ``expected``? Says so without showing ``expected``.

    Parameters
    ----------
    answer, expected : number or array_like
        The reader's answer and the right one (same shape).
    rtol, atol : float
        Relative and absolute tolerance, as in :func:`numpy.isclose`.
    hint : str, optional
        Shown when the answer is wrong.

    Examples
    --------
    >>> check(0.5, 0.5)
    Correct.
    >>> check(-80, 80, hint="Which side of the peak is $3 on?")
    Not yet: the sign is wrong. Hint: Which side of the peak is $3 on?
    """
    if answer is None:
        return Feedback(False, "No answer yet: replace None with your answer.")
    try:  # a string, a bool or a complex number is not an answer, even "0.5" or True
        a = returned_array(answer, "answer")
    except (TypeError, ValueError):
        kind = type(answer).__name__
        return Feedback(False, f"The answer must be a number or numbers, got {kind}.")
    e = returned_array(expected, "expected", verb="is")  # the author's value: an error if wrong
    if not np.all(np.isfinite(e)):
        raise ValueError(f"expected must be finite, got {expected!r}")
    rtol, atol = nonneg_float(rtol, "rtol"), nonneg_float(atol, "atol")
    if a.shape != e.shape:
        return Feedback(False, f"Not yet: expected {e.size} number(s) of shape {e.shape}, "
                        f"got shape {a.shape}.")
    if not np.all(np.isfinite(a)):
        return Feedback(False, "Not yet: the answer is not finite.")
    ok = bool(np.all(np.isclose(a, e, rtol=rtol, atol=atol)))
    if ok:
        return Feedback(True, "Correct.")
    detail = " not within tolerance."
    if a.size == 1 and float(e) != 0:
        if np.isclose(-float(a), float(e), rtol=rtol, atol=atol):
            detail = " the sign is wrong."
        else:
            detail = " too large" if abs(float(a)) > abs(float(e)) else " too small"
            detail += " in absolute value."
    message = "Not yet:" + detail
    if hint:
        message += f" Hint: {hint}"
    return Feedback(False, message)


class Quiz:
    """A multiple-choice question; see :func:`quiz`."""

    def __init__(self, question: str, options: Sequence[str], answer: int, explanation: str):
        self.question = question
        self.options = list(options)
        self.answer = answer
        self.explanation = explanation

    def uid(self) -> str:
        h = hashlib.sha256(json.dumps([self.question, self.options]).encode()).hexdigest()
        return "gdq-" + h[:12]

    def __repr__(self) -> str:
        lines = [f"Quiz: {self.question}"]
        lines += [f"  ({chr(97 + i)}) {o}" for i, o in enumerate(self.options)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        uid = self.uid()
        opts = "".join(
            f'<div class="gdq-option"><input type="radio" name="{uid}" id="{uid}-{i}" '
            f'value="{i}"><label for="{uid}-{i}">{html.escape(o)}</label></div>'
            for i, o in enumerate(self.options)
        )
        # The right answer is stored as a hash, not in clear, so it is not given away by
        # reading the page source at a glance (this is a self-check, not an exam).
        key = _fnv1a(f"{uid}:{self.answer}")
        return (
            f'<form class="gdq" id="{uid}" data-key="{key}" onsubmit="return false">'
            f"<fieldset><legend>{html.escape(self.question)}</legend>{opts}</fieldset>"
            f'<button type="button" class="gdq-check">Check my answer</button>'
            f'<p class="gdq-feedback" aria-live="polite"></p>'
            f'<p class="gdq-explanation" hidden>{html.escape(self.explanation)}</p>'
            f"<script>{_QUIZ_JS.replace('__UID__', uid)}</script></form>"
        )


def quiz(question: str, options: Sequence[str], answer: int, explanation: str) -> Quiz:
    """A kernel-free multiple-choice check.

    Parameters
    ----------
    question : str
        The question.
    options : sequence of str
        Two or more answers to choose from.
    answer : int
        Index of the right option.
    explanation : str
        Shown once the reader picks the right option.

    Examples
    --------
    >>> q = quiz("Where is the minimum of x^2?", ["x = 0", "x = 1"], 0, "f'(0) = 0.")
    >>> print(q)
    Quiz: Where is the minimum of x^2?
      (a) x = 0
      (b) x = 1
    """
    if not isinstance(question, str) or not question.strip():
        raise ValueError("question must be a non-empty string")
    options = list(options)
    if len(options) < 2 or not all(isinstance(o, str) and o.strip() for o in options):
        raise ValueError("options must be two or more non-empty strings")
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)) or not (
        0 <= answer < len(options)
    ):
        raise ValueError(f"answer must be an option index in [0, {len(options)}), got {answer!r}")
    if not isinstance(explanation, str) or not explanation.strip():
        raise ValueError("explanation must be a non-empty string")
    return Quiz(question, options, int(answer), explanation)


def _fnv1a(text: str) -> str:
    """32-bit FNV-1a hash of ``text`` (UTF-16 code units, as in JavaScript), as hex."""
    data = text.encode("utf-16-le")
    h = 0x811C9DC5
    for code in struct.unpack(f"<{len(data) // 2}H", data):
        h = ((h ^ code) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


_QUIZ_JS = script("quiz")  # gdlib/js/quiz.js
