"""The built site's JavaScript in Firefox and WebKit (Safari's engine), not only Chromium.

`tests/site/test_browser.py` checks every page in Chromium; this repeats in each other engine
what exercises JavaScript: no error on any page (uncaught errors, failed loads,
console.error), static sliders moved by keyboard and by mouse with the figure, alt text and
readout following, quizzes answered by clicks, and the theme's colour-mode button.
Sliders and quizzes are exercised on two chapters, one with one-slider figures and one with
a figure of several sliders: every page runs the same two scripts (gdlib's slider script,
one per figure, and the quiz script), so more pages would test the same code again in
these engines at about 10 s a page; Chromium covers every page.
"""

from __future__ import annotations

import pytest

from tests.site.conftest import CHAPTERS, PAGES
from tests.site.test_browser import STATE

# one chapter of one-slider figures, one with a figure of several sliders (pitfalls)
JS_CHAPTERS = [c for c in CHAPTERS if c.startswith(("chapters/01_", "chapters/07_"))]

WAIT_MATH = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return true;
}"""
PROBLEMS = "() => window.__problems || ['the error catcher did not run']"
ROOT_STATE = f"(i) => ({STATE})(document.querySelectorAll('div.gdx')[i])"
# Scroll an element into the middle of the viewport; return its box (viewport coordinates).
# The element: the i-th match of `sel`, or of `inner` inside it when `inner` is given.
BOX = """(sel, i, inner, j) => {
  let el = document.querySelectorAll(sel)[i];
  if (inner) el = el.querySelectorAll(inner)[j];
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height};
}"""


def open_page(engine, server, rel):
    engine.goto(f"{server}/{rel}.html")
    engine.call(WAIT_MATH)


def click_element(engine, selector, i=0, inner=None, j=0, at=0.5):
    """A real mouse click on an element (scrolled into view), at fraction `at` of its width."""
    box = engine.call(BOX, selector, i, inner, j)
    engine.click(box["x"] + box["width"] * at, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("rel", PAGES)
def test_page(engine, site_server, rel):
    """No error on the page; on JS_CHAPTERS, every slider and quiz works too."""
    open_page(engine, site_server, rel)
    if rel in JS_CHAPTERS:
        check_sliders(engine, rel)
        check_quizzes(engine, rel)
    assert engine.call(PROBLEMS) == [], f"{engine.name}: {rel}"


def check_sliders(engine, rel):
    n_roots = engine.call("() => document.querySelectorAll('div.gdx').length")
    assert n_roots, f"{rel}: no interactive figure"
    k = 0  # index among all range inputs of the page
    for r in range(n_roots):
        n_inputs = engine.call(
            "(r) => document.querySelectorAll('div.gdx')[r]"
            ".querySelectorAll('input[type=range]').length", r)
        for i in range(n_inputs):
            before = engine.call(ROOT_STATE, r)
            key = "ArrowRight" if before["values"][i] < before["maxes"][i] else "ArrowLeft"
            engine.call("(k) => document.querySelectorAll('div.gdx input[type=range]')[k]"
                        ".focus()", k)
            engine.press(key)
            after = engine.call(ROOT_STATE, r)
            where = f"{engine.name}: {rel}, figure {r + 1}, slider {i + 1}"
            assert after["values"][i] != before["values"][i], f"{where}: a key did not move it"
            assert after["frame"] == after["expected"], where
            assert after["src"] != before["src"], f"{where}: the figure did not change"
            assert after["alt"] == after["expectedAlt"], where
            assert after["outputs"] == after["labels"], where
            # mouse: a click near the far end of the track
            click_element(engine, "div.gdx input[type=range]", k,
                          at=0.04 if after["values"][i] else 0.96)
            clicked = engine.call(ROOT_STATE, r)
            assert clicked["values"][i] != after["values"][i], f"{where}: a click did not move it"
            assert clicked["frame"] == clicked["expected"], where
            assert clicked["src"] != after["src"], where
            assert clicked["outputs"] == clicked["labels"], where
            k += 1


def check_quizzes(engine, rel):
    n_forms = engine.call("() => document.querySelectorAll('form.gdq').length")
    assert n_forms, f"{rel}: no quiz"
    feedback = "(f) => document.querySelectorAll('form.gdq')[f].querySelector('.gdq-feedback')" \
               ".textContent.trim()"
    for f in range(n_forms):
        click_element(engine, "form.gdq", f, ".gdq-check")  # no answer chosen yet
        assert "Choose an answer" in engine.call(feedback, f)
        n_radios = engine.call(
            "(f) => document.querySelectorAll('form.gdq')[f]"
            ".querySelectorAll('input[type=radio]').length", f)
        verdicts = []
        for j in range(n_radios):  # a real click on each option, then on Check
            click_element(engine, "form.gdq", f, "input[type=radio]", j)
            assert engine.call("(f, j) => document.querySelectorAll('form.gdq')[f]"
                               ".querySelectorAll('input[type=radio]')[j].checked", f, j)
            click_element(engine, "form.gdq", f, ".gdq-check")
            verdicts.append(engine.call(feedback, f))
        assert verdicts.count("Correct.") == 1, f"{engine.name}: {rel}: {verdicts}"
        assert all(v in ("Correct.", "Not quite: try another answer.") for v in verdicts)


MODE = """() => ({mode: document.documentElement.dataset.mode,
  theme: document.documentElement.dataset.theme,
  background: getComputedStyle(document.body).backgroundColor})"""
VISIBLE_TOGGLE = """() => [...document.querySelectorAll('.theme-switch-button')]
  .findIndex(b => b.offsetParent !== null && b.getBoundingClientRect().width > 0)"""


def test_colour_mode_toggle(engine, site_server):
    open_page(engine, site_server, CHAPTERS[0])
    i = engine.call(VISIBLE_TOGGLE)
    assert i >= 0, "no visible colour-mode button"
    seen = [engine.call(MODE)]
    for _ in range(3):  # the button cycles through its modes
        click_element(engine, ".theme-switch-button", i)
        seen.append(engine.call(MODE))
    modes = {s["mode"] for s in seen}
    assert {"light", "dark"} <= modes, seen
    assert all(s["theme"] in ("light", "dark") for s in seen), seen
    light = next(s for s in seen if s["mode"] == "light")
    dark = next(s for s in seen if s["mode"] == "dark")
    assert light["theme"] == "light" and dark["theme"] == "dark", seen
    assert light["background"] != dark["background"], "dark mode did not change the page"
    assert engine.call(PROBLEMS) == [], engine.name
