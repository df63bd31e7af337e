"""Dark mode in the built site (issue 18, part 1).

The book's build renders every figure (``gd.show``) and every slider frame (``gd.explore``)
twice (``DOWNHILL_DARK=1``, set by ``_ext/downhill_site.py``): a light and a dark image.

* From the files (no browser): in every chapter every figure has a dark twin with the same
  alt text, every explorer has a dark frame for each light one, and each dark image is
  clearly darker than its light twin, measured on the pixels of its background (the image's
  outer border, where no colormap reaches): colormaps themselves are kept exact by gdlib
  (tests/test_dark.py), so they are not what is compared.
* In headless Chromium, per chapter, by both routes (the system setting with the theme on
  "auto", and the theme's own colour-mode button against the system setting): the figures
  shown are the dark ones in dark mode and the light ones in light mode, with no CSS filter
  on them, and after scrolling the whole page (every lazy figure shown is loaded) not one
  hidden variant has been downloaded.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .conftest import CHAPTERS, SITE

#: Median relative luminance (0 black .. 1 white) of an image's outer border.
DARK_MAX = 0.2
LIGHT_MIN = 0.8
BORDER = 3  # pixels

IMG = re.compile(r"<img\b[^>]*>")
GDX = re.compile(r'<script type="application/json" class="gdx-data">(.*?)</script>', re.S)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(m.group(1)) if m else None


def border_luminance(path: Path) -> float:
    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=float) / 255
    lum = rgb @ np.array([0.2126, 0.7152, 0.0722])
    b = BORDER
    ring = np.concatenate([lum[:b].ravel(), lum[-b:].ravel(), lum[:, :b].ravel(),
                           lum[:, -b:].ravel()])
    return float(np.median(ring))


def figure_pairs(rel: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(light src, dark src, alt) of each figure, and the figures with no twin."""
    page = SITE / f"{rel}.html"
    tags = [t for t in IMG.findall(page.read_text(encoding="utf-8"))
            if "gd-fig" in (_attr(t, "class") or "").split()]
    pairs, lonely = [], []
    i = 0
    while i < len(tags):
        cls = _attr(tags[i], "class").split()
        nxt = _attr(tags[i + 1], "class").split() if i + 1 < len(tags) else []
        if "gd-light" in cls and "gd-dark" in nxt:
            if _attr(tags[i], "alt") != _attr(tags[i + 1], "alt"):
                lonely.append(f"alt texts differ: {_attr(tags[i], 'src')}")
            pairs.append((_attr(tags[i], "src"), _attr(tags[i + 1], "src"),
                          _attr(tags[i], "alt")))
            i += 2
        else:
            lonely.append(_attr(tags[i], "src"))
            i += 1
    return pairs, lonely


def frame_pairs(rel: str) -> list[tuple[str, str]]:
    """(light, dark) frame files of every explorer (the shown frame is the figure pair)."""
    out = []
    for body in GDX.findall((SITE / f"{rel}.html").read_text(encoding="utf-8")):
        d = json.loads(body)
        light, dark = d.get("frames") or [], d.get("frames_dark") or []
        assert len(dark) == len(light), f"{rel}: {len(light)} frames, {len(dark)} dark ones"
        out += [(a, b) for a, b in zip(light, dark, strict=True)
                if isinstance(a, str) and isinstance(b, str)]
    return out


@pytest.mark.parametrize("rel", CHAPTERS)
def test_every_figure_and_frame_has_a_darker_twin(site, rel):
    pairs, lonely = figure_pairs(rel)
    assert pairs, f"{rel}: no figure rendered for both modes"
    assert not lonely, f"{rel}: figures without a dark twin: {lonely[:3]}"
    base = (site / rel).parent
    checked = 0
    for light, dark, *_ in pairs + frame_pairs(rel):
        lo = border_luminance((base / dark).resolve())
        hi = border_luminance((base / light).resolve())
        assert lo <= DARK_MAX, f"{rel}: {dark} is not dark (border luminance {lo:.2f})"
        assert hi >= LIGHT_MIN, f"{rel}: {light} is not light (border luminance {hi:.2f})"
        checked += 1
    assert checked >= len(pairs)


