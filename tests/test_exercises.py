"""gdlib.exercises: self-checks never reveal the answer; quizzes are well-formed HTML."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from gdlib.exercises import _fnv1a, check, quiz


def test_check_accepts_close_answers_and_arrays():
    assert check(0.1 + 0.2, 0.3).correct
    assert check([1.0, 2.0], np.array([1.0, 2.0 + 1e-12])).correct


@pytest.mark.parametrize("answer", [80.0001, -80.0, 8.0, 800.0, [80.0, 1.0], float("nan")])
def test_wrong_answers_never_reveal_the_expected_value(answer):
    fb = check(answer, 80.0, hint="look at the sign of P'(3)")
    assert not fb.correct
    assert "80" not in fb.message.replace("P'(3)", "")
    if np.ndim(answer) == 0 and np.isfinite(answer):
        assert "Hint: look at the sign" in fb.message


def test_check_says_which_way_it_is_off():
    assert "sign" in check(-2.5, 2.5).message
    assert "too large" in check(25, 2.5).message
    assert "too small" in check(0.25, 2.5).message
    assert "No answer yet" in check(None, 1.0).message
    assert "number" in check("abc", 1.0).message


def test_quiz_rejects_bad_input():
    with pytest.raises(ValueError, match="question"):
        quiz("", ["a", "b"], 0, "x")
    with pytest.raises(ValueError, match="options"):
        quiz("q", ["only one"], 0, "x")
    with pytest.raises(ValueError, match="answer"):
        quiz("q", ["a", "b"], 2, "x")
    with pytest.raises(ValueError, match="answer"):
        quiz("q", ["a", "b"], True, "x")
    with pytest.raises(ValueError, match="explanation"):
        quiz("q", ["a", "b"], 1, " ")


def test_quiz_html_is_deterministic_and_hides_the_answer():
    q1 = quiz("Pick b", ["a", "b", "c"], 1, "Because b.")
    q2 = quiz("Pick b", ["a", "b", "c"], 1, "Because b.")
    html = q1._repr_html_()
    assert html == q2._repr_html_()
    assert html.count('type="radio"') == 3
    assert "<legend>Pick b</legend>" in html
    key = re.search(r'data-key="([0-9a-f]{8})"', html).group(1)
    uid = q1.uid()
    # the key matches the right option only
    assert [_fnv1a(f"{uid}:{i}") == key for i in range(3)] == [False, True, False]


def _fnv1a_reference(text: str) -> str:
    # independent formulation: FNV-1a over UTF-16 code units, big-int arithmetic
    h = 2166136261
    for ch in text:
        c = ord(ch)
        units = [c] if c < 0x10000 else [0xD800 + ((c - 0x10000) >> 10), 0xDC00 + (c & 0x3FF)]
        for unit in units:
            h = ((h ^ unit) * 16777619) % 2**32
    return format(h, "08x")


@pytest.mark.parametrize("text", ["", "a", "gdq-0123456789ab:2", "ünïcode ∇f 𝜂"])
def test_fnv1a_matches_an_independent_implementation(text):
    assert _fnv1a(text) == _fnv1a_reference(text)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_fnv1a_matches_the_pages_javascript():
    from gdlib.exercises import _QUIZ_JS

    fn = re.search(r"function h\(s\)\{.*?\.slice\(-8\);\}", _QUIZ_JS, re.S).group(0)
    texts = ["gdq-0123456789ab:0", "ünïcode ∇f"]
    js = fn + "".join(f"console.log(h({t!r}));" for t in texts)
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, check=True).stdout
    assert out.split() == [_fnv1a(t) for t in texts]
