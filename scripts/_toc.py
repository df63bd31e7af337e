"""The book's table of contents, read once for every script and test: ``_toc.yml`` parsed
with a YAML library, its pages in order.

Scripts import it as ``from _toc import ...`` (their own folder is on ``sys.path`` when
run as ``python scripts/x.py``; ``tests/conftest.py`` puts it there for the tests).
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page the TOC lists (root, parts' chapters, their sections), in order, as
    paths without suffix relative to the book (``"chapters/01_derivatives"``)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def chapter_pages(root: Path = ROOT) -> list[str]:
    """The chapters (pages under ``chapters/``) in TOC order."""
    return [f for f in toc_files(root) if f.startswith("chapters/")]


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks the TOC lists, in order (those that exist)."""
    paths = [Path(root) / f"{f}.ipynb" for f in chapter_pages(root)]
    return [p for p in paths if p.exists()]