STATE = """async (scroll) => {
  if (scroll) {  // through the whole page, so every lazy figure that is shown loads
    const h = document.documentElement.scrollHeight;
    for (let y = 0; y < h; y += innerHeight) {
      scrollTo(0, y); await new Promise((ok) => setTimeout(ok, 25));
    }
    scrollTo(0, 0);
  }
  const imgs = [...document.querySelectorAll('img.gd-fig')];
  const path = (im) => new URL(im.getAttribute('src'), location.href).pathname;
  const shown = imgs.filter((im) => getComputedStyle(im).display !== 'none');
  if (scroll) {
    await Promise.all(shown.map((im) => im.complete ? 0 : new Promise((ok) => {
      im.addEventListener('load', ok, {once: true}); im.addEventListener('error', ok, {once: true});
      setTimeout(ok, 10000); })));
  }
  return {theme: document.documentElement.dataset.theme,
          mode: document.documentElement.dataset.mode || '',
          figures: imgs.length,
          shown: shown.map((im) => ({cls: im.className, src: path(im),
                                     filter: getComputedStyle(im).filter})),
          hidden: imgs.filter((im) => !shown.includes(im)).map(path),
          fetched: performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)};
}"""


def _check(state, rel, want, route, downloads=False):
    where = f"{rel} ({want} by {route})"
    assert state["theme"] == want, f"{where}: data-theme is {state['theme']!r}"
    assert state["figures"] and len(state["shown"]) * 2 == state["figures"], (
        f"{where}: {len(state['shown'])} of {state['figures']} figure images shown")
    cls = f"gd-{want}"
    for f in state["shown"]:
        assert cls in f["cls"].split(), f"{where}: shows {f['cls']} {f['src']}"
        assert f["filter"] == "none", f"{where}: a CSS filter on a figure ({f['filter']})"
    if downloads:
        fetched = set(state["fetched"])
        missing = {f["src"] for f in state["shown"]} - fetched
        assert not missing, f"{where}: shown figures never loaded: {sorted(missing)[:3]}"
        leaked = set(state["hidden"]) & (fetched - {f["src"] for f in state["shown"]})
        assert not leaked, f"{where}: hidden variants downloaded: {sorted(leaked)[:3]}"


def _toggle(page, want):
    for _ in range(3):  # the theme's button cycles through its modes
        if page.evaluate("document.documentElement.dataset.theme") == want:
            return
        page.click(".theme-switch-button")


@pytest.mark.parametrize("rel", CHAPTERS)
@pytest.mark.parametrize("system", ["dark", "light"])
def test_figures_follow_the_mode(browser, server, rel, system):
    """The system's mode (theme on auto), then the system switching to the other mode, then
    the reader choosing that other mode with the theme's button while the system says not."""
    other = "light" if system == "dark" else "dark"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=system)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/{rel}.html", wait_until="load")
        state = page.evaluate(STATE, True)
        assert state["mode"] in ("", "auto"), state["mode"]
        _check(state, rel, system, "system setting", downloads=True)
        page.emulate_media(color_scheme=other)
        _check(page.evaluate(STATE, False), rel, other, "system setting changed")
        page.emulate_media(color_scheme=system)
        _check(page.evaluate(STATE, False), rel, system, "system setting changed back")
        _toggle(page, other)
        _check(page.evaluate(STATE, False), rel, other, "the theme's button")
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("rel", CHAPTERS[:1])
def test_dark_slider_frames_follow_the_slider(browser, server, rel):
    """In dark mode a slider moves the dark image, which shows the same frame and alt."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/{rel}.html", wait_until="load")
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
