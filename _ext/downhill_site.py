"""Site hygiene and speed for the Downhill book (a local Sphinx extension).

While pages are written (``html-page-context``):

* Removes the Thebe scripts: the book has no Thebe button, and sphinx-thebe emits its
  config script twice, which is a JavaScript error on every page
  ("Identifier 'THEBE_JS_URL' has already been declared").
* Removes the embedded ipywidgets state: the book shows the kernel-free HTML version of
  every interactive figure, so the live widgets' state is dead weight.
* Drops any other script included twice.

When the build has finished (``build-finished``), every HTML page is post-processed so a
chapter opens fast on a phone (issue 18). Each step is idempotent (an incremental build
runs it again over pages it already processed) and measured by ``scripts/bench_pages.py``:

* Figures and slider frames leave the HTML: every ``data:image/png;base64`` URI of an
  ``img.gd-fig`` and of an explorer's ``gdx-data`` JSON (keys ``frames`` and
  ``frames_dark``) becomes a content-hashed, cacheable file ``_images/gd-<hash>.png``.
  Images get ``width``/``height`` (nothing shifts while they load), ``decoding="async"``
  and ``loading="lazy"``; slider frames are fetched only when a slider is used.
* Dark mode: the build sets ``DOWNHILL_DARK=1`` (see ``setup``), so gdlib renders every
  figure and frame for both modes (committed notebooks and Jupyter keep the light one only);
  the executed outputs are cached in ``_build/.jupyter_cache_dark``. A figure rendered for both
  modes carries its dark version in
  ``data-src-dark``; it becomes a second ``<img class="gd-fig gd-dark">`` beside the light
  one (``gd-light``). ``downhill.css`` shows the one that matches the theme's
  ``data-theme`` (or the system setting while the theme says "auto"); the hidden one is
  ``display: none`` and lazy, so the browser never downloads it.
* Code: the spans of Pygments tokens drawn exactly like the code around them in both themes
  (names, punctuation, spaces: their only style is the block's own colour) are unwrapped to
  plain text: a third fewer elements to parse, style and lay out, nothing changes on screen.
* Math is rendered at build time by MathJax in Node (``_ext/mathjax_ssr.js``, the npm
  package in ``_ext/package.json``; installed on first use): pages carry CommonHTML with
  hidden MathML for screen readers and need no math JavaScript. Without Node the pages keep
  the browser-side MathJax (sphinx-mathjax-offline), as before.
* The theme's FontAwesome script (1.5 MB) is dropped: the theme's CSS draws the same icons
  from its web fonts, which are subset to the few glyphs the site uses (a few kB), and
  the CSS rules of the 2,000 unused icons are removed.
* The search scripts (and the 126 kB search index) load only on the search page: with
  search-as-you-type off, no other page uses them. Scripts that wait for the DOM anyway are
  deferred, and the 300-byte ``documentation_options.js`` is inlined, so no script blocks
  the first paint; the theme's high-priority preloads of its deferred scripts are dropped.
* Long pages: ``downhill.css`` gives each section ``content-visibility: auto``, so only the
  sections near the screen are styled, laid out and painted. The theme's load-time pass that
  makes scrolling boxes tab stops would lay them all out again: ``downhill.js`` does it
  section by section instead (``drop_theme_tab_stops``).
* The page's twelve stylesheets (one of them @importing another) become one cacheable
  file ``_static/styles/downhill-bundle-<hash>.css``: one render-blocking request. Rules
  for classes that no page and no loaded script uses are left out (470 kB -> 150 kB).
"""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- page context


def _keep(script) -> bool:
    filename = getattr(script, "filename", None) or str(script)
    attrs = getattr(script, "attributes", {}) or {}
    body = attrs.get("body", "")
    if "thebe" in filename.lower() or "THEBE" in body:
        return False
    if attrs.get("type") == "application/vnd.jupyter.widget-state+json":
        return False
    return True


def _clean_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for s in scripts:
        key = (getattr(s, "filename", None) or str(s), repr(getattr(s, "attributes", {})))
        if key in seen or not _keep(s):
            continue
        seen.add(key)
        kept.append(s)
    scripts[:] = kept


# --------------------------------------------------------------------------- images

DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
IMG_TAG = re.compile(r"<img\b[^>]*>")
GDX_DATA = re.compile(
    r'(<script type="application/json" class="gdx-data">)(.*?)(</script>)', re.S)


