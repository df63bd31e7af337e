"""Sliders that work live in Jupyter and, with no kernel, in the static book.

A chapter declares a figure as a function of one or more slider values, with the
contract of matplotlib's ``FuncAnimation``: ``setup(fig)`` draws what never changes and
returns ``update(**values)``, which changes the moving parts and returns them::

    def setup(fig):
        ax = fig.subplots()
        ax.plot(xs, f(xs))                      # drawn once
        (secant,) = ax.plot([], [], "o-")       # changes with h

        def update(h):
            secant.set_data([1, 1 + h], [f(1), f(1 + h)])
            return [secant]

        return update

    gd.explore(setup, h=gd.slider([1, 0.5, 0.1], label="step h"),
               alt=lambda h: f"The secant with h = {h} ...")

When ``update`` returns the artists it changed, frames are *blitted*: the static
background is rendered once and only those artists are redrawn (about 15 ms a frame
instead of 60+). If it returns ``None`` the whole figure is redrawn for every frame, which
is needed when axis limits or tick labels change. The layout is computed once, from the
first frame.

Every combination of values is drawn once, as a small PNG frame. The result displays as

* a live ipywidgets control in Jupyter, JupyterLab, Binder or VS Code: moving the
  slider swaps in the frame at once (no redraw, so it responds instantly);
* in the built HTML (no kernel), a native ``<input type="range">`` per slider with a few
  lines of inline JavaScript that swap the same frames. A range input is operable with
  the keyboard (arrow keys, Home, End) and announces its value (``aria-valuetext``).

When the book is built (``DOWNHILL_DARK=1``, :func:`gdlib.plotting.dark_mode_on`), every
frame is also rendered for its dark mode (the figure recoloured after the light frames, see
:func:`gdlib.plotting.dark_color`): ``frames_dark`` in the HTML's data and
``data-src-dark`` on its image, which the book's build turns into a second image shown only
in dark mode; Jupyter shows the light frames.

Both views show the same frames, so the book and the live notebook agree. The HTML
is deterministic (its id is a hash of its content), so nbval can compare it.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from . import plotting
from ._assets import script
from ._checks import check_callable, flag, is_real
from .notebook import plain
from .plotting import _STYLE, DEFAULT_DPI, _agg_canvas, _Darkener, data_uri, encode_rgba

__all__ = ["slider", "Slider", "explore", "Explorer", "MAX_FRAMES"]

#: Refuse explorers with more frames than this: page weight grows with every frame.
MAX_FRAMES = 120


@dataclass(frozen=True)
class Slider:
    """The values one slider steps through, how to label them and where it starts."""

    values: tuple
    label: str | None = None
    fmt: str = "{:.3g}"
    start: int = 0

    def text(self, i: int) -> str:
        return self.fmt.format(self.values[i])


def slider(
    values: Sequence, *, label: str | None = None, fmt: str = "{:.3g}", start=None
) -> Slider:
    """Describe a slider: its ``values`` (in order), a ``label``, a format and a start value.

    ``start`` is one of the values (default: the first).

    Examples
    --------
    >>> s = slider([0.1, 0.5, 1.0], label="learning rate", start=0.5)
    >>> s.start, s.text(2)
    (1, '1')
    """
    vals = _slider_values(values)
    if start is None:
        idx = 0
    else:
        matches = [i for i, v in enumerate(vals) if v == start]
        if not matches:
            raise ValueError(f"start={start!r} is not one of the slider's values")
        idx = matches[0]
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.3g}}', got {fmt!r}")
    for v in vals:
        try:
            fmt.format(v)
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"fmt {fmt!r} cannot format the value {v!r}: {exc}") from None
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    return Slider(values=vals, label=label, fmt=fmt, start=idx)


def _slider_values(values) -> tuple:
    """The slider's values: at least two, distinct, all finite numbers or all strings."""
    try:
        if isinstance(values, (str, bytes)):
            raise TypeError
        vals = tuple(plain(v) for v in values)  # numpy scalars -> int/float, ints stay ints
    except TypeError:
        raise TypeError(f"values must be a sequence (a list of numbers or strings), "
                        f"got {type(values).__name__}") from None
    if len(vals) < 2:
        raise ValueError(f"values must hold at least two values, got {len(vals)}")
    kinds = {"str" if isinstance(v, str) else "num" if is_real(v) else "bad" for v in vals}
    if kinds not in ({"str"}, {"num"}):
        raise TypeError(f"values must be all numbers or all strings, got {list(vals)!r}")
    if kinds == {"num"} and not all(np.isfinite(float(v)) for v in vals):
        raise ValueError(f"values must be finite, got {list(vals)!r}")
    if len(set(vals)) != len(vals):
        raise ValueError(f"values must not repeat (each is one frame), got {list(vals)!r}")
    return vals


