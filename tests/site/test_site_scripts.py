"""The theme's and extensions' scripts, used as a reader uses them, now that they arrive late.

The build (``_ext/downhill_site.py``: ``bundle_js``, ``LOADER``) puts every page's deferred
scripts (Sphinx's doctools and search highlighting, clipboard + copybutton, sphinx-book-theme,
togglebutton, sphinx-design's tabs, ``_static/downhill.js``, bootstrap, pydata-sphinx-theme)
into one file ``_static/scripts/downhill-bundle-<hash>.js``, which a small inline loader
inserts after the first animation frame (or at DOMContentLoaded): the scripts may now run
after DOMContentLoaded. The theme's load-time pass that made every overflowing scroll box a
tab stop is switched off (``drop_theme_tab_stops``); ``downhill.js`` does it for the boxes the
browser renders. The search page keeps its scripts unbundled. Checked here, in headless
Chromium, on the first and the longest chapter. On this machine the bundle often runs while
the page is still being parsed; on a slow link it comes after DOMContentLoaded, so the checks
of what a reader does hold it back until then (``goto(..., late=True)``):

- the bundle is requested once, none of the files it replaces is, every one of its scripts
  has run by the load event (as served, and when held back), and nothing logs an error;
- a copy button on a code cell puts that cell's code into the clipboard;
- "Show code cell source" and the solutions' dropdowns open and close (mouse and keyboard);
- the colour-mode button changes the theme, and a returning reader's choice is applied
  before the bundle arrives;
- the search dialog (Ctrl+K) leads to ``search.html?q=...``, which lists results, and a
  result opens its page with the words highlighted;
- at a phone's width, a code block that scrolls sideways becomes a tab stop (Tab reaches it)
  once the reader scrolls to it, when its "Show code cell source" is opened, and when
  ``downhill-full-layout`` lays out every section; a block that fits stays out of the tab order.

Two faults these checks found are fixed: while the bundle was on its way, solutions were
open (a reader who followed a link to an exercise saw its answer; ``downhill.css`` now keeps
them closed until togglebutton runs); at a phone's width the sidebar buttons did nothing
(pydata-sphinx-theme 0.17 binds only the first ``.primary-toggle``, a hidden one: its issue
2451; ``downhill.js`` passes the visible buttons' clicks on). And a first visit in dark mode
is dark before the bundle arrives (the build resolves the theme's "auto" in the head).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

import pytest

from .conftest import CHAPTERS, SITE
from .test_browser import VIEWPORTS

#: the files the bundle replaces (their names, as the loader lists them)
BUNDLED = {"doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
           "sphinx-book-theme.js", "togglebutton.js", "design-tabs.js", "downhill.js",
           "bootstrap.js", "pydata-sphinx-theme.js"}
BUNDLE = re.compile(r"/_static/scripts/downhill-bundle-[0-9a-f]{12}\.js$")

#: one name each bundled script defines, read at the load event (the bundle must have run)
RAN = """() => ({
  "doctools.js": typeof Documentation === "object",
  "sphinx_highlight.js": typeof SphinxHighlight === "object",
  "clipboard.min.js": typeof ClipboardJS === "function",
  "copybutton.js": document.querySelectorAll("button.copybtn").length > 0,
  "sphinx-book-theme.js": typeof toggleFullScreen === "function",
  "togglebutton.js": typeof initToggleItems === "function",
  "design-tabs.js": typeof select_tab_from_hash === "function",
  "downhill.js": typeof downhillTabStops === "function",
  "bootstrap.js": typeof bootstrap === "object",
  "pydata-sphinx-theme.js": ["light", "dark"].includes(document.documentElement.dataset.theme),
})"""

TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: shown to the reader: laid out, not hidden, not transparent, not collapsed
SHOWN = """(el) => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
  && el.getBoundingClientRect().height > 1"""


def _longest_chapter() -> str:
    sizes = {rel: (SITE / f"{rel}.html").stat().st_size if (SITE / f"{rel}.html").exists()
             else 0 for rel in CHAPTERS}
    return max(CHAPTERS, key=sizes.__getitem__)


FIRST, LONGEST = CHAPTERS[0], _longest_chapter()


def new_page(browser, *, viewport="desktop", scheme="light", permissions=()):
    """A fresh context and page: page errors, console errors and requests to another host
    collected as problems, every request recorded."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                  permissions=list(permissions))
    page = context.new_page()
    problems, requests = [], []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)

    def request(r):
        requests.append(r.url)
        if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None):
            problems.append(f"request to another host: {r.url}")

    page.on("request", request)  # (no catch-all route: that would slow every request)
    return context, page, problems, requests


