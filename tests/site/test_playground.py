"""The playground page in headless Chromium: shared links, the map, every control by keyboard.

Shared links must restore their setup and show the result gdlib's own ``descend`` computes
for it (computed here, at test time); a click on the map sets the start; every control
works from the keyboard; the status is announced; it fits a phone in light and dark mode,
fetches nothing from another host and stays under 300 kB of its own code and images.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qsl

import numpy as np
import pytest

import gdlib as gd

from .conftest import PAGES
from .test_browser import VIEWPORTS, open_page, screenshot

REL = "playground"
RTOL = 1e-9
BUDGET = 300_000

pytestmark = pytest.mark.skipif(REL not in PAGES, reason="playground is not in _toc.yml")

SHARED = [
    "f=rosenbrock&x0=-1.2&y0=1&steps=3000&tol=1e-6&opt=adam&lr=0.02",
    "f=himmelblau&x0=-0.5&y0=0.5&steps=800&tol=1e-8&opt=momentum&lr=0.005&momentum=0.8"
    "&opt.2=adam&lr.2=0.1",
    "f=elongated_bowl&x0=-5&y0=2&steps=200&tol=none&opt=gd&lr=0.081",  # diverges
    "f=cliff&x0=-3&y0=1.5&steps=500&opt=rmsprop&lr=0.05&centered=true",
    "f=bumps&x0=0.5&y0=0.3&steps=400&opt=nesterov&lr=0.02&momentum=0.7",
    "f=saddle&x0=-1.8&y0=0.05&steps=300&opt=adamw&lr=0.05&weight_decay=0.1&amsgrad=true",
    "f=bowl&x0=3&y0=-2&steps=500&opt=adagrad&lr=0.5&lr_decay=0.01",
]


#: The map's mean shade (0-255) in a 7 x 7 pixel patch near its top right corner.
SHADE = """() => {
  const c = document.querySelector('canvas.pg-map');
  const d = c.getContext('2d').getImageData(c.width * 0.9, c.height * 0.1, 7, 7).data;
  let s = 0;
  for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
  return s / (3 * d.length / 4);
}"""


def gdlib_expected(query: str) -> dict:
    """What gd.descend gives for the first run of a shared link (the query's rules:
    gdlib's names; opt is the class name in lower case; betas as beta1, beta2)."""
    q = dict(parse_qsl(query))
    name = q["f"]
    fn = gd.get_function(name) if name in gd.CATALOGUE else getattr(gd.pitfalls, name)
    names = [*gd.optimizers.__all__, "GD"]  # plain GD is the core's (gd.GD)
    cls = next(getattr(gd.optimizers, n, None) or getattr(gd, n) for n in names
               if n.lower() == q["opt"])
    kw = {}
    for k, v in q.items():
        if "." in k or k in ("f", "x0", "y0", "steps", "tol", "opt"):
            continue
        kw[k] = {"true": True, "false": False}.get(v, float(v) if v not in ("true", "false") else v)
    if "beta1" in kw or "beta2" in kw:
        kw["betas"] = (kw.pop("beta1", 0.9), kw.pop("beta2", 0.999))
    tol = q.get("tol", "1e-6")
    run = gd.descend(fn.grad, np.array([float(q["x0"]), float(q["y0"])]), f=fn,
                     optimizer=cls(**kw), steps=int(q["steps"]),
                     tol=None if tol == "none" else float(tol))
    return {"x": run.xs[-1].tolist(), "loss": run.loss, "steps": run.steps, "status": run.status}


def result(page) -> dict:
    return json.loads(page.text_content("[data-playground-result]"))


def assert_matches(got: dict, want: dict):
    assert got["status"] == want["status"] and got["steps"] == want["steps"], (got, want)
    for a, b in zip(got["x"], want["x"], strict=True):
        if math.isfinite(b):
            assert math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-300), (got, want)
        else:
            assert a is None
    if math.isfinite(want["loss"]):
        assert math.isclose(got["loss"], want["loss"], rel_tol=RTOL, abs_tol=1e-300)


