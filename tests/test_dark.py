"""Dark-mode renderings of gd.show and gd.explore (issue 18, part 1).

Checked on the decoded pixels: the dark image's background is the page's dark colour and its
text light; a colormapped region (imshow, pcolormesh) has exactly the same pixel colours in
both renderings; the light rendering is byte-identical to the one made with the dark pass
switched off; the same call twice gives the same bytes; the HTML carries the dark variant
where the site's build (``_ext/downhill_site.py``) looks for it, and strict nbval's mask
(``nbval_sanitize.cfg``) hides it as it hides the light one.
"""

from __future__ import annotations

import base64
import configparser
import io
import json
import re
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pytest
from PIL import Image

from gdlib import plotting
from gdlib.plotting import DARK_BACKGROUND, PALETTE, PALETTE_DARK, dark_color, figure, show
from gdlib.widgets import explore, slider

ROOT = Path(__file__).resolve().parents[1]
DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")



@pytest.fixture(autouse=True)
def _dark_on(monkeypatch):
    """The dark pass runs where the book is built (DOWNHILL_DARK=1); these tests switch it on."""
    monkeypatch.setenv(plotting.DARK_ENV, "1")


def pixels(png: bytes) -> np.ndarray:
    """RGB pixels (int) of a PNG, decoded by Pillow (an independent decoder)."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def luminance(rgb) -> np.ndarray:
    """Relative luminance 0..1 (Rec. 709 weights on the 8-bit values, as the site test)."""
    rgb = np.asarray(rgb, dtype=float) / 255
    return rgb @ np.array([0.2126, 0.7152, 0.0722])


def line_figure():
    fig, ax = figure()
    xs = np.linspace(0, 6, 50)
    ax.plot(xs, np.sin(xs), label="sin")
    ax.plot(xs, np.cos(xs), color="k", label="cos")
    ax.set_title("A TITLE IN BOLD LETTERS", fontsize=16)
    ax.set_xlabel("x")
    ax.legend()
    return fig


def colormap_figure():
    fig, (ax, bx) = figure(1, 2)
    data = np.add.outer(np.arange(12), np.arange(16)) % 7
    ax.imshow(data, cmap="cividis", interpolation="nearest")
    ax.grid(False)
    mesh = bx.pcolormesh(np.arange(17), np.arange(13), data, cmap="cividis", vmin=1, vmax=5)
    bx.grid(False)
    fig.colorbar(mesh, ax=bx, extend="both")  # its bar and end triangles are colormap too
    return fig


def test_dark_image_exists_differs_and_is_dark_with_light_text():
    img = show(line_figure(), alt="Sine and cosine.")
    assert img.png_dark is not None and img.png_dark != img.png
    light, dark = pixels(img.png), pixels(img.png_dark)
    assert light.shape == dark.shape
    # the corner is the figure's background: white in light, the page's colour in dark
    # (within 2 levels: both PNGs are palette-quantised, each with its own palette)
    assert np.max(np.abs(light[2, 2] - 255)) <= 2
    want = tuple(round(255 * v) for v in mcolors.to_rgb(DARK_BACKGROUND))
    assert np.max(np.abs(dark[2, 2] - np.array(want))) <= 2
    assert luminance(dark).mean() < 0.35 < 0.65 < luminance(light).mean()
    # text: in the title band (top rows, where only the title is drawn) the ink is the
    # darkest thing in light mode and the lightest in dark mode
    band_l, band_d = luminance(light[:30]), luminance(dark[:30])
    assert band_l.min() < 0.2 and band_d.max() > 0.7
    ink = band_l < 0.5  # the title's glyph pixels in the light rendering
    assert ink.sum() > 50
    assert luminance(dark[:30][ink]).mean() > 0.6


def test_palette_colours_map_to_their_dark_variants():
    for name, hexa in PALETTE.items():
        assert mcolors.to_hex(dark_color(hexa)) == PALETTE_DARK[name].lower()
    assert mcolors.to_hex(dark_color("white")) == DARK_BACKGROUND
    assert dark_color((1, 0, 0, 0)) == (1, 0, 0, 0)  # transparent stays transparent


@pytest.mark.parametrize("colors", [0, 128])
def test_colormaps_keep_their_colours(colors):
    """Rendered losslessly (colors=0) the colormapped pixels are identical; as shipped
    (quantised to 128 colours, a palette per image) within the quantiser's 2 levels."""
    fig = colormap_figure()
    light = pixels(plotting.png_bytes(fig, colors=colors))
    dark = pixels(plotting.dark_png_bytes(fig, colors=colors))
    tol = 0 if colors == 0 else 2
    # (quantised, the colour bar's few pixels of each colour may get palette entries
    # further off: it is compared losslessly only)
    for ax in fig.axes if colors == 0 else fig.axes[:2]:  # each panel inside its frame
        x0, y0, x1, y1 = ax.get_window_extent().extents
        h = light.shape[0]
        rows = slice(int(h - y1) + 4, int(h - y0) - 4)
        cols = slice(int(x0) + 4, int(x1) - 4)
        assert light[rows, cols].size > 0
        assert np.max(np.abs(light[rows, cols] - dark[rows, cols])) <= tol
    cbar = fig.axes[-1]._colorbar
    for patch in cbar._extend_patches:  # the end triangles keep the colormap's end colours
        fc = tuple(patch.get_facecolor())
        assert fc in (tuple(cbar.cmap.get_under()), tuple(cbar.cmap.get_over())), fc
    # and the figure around them did change
    assert not np.array_equal(light[:3], dark[:3])