def png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


class Images:
    """Writes embedded PNGs to ``_images/gd-<sha256[:16]>.png`` (once per content)."""

    def __init__(self, outdir: Path):
        self.dir = outdir / "_images"
        self.dir.mkdir(exist_ok=True)
        self.sizes: dict[str, tuple[int, int]] = {}
        self.written = 0

    def store(self, b64: str) -> tuple[Path, tuple[int, int]]:
        png = base64.b64decode(b64)
        name = f"gd-{hashlib.sha256(png).hexdigest()[:16]}.png"
        path = self.dir / name
        if not path.exists():
            path.write_bytes(png)
            self.written += 1
        return path, png_size(png)

    def size_of(self, path: Path) -> tuple[int, int]:
        key = str(path)
        if key not in self.sizes:
            self.sizes[key] = png_size(path.read_bytes()[:24])
        return self.sizes[key]


def _rel(target: Path, page: Path) -> str:
    return os.path.relpath(target, page.parent).replace(os.sep, "/")


def _set_attr(tag: str, name: str, value: str) -> str:
    if re.search(rf'\s{name}="[^"]*"', tag):
        return re.sub(rf'(\s{name}=)"[^"]*"', lambda m: f'{m.group(1)}"{value}"', tag, count=1)
    end = "/>" if tag.endswith("/>") else ">"
    return tag[: -len(end)].rstrip() + f' {name}="{value}"' + end


def _add_class(tag: str, classes: str) -> str:
    c = re.search(r'\sclass="([^"]*)"', tag)
    if c:
        return tag.replace(c.group(0), f' class="{c.group(1)} {classes}"', 1)
    return _set_attr(tag, "class", classes)


DARK_SRC = re.compile(r'\sdata-src-dark="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _sized(tag: str, page: Path, images: Images) -> str:
    """One ``<img>``: an inlined PNG becomes a file; width/height, lazy, async decoding."""
    src = re.search(r'\ssrc="([^"]*)"', tag)
    if not src:
        return tag
    size = None
    d = DATA_PNG.fullmatch(src.group(1))
    if d:
        path, size = images.store(d.group(1))
        tag = _set_attr(tag, "src", _rel(path, page))
    elif "gd-fig" in tag and not re.search(r"\swidth=", tag):
        f = (page.parent / src.group(1).split("?")[0]).resolve()
        if f.is_file() and f.suffix == ".png":
            size = images.size_of(f)
    if size and not re.search(r"\swidth=", tag):
        tag = _set_attr(_set_attr(tag, "width", str(size[0])), "height", str(size[1]))
    for name, value in (("loading", "lazy"), ("decoding", "async")):
        if f"{name}=" not in tag:
            tag = _set_attr(tag, name, value)
    return tag


def _img(tag: str, page: Path, images: Images) -> str:
    dark = DARK_SRC.search(tag)
    if not dark:
        return _sized(tag, page, images)
    # a figure rendered for both modes: two images, one shown (downhill.css)
    tag = tag.replace(dark.group(0), "")
    light_tag = _add_class(tag, "gd-light dark-light")
    path, _ = images.store(dark.group(1))
    dark_tag = _add_class(_set_attr(tag, "src", _rel(path, page)), "gd-dark dark-light")
    return _sized(light_tag, page, images) + _sized(dark_tag, page, images)


def _gdx(m: re.Match, page: Path, images: Images) -> str:
    """An explorer's frames (``frames``, ``frames_dark``) as file names in its JSON."""
    body = m.group(2)
    if "data:image/png;base64," not in body:
        return m.group(0)
    data = json.loads(body)
    for key in [k for k in data if k.startswith("frames")]:
        data[key] = [_frame_file(f, page, images) for f in data[key]]
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return m.group(1) + payload + m.group(3)


def _frame_file(frame, page: Path, images: Images):
    d = DATA_PNG.fullmatch(frame) if isinstance(frame, str) else None
    return _rel(images.store(d.group(1))[0], page) if d else frame


def externalise_images(text: str, page: Path, images: Images) -> str:
    text = GDX_DATA.sub(lambda m: _gdx(m, page, images), text)
    return IMG_TAG.sub(lambda m: _img(m.group(0), page, images), text)


# --------------------------------------------------------------------------- scripts

FONTAWESOME_JS = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js'
                            r'[^"]*"></script>\n?')
