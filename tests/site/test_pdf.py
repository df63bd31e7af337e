"""make pdf: the whole book and each chapter as PDF, checked as a reader would (issue 22).

Printing all 19 pages takes minutes (most of the site stage), and every page goes through the
same code, so the test prints the first page, the first and the last chapter (sliders,
solutions, math); DOWNHILL_PDF_ALL=1
prints the whole book. The site tests check every page's math on screen.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests._load import load_script

from .conftest import CHAPTERS, PAGES, ROOT

make_pdf = load_script("make_pdf")

PRINTED = (PAGES if os.environ.get("DOWNHILL_PDF_ALL") == "1"
           else [p for p in PAGES if p in (PAGES[0], CHAPTERS[0], CHAPTERS[-1])])
PRINTED_CHAPTERS = [p for p in PRINTED if p in CHAPTERS]

RAW_TEX = re.compile(r"\\(frac|sum|nabla|partial|begin|mathbf|eta|alpha|beta|sqrt|cdot|left)\b"
                     r"|\$\$|\{glue|\\\(|\\\[")


def _title(chapter: str) -> str:
    nb = json.loads((ROOT / f"{chapter}.ipynb").read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"]).lstrip()
        if cell["cell_type"] == "markdown" and src.startswith("# "):
            return src.splitlines()[0][2:].strip()
    raise AssertionError(f"{chapter} has no title")


@pytest.fixture(scope="module")
def pdfs(site, browser, tmp_path_factory):
    # the session's browser (a second Playwright in one process is refused)
    out = tmp_path_factory.mktemp("pdf")
    assert make_pdf.build(browser, site, out, PRINTED) > 0
    return out


def _text(path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))  # opens: a damaged file raises here
    return len(reader.pages), "\n".join(p.extract_text() or "" for p in reader.pages)


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def test_the_book_pdf_holds_every_chapter(pdfs):
    pages, text = _text(pdfs / "downhill.pdf")
    n = len(PRINTED_CHAPTERS)
    assert 10 * n <= pages <= 80 * n + 80, pages
    flat = _squash(text)
    for chapter in PRINTED_CHAPTERS:
        assert _title(chapter) in flat, f"{chapter}'s title is not in the book PDF"
    # every printed page but the API appendix, whose docstrings show MyST syntax on purpose
    for part in sorted((pdfs / "pages").glob("*.pdf")):
        if part.stem != "appendices__api":
            leftover = RAW_TEX.findall(_text(part)[1])
            assert not leftover, f"raw LaTeX or glue in {part.stem}: {sorted(set(leftover))[:5]}"


@pytest.mark.parametrize("chapter", PRINTED_CHAPTERS)
def test_each_chapter_pdf(pdfs, chapter):
    pages, text = _text(pdfs / (chapter.split("/")[-1] + ".pdf"))
    assert 3 <= pages <= 80, pages
    flat = _squash(text)
    assert _title(chapter) in flat
    assert not RAW_TEX.findall(text)
    # the solutions come last, after the chapter's own end, not under the exercises
    assert "Solutions" in flat
    assert flat.rindex("Solutions") > flat.rindex("Further reading")
    # sliders became labelled strips: no slider's "use the slider" control text is printed
