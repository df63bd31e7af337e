"""Checks of the committed notebooks themselves (no kernel): what a maintainer could break.

Every notebook is in the TOC (and every TOC page exists), is executed with outputs, has
no error or stderr output, shows figures only through gd.show / gd.explore (so every
figure has alt text), stays small, and starts with the Colab install cell that matches
the one repository setting in _config.yml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests._load import load_script

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted(
    (ROOT / "appendices").glob("*.ipynb")
)
IDS = [p.stem for p in NOTEBOOKS]

_toc = load_script("_toc")


def toc_files() -> set[str]:
    return set(_toc.toc_files(ROOT))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_notebook_is_in_the_toc_and_every_toc_page_exists():
    listed = toc_files()
    for p in NOTEBOOKS:
        assert str(p.relative_to(ROOT).with_suffix("")) in listed, f"{p.name} is not in _toc.yml"
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry


def test_chapters_are_numbered_in_order():
    chapters = [p.stem for p in sorted((ROOT / "chapters").glob("*.ipynb"))]
    numbers = [int(name.split("_", 1)[0]) for name in chapters]
    assert numbers == list(range(1, len(numbers) + 1)), chapters


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_clean(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i} has an error output"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr"
            data = out.get("data", {})
            assert "image/png" not in data, (
                f"cell {i} shows a bare image: use gd.show(fig, alt=...) so it has alt text"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_executed(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in cells if "remove-cell" not in
              c.get("metadata", {}).get("tags", [])]
    assert counts and all(isinstance(n, int) for n in counts), "run `make outputs NB=...`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_size(path):
    assert path.stat().st_size < 1_500_000, f"{path.name}: {path.stat().st_size / 1e6:.2f} MB"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_colab_install_cell_matches_the_repository_setting(path):
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from set_repository import install_cell_source

    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    first = load(path)["cells"][0]
    assert "".join(first["source"]) == install_cell_source(repo["url"], repo["branch"]), (
        "run `python scripts/set_repository.py` to sync the notebooks with _config.yml"
    )
    assert "remove-cell" in first["metadata"].get("tags", [])


def test_the_instructors_time_table_has_a_row_for_every_chapter():
    text = (ROOT / "appendices" / "instructors.md").read_text()
    block = text.split("## Time per chapter", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    rows = block.splitlines()[2:]  # after the header and the rule
    assert len(rows) == len(_toc.chapter_pages(ROOT)), rows  # scripts/new_chapter.py adds one