def test_same_call_twice_gives_identical_bytes():
    a = show(line_figure(), alt="x")
    b = show(line_figure(), alt="x")
    assert a.png == b.png and a.png_dark == b.png_dark
    assert a._repr_html_() == b._repr_html_()


def test_light_rendering_unchanged_by_the_dark_pass(monkeypatch):
    with_dark = show(line_figure(), alt="x")
    monkeypatch.delenv(plotting.DARK_ENV)
    without = show(line_figure(), alt="x")
    assert without.png_dark is None and "data-src-dark" not in without._repr_html_()
    assert with_dark.png == without.png


def test_figure_gets_its_light_colours_back():
    fig = line_figure()
    first = show(fig, alt="x")
    again = show(fig, alt="x")  # shown a second time: the same two renderings
    assert again.png == first.png and again.png_dark == first.png_dark


def test_html_carries_the_dark_variant_where_the_site_and_nbval_expect_it():
    html = show(line_figure(), alt="Sine and cosine.")._repr_html_()
    tag = re.fullmatch(r"<img [^>]*>", html)
    assert tag, html[:80]
    dark = re.search(r'\sdata-src-dark="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert dark and base64.b64decode(dark.group(1))[:8] == b"\x89PNG\r\n\x1a\n"
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "nbval_sanitize.cfg")
    masked = re.sub(cfg["images"]["regex"], cfg["images"]["replace"], html)
    assert masked.count("data:image/png;base64,IMAGE") == 2
    assert "iVBOR" not in masked  # no PNG bytes left unmasked


def _gdx_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" class="gdx-data">(.*?)</script>', html)
    return json.loads(m.group(1))


def _start_img(html: str) -> str:
    return re.search(r'<img class="gd-fig"[^>]*>', html).group(0)


def blit_setup(fig):
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 3))
    (line,) = ax.plot([], [])
    label = ax.text(0.1, 2.5, "")

    def update(a):
        line.set_data([0, 1], [0, a])
        label.set_text(f"slope {a}")
        label.set_color("black")  # set on every frame, as ch6's graph does
        return [line, label]

    return update


def full_setup(fig):
    ax = fig.subplots()
    (line,) = ax.plot([], [], color=PALETTE["vermillion"])

    def update(a):
        line.set_data([0, 1], [0, a])
        ax.relim()
        ax.autoscale_view()
        return None

    return update