SEARCH_JS = re.compile(r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js'
                       r'|_static/language_data\.js|searchindex\.js)"></script>\n?')
MATHJAX_JS = re.compile(r'[ \t]*<script>window\.MathJax = .*?</script>\n?'
                        r'|[ \t]*<script defer="defer" src="[^"]*_static/mathjax/[^"]*">'
                        r"</script>\n?")


#: Scripts that only act once the DOM is ready (they check ``document.readyState`` or wait for
#: DOMContentLoaded), so ``defer`` changes nothing but stops them blocking the first paint.
DEFERRABLE = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
              "sphinx-book-theme.js", "togglebutton.js", "design-tabs.js", "downhill.js")
#: The theme preloads its two scripts in the head, at high priority, although they run only
#: at the end of the page (``defer``): 30 kB that compete with the stylesheet and the math
#: fonts for the first paint on a slow link. Without the preload they load as any deferred
#: script does, in time for DOMContentLoaded.
SCRIPT_PRELOAD = re.compile(r'[ \t]*<link rel="preload" as="script" href="[^"]*_static/scripts/'
                            r'(?:bootstrap|pydata-sphinx-theme)\.js[^"]*" />\n?')
HEAD_SCRIPT = re.compile(r'<script(?P<attrs>(?: [a-z-]+="[^"]*")*) src="(?P<src>[^"]+)"></script>')
DOC_OPTIONS = re.compile(r'<script src="([^"]*_static/documentation_options\.js)[^"]*"></script>')


#: Preloads of the math fonts, which builds before this one wrote (see ``apply_math``).
MATH_FONT_PRELOAD = re.compile(r'[ \t]*<link rel="preload" href="[^"]*/MathJax_[\w-]+\.woff" '
                               r'as="font" type="font/woff" crossorigin>\n?')


#: The theme's first script sets ``data-theme`` to the stored choice or "auto"; its main
#: script, which arrives after the first paint, resolves "auto" to the system's mode. Until
#: then a reader in dark mode would see a light page: the system's mode is applied at once.
THEME_MODE = re.compile(r'(document\.documentElement\.dataset\.theme = localStorage\.getItem\('
                        r'"theme"\) \|\| "auto";\s*</script>\n?)')
EARLY_MODE = ('<script id="downhill-mode">(function () { var d = document.documentElement.dataset;'
              ' if (d.theme === "auto" && window.matchMedia) d.theme = matchMedia('
              '"(prefers-color-scheme: dark)").matches ? "dark" : "light"; })();</script>\n')


def drop_scripts(text: str, pagename: str, outdir: Path, page: Path) -> str:
    text = SCRIPT_PRELOAD.sub("", FONTAWESOME_JS.sub("", MATH_FONT_PRELOAD.sub("", text)))
    if 'id="downhill-mode"' not in text:
        text = THEME_MODE.sub(lambda m: m.group(1) + EARLY_MODE, text, count=1)
    if pagename != "search":
        text = SEARCH_JS.sub("", text)
    head_end = text.find("</head>")
    if head_end < 0:
        return text
    head, rest = text[:head_end], text[head_end:]

    def defer(m):
        name = m.group("src").split("?")[0].rsplit("/", 1)[-1]
        if name in DEFERRABLE and "defer" not in m.group("attrs"):
            return f'<script defer{m.group("attrs")} src="{m.group("src")}"></script>'
        return m.group(0)

    if pagename != "search":  # its search scripts run at once and need doctools.js's _ready
        head = HEAD_SCRIPT.sub(defer, head)

    # the page's inline scripts need DOCUMENTATION_OPTIONS at once: inline its 300 bytes
    def inline(m):
        f = (page.parent / m.group(1)).resolve()
        if not f.is_file():
            return m.group(0)
        return "<script>" + f.read_text(encoding="utf-8").replace("</", "<\\/") + "</script>"

    head = DOC_OPTIONS.sub(inline, head)
    return head + rest


#: pydata-sphinx-theme's pass that makes every scrolling box a tab stop, run at the load
#: event: it reads each box's scroll size and writes its tabindex in turn, so on a long page
#: it lays out, box by box, every section the browser had skipped (content-visibility): 2.1 s
#: of Chapter 8's load event on a slow phone. ``downhill.js`` does the same job for the boxes
#: the browser lays out anyway. The theme is pinned (requirements.txt); if a new version
#: changes this code, the build warns (and so fails) instead of guessing.
THEME_TAB_STOPS = re.compile(
    r'"complete"===document\.readyState\?(?P<f>\w+)\(\):window\.addEventListener\("load",(?P=f)\)')
