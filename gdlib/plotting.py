"""Plots for the chapters: one colour-blind-safe palette, alt text on every figure.

Figures are made with :func:`figure` (plain matplotlib ``Figure`` objects, not pyplot,
so nothing is shown behind the author's back) and shown with :func:`show`, which needs
alt text: a sentence saying what the figure shows, for readers who cannot see it.

The palette is Okabe and Ito's, distinguishable with the common colour-vision
deficiencies. Figures have a white background; each is also rendered for the book's dark
mode (:data:`PALETTE_DARK` on the page's dark background, colormaps unchanged) when the
book is built (:func:`dark_mode_on`), carried in the image's ``data-src-dark`` attribute,
which the build turns into a second image shown only in dark mode. Jupyter shows the light
one.
"""

from __future__ import annotations

import base64
import colorsys
import functools
import html
import io
import os
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "PALETTE_DARK",
    "DARK_ENV",
    "dark_mode_on",
    "dark_color",
    "COLORS",
    "use_style",
    "figure",
    "png_bytes",
    "dark_png_bytes",
    "show",
    "FigureImage",
    "plot_curve",
    "plot_tangent",
    "plot_descent_1d",
    "plot_losses",
    "grid",
    "plot_contour",
    "plot_path_2d",
]

#: Okabe-Ito colours by name.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The colour cycle, in the order series are drawn.
COLORS = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "lines.linewidth": 2,
    "image.cmap": "cividis",
    "svg.hashsalt": "downhill",
}

DEFAULT_DPI = 100


def use_style() -> None:
    """Apply the course's matplotlib style (palette, fonts, grid) globally."""
    mpl.rcParams.update(_STYLE)