class Explorer:
    """A figure as a function of slider values, with every frame pre-rendered.

    Create it with :func:`explore`. ``frames`` are PNG bytes in row-major order over the
    sliders (the last slider varies fastest).
    """

    def __init__(
        self,
        setup: Callable,
        sliders: dict[str, Slider],
        *,
        alt: Callable[..., str],
        readout: Callable[..., str] | None = None,
        figsize: tuple[float, float] = (6.4, 3.6),
        dpi: int = DEFAULT_DPI,
        blit: bool | None = None,
    ):
        self.setup = setup
        self.blit = blit
        self.sliders = sliders
        self.alt = alt
        self.readout = readout
        self.figsize = figsize
        self.dpi = dpi
        self.shape = tuple(len(s.values) for s in sliders.values())
        self._frames: list[bytes] | None = None
        self._frames_dark: list[bytes] | None = None
        self._alts: list[str] | None = None
        self._readouts: list[str] | None = None

    # ---------------------------------------------------------------- frames
    def values_at(self, index: Sequence[int]) -> dict:
        return {name: s.values[i] for (name, s), i in zip(self.sliders.items(), index, strict=True)}

    @property
    def start_index(self) -> tuple[int, ...]:
        return tuple(s.start for s in self.sliders.values())

    def flat(self, index: Sequence[int]) -> int:
        return int(np.ravel_multi_index(tuple(index), self.shape))

    def render(self) -> None:
        """Draw every frame (once; later calls reuse them)."""
        if self._frames is not None:
            return
        frames, alts, readouts = [], [], []
        indices = list(itertools.product(*(range(n) for n in self.shape)))
        with mpl.rc_context(_STYLE):
            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            update = self.setup(fig)
            if not callable(update):
                raise TypeError(
                    "setup(fig) must return the update function, "
                    f"got {type(update).__name__}"
                )
            painter = _Painter(fig, update, self.blit)
            painter.start(self.values_at(indices[0]))
            for index in indices:
                values = self.values_at(index)
                frames.append(painter.frame(values))
                alt = self.alt(**values)
                if not isinstance(alt, str) or not alt.strip():
                    raise ValueError(f"alt returned no text for {values}")
                alts.append(alt.strip())
                readouts.append(self._readout(values))
            # Dark mode: the same frames on the recoloured figure (same layout, same
            # update calls; with blitting, a background captured again).
            frames_dark = None
            if plotting.dark_mode_on():
                painter.darken_all()
                frames_dark = [painter.frame(self.values_at(index)) for index in indices]
        self._frames, self._alts, self._readouts = frames, alts, readouts
        self._frames_dark = frames_dark

    def _readout(self, values) -> str:
        if self.readout is None:
            return ""
        text = self.readout(**values)
        if not isinstance(text, str):
            raise TypeError(f"readout must return a string, got {type(text).__name__} for "
                            f"{values}")
        return text

    @property
    def frames(self) -> list[bytes]:
        self.render()
        return self._frames

    @property
    def frames_dark(self) -> list[bytes] | None:
        """The frames rendered for dark mode (None if the dark pass is switched off)."""
        self.render()
        return self._frames_dark

    @property
    def alts(self) -> list[str]:
        self.render()
        return self._alts

    @property
    def readouts(self) -> list[str]:
        self.render()
        return self._readouts

    @property
    def weight(self) -> int:
        """Bytes of all frames (before base64, which adds a third)."""
        return sum(len(f) for f in self.frames)

    # ---------------------------------------------------------------- static HTML
    def uid(self) -> str:
        h = hashlib.sha256()
        for f in self.frames:
            h.update(f)
        h.update(json.dumps(self.alts).encode())
        return "gdx-" + h.hexdigest()[:12]

    def to_html(self) -> str:
        """The kernel-free version: an image, range input(s) and a little JavaScript."""
        uid = self.uid()
        start = self.flat(self.start_index)
        controls = []
        for d, (name, s) in enumerate(self.sliders.items()):
            label = html.escape(s.label or name)
            text = html.escape(s.text(s.start))
            controls.append(
                f'<div class="gdx-control"><label for="{uid}-{d}">{label}</label>'
                f'<input type="range" id="{uid}-{d}" min="0" max="{len(s.values) - 1}" '
                f'step="1" value="{s.start}" aria-valuetext="{label} = {text}">'
                f'<output for="{uid}-{d}">{text}</output></div>'
            )
        frames = [None if i == start else data_uri(f) for i, f in enumerate(self.frames)]
        data = {
            "frames": frames,
            **({"frames_dark": [None if i == start else data_uri(f)
                                for i, f in enumerate(self.frames_dark)]}
               if self.frames_dark else {}),
            "alts": self.alts,
            "readouts": self.readouts,
            "shape": list(self.shape),
            "labels": [[s.text(i) for i in range(len(s.values))] for s in self.sliders.values()],
            "names": [s.label or n for n, s in self.sliders.items()],
        }
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        readout = html.escape(self.readouts[start])
        dark_src = (f'data-src-dark="{data_uri(self.frames_dark[start])}" '
                    if self.frames_dark else "")
        return (
            f'<div class="gdx" id="{uid}">'
            f'<img class="gd-fig" src="{data_uri(self.frames[start])}" '
            f"{dark_src}"
            f'alt="{html.escape(self.alts[start])}" data-frame="{start}">'
            f'<div class="gdx-controls">{"".join(controls)}</div>'
            f'<p class="gdx-readout" aria-live="polite">{readout}</p>'
            f'<script type="application/json" class="gdx-data">{payload}</script>'
            f"<script>{_JS.replace('__UID__', uid)}</script>"
            "</div>"
        )

    # ---------------------------------------------------------------- live widget
    def widget(self):
        """The live ipywidgets version (needs ipywidgets and a running kernel)."""
        import ipywidgets as w

        start = self.flat(self.start_index)
        image = w.Image(
            value=self.frames[start],
            format="png",
            layout=w.Layout(max_width="100%", width=f"{int(self.figsize[0] * self.dpi)}px"),
        )
        note = w.HTML(value=html.escape(self.readouts[start] or self.alts[start]))
        controls = []
        for name, s in self.sliders.items():
            options = [(s.text(i), i) for i in range(len(s.values))]
            controls.append(
                w.SelectionSlider(
                    options=options,
                    value=s.start,
                    description=s.label or name,
                    continuous_update=True,
                    style={"description_width": "initial"},
                    layout=w.Layout(width="95%"),
                )
            )

        def update(_change=None):
            i = self.flat([c.value for c in controls])
            image.value = self.frames[i]
            note.value = html.escape(self.readouts[i] or self.alts[i])

        for c in controls:
            c.observe(update, names="value")
        return w.VBox([image, *controls, note])

    # ---------------------------------------------------------------- display
    def __repr__(self) -> str:
        dims = ", ".join(
            f"{s.label or n} ({len(s.values)} values)" for n, s in self.sliders.items()
        )
        return f"[interactive figure: {dims}] {self.alts[self.flat(self.start_index)]}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        if _in_kernel():
            try:
                live = self.widget()._repr_mimebundle_()
                bundle[_WIDGET_MIME] = live[_WIDGET_MIME]
            except ImportError:  # no ipywidgets: the static version still works
                pass
        return bundle