def wait_frames(page):
    page.evaluate(TWO_FRAMES)


#: at DOMContentLoaded: had the bundle run? (``downhill.js`` is in it)
AT_DCL = ("document.addEventListener('DOMContentLoaded', () => {"
          " window.__bundleAtDCL = typeof downhillTabStops === 'function'; });")


def goto(page, url, *, late=False):
    """Open ``url`` and wait for the load event. ``late``: the bundle is held back until
    DOMContentLoaded has fired, as on a slow link (on this machine it often arrives while
    the page is still being parsed), so its scripts meet a page that is already ready."""
    page.add_init_script(AT_DCL)
    if not late:
        page.goto(url, wait_until="load")
        return
    held, released = [], []
    page.route("**/downhill-bundle-*.js",
               lambda r: r.continue_() if released else held.append(r))  # only the first
    page.goto(url, wait_until="domcontentloaded")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "the page never asked for its bundle"
    assert page.evaluate("window.__bundleAtDCL") is False
    released.append(True)
    for r in held:
        r.continue_()
    page.wait_for_load_state("load")


# --------------------------------------------------------------------- one file, all run

@pytest.mark.parametrize(("rel", "late"), [
    pytest.param(rel, late, id=f"{rel}-{'after-DOMContentLoaded' if late else 'as-served'}")
    for rel, late in dict.fromkeys([(FIRST, False), (LONGEST, False), (LONGEST, True)])])
def test_scripts_arrive_as_one_bundle_and_run(browser, server, rel, late):
    context, page, problems, requests = new_page(browser)
    try:
        page.add_init_script(
            f"window.addEventListener('load', () => {{ window.__ranAtLoad = ({RAN})(); }});")
        goto(page, f"{server}/{rel}.html", late=late)
        sources = page.get_attribute("script#downhill-scripts", "data-downhill-sources")
        assert sources, f"{rel}: no bundle loader"
        names = {PurePosixPath(urlparse(s).path).name for s in sources.split()}
        assert BUNDLED <= names, f"{rel}: the bundle lacks {sorted(BUNDLED - names)}"

        bundle = page.evaluate(
            "document.querySelector('script[src*=\"downhill-bundle-\"]').src")
        fetched = [u for u in requests if BUNDLE.search(urlparse(u).path)]
        assert fetched == [bundle], f"{rel}: bundle requests {fetched}"
        separate = [u for u in requests if PurePosixPath(urlparse(u).path).name in names]
        assert not separate, f"{rel}: bundled scripts fetched on their own: {separate}"

        ran = page.evaluate("window.__ranAtLoad")
        assert ran and all(ran.values()), f"{rel}: not run by the load event: {ran}"
        # what the scripts did to the page: a copy button on every code block, every
        # dropdown made a toggle and every solution closed
        state = page.evaluate("""() => ({
          code: document.querySelectorAll('div.highlight pre').length,
          buttons: document.querySelectorAll('div.highlight button.copybtn').length,
          dropdowns: document.querySelectorAll('.admonition.dropdown').length,
          toggles: document.querySelectorAll('.admonition.dropdown.toggle').length,
          solutions: document.querySelectorAll('.solution.dropdown').length,
          closed: document.querySelectorAll('.solution.dropdown.toggle-hidden').length})""")
        assert state["code"] and state["buttons"] == state["code"], state
        assert state["solutions"] and state["closed"] == state["solutions"], state
        assert state["toggles"] == state["dropdowns"], state
        assert not problems, f"{rel}: {problems}"
    finally:
        context.close()