TAB_STOPS_OFF = "void 0/*downhill: tab stops in downhill.js*/"


def drop_theme_tab_stops(outdir: Path) -> None:
    js = outdir / "_static" / "scripts" / "pydata-sphinx-theme.js"
    if not js.exists():
        return
    text = js.read_text(encoding="utf-8")
    if TAB_STOPS_OFF in text:
        return
    m = THEME_TAB_STOPS.search(text)
    body = m and re.search(rf"function {m.group('f')}\(\)\{{(.{{0,400}})", text)
    if not body or "scrollWidth" not in body.group(1) or "tabIndex" not in body.group(1):
        logger.warning("downhill_site: pydata-sphinx-theme's tab-stop pass not found in %s "
                       "(a new theme version?): see THEME_TAB_STOPS", js)
        return
    js.write_text(text[: m.start()] + TAB_STOPS_OFF + text[m.end():], encoding="utf-8")


DEFER_SCRIPT = re.compile(r'[ \t]*<script defer(?P<attrs>(?: [a-z-]+="[^"]*")*) '
                          r'src="(?P<src>[^"]+)"></script>\n?')
JS_LOADER = re.compile(r'[ \t]*<script id="downhill-scripts" data-downhill-sources="(?P<src>[^"]*)"'
                       r'(?P<attrs>(?: data-[a-z-]+="[^"]*")*)>.*?</script>\n?', re.S)
SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.M)
#: Fetches the page's one script file after the first paint: until then the stylesheet and
#: the HTML have the slow link to themselves. (A ``defer`` script is fetched at once, beside
#: the stylesheet; rendering waits for the stylesheet, so the first animation frame comes
#: after it.) DOMContentLoaded is the fallback for a page parsed before its first frame.
#: Inserted before the load event, the script still delays it, as a deferred one did.
LOADER = """<script id="downhill-scripts" data-downhill-sources="{sources}"{attrs}>
(function () {{
  var me = document.currentScript, done = false;
  function load() {{
    if (done) return;
    done = true;
    var s = document.createElement("script");
    for (var i = 0; i < me.attributes.length; i++) {{
      var a = me.attributes[i];
      if (a.name.indexOf("data-") === 0 && a.name !== "data-downhill-sources") {{
        s.setAttribute(a.name, a.value);
      }}
    }}
    s.async = false;
    s.src = "{bundle}";
    document.head.appendChild(s);
  }}
  requestAnimationFrame(function () {{ setTimeout(load, 0); }});
  document.addEventListener("DOMContentLoaded", load);
}})();
</script>
"""


#: Scripts that start on DOMContentLoaded alone, which a script run after it never sees.
LATE_UNSAFE = {"design-tabs.js": ('document.addEventListener("DOMContentLoaded", ready, false);',
                                  'if (document.readyState !== "loading") ready();\n'
                                  'else document.addEventListener("DOMContentLoaded", ready, '
                                  'false);')}


def _late_safe(f: Path, js: str) -> str:
    if f.name not in LATE_UNSAFE:
        return js
    old, new = LATE_UNSAFE[f.name]
    if old not in js:
        logger.warning("downhill_site: %s no longer starts with %r (a new version?): see "
                       "LATE_UNSAFE", f, old)
        return js
    return js.replace(old, new)