_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _root_figure(artist):
    fig = getattr(artist, "figure", None)
    for _ in range(8):  # a subfigure's .figure is its parent
        parent = getattr(fig, "figure", None)
        if parent is None or parent is fig:
            break
        fig = parent
    return fig


def _changed_artists(changed, fig) -> list | None:
    """What ``update`` returned, checked: None, or a list of artists of ``fig``."""
    if changed is None:
        return None
    if isinstance(changed, Artist):
        raise TypeError(
            f"update returned one {type(changed).__name__}: return a list of the artists it "
            "changed, e.g. [line] (as matplotlib's FuncAnimation wants), or None to redraw "
            "the whole figure"
        )
    try:
        artists = list(changed)
    except TypeError:
        raise TypeError(
            "update must return a list of the artists it changed (or None), got "
            f"{type(changed).__name__}"
        ) from None
    for a in artists:
        if not isinstance(a, Artist):
            raise TypeError(f"update returned {type(a).__name__} among its artists: "
                            "only matplotlib artists (lines, images, texts...) can be redrawn")
        if _root_figure(a) is not fig:
            raise ValueError(f"update returned a {type(a).__name__} that is not on the "
                             "explorer's figure (draw on the fig that setup receives)")
    return artists


class _Painter:
    """Draws an explorer's frames: blitted over a static background, or in full.

    With blitting, the artists ``update`` returns are marked animated, so one full draw
    leaves the static background; each frame restores it and draws them. An artist that
    ``update`` returns only later is animated then and the background captured again;
    from then on every animated artist is drawn in every frame, so none goes missing.
    """

    def __init__(self, fig, update, blit: bool | None):
        self.fig, self.update, self.blit = fig, update, blit
        self.canvas = _agg_canvas(fig)
        self.animated: list = []
        self.grown = False
        self.background = None
        self.darken = None  # a _Darkener once the dark pass starts

    def darken_all(self) -> None:
        """Recolour the whole figure for dark mode; from now on every frame's changed
        artists (or, without blitting, the whole figure) are recoloured after ``update``."""
        self.darken = _Darkener()
        self.darken(self.fig)
        self.canvas.draw()  # layout engine is "none" by now: no second layout pass
        if self.blit:
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def start(self, values) -> None:
        changed = _changed_artists(self.update(**values), self.fig)
        if self.blit is None:
            self.blit = changed is not None
        elif self.blit and changed is None:
            raise TypeError("blit=True: update must return the artists it changed, got None")
        if self.blit:
            self._animate(changed)
        # One full draw runs the layout engine (from the first frame) and, with the
        # changing artists marked animated, leaves exactly the static background.
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        if self.blit:
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _animate(self, artists) -> None:
        for a in artists:
            a.set_animated(True)  # drawn per frame, so not part of the background
            self.animated.append(a)

    def frame(self, values) -> bytes:
        if not self.blit:
            self.update(**values)
            if self.darken is not None:
                self.darken(self.fig)
            self.canvas.draw()
        else:
            changed = _changed_artists(self.update(**values), self.fig)
            if changed is None:
                raise TypeError("update returned None after returning artists: with "
                                "blitting it must return the artists it changed every time")
            if self.darken is not None:
                for a in changed:
                    self.darken(a)
            new = [a for a in changed if not any(a is b for b in self.animated)]
            if new:  # returned for the first time: take it out of the background
                self._animate(new)
                self.canvas.draw()
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
                self.grown = True
            if self.grown:
                changed = changed + [a for a in self.animated if not any(a is c for c in
                                                                         changed)]
            self.canvas.restore_region(self.background)
            for a in changed:
                self.fig.draw_artist(a)
        return encode_rgba(np.asarray(self.canvas.buffer_rgba()))


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def explore(
    setup: Callable,
    *,
    alt: Callable[..., str],
    readout: Callable[..., str] | None = None,
    figsize: tuple[float, float] = (6.4, 3.6),
    dpi: int = DEFAULT_DPI,
    blit: bool | None = None,
    **sliders: Slider | Sequence,
) -> Explorer:
    """An interactive figure, rendered for every combination of slider values.

    Parameters
    ----------
    setup : callable
        ``setup(fig)`` draws the unchanging parts on the empty figure ``fig`` and returns
        ``update(name=value, ...)``, which sets the moving parts for those values and
        returns the artists it changed (or ``None``: then every frame is fully redrawn).
    alt : callable
        ``alt(name=value, ...)`` gives the alt text of that frame: what it shows.
    readout : callable, optional
        ``readout(name=value, ...)``: one line shown under the sliders (e.g. the numbers
        the frame illustrates), announced to screen readers when it changes.
    blit : bool or None
        ``True``: ``update`` must return the artists it changed, and only those are
        redrawn over a static background (fast); ``False``: every frame is drawn in full,
        whatever ``update`` returns (needed when axis limits or ticks change); ``None``
        (default): blit exactly when the first ``update`` returns artists.
    **sliders : Slider or sequence
        One keyword per slider: a :func:`slider` or just a sequence of values.

    Examples
    --------
    >>> def setup(fig):
    ...     ax = fig.subplots()
    ...     ax.set(xlim=(0, 1), ylim=(0, 3))
    ...     (line,) = ax.plot([], [])
    ...     def update(a):
    ...         line.set_data([0, 1], [0, a])
    ...         return [line]
    ...     return update
    >>> ex = explore(setup, a=slider([1, 2, 3]), alt=lambda a: f"A line of slope {a:g}.")
    >>> len(ex.frames), ex.alts[2]
    (3, 'A line of slope 3.')
    """
    check_callable(setup, "setup")
    check_callable(alt, "alt")
    if readout is not None:
        check_callable(readout, "readout")
    if not sliders:
        raise ValueError("explore() needs at least one slider, e.g. h=slider([...])")
    spec = {}
    for name, s in sliders.items():
        spec[name] = s if isinstance(s, Slider) else slider(s)
    n = int(np.prod([len(s.values) for s in spec.values()]))
    if n > MAX_FRAMES:
        raise ValueError(f"{n} frames is more than MAX_FRAMES = {MAX_FRAMES}: use fewer values")
    if blit is not None:
        flag(blit, "blit")
    return Explorer(setup, spec, alt=alt, readout=readout, figsize=figsize, dpi=dpi,
                    blit=blit)


_JS = script("explorer")  # gdlib/js/explorer.js