@pytest.mark.parametrize("setup", [blit_setup, full_setup])
def test_explorer_frames_dark(setup):
    ex = explore(setup, a=slider([1, 2, 3, 4], start=3), alt=lambda a: f"Slope {a}.")
    assert len(ex.frames_dark) == len(ex.frames) == 4
    for light, dark in zip(ex.frames, ex.frames_dark, strict=True):
        assert light != dark
        assert luminance(pixels(dark)).mean() < 0.35 < 0.65 < luminance(pixels(light)).mean()
    html = ex.to_html()
    data = _gdx_data(html)
    assert len(data["frames_dark"]) == len(data["frames"])
    assert [f is None for f in data["frames_dark"]] == [f is None for f in data["frames"]]
    assert data["frames_dark"].index(None) == 2  # the value 3
    img = _start_img(html)
    dark = re.search(r'\sdata-src-dark="data:image/png;base64,([A-Za-z0-9+/=]+)"', img)
    assert dark and base64.b64decode(dark.group(1)) == ex.frames_dark[2]
    src = re.search(r'\ssrc="data:image/png;base64,([A-Za-z0-9+/=]+)"', img)
    assert base64.b64decode(src.group(1)) == ex.frames[2]  # Jupyter shows the light one


def test_explorer_text_recoloured_every_frame():
    ex = explore(blit_setup, a=slider([1, 2]), alt=lambda a: f"Slope {a}.")
    for dark in ex.frames_dark:  # the label, set to black by update, is drawn light
        band = luminance(pixels(dark)[20:80, 60:200])
        assert band.max() > 0.7


def test_explorer_light_frames_unchanged_and_deterministic(monkeypatch):
    def make():
        return explore(blit_setup, a=slider([1, 2, 3]), alt=lambda a: f"Slope {a}.")

    a, b = make(), make()
    assert a.frames == b.frames and a.frames_dark == b.frames_dark
    assert a.to_html() == b.to_html()
    monkeypatch.delenv(plotting.DARK_ENV)
    c = make()
    assert c.frames == a.frames and c.frames_dark is None
    assert "frames_dark" not in _gdx_data(c.to_html())
    assert "data-src-dark" not in c.to_html()


def test_dark_pass_follows_the_environment(monkeypatch):
    """Only DOWNHILL_DARK=1 (what the book's build sets) turns the dark pass on."""
    for value, on in [("1", True), (" 1\n", True), ("0", False), ("", False), ("yes", False)]:
        monkeypatch.setenv(plotting.DARK_ENV, value)
        assert plotting.dark_mode_on() is on, value
        assert (show(line_figure(), alt="x").png_dark is not None) is on, value
    monkeypatch.delenv(plotting.DARK_ENV)
    assert not plotting.dark_mode_on()


def test_the_book_build_switches_the_dark_pass_on(monkeypatch):
    """The site's Sphinx extension sets the variable when it is loaded, before any kernel
    starts, and keeps those outputs in a cache of their own (not a light-only one)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("downhill_site",
                                                  ROOT / "_ext" / "downhill_site.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.DARK_ENV == plotting.DARK_ENV

    class App:
        def connect(self, event, fn, priority=500):
            pass

    monkeypatch.delenv(plotting.DARK_ENV, raising=False)
    mod.setup(App())  # monkeypatch restores the variable afterwards
    assert plotting.dark_mode_on()

    class Config:
        nb_execution_cache_path = ""

    class BuildApp:
        outdir = "/book/_build/html"

    config = Config()
    mod._dark_cache(BuildApp(), config)
    assert config.nb_execution_cache_path == "/book/_build/.jupyter_cache_dark"
    config.nb_execution_cache_path = "/shared/cache"  # a maintainer's own cache: kept apart too
    mod._dark_cache(BuildApp(), config)
    mod._dark_cache(BuildApp(), config)
    assert config.nb_execution_cache_path == "/shared/cache_dark"