def bundle_js(text: str, pagename: str, page: Path, outdir: Path, bundles: dict) -> str:
    """The page's deferred scripts (Sphinx's, the themes', the extensions', downhill.js), in
    their order, as one cacheable file ``_static/scripts/downhill-bundle-<hash>.js`` that
    ``LOADER`` fetches after the first paint: one request instead of ten, none of them
    competing with the stylesheet. The search page keeps its scripts as they are."""
    if pagename == "search":
        return text
    done = JS_LOADER.search(text)
    if done:  # bundled by an earlier build: bundle its sources again (they may have changed)
        srcs, attrs = done.group("src").split(), done.group("attrs")
        text = text[: done.start()] + "\0" + text[done.end():]
    else:
        tags = [m for m in DEFER_SCRIPT.finditer(text)
                if not urlparse_netloc(m.group("src"))]
        if len(tags) < 2:
            return text
        srcs = [m.group("src") for m in tags]
        attrs = "".join(re.findall(r' data-[a-z-]+="[^"]*"',
                                   "".join(m.group("attrs") for m in tags)))
        first = tags[0].start()
        text = text[:first] + "\0" + DEFER_SCRIPT.sub(
            lambda m: "" if m.group("src") in srcs else m.group(0), text[first:])
    files = []
    for src in srcs:
        f = (page.parent / src.split("?")[0]).resolve()
        if not f.is_file():
            logger.warning("downhill_site: %s loads %s, which is not in the build", page, src)
            return text.replace("\0", "")
        files.append(f)
    key = ("js", tuple(files))
    if key not in bundles:
        target = outdir / "_static" / "scripts"
        # (the leading statement ends the directive prologue: one file's "use strict" must
        # not make the files after it strict)
        js = "void 0;\n" + "\n;\n".join(
            f"/* {f.relative_to(outdir).as_posix()} */\n"
            + _late_safe(f, SOURCE_MAP.sub("", f.read_text(encoding="utf-8"))) for f in files)
        name = f"downhill-bundle-{hashlib.sha256(js.encode()).hexdigest()[:12]}.js"
        (target / name).write_text(js, encoding="utf-8")
        bundles[key] = target / name
    loader = LOADER.format(sources=" ".join(srcs), attrs=attrs, bundle=_rel(bundles[key], page))
    return text.replace("\0", loader, 1)


# --------------------------------------------------------------------------- code spans

PYG_RULE = re.compile(r'html\[data-theme="(\w+)"\] \.highlight(?: \.([\w-]+))? *\{([^}]*)\}')
PLAIN_SPAN = re.compile(r'<span class="([\w-]+)">([^<]*)</span>')
HIGHLIGHT = re.compile(r'<div class="highlight"><pre>.*?</pre></div>', re.S)


def plain_token_classes(outdir: Path) -> set[str]:
    """Pygments token classes drawn exactly like the code around them in every theme (only
    ``color``, the block's own colour: names, punctuation, spaces): their spans change
    nothing on screen but are a third of a chapter's elements."""
    css_path = outdir / "_static" / "pygments.css"
    if not css_path.exists():
        return set()
    default: dict[str, str] = {}
    rules: dict[str, dict[str, str]] = {}
    for theme, cls, body in PYG_RULE.findall(css_path.read_text(encoding="utf-8")):
        decl = dict(d.split(":", 1) for d in body.split(";") if ":" in d)
        decl = {k.strip(): v.strip().lower() for k, v in decl.items()}
        if not cls:
            default[theme] = decl.get("color", "")
        else:
            rules.setdefault(cls, {})[theme] = decl
    themes = set(default)
    return {cls for cls, by_theme in rules.items()
            if themes and set(by_theme) == themes
            and all(d == {"color": default[t]} for t, d in by_theme.items())}


def unwrap_plain_spans(text: str, plain: set[str]) -> str:
    if not plain:
        return text

    def block(m):
        return PLAIN_SPAN.sub(lambda s: s.group(2) if s.group(1) in plain else s.group(0),
                              m.group(0))

    return HIGHLIGHT.sub(block, text)


# --------------------------------------------------------------------------- math

INLINE_MATH = re.compile(r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>', re.S)
DISPLAY_MATH = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>)(.*?)(</div>)', re.S)
DISPLAY_TEX = re.compile(r"\\\[(.*)\\\]", re.S)


def _node_ready(app) -> bool:
    if getattr(app, "_downhill_node", None) is not None:
        return app._downhill_node
    ok = False
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and not (HERE / "node_modules" / "mathjax-full").exists() and npm:
        logger.info("downhill_site: installing MathJax for build-time math (npm, once)...")
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock",
                        "--silent"], cwd=HERE, capture_output=True)
    ok = bool(node) and (HERE / "node_modules" / "mathjax-full").exists()
    if not ok:
        logger.info("downhill_site: no Node/MathJax: math stays rendered in the browser")
    app._downhill_node = ok
    return ok