# --------------------------------------------------------------------- copy, toggles

def test_copy_button_copies_the_cell(browser, server):
    context, page, problems, _ = new_page(
        browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        goto(page, f"{server}/{FIRST}.html", late=True)
        cells = page.query_selector_all(".bd-article div.cell_input div.highlight")
        # a cell of several lines, so a copy that loses lines would show
        cell = next(c for c in cells
                    if len([ln for ln in c.inner_text().splitlines() if ln.strip()]) >= 3)
        code = cell.eval_on_selector("pre", "p => p.innerText")
        cell.scroll_into_view_if_needed()
        cell.hover()
        button = cell.query_selector("button.copybtn")
        assert button is not None, "no copy button on a code cell"
        button.click()
        page.wait_for_function("b => b.classList.contains('success')", arg=button,
                               timeout=2000)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == code.rstrip("\n")
        assert not problems, problems
    finally:
        context.close()


def test_code_source_and_solutions_open_and_close(browser, server):
    context, page, problems, _ = new_page(browser)
    try:
        goto(page, f"{server}/{FIRST}.html", late=True)
        # "Show code cell source" (a <details> of myst-nb)
        details = page.query_selector(".bd-article details.hide")
        assert details is not None, f"{FIRST}: no hidden code cell"
        summary, code = details.query_selector("summary"), details.query_selector("pre")
        summary.scroll_into_view_if_needed()
        assert not details.evaluate("d => d.open") and not code.evaluate(SHOWN)
        summary.click()
        assert details.evaluate("d => d.open")
        page.wait_for_function(SHOWN, arg=code, timeout=2000)  # (it fades in)
        summary.click()
        assert not details.evaluate("d => d.open")
        page.wait_for_function(f"el => !({SHOWN})(el)", arg=code, timeout=2000)

        # a solution (togglebutton): its button, by mouse then by keyboard
        solution = page.query_selector(".solution.dropdown")
        body = solution.query_selector(".admonition-title ~ *")
        button = solution.query_selector("button.toggle-button")
        button.scroll_into_view_if_needed()
        assert not body.evaluate(SHOWN), "a solution is open before it is asked for"
        for press in (button.click, lambda: page.keyboard.press("Enter")):
            button.focus()
            press()
            page.wait_for_function(SHOWN, arg=body, timeout=2000)
            assert button.get_attribute("aria-expanded") == "true"
            press()
            page.wait_for_function(f"el => !({SHOWN})(el)", arg=body, timeout=2000)
            assert button.get_attribute("aria-expanded") == "false"
        assert not problems, problems
    finally:
        context.close()


def _exercise_link() -> str:
    """The first link of the exercises appendix to an exercise in a chapter (a reader's way
    to an exercise, with its solution just below it)."""
    html = (SITE / "appendices" / "exercises.html").read_text(encoding="utf-8")
    m = re.search(r'href="\.\./(chapters/[^"#]+\.html#ex-[^"]+)"', html)
    assert m, "the exercises appendix links to no exercise"
    return m.group(1)


def test_solutions_stay_closed_while_the_scripts_load(browser, server, site):
    context, page, problems, _ = new_page(browser, viewport="phone")
    held = []
    page.route("**/downhill-bundle-*.js", lambda r: held.append(r))
    try:
        link = _exercise_link()
        page.goto(f"{server}/{link}", wait_until="domcontentloaded")
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(20)
        assert held, "the page never asked for its bundle"
        wait_frames(page)
        assert page.evaluate("typeof downhillTabStops") == "undefined"  # bundle not run yet
        # the browser has scrolled to the exercise (a TimeoutError is not the known fault)
        page.wait_for_function(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight; }",
            arg=link.split("#", 1)[1], timeout=3000)
        seen = page.evaluate(f"""() => [...document.querySelectorAll('.solution.dropdown')]
          .map(s => s.querySelector('.admonition-title ~ *'))
          .filter(b => b && ({SHOWN})(b) && b.getBoundingClientRect().top < innerHeight
                  && b.getBoundingClientRect().bottom > 0)
          .map(b => b.closest('.solution').id)""")
        assert not seen, f"answers on screen before the scripts arrived: {seen}"
    finally:
        for r in held:
            r.continue_()
        context.close()


