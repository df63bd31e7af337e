"""Every chapter has one visible parameters cell the edit-proof stage can turn (issue 16)."""

from pathlib import Path

import nbformat
import pytest

from tests._load import load_script

ROOT = Path(__file__).resolve().parent.parent
edit_proof = load_script("edit_proof")

CHAPTERS = edit_proof.chapters_in_toc()


def test_the_toc_lists_chapters():
    assert len(CHAPTERS) >= 8


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    i = edit_proof.parameters_cell(nb)
    cell = nb.cells[i]
    tags = set(cell.metadata.get("tags", []))
    assert not tags & {"remove-cell", "remove-input", "hide-input", "hide-cell"}, (
        "the parameters cell must be visible: it is where a learner experiments")
    knobs = edit_proof.parse_parameters(cell.source)
    assert len(knobs) >= 3, f"{len(knobs)} knobs; a chapter offers at least three"
    code_before = [c for c in nb.cells[:i] if c.cell_type == "code"
                   and "remove-cell" not in c.metadata.get("tags", [])]
    assert len(code_before) <= 1, "the parameters cell comes right after the setup cell"
    assert any("import gdlib" in c.source for c in nb.cells[:i]), "setup comes first"
    prose = " ".join(c.source for c in nb.cells[:i] if c.cell_type == "markdown").lower()
    assert "parameter" in prose, "the prose before it introduces the parameters cell"