def render_math(app, jobs: list[dict]) -> list[dict] | None:
    """Renders every page's formulas in one Node run; None if Node is not there."""
    if not jobs or not _node_ready(app):
        return None
    payload = json.dumps({"pages": [{"fontURL": j["fontURL"], "math": j["math"]}
                                    for j in jobs]})
    out = subprocess.run(["node", str(HERE / "mathjax_ssr.js")], input=payload.encode(),
                         capture_output=True, cwd=HERE)
    if out.returncode != 0:
        logger.warning("downhill_site: build-time math failed: %s",
                       out.stderr.decode(errors="replace")[-2000:])
        return None
    result = json.loads(out.stdout)
    for e in result["errors"]:
        logger.warning("downhill_site: TeX error on %s: %s in %r", jobs[e["page"]]["page"],
                       e["error"], e["tex"])
    return result["pages"]


def collect_math(text: str) -> list[dict]:
    math = [{"tex": htmllib.unescape(m.group(1)).strip(), "display": False}
            for m in INLINE_MATH.finditer(text)]
    for m in DISPLAY_MATH.finditer(text):
        t = DISPLAY_TEX.search(m.group(2))
        if t:
            math.append({"tex": htmllib.unescape(t.group(1)).strip(), "display": True})
    return math


def _squash_css(css: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};:,])\s*", r"\1", css).strip()


def apply_math(text: str, rendered: dict) -> str:
    htmls = iter(rendered["html"])
    n_inline = len(INLINE_MATH.findall(text))
    inline = [next(htmls) for _ in range(n_inline)]
    display = list(htmls)
    if any(h is None for h in inline + display):
        return text  # a TeX error: leave this page to the browser's MathJax
    it = iter(inline)
    text = INLINE_MATH.sub(
        lambda m: f'<span class="math notranslate nohighlight">{next(it)}</span>', text)
    itd = iter(display)

    def disp(m):
        t = DISPLAY_TEX.search(m.group(2))
        if not t:
            return m.group(0)
        inner = m.group(2)[: t.start()] + next(itd) + m.group(2)[t.end():]
        return m.group(1) + inner + m.group(3)

    text = DISPLAY_MATH.sub(disp, text)
    text = MATHJAX_JS.sub("", text)
    css = _squash_css(rendered["css"])
    # (no preload of the math fonts: 55 kB that would share the slow link with the
    # stylesheet; the browser asks for them at the first layout, the formulas' glyphs show
    # a moment after the text)
    style = f'<style id="downhill-math">{css}</style>\n'
    return text.replace("</head>", style + "</head>", 1)


# --------------------------------------------------------------------------- icon fonts

FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:"(\\[0-9a-f]+)"\}')
FA_FACE = re.compile(r"@font-face\{[^}]*fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2[^}]*\}")
FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")


def subset_icon_fonts(outdir: Path, used_classes: set[str]) -> None:
    css_path = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    fonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    if not css_path.exists() or not fonts.exists():
        return
    css = css_path.read_text(encoding="utf-8")
    if ".subset.woff" in css:
        return  # already done in this build
    codepoints: set[int] = set()

    def rule(m):
        names = {s.split(":")[0][1:] for s in m.group(1).split(",") if s}
        if names & used_classes:
            codepoints.add(int(m.group(2)[1:], 16))
            return m.group(0)
        return ""

    css = FA_RULE.sub(rule, css)
    # glyphs the theme's own CSS draws (admonition icons, ...): private-use characters
    for f in (outdir / "_static").rglob("*.css"):
        text = css if f == css_path else f.read_text(encoding="utf-8", errors="replace")
        codepoints |= {ord(c) for c in text if 0xE000 <= ord(c) <= 0xF8FF}
        codepoints |= {int(h, 16) for h in re.findall(r'content:\s*"\\([ef][0-9a-f]{3})"', text)}
    from fontTools import subset

    def face(m):
        stem = m.group(1)
        ttf = fonts / f"{stem}.ttf"
        if not ttf.exists():
            return m.group(0)
        opts = subset.Options()
        opts.flavor = "woff"
        opts.layout_features = ["*"]
        font = subset.load_font(str(ttf), opts)
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(codepoints))
        sub.subset(font)
        subset.save_font(font, str(fonts / f"{stem}.subset.woff"), opts)
        src = re.search(r"src:[^;}]*", m.group(0)).group(0)
        return m.group(0).replace(
            src, f'src:url(../vendor/fontawesome/webfonts/{stem}.subset.woff) format("woff")')

    css = FA_FACE.sub(face, css)
    css_path.write_text(css, encoding="utf-8")


