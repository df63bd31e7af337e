"""The book as PDF: one file for the whole book and one per chapter, printed by Chromium.

Usage: python scripts/make_pdf.py [--site _build/html] [--out _build/pdf]

Route: the built HTML pages are printed by Debian's Chromium through Playwright (the
browser the site tests already use), so the PDF shows exactly what the site shows: math
typeset by the site's own MathJax, figures at their full resolution. Before printing, each
page is prepared for paper by ``_static/print.js``'s logic (inlined below as PREPARE):

* every interactive figure becomes a strip of up to four labelled key frames (first, last
  and evenly between), since paper has no slider;
* every solution is moved out of the exercises into a "Solutions" section at the end of
  the chapter, so the exercises can be attempted first;
* code wraps at the margin instead of being cut (``_static/downhill.css`` print rules).

Needs a built book (``make book``). Writes ``<out>/downhill.pdf`` and
``<out>/NN_topic.pdf`` for every chapter in ``_toc.yml``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for _toc, run or imported
from _toc import toc_files  # noqa: E402 - the TOC walker every script shares

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

PREPARE = r"""
() => {
  // 1. sliders -> strips of key frames
  for (const box of document.querySelectorAll('.gdx')) {
    const data = JSON.parse(box.querySelector('.gdx-data').textContent);
    const img = box.querySelector('img.gd-fig');
    const frames = data.frames.map((f, i) => f || (i === +img.dataset.frame ? img.src : null));
    const n = frames.length;
    const want = Math.min(4, n);
    const picks = [...new Set(Array.from({length: want},
                              (_, i) => Math.round(i * (n - 1) / Math.max(1, want - 1))))];
    const strip = document.createElement('div');
    strip.className = 'gdx-print-strip';
    for (const k of picks) {
      if (!frames[k]) continue;
      const fig = document.createElement('figure');
      const im = document.createElement('img');
      im.src = frames[k]; im.alt = data.alts[k];
      const cap = document.createElement('figcaption');
      cap.textContent = data.readouts[k];
      fig.append(im, cap);
      strip.append(fig);
    }
    box.replaceChildren(strip);
  }
  // 2. solutions -> a "Solutions" section at the end of the chapter
  const sols = [...document.querySelectorAll('.solution')];
  if (sols.length) {
    const main = document.querySelector('article.bd-article') || document.querySelector('main');
    const sec = document.createElement('section');
    sec.className = 'print-solutions';
    const h = document.createElement('h2');
    h.textContent = 'Solutions';
    sec.append(h);
    for (const s of sols) {
      s.classList.remove('dropdown', 'toggle-hidden');
      s.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
      s.querySelectorAll('button.toggle-button').forEach(b => b.remove());
      s.querySelectorAll('details').forEach(d => d.open = true);
      if (s.tagName === 'DETAILS') s.open = true;
      sec.append(s);
    }
    main.append(sec);
  }
  // 3. open dropdown asides (not folded code: that stays folded on paper)
  document.querySelectorAll('details:not(.above-input):not(.below-input)')
    .forEach(d => d.open = true);
  return sols.length;
}
"""


def toc_pages() -> list[str]:
    return toc_files(ROOT)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="title"></span> · <span class="pageNumber"></span></div>')


def print_page(browser, url: str, target: Path) -> int:
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
    page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
    n_solutions = page.evaluate(PREPARE)
    page.emulate_media(media="print")
    page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => 0)))")
    page.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
             header_template="<span></span>", footer_template=FOOTER,
             margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
    page.close()
    return n_solutions


def print_pages(browser, site: Path, parts: Path,
                pages: list[str] | None = None) -> list[tuple[str, Path]]:
    """Print ``pages`` (default: every page of the TOC) from ``site`` into ``parts``."""
    httpd, base = serve(site)
    files = []
    try:
        for page in pages or toc_pages():
            target = parts / (page.replace("/", "__") + ".pdf")
            print_page(browser, f"{base}/{page}.html", target)
            files.append((page, target))
    finally:
        httpd.shutdown()
        httpd.server_close()
    return files


def assemble(files: list[tuple[str, Path]], out: Path) -> int:
    """The book PDF and one PDF per chapter from the printed pages; the book's page count."""
    from pypdf import PdfWriter

    book = PdfWriter()
    for page, target in files:
        book.append(str(target), outline_item=page.split("/")[-1])
        if page.startswith("chapters/"):
            (out / Path(page).with_suffix(".pdf").name).write_bytes(target.read_bytes())
    with open(out / "downhill.pdf", "wb") as fh:
        book.write(fh)
    return len(book.pages)


def build(browser, site: Path, out: Path, pages: list[str] | None = None) -> int:
    """Print the book (or only ``pages``, in TOC order) from ``site`` into ``out`` with a
    running ``browser``; the page count of the assembled PDF."""
    out.mkdir(parents=True, exist_ok=True)
    parts = out / "pages"
    parts.mkdir(exist_ok=True)
    return assemble(print_pages(browser, site, parts, pages), out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    args = ap.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"no built site at {args.site}: run make book first", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = build(browser, args.site, args.out)
        browser.close()
    chapters = len(list(args.out.glob("[0-9][0-9]_*.pdf")))
    size = (args.out / "downhill.pdf").stat().st_size / 1e6
    print(f"wrote {args.out / 'downhill.pdf'} ({pages} pages, {size:.1f} MB) and "
          f"{chapters} chapter PDFs in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