def query_of(page) -> dict:
    return dict(parse_qsl(page.evaluate("location.search.slice(1)")))


def goto(page, server, query=""):
    page.goto(f"{server}/{REL}.html" + (f"?{query}" if query else ""), wait_until="load")
    page.wait_for_selector("[data-playground][data-ready]")


@pytest.fixture
def pg(browser, server):
    context, page, problems, foreign = open_page(browser, server, REL)
    page.wait_for_selector("[data-playground][data-ready]")
    yield page
    try:
        assert not problems, problems
        assert not foreign, f"requests to other hosts: {foreign}"
    finally:
        context.close()


def test_shared_links_restore_the_setup_and_match_gdlib(pg, server):
    for query in SHARED:
        goto(pg, server, query)
        q = dict(parse_qsl(query))
        assert pg.input_value("select[id$='-f']") == q["f"]
        assert float(pg.input_value("input[id$='-x0']")) == float(q["x0"])
        assert pg.input_value("select[id$='-opt0']") == q["opt"]
        assert_matches(result(pg), gdlib_expected(query))
        # the address keeps the setup (every key, gdlib's names)
        now = query_of(pg)
        for k, v in q.items():
            if k == "tol" and v == "none":
                assert now[k] == "none"
            elif v in ("true", "false"):
                assert now[k] == v
            elif k not in ("f", "opt", "opt.2"):
                assert float(now[k]) == float(v), k
            else:
                assert now[k] == v
        # the status line is in a live region and says the status and the reason
        status = pg.text_content(".pg-status")
        assert result(pg)["status"].replace("_", " ") in status
        assert pg.get_attribute(".pg-status", "role") == "status"
    # a second run shows its own line; a bad link says which settings it did not use
    goto(pg, server, SHARED[1])
    assert pg.locator(".pg-status p").count() == 2
    goto(pg, server, "f=bowl&opt=adam&lr=-1&beta1=7&nope=1")
    note = pg.text_content(".pg-errors")
    assert "lr must be > 0" in note and "beta1 must lie in [0, 1)" in note and '"nope"' in note


def test_a_click_on_the_map_sets_the_start(pg, server):
    goto(pg, server, "f=bowl&x0=3&y0=-2&steps=400&opt=gd&lr=0.1")
    before = result(pg)
    box = pg.locator("canvas.pg-map").bounding_box()
    # the plot area: 46 px left, 10 right, 10 top, 34 bottom (app.js PAD); window -5..5
    pw, ph = box["width"] - 56, box["height"] - 44
    pg.mouse.click(box["x"] + 46 + 0.25 * pw, box["y"] + 10 + 0.25 * ph)
    pg.wait_for_function("() => new URLSearchParams(location.search).get('x0') !== '3'")
    q = query_of(pg)
    assert abs(float(q["x0"]) - (-2.5)) < 0.1 and abs(float(q["y0"]) - 2.5) < 0.1, q
    assert pg.input_value("input[id$='-x0']") == q["x0"]
    after = result(pg)
    assert after != before
    assert_matches(after, gdlib_expected("&".join(f"{k}={v}" for k, v in q.items())))


def _k(page):
    return int(page.input_value("input[type=range][id$='-k']"))