# --------------------------------------------------------------------------- one stylesheet

CSS_LINK = re.compile(r'[ \t]*<link (?:href="(?P<a>[^"]+)" rel="stylesheet"|rel="stylesheet" '
                      r'type="text/css" href="(?P<b>[^"]+)")\s*/?>\n?')
BUNDLE_LINK = re.compile(r'[ \t]*<link rel="stylesheet" href="[^"]*downhill-bundle-[^"]*" '
                         r'data-downhill-sources="(?P<src>[^"]*)" />\n?')
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;""")


def _css_text(f: Path, target_dir: Path, depth: int = 0) -> str:
    """``f``'s CSS with its @imports inlined and its url()s made relative to target_dir."""
    css = f.read_text(encoding="utf-8")
    if depth < 3:
        css = CSS_IMPORT.sub(lambda m: _css_text((f.parent / m.group(1)).resolve(), target_dir,
                                                 depth + 1), css)

    def url(m):
        u = m.group(2).strip()
        if re.match(r"^(data:|[a-z]+://|/|#)", u) or (f.parent == target_dir):
            return m.group(0)
        q = ""
        if "?" in u or "#" in u:
            cut = min(i for i in (u.find("?"), u.find("#")) if i >= 0)
            u, q = u[:cut], u[cut:]
        new = os.path.relpath((f.parent / u).resolve(), target_dir).replace(os.sep, "/")
        return f'url("{new}{q}")'

    return CSS_URL.sub(url, css)


def _split_top(s: str) -> list[str]:
    out, depth, cur = [], 0, []
    for ch in s:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CSS_FUNC = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")


def _selector_used(sel: str, used: set[str]) -> bool:
    # only the plain classes of a selector decide: inside :not()/:is()/:has() a missing
    # class does not make the selector dead, so those parts are not looked at
    return all(c in used for c in CSS_CLASS.findall(CSS_FUNC.sub("", sel)))


def _block_end(css: str, j: int) -> int:
    depth, k, n = 1, j + 1, len(css)
    while k < n and depth:
        c = css[k]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c in "\"'":
            k += 1
            while k < n and css[k] != c:
                k += 2 if css[k] == "\\" else 1
        k += 1
    return k


def purge_css(css: str, used: set[str]) -> str:
    """Drops the rules whose selectors name a class that no page and no script uses (the
    classes of every page, and every word of every script the site loads, as PurgeCSS
    does). At-rules other than @media/@supports/@layer/@container are kept whole."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, i, n = [], 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            out.append(css[i:])
            break
        pre = css[i:j]
        if ";" in pre:  # statements before the block (@charset, @import, ...)
            head, pre = pre.rsplit(";", 1)
            out.append(head + ";")
        pre = pre.strip()
        k = _block_end(css, j)
        body = css[j + 1 : k - 1]
        if pre.startswith(("@media", "@supports", "@layer", "@container")):
            inner = purge_css(body, used)
            if inner.strip():
                out.append(pre + "{" + inner + "}")
        elif pre.startswith("@"):
            out.append(pre + "{" + body + "}")
        else:
            sels = [x.strip() for x in _split_top(pre) if _selector_used(x, used)]
            if sels:
                out.append(",".join(sels) + "{" + body + "}")
        i = k
    return "".join(out)


def used_words(outdir: Path, pages: dict[Path, str]) -> set[str]:
    words: set[str] = set()
    for text in pages.values():
        for c in re.findall(r'class="([^"]*)"', text):
            words |= set(c.split())
        for sc in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S):
            words |= set(re.findall(r"[\w-]+", sc))
        srcs = re.findall(r'<script[^>]* src="([^"?]+)', text)
        for loader in JS_LOADER.finditer(text):  # a page bundled by an earlier build
            srcs += [s.split("?")[0] for s in loader.group("src").split()]
        for src in srcs:
            words.add("script:" + src.rsplit("/", 1)[-1])
    for f in (outdir / "_static").rglob("*.js"):
        if "script:" + f.name in words:  # only scripts some page loads
            words |= set(re.findall(r"[\w-]+", f.read_text(encoding="utf-8", errors="replace")))
    return words


def bundle_css(text: str, page: Path, outdir: Path, bundles: dict) -> str:
    """All of a page's stylesheets as one file (one request instead of twelve, and no
    chained @import): render-blocking requests are what a phone's first paint waits for."""
    head_end = text.find("</head>")
    if head_end < 0:
        return text
    head = text[:head_end]
    done = BUNDLE_LINK.search(head)
    if done:  # bundled by an earlier build: bundle its sources again (they may have changed)
        hrefs = done.group("src").split()
        start = done.start()
        head = head[:start] + head[done.end():]
    else:
        links = list(CSS_LINK.finditer(head))
        if len(links) < 2:
            return text
        hrefs = [m.group("a") or m.group("b") for m in links]
        start = links[0].start()
        head = head[:start] + CSS_LINK.sub("", head[start:])
    files = []
    for href in hrefs:
        f = (page.parent / href.split("?")[0]).resolve()
        if urlparse_netloc(href) or not f.is_file():
            return text  # something unexpected: leave the page as it is
        files.append(f)
    key = tuple(files)
    if key not in bundles:
        target = outdir / "_static" / "styles"
        css = "\n".join(purge_css(_css_text(f, target), bundles["__used__"]) for f in files)
        name = f"downhill-bundle-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        (target / name).write_text(css, encoding="utf-8")
        bundles[key] = target / name
    link = (f'<link rel="stylesheet" href="{_rel(bundles[key], page)}" '
            f'data-downhill-sources="{" ".join(hrefs)}" />\n')
    return head[:start] + link + head[start:] + text[head_end:]


