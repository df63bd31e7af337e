"""gdlib.plotting.show and gdlib.widgets.explore: alt text, valid PNGs, deterministic HTML.

PNGs are checked at the byte level against the PNG specification (signature, IHDR
width and height) rather than against images saved from an earlier run; the HTML is
parsed with the standard library's parser; frame order is checked against an
independent ordering (``itertools.product``) and against a second explorer whose slider
values are permuted.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import math
import struct
from html.parser import HTMLParser

import numpy as np
import pytest
from matplotlib.figure import Figure

from gdlib.plotting import figure, show
from gdlib.widgets import MAX_FRAMES, Explorer, explore, slider

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG specification, section 5.2
DATA_URI_PREFIX = "data:image/png;base64,"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


# --------------------------------------------------------------------------- helpers

def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, which the specification puts first."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", png[16:24])


def rgb(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB"))


def decode_data_uri(uri: str) -> bytes:
    assert uri.startswith(DATA_URI_PREFIX)
    return base64.b64decode(uri[len(DATA_URI_PREFIX) :], validate=True)


class Tags(HTMLParser):
    """Collects every start tag's attributes, and the text of <script> elements."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def all(self, name: str) -> list[dict]:
        return [a for t, a in self.tags if t == name]


def line_figure(slope: float = 1.0) -> Figure:
    fig, ax = figure(figsize=(2.0, 1.5))
    xs = np.linspace(0, 1, 20)
    ax.plot(xs, slope * xs)
    ax.set(xlim=(0, 1), ylim=(-3, 3))
    return fig


# --------------------------------------------------------------------------- show

@pytest.mark.parametrize("alt", ["", "   ", "\n\t", None, 42])
def test_show_requires_a_non_empty_alt(alt):
    with pytest.raises(ValueError, match="alt"):
        show(line_figure(), alt)


@pytest.mark.parametrize("fig", [None, "figure", 3.0, np.zeros((4, 4))])
def test_show_requires_a_figure(fig):
    with pytest.raises(TypeError, match="fig"):
        show(fig, "A line.")


def test_show_html_is_an_img_with_the_alt_and_a_png_data_uri():
    alt = 'The line y = x rises: slope 1 for 0 < x < 1 & "nothing else".'
    image = show(line_figure(), alt)
    html_text = image._repr_html_()
    imgs = Tags(html_text).all("img")
    assert len(imgs) == 1
    assert imgs[0]["alt"] == alt  # the parser un-escapes: the alt survives exactly
    assert "<" not in html_text.split("alt=", 1)[1].split(">", 1)[0]  # escaped in the source
    png = decode_data_uri(imgs[0]["src"])
    assert png[:8] == PNG_SIGNATURE
    assert png.rstrip().endswith(b"IEND\xaeB`\x82")  # the IEND chunk and its CRC
    # 2 x 1.5 inches at the default 100 dpi.
    assert png_size(png) == (200, 150)
    assert png == image.png
    bundle = image._repr_mimebundle_()
    assert bundle["text/html"] == html_text
    assert alt in bundle["text/plain"]


def test_show_dpi_scales_the_picture():
    png = show(line_figure(), "A line.", dpi=60).png
    assert png_size(png) == (round(2.0 * 60), round(1.5 * 60))


def test_show_is_deterministic():
    fig = line_figure()
    first, second = show(fig, "A line.").png, show(fig, "A line.").png
    assert first == second
    # An independently built, identical figure gives the same bytes too...
    assert show(line_figure(), "A line.").png == first
    # ...and a different figure does not.
    assert show(line_figure(slope=-2.0), "A line.").png != first


# --------------------------------------------------------------------------- explore

A_VALUES = (1, 2, 3)
B_VALUES = (0.0, 0.5)
SMALL = dict(figsize=(2.0, 1.5), dpi=50)


def make_setup(blit: bool = True):
    """A line from (0, b) to (1, a); with fixed limits, so blitting is allowed."""

    def setup(fig):
        ax = fig.subplots()
        ax.set(xlim=(0, 1), ylim=(-1, 4))
        (line,) = ax.plot([], [], color="k")

        def update(a, b):
            line.set_data([0, 1], [b, a])
            return [line] if blit else None

        return update

    return setup


def alt_text(a, b):
    return f"A line from height {b} up to height {a}."


def make_explorer(a=A_VALUES, b_start=0.5, blit=True) -> Explorer:
    return explore(
        make_setup(blit),
        a=slider(a, label="end height"),
        b=slider(B_VALUES, label="start height", start=b_start),
        alt=alt_text,
        readout=lambda a, b: f"a = {a}, b = {b}",
        **SMALL,
    )