def test_every_control_works_by_keyboard(pg, server):
    goto(pg, server, "f=bowl&x0=3&y0=-2&steps=300&opt=momentum&lr=0.05")
    kb = pg.keyboard
    # Tab reaches every control of the playground
    controls = pg.evaluate("""() => [...document.querySelectorAll(
        '[data-playground] :is(button, select, input, canvas[tabindex])')]
        .filter(e => !e.disabled).map(e => e.id || e.textContent)""")
    pg.focus("canvas.pg-map")
    seen = set()
    for _ in range(len(controls) + 5):
        seen.add(pg.evaluate("document.activeElement.id || document.activeElement.textContent"))
        kb.press("Tab")
    missing = [c for c in controls if c not in seen]
    assert not missing, f"not reachable with Tab: {missing}"

    # the start point: arrow keys move a cross, Enter starts there
    pg.focus("canvas.pg-map")
    for _ in range(5):
        kb.press("ArrowLeft")
    kb.press("ArrowUp")
    assert "Press Enter" in pg.text_content(".pg-plots .pg-sr")
    kb.press("Enter")
    assert float(query_of(pg)["x0"]) == pytest.approx(2.0) and float(query_of(pg)["y0"]) == \
        pytest.approx(-1.8)
    assert "Start set to" in pg.text_content(".pg-plots .pg-sr")

    # the function list
    pg.focus("select[id$='-f']")
    kb.press("ArrowDown")
    assert query_of(pg)["f"] == "elongated_bowl"
    assert pg.input_value("select[id$='-f']") == "elongated_bowl"

    # a number: type it, press Enter
    for sel, key, value in [("input[id$='-lr0']", "lr", "0.02"), ("input[id$='-steps']", "steps",
                                                                    "150"),
                            ("input[id$='-tol']", "tol", "none"),
                            ("input[id$='-x0']", "x0", "-4")]:
        pg.focus(sel)
        kb.press("Control+A")
        kb.type(value)
        kb.press("Enter")
        assert query_of(pg)[key] == value, key
    assert_matches(result(pg), gdlib_expected(pg.evaluate("location.search.slice(1)")))
    # a bad number is refused with a message naming it
    pg.focus("input[id$='-lr0']")
    kb.press("Control+A")
    kb.type("-3")
    kb.press("Enter")
    assert "lr must be > 0" in pg.text_content("[id$='-lr0-err']")
    assert query_of(pg)["lr"] == "0.02"

    # playback: step back and forward, the slider, play and pause
    kmax = _k(pg)
    pg.focus("button[data-act=back]")
    kb.press("Enter")
    assert _k(pg) == kmax - 1
    pg.focus("button[data-act=fwd]")
    kb.press("Space")
    assert _k(pg) == kmax
    pg.focus("input[type=range][id$='-k']")
    kb.press("Home")
    assert _k(pg) == 0
    kb.press("ArrowRight")
    assert _k(pg) == 1
    pg.focus("button[data-act=play]")
    kb.press("Enter")
    assert pg.text_content("button[data-act=play]") == "Pause"
    pg.wait_for_timeout(300)
    kb.press("Enter")
    assert pg.text_content("button[data-act=play]") == "Play"
    assert 1 < _k(pg) <= kmax

    # runs: add one, change its optimizer, tick a box, remove one
    pg.focus("button[data-act=add]")
    kb.press("Enter")
    assert pg.locator("fieldset.pg-run").count() == 2
    assert "opt.2" in query_of(pg)
    pg.focus("select[id$='-opt1']")
    while pg.input_value("select[id$='-opt1']") != "adam":
        kb.press("ArrowDown")
    assert query_of(pg)["opt.2"] == "adam"
    pg.focus("input[id$='-amsgrad1']")
    kb.press("Space")
    assert query_of(pg)["amsgrad.2"] == "true"
    # the mechanism view follows the chosen run and step
    pg.focus("select[id$='-mech']")
    kb.press("ArrowDown")
    pg.focus("input[type=range][id$='-k']")
    kb.press("Home")
    caption = pg.text_content(".pg-table caption")
    assert "Run 2 (Adam)" in caption and "step 0" in caption
    rows = pg.locator(".pg-table tbody th").all_text_contents()
    assert any("velocity" in r for r in rows) and any("step size" in r for r in rows)

    # the fair race: every run gets a rate from the grid, and the page says which won
    pg.focus("button[data-act=race]")
    kb.press("Enter")
    note = pg.text_content(".pg-race")
    assert "Fair race" in note and note.count("won with lr =") == 2, note
    q = query_of(pg)
    grid = {1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0}
    assert float(q["lr"]) in grid and float(q["lr.2"]) in grid
    assert_matches(result(pg), gdlib_expected(pg.evaluate("location.search.slice(1)")))

    pg.focus("fieldset.pg-run[data-run='1'] button[data-act=remove]")
    kb.press("Enter")
    assert pg.locator("fieldset.pg-run").count() == 1 and "opt.2" not in query_of(pg)

    # copy link: the setup as this page's address
    pg.context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg.focus("button[data-act=share]")
    kb.press("Enter")
    pg.wait_for_function("() => document.querySelector('.pg-race').textContent.includes('f=')")


