"""The built site as a reader meets it, in headless Chromium (Debian's, via Playwright).

Every page: no JavaScript errors, no request leaves the machine, math renders, every
static slider works by keyboard and by mouse and shows the frame for its value, and an
axe-core audit finds no serious or critical violation in light and dark mode.
Screenshots are saved under artifacts/screenshots/: every page whole at desktop width in light
mode, and the first screen in dark mode and at a phone's width.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from .conftest import PAGES, ROOT

AXE = ROOT / "tests" / "site" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def open_page(browser, server, rel, *, viewport="desktop", scheme="light", full_layout=False):
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    problems, foreign = [], []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )

    def route(r):
        host = urlparse(r.request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            foreign.append(r.request.url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    page.goto(f"{server}/{rel}.html", wait_until="load")
    page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise")
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    if full_layout:
        # sections off screen skip rendering (content-visibility: auto): lay everything out,
        # so a wide element anywhere widens the page and axe sees every section
        page.evaluate("() => document.documentElement.classList.add('downhill-full-layout')")
    return context, page, problems, foreign


def screenshot(page, artifacts, stem, *, full_page=True):
    """A screenshot, JPEG (twice as fast as PNG): the whole page, or (``full_page=False``)
    the first screen. A page taller than JPEG's 65,535-pixel limit (the API reference, 118,000
    pixels) is saved as its first screen: as a whole-page PNG it took 5 s on a quiet machine
    and over 30 s (a timeout) on a busy one, for an image nobody scrolls through."""
    if full_page and page.evaluate("document.documentElement.scrollHeight") >= 65_000:
        full_page = False
    out = artifacts / "screenshots" / f"{stem}.jpg"
    page.screenshot(path=str(out), full_page=full_page, type="jpeg", quality=85)
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", PAGES)
def test_page_clean_offline_accessible(browser, server, artifacts, rel, scheme):
    """Desktop width, light and dark: no errors, nothing fetched from another host, math
    rendered, alt text on every image, no serious axe violation (dark: the colour rules);
    saves a screenshot."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: scripts/test.sh installs it with npm")
    context, page, problems, foreign = open_page(browser, server, rel, scheme=scheme,
                                                 full_layout=True)
    try:
        assert not foreign, f"{rel} tried to reach other hosts: {foreign}"
        assert not problems, f"{rel}: {problems}"
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        n_math = page.evaluate("document.querySelectorAll('.math, span.math').length")
        if n_math:
            rendered = page.evaluate("document.querySelectorAll('mjx-container').length")
            assert rendered >= n_math, f"{rel}: {n_math} formulas, {rendered} rendered by MathJax"
        alts = page.evaluate("[...document.images].map(i => i.getAttribute('alt') || '')")
        assert all(a.strip() for a in alts), f"{rel}: an image without alt text"
        page.add_script_tag(path=str(AXE))
        # Only violations are read, so axe need not collect passes (3x faster on long pages).
        # Dark mode changes colours only: there, only the colour rules run (half the time).
        options = "{resultTypes: ['violations']" + (
            "" if scheme == "light" else
            ", runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']}") + "}"
        result = page.evaluate(f"async () => await axe.run(document, {options})")
        bad = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{rel} ({scheme}): " + json.dumps(bad, indent=1)
        # the whole page once (light); dark mode's first screen
        out = screenshot(page, artifacts, f"{rel.replace('/', '_')}-desktop-{scheme}",
                         full_page=scheme == "light")
        assert out.stat().st_size > 10_000
    finally:
        context.close()


@pytest.mark.parametrize("rel", PAGES)
def test_phone_width(browser, server, artifacts, rel):
    """At a phone's width nothing scrolls sideways; saves a screenshot of the first screen."""
    context, page, problems, _ = open_page(browser, server, rel, viewport="phone",
                                           full_layout=True)
    try:
        out = screenshot(page, artifacts, f"{rel.replace('/', '_')}-phone-light", full_page=False)
        assert out.stat().st_size > 10_000
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"] + 1, f"{rel} scrolls sideways on a phone"
        assert not problems, problems
    finally:
        context.close()


STATE = """(root) => {
  const img = root.querySelector('img');
  const data = JSON.parse(root.querySelector('script.gdx-data').textContent);
  const ins = [...root.querySelectorAll('input[type=range]')];
  let k = 0;
  ins.forEach((el, i) => { k = k * data.shape[i] + Number(el.value); });
  return {frame: Number(img.dataset.frame), expected: k, alt: img.alt, expectedAlt: data.alts[k],
          src: img.getAttribute('src').slice(0, 200),
          outputs: [...root.querySelectorAll('output')].map(o => o.textContent),
          labels: ins.map((el, i) => data.labels[i][Number(el.value)]),
          values: ins.map(el => Number(el.value)), maxes: ins.map(el => Number(el.max))};
}"""


@pytest.mark.parametrize("rel", [p for p in PAGES if p.startswith("chapters/")])
def test_sliders_work_by_keyboard_and_mouse(browser, server, rel):
    """Every static slider: arrow keys and clicks move it, and the figure follows."""
    context, page, problems, _ = open_page(browser, server, rel)
    try:
        roots = page.query_selector_all("div.gdx")
        assert roots, f"{rel}: no interactive figure"
        for root in roots:
            for i, rng in enumerate(root.query_selector_all("input[type=range]")):
                before = root.evaluate(STATE)
                # keyboard: focus and press an arrow key (towards the side with room)
                key = "ArrowRight" if before["values"][i] < before["maxes"][i] else "ArrowLeft"
                rng.focus()
                page.keyboard.press(key)
                after = root.evaluate(STATE)
                assert after["values"][i] != before["values"][i], "arrow key did not move it"
                assert after["frame"] == after["expected"], after
                assert after["src"] != before["src"], "the figure did not change"
                assert after["alt"] == after["expectedAlt"]
                assert after["outputs"] == after["labels"]
                # mouse: click near the far end of the track
                box = rng.bounding_box()
                x = box["x"] + (box["width"] * (0.05 if after["values"][i] else 0.95))
                page.mouse.click(x, box["y"] + box["height"] / 2)
                clicked = root.evaluate(STATE)
                assert clicked["values"][i] != after["values"][i], "a click did not move it"
                assert clicked["frame"] == clicked["expected"]
                assert clicked["src"] != after["src"]
        assert not problems, problems
    finally:
        context.close()



@pytest.mark.parametrize("rel", [p for p in PAGES if p.startswith("chapters/")])
def test_quizzes_work_without_a_kernel(browser, server, rel):
    context, page, problems, _ = open_page(browser, server, rel)
    try:
        forms = page.query_selector_all("form.gdq")
        assert forms, f"{rel}: no quiz"
        for form in forms:
            feedback = form.query_selector(".gdq-feedback")
            form.query_selector(".gdq-check").click()
            assert "Choose an answer" in feedback.inner_text()
            verdicts = []
            for radio in form.query_selector_all("input[type=radio]"):
                radio.check()
                form.query_selector(".gdq-check").click()
                verdicts.append(feedback.inner_text())
            assert verdicts.count("Correct.") == 1, verdicts
            assert all(v in ("Correct.", "Not quite: try another answer.") for v in verdicts)
        assert not problems, problems
    finally:
        context.close()