def urlparse_netloc(href: str) -> bool:
    return bool(re.match(r"^[a-z]+://|^//", href))


# --------------------------------------------------------------------------- the pass


def post_process(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    images = Images(outdir)
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir)
        if rel.parts[0] in ("_static", "_sources", "_images"):
            continue
        pages[path] = path.read_text(encoding="utf-8")
    new, used, jobs = {}, set(), []
    plain = plain_token_classes(outdir)
    for path, text in pages.items():
        pagename = path.relative_to(outdir).with_suffix("").as_posix()
        t = unwrap_plain_spans(externalise_images(text, path, images), plain)
        t = drop_scripts(t, pagename, outdir, path)
        used |= set(FA_CLASS.findall(t))
        new[path] = t
        math = collect_math(t)
        if math:
            font_url = _rel(outdir / "_static" / "mathjax" / "output" / "chtml" / "fonts"
                            / "woff-v2", path)
            jobs.append({"page": pagename, "path": path, "fontURL": font_url, "math": math})
    rendered = render_math(app, jobs)
    if rendered is not None:
        for job, r in zip(jobs, rendered, strict=True):
            new[job["path"]] = apply_math(new[job["path"]], r)
    subset_icon_fonts(outdir, used)
    drop_theme_tab_stops(outdir)
    bundles: dict = {"__used__": used_words(outdir, new)}
    for path, t in new.items():
        t = bundle_css(t, path, outdir, bundles)
        t = bundle_js(t, path.relative_to(outdir).with_suffix("").as_posix(), path, outdir,
                      bundles)
        if t != pages[path]:
            path.write_text(t, encoding="utf-8")
    logger.info("downhill_site: %d image files written, math on %d pages rendered at build "
                "time", images.written, len(jobs) if rendered is not None else 0)


# --------------------------------------------------------------------------- dark renderings

#: gdlib renders every figure and slider frame a second time, for dark mode, when this is "1"
#: (``gdlib.plotting.dark_mode_on``). Set when the extension loads, before any notebook runs,
#: so the kernels the build starts inherit it; the committed notebooks stay light-only.
DARK_ENV = "DOWNHILL_DARK"


def _dark_cache(app, config) -> None:
    """Executed outputs WITH dark renderings are cached apart from light-only ones: the
    jupyter-cache is keyed on the notebook's code, not on this variable, so a cache filled by
    an older, light-only build would otherwise be served (and the site would lack its dark
    figures)."""
    base = config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    if not str(base).endswith("_dark"):
        config.nb_execution_cache_path = f"{base}_dark"


def setup(app):
    os.environ[DARK_ENV] = "1"
    app.connect("config-inited", _dark_cache)
    app.connect("html-page-context", _clean_scripts, priority=900)
    # after the theme's own build-finished handlers (pydata-sphinx-theme writes pygments.css
    # then), so the bundle holds the final files
    app.connect("build-finished", post_process, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