def test_light_dark_and_phone(browser, server, artifacts):
    shades = {}
    for scheme in ("light", "dark"):
        for vp in ("phone", "desktop"):
            context, page, problems, foreign = open_page(browser, server, REL, viewport=vp,
                                                         scheme=scheme)
            try:
                page.wait_for_selector("[data-playground][data-ready]")
                assert not problems and not foreign, (problems, foreign)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= VIEWPORTS[vp]["width"] + 1, f"{vp} {scheme}: sideways scroll"
                # the map is drawn in the theme's colours: sample the plot area's shading
                shades[scheme, vp] = page.evaluate(SHADE)
                box = page.locator("[data-playground]").bounding_box()
                assert box["width"] <= VIEWPORTS[vp]["width"]
                page.locator("[data-playground]").scroll_into_view_if_needed()
                screenshot(page, artifacts, f"playground-app-{vp}-{scheme}")
            finally:
                context.close()
    for vp in ("phone", "desktop"):
        assert shades["dark", vp] < 128 < shades["light", vp], shades


def test_switching_the_theme_redraws(pg):
    def shade():
        return pg.evaluate(SHADE)

    light = shade()
    pg.evaluate("document.documentElement.dataset.theme = 'dark'")
    pg.wait_for_timeout(100)
    dark = shade()
    assert dark < 128 < light


def test_page_weight_and_no_foreign_code(site):
    html = (site / f"{REL}.html").read_text(encoding="utf-8")
    total = len(html.encode())
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    for src in imgs:
        f = (site / src.split("?")[0])
        if f.is_file():
            total += f.stat().st_size
    assert total <= BUDGET, f"{REL}: {total} bytes of HTML and images, over {BUDGET}"
    assert "data-playground" in html
    # the playground's code is inlined from gdlib (no request for it)
    assert "DownhillEngine" in html
    print(f"\nplayground page: {total / 1000:.1f} kB (HTML with the inlined code) + images")


def test_notebook_outputs_work_on_their_own(browser, tmp_path):
    """Two gdlib.playground outputs in one document, as in a notebook: both work, each
    computes what gd.descend computes, and neither touches the address (no URL state)."""
    from gdlib.playground import playground

    a = playground("himmelblau", x0=-0.5, y0=0.5, steps=600, opt="adam", lr=0.1)
    b = playground("cliff", runs=[{"opt": "rmsprop", "lr": 0.05}, {"opt": "gd", "lr": 0.5}])
    doc = tmp_path / "notebook.html"
    doc.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>nb</title>"
                   f"</head><body><main>{a.to_html()}{b.to_html()}</main></body></html>",
                   encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(doc.as_uri() + "?keep=this", wait_until="load")
        page.wait_for_function("document.querySelectorAll('[data-playground][data-ready]')"
                               ".length === 2")
        got = [json.loads(t) for t in page.locator("[data-playground-result]").all_text_contents()]
        for res, pg in zip(got, (a, b), strict=True):
            run = pg.descend()
            assert_matches(res, {"x": run.xs[-1].tolist(), "loss": run.loss, "steps": run.steps,
                                 "status": run.status})
        assert page.evaluate("location.search") == "?keep=this"
        # the two are independent: a change in one leaves the other alone
        page.locator("[data-playground]").nth(1).locator("button[data-act=add]").click()
        assert page.locator("[data-playground]").nth(1).locator("fieldset.pg-run").count() == 3
        assert page.locator("[data-playground]").nth(0).locator("fieldset.pg-run").count() == 1
        assert not problems, problems
    finally:
        context.close()
