"""Dark mode in the built site (issue 18, part 1), in headless Chromium.

Every figure (``gd.show``) and every slider frame (``gd.explore``) exists in a light and a
dark rendering. Per chapter, by both routes to dark mode (the system setting with the theme
on "auto", and the theme's own toggle), the figures shown are dark, and in light mode light;
the hidden variant is never downloaded; no CSS filter alters a figure (colormaps stay
truthful); alt texts are the same in both variants. Luminance is measured on the image's
pixels (drawn to a canvas), not read from class names.
"""

from __future__ import annotations

import pytest

from .conftest import CHAPTERS, SITE


def _site_has_dark_figures() -> bool:
    return any("gd-dark" in (SITE / f"{rel}.html").read_text(encoding="utf-8")
               for rel in CHAPTERS if (SITE / f"{rel}.html").exists())


# Until gdlib renders the dark variants (issue 18 part 1: gd.show and gd.explore), the site
# has none and these checks cannot run; as soon as ANY chapter has one, every chapter is
# checked (a chapter without them then fails).
pytestmark = pytest.mark.skipif(not _site_has_dark_figures(),
                                reason="no dark figure renderings in the built site yet")

#: Mean relative luminance (0 black .. 1 white) of a figure's pixels.
DARK_MAX = 0.35
LIGHT_MIN = 0.65

FIGURES = """async () => {
  const shown = [], hidden = [];
  for (const im of document.querySelectorAll('img.gd-fig')) {
    (getComputedStyle(im).display === 'none' ? hidden : shown).push(im);
  }
  const out = [];
  for (const im of shown) {
    im.scrollIntoView({block: 'center'});
    if (!im.complete || !im.naturalWidth) {
      await new Promise((ok) => { im.addEventListener('load', ok, {once: true});
                                  im.addEventListener('error', ok, {once: true});
                                  setTimeout(ok, 20000); });
    }
    const c = document.createElement('canvas');
    c.width = Math.min(200, im.naturalWidth); c.height = Math.min(200, im.naturalHeight);
    const g = c.getContext('2d');
    g.drawImage(im, 0, 0, c.width, c.height);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) {
      sum += (0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2]) / 255;
    }
    out.push({src: im.getAttribute('src'), cls: im.className, alt: im.alt,
              filter: getComputedStyle(im).filter, lum: sum / (px.length / 4)});
  }
  await new Promise((ok) => setTimeout(ok, 300));
  const fetched = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname);
  return {shown: out, hidden: hidden.map((im) => new URL(im.src, location.href).pathname),
          fetched, theme: document.documentElement.dataset.theme,
          pairs: [...document.querySelectorAll('img.gd-light')].map((im) => {
            const d = im.nextElementSibling;
            return {dark: !!(d && d.matches('img.gd-dark')), same_alt: !!d && d.alt === im.alt};
          }),
          figures: document.querySelectorAll('img.gd-fig').length};
}"""


def _open(browser, server, rel, scheme, toggle_to=None):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/{rel}.html", wait_until="load")
    # what the first mode showed before the reader switched was rightly downloaded
    page.seen_before_toggle = set(page.evaluate(
        "performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)"))
    if toggle_to:
        for _ in range(3):  # the theme's button cycles through its modes
            if page.evaluate("document.documentElement.dataset.theme") == toggle_to:
                break
            page.click(".theme-switch-button")
    return context, page, errors


def _check(result, rel, want, before=frozenset()):
    assert result["theme"] == want, result["theme"]
    assert result["figures"], f"{rel}: no figures"
    # every figure exists in both renderings, with the same alt text
    pairs = result["pairs"]
    assert pairs and all(p["dark"] for p in pairs), f"{rel}: a figure has no dark twin"
    assert all(p["same_alt"] for p in result["pairs"]), f"{rel}: alt texts differ between modes"
    cls = "gd-dark" if want == "dark" else "gd-light"
    for f in result["shown"]:
        assert cls in f["cls"].split(), f"{rel} ({want}): shows {f['cls']} {f['src']}"
        assert f["filter"] == "none", f"{rel}: a CSS filter on a figure ({f['filter']})"
        if want == "dark":
            assert f["lum"] <= DARK_MAX, f"{rel}: a bright figure in dark mode ({f['lum']:.2f})"
        else:
            assert f["lum"] >= LIGHT_MIN, f"{rel}: a dark figure in light mode ({f['lum']:.2f})"
    leaked = set(result["hidden"]) & (set(result["fetched"]) - set(before))
    assert not leaked, f"{rel} ({want}): hidden variants downloaded: {sorted(leaked)[:3]}"


@pytest.mark.parametrize("rel", CHAPTERS)
@pytest.mark.parametrize("route", ["system", "toggle"])
def test_figures_follow_dark_mode(browser, server, rel, route):
    if route == "system":  # prefers-color-scheme: dark, theme left on "auto"
        context, page, errors = _open(browser, server, rel, "dark")
    else:  # light system, the reader picks dark with the theme's button
        context, page, errors = _open(browser, server, rel, "light", toggle_to="dark")
    try:
        _check(page.evaluate(FIGURES), rel, "dark",
               page.seen_before_toggle if route == "toggle" else ())
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("rel", CHAPTERS)
@pytest.mark.parametrize("route", ["system", "toggle"])
def test_figures_follow_light_mode(browser, server, rel, route):
    if route == "system":
        context, page, errors = _open(browser, server, rel, "light")
    else:  # dark system, the reader picks light with the theme's button
        context, page, errors = _open(browser, server, rel, "dark", toggle_to="light")
    try:
        _check(page.evaluate(FIGURES), rel, "light",
               page.seen_before_toggle if route == "toggle" else ())
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("rel", CHAPTERS[:1])
def test_dark_slider_frames_follow_the_slider(browser, server, rel):
    """In dark mode a slider moves the dark image, which shows the same frame and alt."""
    context, page, errors = _open(browser, server, rel, "dark")
    try:
        root = page.query_selector("div.gdx")
        rng = root.query_selector("input[type=range]")
        rng.focus()
        before = root.evaluate("r => r.querySelector('img.gd-dark').getAttribute('src')")
        page.keyboard.press("ArrowRight" if rng.evaluate("e => +e.value < +e.max") else "ArrowLeft")
        state = root.evaluate("""r => { const l = r.querySelector('img.gd-light'),
                                 d = r.querySelector('img.gd-dark');
          return {lf: l.dataset.frame, df: d.dataset.frame, la: l.alt, da: d.alt,
                  src: d.getAttribute('src')}; }""")
        assert state["src"] != before, "the dark figure did not follow the slider"
        assert state["lf"] == state["df"] and state["la"] == state["da"], state
        assert not errors, errors
    finally:
        context.close()
