"""Plots for the chapters: one colour-blind-safe palette, alt text on every figure.

Figures are made with :func:`figure` (plain matplotlib ``Figure`` objects, not pyplot,
so nothing is shown behind the author's back) and shown with :func:`show`, which needs
alt text: a sentence saying what the figure shows, for readers who cannot see it.

The palette is Okabe and Ito's, distinguishable with the common colour-vision
deficiencies. Figures have a white background; the book's stylesheet frames them so they
stay readable in dark mode.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "COLORS",
    "use_style",
    "figure",
    "png_bytes",
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

    def __init__(self, png: bytes, alt: str, width: int | None = None):
        self.png = png
        self.alt = alt
        self.width = width

    def _repr_html_(self) -> str:
        style = f' style="max-width:min(100%, {self.width}px)"' if self.width else ""
        return (
            f'<img class="gd-fig" src="{data_uri(self.png)}" alt="{html.escape(self.alt)}"'
            f"{style}>"
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
    return FigureImage(png_bytes(fig, dpi=dpi), alt.strip(), width=width)


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
