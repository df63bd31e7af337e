"""The exercise index page is generated from the chapters' metadata and kept current."""

from pathlib import Path

import nbformat
import pytest

from tests._load import load_script

ROOT = Path(__file__).resolve().parent.parent
ix = load_script("exercise_index")


@pytest.mark.parametrize("path", ix.chapters_in_toc(), ids=lambda p: p.stem)
def test_every_exercise_has_complete_metadata(path):
    found = ix.exercises(path)  # raises, naming the exercise, when metadata is missing
    assert len(found) >= 3
    assert any(e.self_check for e in found), "each chapter has a self-checked exercise"


def test_the_committed_page_is_current():
    assert ix.PAGE.read_text() == ix.build(), "run python scripts/exercise_index.py"


def test_the_page_is_in_the_toc():
    assert "appendices/exercises" in (ROOT / "_toc.yml").read_text()


def _nb(tmp_path, meta):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Topic\n\n:::{admonition} What you will learn\n"
                                      ":class: tip\n- one\n- two, which goes on\n  here\n:::"),
        nbformat.v4.new_markdown_cell(":::{exercise}\n:label: ex-a\n\nQ?\n:::",
                                      metadata={"exercise": meta} if meta else {}),
    ]
    p = tmp_path / "01_topic.ipynb"
    nbformat.write(nb, p)
    return p


GOOD = {"label": "ex-a", "objective": 2, "difficulty": "easy", "minutes": 5,
        "self_check": True}


def test_metadata_is_read_with_its_objective(tmp_path):
    (e,) = ix.exercises(_nb(tmp_path, GOOD))
    assert (e.objective_text, e.difficulty, e.minutes, e.self_check) == (
        "two, which goes on here", "easy", 5, True)
    text = ix.page([e])
    assert "{ref}`ex-a`" in text and "Objective 2" in text and "1 exercises" in text


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (None, "no cell metadata"),
        ({"objective": 3}, "objective must be 1..2"),
        ({"difficulty": "tricky"}, "difficulty"),
        ({"minutes": 0}, "minutes"),
        ({"self_check": "yes"}, "self_check"),
        ({"label": "ex-b"}, "label"),
    ],
)
def test_incomplete_metadata_is_named(tmp_path, change, match):
    meta = None if change is None else {**GOOD, **change}
    with pytest.raises(ValueError, match=match):
        ix.exercises(_nb(tmp_path, meta))