@pytest.fixture(scope="module")
def ex() -> Explorer:
    explorer = make_explorer()
    explorer.render()
    return explorer


def test_frame_count_is_the_product_of_slider_lengths(ex):
    assert ex.shape == (len(A_VALUES), len(B_VALUES))
    assert len(ex.frames) == math.prod(ex.shape) == 6
    assert len(ex.alts) == len(ex.readouts) == 6
    for png in ex.frames:
        assert png_size(png) == (round(2.0 * 50), round(1.5 * 50))
    assert ex.weight == sum(len(f) for f in ex.frames)


def test_flat_order_is_row_major_with_the_last_slider_fastest(ex):
    for k, index in enumerate(itertools.product(range(3), range(2))):
        assert ex.flat(index) == k == index[0] * 2 + index[1]
        values = ex.values_at(index)
        assert values == {"a": A_VALUES[index[0]], "b": B_VALUES[index[1]]}
        assert ex.alts[k] == alt_text(**values)
        assert ex.readouts[k] == f"a = {values['a']}, b = {values['b']}"


def test_every_frame_differs_when_the_figure_changes(ex):
    assert len(set(ex.frames)) == len(ex.frames)


def test_frames_belong_to_their_values_not_their_positions(ex):
    # The same values in another order: each (a, b) must give the same picture.
    other = make_explorer(a=(3, 1, 2))
    for index in itertools.product(range(3), range(2)):
        values = other.values_at(index)
        original_index = (A_VALUES.index(values["a"]), B_VALUES.index(values["b"]))
        assert other.frames[other.flat(index)] == ex.frames[ex.flat(original_index)]