# --------------------------------------------------------------------- colour mode

def test_colour_mode_button_changes_and_keeps_the_theme(browser, server):
    context, page, problems, _ = new_page(browser, scheme="light")
    try:
        page.add_init_script("document.addEventListener('DOMContentLoaded', () => {"
                             " window.__themeAtDCL = document.documentElement.dataset.theme; });")
        goto(page, f"{server}/{FIRST}.html", late=True)
        theme = "document.documentElement.dataset.theme"
        background = "getComputedStyle(document.body).backgroundColor"
        assert page.evaluate(theme) == "light"
        light_bg = page.evaluate(background)
        button = next(b for b in page.query_selector_all(".theme-switch-button")
                      if b.is_visible())
        button.click()
        assert page.evaluate(theme) == "dark"
        assert page.evaluate(background) != light_bg, "dark mode did not change the colours"
        # a returning reader: the choice is applied by the head's inline script, before the
        # bundle arrives (no light flash)
        page.reload(wait_until="load")
        assert page.evaluate("window.__themeAtDCL") == "dark"
        assert page.evaluate(theme) == "dark"
        button = next(b for b in page.query_selector_all(".theme-switch-button")
                      if b.is_visible())
        for _ in range(2):  # the button cycles through the modes: back to light
            button.click()
            if page.evaluate(theme) == "light":
                break
        assert page.evaluate(theme) == "light"
        assert page.evaluate(background) == light_bg
        assert not problems, problems
    finally:
        context.close()


def test_first_visit_in_dark_mode_is_dark_before_the_scripts(browser, server):
    """A reader whose system is dark, first visit (nothing stored): the page is dark from
    the first paint, not only once the theme's script (in the late bundle) resolves "auto"."""
    context, page, problems, _ = new_page(browser, scheme="dark")
    try:
        page.add_init_script("document.addEventListener('DOMContentLoaded', () => {"
                             " window.__themeAtDCL = document.documentElement.dataset.theme;"
                             " window.__bgAtDCL = getComputedStyle(document.body)"
                             ".backgroundColor; });")
        goto(page, f"{server}/{FIRST}.html", late=True)
        assert page.evaluate("window.__themeAtDCL") == "dark"
        assert page.evaluate("document.documentElement.dataset.mode") == "auto"
        assert page.evaluate("window.__bgAtDCL") == page.evaluate(
            "getComputedStyle(document.body).backgroundColor"), "the page changed colour late"
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert not problems, problems
    finally:
        context.close()


# --------------------------------------------------------------------- phone sidebar

def test_phone_sidebar_opens_and_escape_closes_it(browser, server):
    context, page, problems, _ = new_page(browser, viewport="phone")
    try:
        page.goto(f"{server}/{FIRST}.html", wait_until="load")
        toggle = next(b for b in page.query_selector_all(".primary-toggle") if b.is_visible())
        toggle.click()
        wait_frames(page)
        page.wait_for_timeout(300)  # the dialog opens at once; allow for a slow machine
        dialog = page.query_selector("#pst-primary-sidebar-modal[open]")
        assert dialog is not None, "the sidebar button did not open the sidebar"
        nxt = CHAPTERS[1] if len(CHAPTERS) > 1 else FIRST
        link = dialog.query_selector(f"a[href$='{PurePosixPath(nxt).name}.html']")
        assert link is not None and link.is_visible(), "the open sidebar shows no chapters"
        page.keyboard.press("Escape")
        page.wait_for_selector("#pst-primary-sidebar-modal[open]", state="detached",
                               timeout=1500)
        assert toggle.evaluate("b => document.activeElement === b"), "focus not returned"
        assert not problems, problems
    finally:
        context.close()


# --------------------------------------------------------------------- search