def figure(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (6.4, 3.6), **kwargs
):
    """A new figure and its axes, laid out with matplotlib's constrained layout.

    Returns ``(fig, ax)`` for one panel, ``(fig, axes)`` (an array) for several, like
    ``plt.subplots``, but the figure is not registered with pyplot: it is shown only by
    :func:`show`.
    """
    with mpl.rc_context(_STYLE):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def _agg_canvas(fig: Figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas


def encode_rgba(rgba: np.ndarray, colors: int = 128) -> bytes:
    """PNG bytes of an RGBA buffer, palette-quantised to ``colors`` colours (0: keep RGB)."""
    from PIL import Image

    im = Image.fromarray(np.ascontiguousarray(rgba[..., :3]))
    if colors:
        im = im.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def png_bytes(fig: Figure, dpi: int = DEFAULT_DPI, colors: int = 128) -> bytes:
    """Render ``fig`` to PNG bytes, palette-quantised to ``colors`` colours.

    Quantising shrinks line-art figures about threefold with no visible loss; the output
    is byte-for-byte deterministic for a given figure and toolchain.
    """
    canvas = _agg_canvas(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    return encode_rgba(np.asarray(canvas.buffer_rgba()), colors)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class FigureImage:
    """A rendered figure with its alt text; displays as an ``<img>`` with ``alt``."""

    def __init__(self, png: bytes, alt: str, width: int | None = None,
                 png_dark: bytes | None = None):
        self.png = png
        self.png_dark = png_dark
        self.alt = alt
        self.width = width

    def _repr_html_(self) -> str:
        style = f' style="max-width:min(100%, {self.width}px)"' if self.width else ""
        dark = f' data-src-dark="{data_uri(self.png_dark)}"' if self.png_dark else ""
        return (
            f'<img class="gd-fig" src="{data_uri(self.png)}"{dark} '
            f'alt="{html.escape(self.alt)}"{style}>'
        )

    def __repr__(self) -> str:
        return f"[figure] {self.alt}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}


def show(fig: Figure, alt: str, *, dpi: int = DEFAULT_DPI) -> FigureImage:
    """Render ``fig`` for display with alt text (required, non-empty).

    In Jupyter and in the book it appears as an image whose ``alt`` attribute is ``alt``;
    its text form (what nbval compares) is the alt text itself.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty sentence describing the figure")
    width = int(round(fig.get_figwidth() * dpi))
    png = png_bytes(fig, dpi=dpi)
    return FigureImage(png, alt.strip(), width=width,
                       png_dark=dark_png_bytes(fig, dpi=dpi) if dark_mode_on() else None)


def dark_png_bytes(fig: Figure, dpi: int = DEFAULT_DPI, colors: int = 128) -> bytes:
    """The dark-mode rendering of a figure already drawn by :func:`png_bytes`.

    The figure is recoloured in place (:func:`dark_color`; colormaps keep their colours),
    drawn again with the layout of the light rendering (no second layout pass), and
    given its light colours and layout engine back.
    """
    darken = _Darkener()
    engine = fig.get_layout_engine()
    try:
        darken(fig)
        if engine is not None:
            fig.set_layout_engine("none")  # the light draw placed everything already
        return png_bytes(fig, dpi=dpi, colors=colors)
    finally:
        darken.restore()
        if engine is not None:
            fig.set_layout_engine(engine)


# --------------------------------------------------------------------------- dark mode

#: The environment variable that switches on the second, dark-mode rendering of every
#: figure and slider frame (``show``, ``explore``): ``DOWNHILL_DARK=1``. The book's build sets
#: it (``_ext/downhill_site.py``), so the kernels it starts render both modes and the site
#: shows the one matching the reader's mode. Everywhere else it is unset: the committed
#: notebooks, Jupyter, Colab and nbval carry the light rendering only (half the size).
DARK_ENV = "DOWNHILL_DARK"


def dark_mode_on() -> bool:
    """Whether figures are also rendered for dark mode (``DOWNHILL_DARK=1``; read each call)."""
    return os.environ.get(DARK_ENV, "").strip() == "1"

#: The page's colours in the book's dark mode (the theme's): figures sit on them.
DARK_BACKGROUND = "#14181e"
DARK_TEXT = "#ced6dd"

#: Okabe-Ito adapted for a dark background: the same hues in the same roles; blue and
#: vermillion (too dark on it) are lightened, sky moves up so blue and sky stay apart,
#: and black becomes the page's text colour.
PALETTE_DARK = {
    "blue": "#3D9BE0",
    "orange": "#E69F00",
    "green": "#12B886",
    "vermillion": "#F07B3F",
    "purple": "#D98CB8",
    "sky": "#9DD5F5",
    "yellow": "#F0E442",
    "black": DARK_TEXT,
}


@functools.lru_cache(maxsize=4096)
def _dark_rgba(rgba: tuple) -> tuple:
    r, g, b, a = rgba
    if a == 0:
        return rgba
    for name, hexa in PALETTE.items():
        pr, pg, pb = mcolors.to_rgb(hexa)
        if max(abs(r - pr), abs(g - pg), abs(b - pb)) <= 2 / 255:
            return (*mcolors.to_rgb(PALETTE_DARK[name]), a)
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    if s < 0.12:  # greys are mirrored between the page's background and text colours
        if lum >= 0.98:
            return (*mcolors.to_rgb(DARK_BACKGROUND), a)
        if lum <= 0.02:
            return (*mcolors.to_rgb(DARK_TEXT), a)
        lo = mcolors.to_rgb(DARK_BACKGROUND)[0]
        hi = mcolors.to_rgb(DARK_TEXT)[0]
        return (*colorsys.hls_to_rgb(h, hi - lum * (hi - lo), s), a)
    return (*colorsys.hls_to_rgb(h, max(lum, 0.6), s), a)


def dark_color(c) -> tuple:
    """The dark-mode counterpart of a colour (an RGBA tuple): palette colours by name,
    greys mirrored between the page's background and text colours (white becomes the
    background, black the text colour), other colours lightened to be seen."""
    with mpl.rc_context(_STYLE):  # "C0" means the course's cycle
        rgba = mcolors.to_rgba(c)
    return _dark_rgba(tuple(float(v) for v in rgba))


def _dark_array(colors) -> np.ndarray:
    arr = np.asarray(mcolors.to_rgba_array(colors), dtype=float)
    return np.array([_dark_rgba(tuple(float(v) for v in row)) for row in arr]).reshape(-1, 4)


def _is_colormapped(a) -> bool:
    """True for artists whose colours come from a colormap: they keep them exactly."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.contour import ContourSet
    from matplotlib.image import _ImageBase

    if isinstance(a, _ImageBase):
        return True
    if isinstance(a, ContourSet) and not a.filled and a.colors is not None:
        return False  # contour lines in named colours (e.g. black): recoloured
    return isinstance(a, ScalarMappable) and a.get_array() is not None


def _color_sig(a):
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    if isinstance(a, Text):
        return ("t", repr(a.get_color()))
    if isinstance(a, Line2D):
        return ("l", repr(a.get_color()), repr(a.get_markerfacecolor()),
                repr(a.get_markeredgecolor()))
    if isinstance(a, Patch):
        return ("p", tuple(a.get_facecolor()), tuple(a.get_edgecolor()))
    if isinstance(a, Collection):
        return ("c", np.asarray(a.get_facecolor()).tobytes(),
                np.asarray(a.get_edgecolor()).tobytes())
    return None


class _Darkener:
    """Recolours a figure in place for dark mode, once per artist (an artist whose colours
    changed since, e.g. set again by an explorer's ``update``, is recoloured again), and
    can undo it. Colormapped artists (images, filled contours, meshes) are left as they are.
    """

    def __init__(self):
        self.undo: list = []
        self.done_axes: set = set()

    def __call__(self, artist) -> None:
        with mpl.rc_context(_STYLE):
            self._walk(artist)

    def _walk(self, a) -> None:
        from matplotlib.axis import Axis, Tick

        if isinstance(a, Tick):
            return  # ticks are recoloured through their axis (new ticks copy its colours)
        if isinstance(a, Axis):
            self._axis(a)
        cbar = getattr(a, "_colorbar", None)  # a colour bar's axes: its extend triangles
        for patch in getattr(cbar, "_extend_patches", ()):  # show colormap colours
            patch._gd_dark_sig = _color_sig(patch)
        if not _is_colormapped(a):
            self._recolor(a)
        for child in a.get_children():
            self._walk(child)
        for extra in (getattr(a, "_bbox_patch", None), getattr(a, "arrow_patch", None)):
            if extra is not None:
                self._walk(extra)

    def _axis(self, axis) -> None:
        if id(axis) in self.done_axes:
            return
        self.done_axes.add(id(axis))
        for which, ticks in (("major", axis.get_major_ticks()), ("minor", axis.minorTicks)):
            if not ticks:
                continue
            t = ticks[0]
            old = {"color": t.tick1line.get_color(), "labelcolor": t.label1.get_color(),
                   "grid_color": t.gridline.get_color(), "grid_alpha": t.gridline.get_alpha()}
            # hex without alpha: a colour with an alpha channel would replace grid.alpha
            new = {k: v if k == "grid_alpha" else mcolors.to_hex(dark_color(v))
                   for k, v in old.items()}
            axis.set_tick_params(which=which, **new)
            self.undo.append(functools.partial(axis.set_tick_params, which=which, **old))

    def _recolor(self, a) -> None:
        from matplotlib.collections import Collection
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.text import Text

        sig = _color_sig(a)
        if sig is None or getattr(a, "_gd_dark_sig", None) == sig:
            return
        if isinstance(a, Text):
            old = a.get_color()
            a.set_color(dark_color(old))
            self.undo.append(functools.partial(a.set_color, old))
        elif isinstance(a, Line2D):
            old = (a.get_color(), a.get_markerfacecolor(), a.get_markeredgecolor())
            a.set_color(dark_color(old[0]))
            a.set_markerfacecolor(dark_color(old[1]))
            a.set_markeredgecolor(dark_color(old[2]))
            self.undo.append(functools.partial(_set_line, a, *old))
        elif isinstance(a, Patch):
            old = (a.get_facecolor(), a.get_edgecolor())
            a.set_facecolor(dark_color(old[0]))
            a.set_edgecolor(dark_color(old[1]))
            self.undo.append(functools.partial(_set_patch, a, *old))
        elif isinstance(a, Collection):
            old = (np.array(a.get_facecolor()), np.array(a.get_edgecolor()))
            if len(old[0]):
                a.set_facecolor(_dark_array(old[0]))
            if len(old[1]):
                a.set_edgecolor(_dark_array(old[1]))
            self.undo.append(functools.partial(_set_patch, a, *old))
        a._gd_dark_sig = _color_sig(a)

    def restore(self) -> None:
        """Give every recoloured artist back its light colours."""
        for f in reversed(self.undo):
            f()
        self.undo.clear()


def _set_line(line, color, mfc, mec) -> None:
    line.set_color(color)
    line.set_markerfacecolor(mfc)
    line.set_markeredgecolor(mec)
    line._gd_dark_sig = None


def _set_patch(p, fc, ec) -> None:
    p.set_facecolor(fc)
    p.set_edgecolor(ec)
    p._gd_dark_sig = None


# --------------------------------------------------------------------------- helpers


def plot_curve(ax, f: Callable, xlim: Sequence[float], *, n: int = 400, **kwargs):
    """Plot ``f`` over ``xlim`` (vectorised: one call on ``n`` points)."""
    xs = np.linspace(xlim[0], xlim[1], n)
    kwargs.setdefault("color", PALETTE["blue"])
    return ax.plot(xs, f(xs), **kwargs)[0]


def plot_tangent(ax, f: Callable, x0: float, slope: float, *, half_width: float = 1.0, **kwargs):
    """Draw the tangent line of slope ``slope`` touching ``f`` at ``x0``."""
    xs = np.array([x0 - half_width, x0 + half_width])
    kwargs.setdefault("color", PALETTE["vermillion"])
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("linewidth", 1.5)
    return ax.plot(xs, f(x0) + slope * (xs - x0), **kwargs)[0]


def plot_descent_1d(
    ax,
    f: Callable,
    run,
    *,
    xlim: Sequence[float] | None = None,
    color: str = PALETTE["orange"],
    label: str | None = "descent steps",
    upto: int | None = None,
    curve: bool = True,
):
    """A curve ``f`` with the iterates of ``run`` (a :class:`gdlib.Run`) drawn on it.

    ``upto`` shows only the first ``upto`` steps (for step-by-step figures).
    """
    xs = np.asarray(run.xs if upto is None else run.xs[: upto + 1], dtype=float)
    xs = xs[np.isfinite(xs)]
    if xlim is None:
        lo, hi = float(np.min(xs)), float(np.max(xs))
        pad = 0.15 * max(hi - lo, 1.0)
        xlim = (lo - pad, hi + pad)
    if curve:
        plot_curve(ax, f, xlim, label=None)
    ys = f(xs)
    ax.plot(xs, ys, linestyle=":", color=color, linewidth=1.2)
    ax.scatter(xs, ys, color=color, s=22, zorder=3, label=label)
    ax.scatter(xs[:1], ys[:1], color=PALETTE["black"], marker="s", s=30, zorder=4, label="start")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return ax


def plot_losses(ax, runs: Mapping[str, object] | Sequence, *, log: bool = True):
    """Loss per step for several runs (each a :class:`gdlib.Run` recorded with ``f``).

    ``runs`` maps labels to runs, or is a list of runs (labelled "run 1", "run 2", ...).
    Every run is drawn: past the palette's colours they repeat, dashed.
    """
    if not isinstance(runs, Mapping):
        runs = {f"run {i + 1}": r for i, r in enumerate(runs)}
    for i, (label, run) in enumerate(runs.items()):
        color = COLORS[i % len(COLORS)]
        style = "-" if i < len(COLORS) else "--"
        if run.losses is None:
            raise ValueError(f"run {label!r} has no losses: pass f= to descend()")
        ax.plot(np.arange(len(run.losses)), run.losses, label=label, color=color,
                linestyle=style)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


def grid(f: Callable, xlim: Sequence[float], ylim: Sequence[float], n: int = 200):
    """Evaluate a vectorised 2-D function on an ``n x n`` grid: returns ``X, Y, Z``."""
    xs = np.linspace(xlim[0], xlim[1], n)
    ys = np.linspace(ylim[0], ylim[1], n)
    X, Y = np.meshgrid(xs, ys)
    Z = np.asarray(f(np.stack([X, Y], axis=-1)), dtype=float)
    return X, Y, Z


def plot_contour(
    ax,
    f: Callable,
    xlim: Sequence[float],
    ylim: Sequence[float],
    *,
    levels: int | Sequence[float] = 20,
    n: int = 200,
    filled: bool = True,
    log: bool = False,
):
    """Contour map of a vectorised 2-D function (filled, in the course's colormap).

    ``log=True`` spaces the levels logarithmically, for functions such as Rosenbrock whose
    interesting part is near the minimum.
    """
    X, Y, Z = grid(f, xlim, ylim, n)
    if log:
        zmin = float(np.min(Z))
        Zp = Z - zmin + 1e-3
        if isinstance(levels, int | np.integer):
            levels = np.geomspace(Zp.min(), Zp.max(), levels)
        else:  # the requested values of f, shifted as Z is
            levels = np.asarray(levels, dtype=float) - zmin + 1e-3
        Z = Zp
    if filled:
        cs = ax.contourf(X, Y, Z, levels=levels, cmap="cividis", alpha=0.85)
    else:
        cs = None
    ax.contour(X, Y, Z, levels=levels, colors="k", linewidths=0.4, alpha=0.5)
    ax.set(xlim=xlim, ylim=ylim, xlabel="x", ylabel="y", aspect="equal")
    ax.grid(False)
    return cs


def plot_path_2d(ax, run_or_xs, *, color: str = PALETTE["vermillion"], label: str | None = None,
                 upto: int | None = None, markersize: float = 3.5):
    """Draw a 2-D descent path (a :class:`gdlib.Run` or an ``(n, 2)`` array) with its start."""
    xs = np.asarray(getattr(run_or_xs, "xs", run_or_xs), dtype=float)
    if upto is not None:
        xs = xs[: upto + 1]
    xs = xs[np.all(np.isfinite(xs), axis=1)]
    (line,) = ax.plot(xs[:, 0], xs[:, 1], "o-", color=color, markersize=markersize,
                      linewidth=1.3, label=label)
    ax.plot(xs[:1, 0], xs[:1, 1], "s", color=PALETTE["black"], markersize=6)
    return line