def test_to_html_has_a_range_input_per_slider_and_a_json_data_block(ex):
    text = ex.to_html()
    parsed = Tags(text)
    assert text.count('<input type="range"') == 2
    inputs = parsed.all("input")
    assert [i["type"] for i in inputs] == ["range", "range"]
    assert [int(i["max"]) for i in inputs] == [len(A_VALUES) - 1, len(B_VALUES) - 1]
    assert [int(i["min"]) for i in inputs] == [0, 0]
    assert [int(i["value"]) for i in inputs] == [0, 1]  # b starts at 0.5, its index 1
    labels = [t for t, _ in parsed.tags if t == "label"]
    assert len(labels) == 2 and "end height" in text and "start height" in text

    start = ex.flat((0, 1))
    assert start == 1
    (img,) = parsed.all("img")
    assert decode_data_uri(img["src"]) == ex.frames[start]
    assert img["alt"] == ex.alts[start] == alt_text(1, 0.5)
    assert int(img["data-frame"]) == start

    blocks = [body for attrs, body in parsed.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert len(data["frames"]) == 6
    assert data["frames"][start] is None  # the <img> already carries it
    for k, uri in enumerate(data["frames"]):
        if k != start:
            assert decode_data_uri(uri) == ex.frames[k]
    assert data["alts"] == ex.alts
    assert data["readouts"] == ex.readouts
    assert data["shape"] == [3, 2]
    assert data["names"] == ["end height", "start height"]
    assert data["labels"] == [[f"{v:.3g}" for v in A_VALUES], [f"{v:.3g}" for v in B_VALUES]]
    # The id in the markup is the one the script looks up.
    (root,) = [a for t, a in parsed.tags if t == "div" and a.get("class") == "gdx"]
    assert root["id"] == ex.uid() and f'"{root["id"]}"' in text


def test_html_is_identical_across_independent_constructions(ex):
    assert make_explorer().to_html() == ex.to_html()
    assert make_explorer(a=(1, 2, 4)).to_html() != ex.to_html()


def test_blit_and_full_redraw_paths_both_work():
    blit, full = make_explorer(blit=True), make_explorer(blit=False)
    assert len(blit.frames) == len(full.frames) == 6
    assert len(set(full.frames)) == 6
    for a, b in zip(blit.frames, full.frames, strict=True):
        assert png_size(a) == png_size(b) == (100, 75)
        # And the same picture, up to anti-aliasing where the line crosses the background.
        pa, pb = rgb(a), rgb(b)
        assert np.mean(np.any(pa != pb, axis=-1)) < 0.02
    assert full.alts == blit.alts


def test_alt_text_cannot_break_out_of_the_script_block():
    ex = explore(make_setup(), a=[1, 2], b=[0.0, 1.0],
                 alt=lambda a, b: f"a </script><b>{a}</b> & {b}", **SMALL)
    parsed = Tags(ex.to_html())
    blocks = [body for attrs, body in parsed.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    assert json.loads(blocks[0])["alts"] == ex.alts == [
        f"a </script><b>{a}</b> & {b}" for a in (1, 2) for b in (0.0, 1.0)
    ]
    assert parsed.all("img")[0]["alt"] == ex.alts[0]
    assert parsed.all("b") == []  # the alt's markup stayed text


def test_full_redraw_follows_changing_axis_limits():
    # The update changes the y limits: only a full redraw can show that.
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([0, 1], [0, 1])

        def update(top):
            ax.set_ylim(0, top)
            return None

        return update

    ex = explore(setup, top=[1.0, 2.0, 4.0], alt=lambda top: f"Axis up to {top}.", **SMALL)
    assert len(set(ex.frames)) == 3


def test_a_plain_sequence_is_a_slider():
    ex = explore(make_setup(), a=[1, 2], b=slider(B_VALUES), alt=alt_text, **SMALL)
    assert ex.shape == (2, 2)
    assert ex.start_index == (0, 0)


def test_slider_start_and_labels():
    s = slider(np.array([0.1, 0.5, 1.0]), label="learning rate", start=0.5)
    assert s.start == 1
    assert s.values == (0.1, 0.5, 1.0) and all(type(v) is float for v in s.values)
    assert [s.text(i) for i in range(3)] == ["0.1", "0.5", "1"]


# --------------------------------------------------------------------------- bad input

def _no_update(fig):
    fig.subplots()
    return 42


BAD_EXPLORE = [
    ("setup not callable", lambda: explore("setup", a=[1, 2], alt=str), TypeError, "setup"),
    ("alt not callable", lambda: explore(make_setup(), a=[1, 2], alt="a line"), TypeError,
     "alt"),
    ("no sliders", lambda: explore(make_setup(), alt=alt_text), ValueError, "slider"),
    ("too many frames, one slider",
     lambda: explore(make_setup(), a=list(range(MAX_FRAMES + 1)), alt=alt_text), ValueError,
     "MAX_FRAMES"),
    ("too many frames, two sliders",
     lambda: explore(make_setup(), a=list(range(11)), b=list(range(11)), alt=alt_text),
     ValueError, "MAX_FRAMES"),
    ("one value", lambda: explore(make_setup(), a=[1], alt=alt_text), ValueError, "two"),
    ("slider with no values", lambda: slider([]), ValueError, "two"),
    ("start not a value", lambda: slider([1, 2, 3], start=4), ValueError, "start"),
    ("fmt that cannot format", lambda: slider(["x", "y"]), ValueError, "fmt"),
]


@pytest.mark.parametrize(("call", "exc", "pattern"), [c[1:] for c in BAD_EXPLORE],
                         ids=[c[0] for c in BAD_EXPLORE])
def test_explore_refuses_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_exactly_max_frames_is_allowed_and_nothing_is_drawn_yet():
    assert MAX_FRAMES % 2 == 0
    ex = explore(make_setup(), a=list(range(MAX_FRAMES // 2)), b=[0.0, 1.0], alt=alt_text)
    assert math.prod(ex.shape) == MAX_FRAMES
    assert ex._frames is None  # rendering is lazy: no frame drawn until asked


def test_setup_must_return_the_update_function():
    ex = explore(_no_update, a=[1, 2], alt=lambda a: f"{a}", **SMALL)
    with pytest.raises(TypeError, match="update"):
        ex.render()


@pytest.mark.parametrize("bad_alt", ["", "   ", None])
def test_alt_must_give_text_for_every_frame(bad_alt):
    ex = explore(make_setup(), a=[1, 2], b=[0.0, 1.0],
                 alt=lambda a, b: bad_alt if (a, b) == (2, 1.0) else "A line.", **SMALL)
    with pytest.raises(ValueError, match="alt"):
        ex.render()


# --------------------------------------------------------------------------- display

def test_mimebundle_outside_a_kernel_is_static(ex):
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert WIDGET_MIME not in bundle
    assert bundle["text/html"] == ex.to_html()
    assert ex.alts[ex.flat(ex.start_index)] in bundle["text/plain"]
    assert "\n" not in bundle["text/plain"]


def test_widget_slider_swaps_in_the_matching_frame(ex):
    w = pytest.importorskip("ipywidgets")
    box = ex.widget()
    assert isinstance(box, w.VBox)
    image, *controls, note = box.children
    assert isinstance(image, w.Image)
    assert all(isinstance(c, w.SelectionSlider) for c in controls) and len(controls) == 2
    assert isinstance(note, w.HTML)
    start = ex.flat(ex.start_index)
    assert image.value == ex.frames[start]
    assert [c.value for c in controls] == list(ex.start_index)
    for i, j in itertools.product(range(3), range(2)):
        controls[0].value = i
        controls[1].value = j
        k = i * 2 + j
        assert image.value == ex.frames[k]
        assert ex.readouts[k] in note.value
    # Back to the start: the start frame again.
    controls[0].value, controls[1].value = ex.start_index
    assert image.value == ex.frames[start]


# --------------------------------------------------------------------------- explorer contract


def _setup_returning(what):
    """An explorer setup whose update returns ``what(line, fig)``."""

    def setup(fig):
        ax = fig.subplots()
        ax.set(xlim=(0, 1), ylim=(-1, 4))
        (line,) = ax.plot([], [], color="k")

        def update(a):
            line.set_data([0, 1], [0, a])
            return what(line, fig)

        return update

    return setup


def _other_figure_line(line, fig):
    from matplotlib.figure import Figure

    return Figure().subplots().plot([0, 1])


BAD_UPDATES = [
    ("one artist, not a list", lambda line, fig: line, TypeError, r"one Line2D.*\[line\]"),
    ("a number", lambda line, fig: 3, TypeError, "list of the artists"),
    ("a list holding a non-artist", lambda line, fig: [line, "text"], TypeError, "str"),
    ("an artist of another figure", _other_figure_line, ValueError, "not on the explorer"),
]


@pytest.mark.parametrize(("what", "exc", "pattern"), [c[1:] for c in BAD_UPDATES],
                         ids=[c[0] for c in BAD_UPDATES])
def test_update_must_return_a_list_of_the_figures_artists(what, exc, pattern):
    ex = explore(_setup_returning(what), a=[1, 2], alt=lambda a: "A line.", **SMALL)
    with pytest.raises(exc, match=pattern):
        ex.render()


def test_blit_true_needs_artists_and_blit_false_redraws_everything():
    with pytest.raises(TypeError, match="blit=True"):
        explore(_setup_returning(lambda line, fig: None), a=[1, 2], alt=lambda a: "A line.",
                blit=True, **SMALL).render()
    with pytest.raises(TypeError, match="blit must be True or False"):
        explore(make_setup(), a=[1, 2], alt=alt_text, blit="yes")
    # blit=False ignores the returned artists: the frames are full redraws
    forced = explore(make_setup(True), a=slider(A_VALUES), b=slider(B_VALUES), alt=alt_text,
                     blit=False, **SMALL)
    full = explore(make_setup(False), a=slider(A_VALUES), b=slider(B_VALUES), alt=alt_text,
                   **SMALL)
    assert forced.frames == full.frames  # the same drawing calls: the same bytes


def test_an_artist_returned_only_later_is_not_baked_into_the_background():
    """A marker that update returns from the second frame on must move, not leave a copy."""

    def setup(fig, blit=True):
        ax = fig.subplots()
        ax.set(xlim=(0, 4), ylim=(0, 4))
        (line,) = ax.plot([0, 4], [1, 1], color="k")
        (dot,) = ax.plot([2], [2], "o", color="r", markersize=12)

        def update(a):
            line.set_ydata([a, a])
            if a == 1:
                return [line] if blit else None
            dot.set_data([a], [a])  # the dot moves only from the second frame on
            return [line, dot] if blit else None

        return update

    values = dict(a=slider([1, 2, 3]), alt=lambda a: "A line and a dot.", **SMALL)
    blit = explore(setup, **values)
    full = explore(lambda fig: setup(fig, blit=False), **values)
    for a, b in zip(blit.frames, full.frames, strict=True):
        pa, pb = rgb(a), rgb(b)
        # equal up to anti-aliasing at edges; a ghost dot would differ in ~2% of the pixels
        assert np.mean(np.any(pa != pb, axis=-1)) < 0.005


def test_slider_refuses_repeats_nan_mixed_values_and_a_fmt_that_fails_later():
    with pytest.raises(ValueError, match="repeat"):
        slider([0.1, 0.1, 0.2])
    with pytest.raises(ValueError, match="finite"):
        slider([0.1, float("nan")])
    with pytest.raises(TypeError, match="all numbers or all strings"):
        slider([1, "two"])
    with pytest.raises(ValueError, match="2.5"):
        slider([1, 2, 2.5], fmt="{:d}")  # the first value formats; the third does not
    with pytest.raises(TypeError, match="sequence"):
        slider("abc")
    assert slider(v for v in (1, 2)).values == (1, 2)  # any iterable of values, as before