def test_search_lists_results_and_highlights_them(browser, server):
    context, page, problems, _ = new_page(browser)
    try:
        page.goto(f"{server}/{FIRST}.html", wait_until="load")
        page.keyboard.press("Control+k")
        page.wait_for_selector("#pst-search-dialog[open] input[name=q]", timeout=2000)
        assert page.evaluate("document.activeElement.name") == "q"
        page.keyboard.type("gradient")
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert urlparse(page.url).path.endswith("/search.html") and "q=gradient" in page.url
        page.wait_for_selector("#search-results li a", timeout=10_000)
        hrefs = page.eval_on_selector_all("#search-results li a",
                                          "as => as.map(a => a.getAttribute('href'))")
        chapters = [h for h in hrefs if h.startswith("chapters/")]
        assert chapters, f"no chapter among the results: {hrefs}"
        with page.expect_navigation(wait_until="load"):
            page.click(f"#search-results li a[href='{chapters[0]}']")
        # (Sphinx passes the search words in localStorage, not in the address)
        words = page.eval_on_selector_all(".bd-article span.highlighted",
                                          "ss => ss.map(s => s.textContent.toLowerCase())")
        assert words and all("gradient" in w for w in words), words[:5]
        assert not problems, problems
    finally:
        context.close()


# --------------------------------------------------------------------- scroll boxes

BOXES = """() => [...document.querySelectorAll('.bd-article pre')].map((p, i) => ({
  i, inDetails: !!p.closest('details'),
  wide: p.scrollWidth > p.clientWidth + 20, fits: p.scrollWidth <= p.clientWidth,
  shown: p.checkVisibility({contentVisibilityAuto: true}), tab: p.tabIndex}))"""


def test_scroll_boxes_become_tab_stops_when_shown(browser, server):
    context, page, problems, _ = new_page(browser, viewport="phone")
    try:
        goto(page, f"{server}/{LONGEST}.html", late=True)
        pres = page.query_selector_all(".bd-article pre")
        boxes = page.evaluate(BOXES)
        # (with no scrolling, a box far down need not be a tab stop yet: not checked)
        open_wide = [b for b in boxes if b["wide"] and not b["inDetails"]]
        open_fits = [b for b in boxes if b["fits"] and not b["inDetails"]]
        assert open_wide and open_fits, f"{LONGEST}: no wide or no fitting code block"
        # prefer boxes the browser had not rendered at load: the last of each kind
        wide = ([b for b in open_wide if not b["shown"]] or open_wide)[-1]
        fits = ([b for b in open_fits if not b["shown"]] or open_fits)[-1]

        for box, tab in ((wide, 0), (fits, -1)):
            el = pres[box["i"]]
            el.evaluate("p => p.scrollIntoView({block: 'center'})")
            wait_frames(page)
            page.wait_for_function("p => p.checkVisibility({contentVisibilityAuto: true})",
                                   arg=el, timeout=2000)
            wait_frames(page)
            assert el.evaluate("p => p.tabIndex") == tab, (box, "after scrolling to it")

        # Tab reaches the wide box: from it, back one stop and forward one
        el = pres[wide["i"]]
        el.focus()
        page.keyboard.press("Shift+Tab")
        assert not el.evaluate("p => document.activeElement === p")
        page.keyboard.press("Tab")
        assert el.evaluate("p => document.activeElement === p"), "Tab does not reach it"

        # a hidden code cell's source, once opened
        hidden = [b for b in boxes if b["wide"] and b["inDetails"]]
        if hidden:
            el = pres[hidden[-1]["i"]]
            summary = el.evaluate_handle("p => p.closest('details').querySelector('summary')")
            summary.as_element().scroll_into_view_if_needed()
            wait_frames(page)
            summary.as_element().click()
            wait_frames(page)
            assert el.evaluate("p => p.tabIndex") == 0, "an opened cell's wide source"

        # every section laid out (the tests' switch): every box in the right state
        page.evaluate("document.documentElement.classList.add('downhill-full-layout')")
        wait_frames(page)
        after = page.evaluate(BOXES)
        wrong = [b for b in after if (b["wide"] and b["shown"] and b["tab"] != 0)
                 or (b["fits"] and b["tab"] != -1)]
        assert not wrong, f"{LONGEST}: {wrong}"
        assert not problems, problems
    finally:
        context.close()
