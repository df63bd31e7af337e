"""Checks of the built HTML that need no browser: links, alt text, sliders, weight."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import CHAPTERS, PAGES, config

#: Page weight budget: HTML + the images it references + embedded frames.
BUDGET = 2_000_000


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs, self.scripts, self.links, self.anchors, self.ranges = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "link":
            self.links.append(a)
        elif tag == "a":
            self.anchors.append(a)
        elif tag == "input" and a.get("type") == "range":
            self.ranges.append(a)


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def page_weight(site: Path, rel: str) -> int:
    """HTML + the images it references + every slider frame (embedded or a file)."""
    path = site / f"{rel}.html"
    total = path.stat().st_size
    srcs = [img.get("src", "") for img in parse(path).imgs]
    html = path.read_text(encoding="utf-8")
    for _, _, data in explorers(html):
        for key in [k for k in data if k.startswith("frames")]:
            srcs += [f for f in data[key] if isinstance(f, str)]
    for src in set(srcs):
        if src and not src.startswith("data:"):
            f = (path.parent / src.split("?")[0]).resolve()
            if f.is_file():
                total += f.stat().st_size
    return total


@pytest.mark.parametrize("rel", PAGES)
def test_every_image_has_alt_text(site, rel):
    imgs = parse(site / f"{rel}.html").imgs
    missing = [i.get("src", "")[:60] for i in imgs if not (i.get("alt") or "").strip()]
    assert not missing, f"{rel}: images without alt text: {missing}"


@pytest.mark.parametrize("rel", PAGES)
def test_no_script_or_style_from_another_host(site, rel):
    p = parse(site / f"{rel}.html")
    external = [s["src"] for s in p.scripts if urlparse(s.get("src", "")).netloc]
    external += [
        link["href"]
        for link in p.links
        if link.get("rel") == "stylesheet" and urlparse(link.get("href", "")).netloc
    ]
    assert not external, f"{rel} loads from other hosts: {external}"


@pytest.mark.parametrize("rel", PAGES)
def test_internal_links_resolve(site, rel):
    path = site / f"{rel}.html"
    broken = []
    for a in parse(path).anchors:
        href = a.get("href", "")
        u = urlparse(href)
        if u.scheme or u.netloc or not u.path:
            continue
        target = (path.parent / u.path).resolve()
        if not target.exists():
            broken.append(href)
    assert not broken, f"{rel}: broken internal links {broken}"


@pytest.mark.parametrize("rel", CHAPTERS)
def test_launch_buttons_follow_the_repository_setting(site, rel):
    cfg = config()
    url = cfg["repository"]["url"].rstrip("/")
    branch = cfg["repository"]["branch"]
    owner_repo = urlparse(url).path.strip("/")
    hrefs = [a.get("href", "") for a in parse(site / f"{rel}.html").anchors]
    binder = cfg["launch_buttons"]["binderhub_url"].rstrip("/")
    expected_binder = f"{binder}/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{rel}.ipynb"
    expected_colab = (
        f"{cfg['launch_buttons']['colab_url'].rstrip('/')}/github/{owner_repo}/blob/{branch}/"
        f"{rel}.ipynb"
    )
    assert expected_binder in hrefs, f"{rel}: no Binder link {expected_binder}"
    assert expected_colab in hrefs, f"{rel}: no Colab link {expected_colab}"
    assert any(h.endswith(f"_sources/{rel}.ipynb") for h in hrefs), f"{rel}: no .ipynb download"


def png_head(page: Path, src: str) -> bytes:
    """The first 8 bytes of an image given as a data URI or a path relative to ``page``."""
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.split(",", 1)[1])[:8]
    f = (page.parent / src).resolve()
    assert not urlparse(src).netloc and f.is_file(), f"frame {src} is not a file of the site"
    return f.read_bytes()[:8]


def explorers(html: str):
    for m in re.finditer(r'<div class="gdx" id="(gdx-[0-9a-f]+)">(.*?)</script></div>', html, re.S):
        block = m.group(2)
        data = json.loads(
            re.search(r'<script type="application/json" class="gdx-data">(.*?)</script>',
                      block, re.S).group(1)
        )
        yield m.group(1), block, data


@pytest.mark.parametrize("rel", CHAPTERS)
def test_static_sliders_carry_every_frame(site, rel):
    html = (site / f"{rel}.html").read_text(encoding="utf-8")
    found = list(explorers(html))
    assert len(found) >= 2, f"{rel}: expected at least two interactive figures, found {len(found)}"
    for uid, block, data in found:
        n = 1
        for size in data["shape"]:
            n *= size
        assert len(data["frames"]) == n == len(data["alts"])
        ranges = re.findall(r'<input type="range"[^>]*max="(\d+)"', block)
        assert [int(r) + 1 for r in ranges] == data["shape"], uid
        start = int(re.search(r'data-frame="(\d+)"', block).group(1))
        # the start frame travels in the <img>; every other frame is a PNG, as a data URI
        # or (after the site's build step, _ext/downhill_site.py) an image file of the site
        assert data["frames"][start] is None
        for i, f in enumerate(data["frames"]):
            if i != start:
                assert png_head(site / f"{rel}.html", f) == b"\x89PNG\r\n\x1a\n", (uid, i, f[:80])
        assert all(a.strip() for a in data["alts"]), uid


def test_page_weight_budget(site):
    weights = {rel: page_weight(site, rel) for rel in PAGES}
    print("\npage weight (HTML + images + frames):")
    for rel, w in weights.items():
        print(f"  {rel:40s} {w / 1e6:6.2f} MB")
    over = {rel: w for rel, w in weights.items() if w > BUDGET}
    assert not over, f"pages over the {BUDGET / 1e6:.1f} MB budget: {over}"


@pytest.mark.parametrize("rel", CHAPTERS)
def test_chapter_has_learning_aids(site, rel):
    """Every chapter: a kernel-free quiz, a link to the glossary, a citation."""
    html = (site / f"{rel}.html").read_text(encoding="utf-8")
    assert '<form class="gdq"' in html, f"{rel}: no multiple-choice self-check (gd.exercises.quiz)"
    assert "glossary.html#term-" in html, f"{rel}: no glossary link ({{term}}`...`)"
    assert re.search(r'href="[^"]*references\.html#id\d+"|class="reference internal" '
                     r'href="[^"]*references\.html', html), f"{rel}: cites no reference"
    n_ex = html.count('class="admonition exercise"') + html.count("exercise admonition")
    assert n_ex >= 3, f"{rel}: {n_ex} exercises, expected at least 3"
