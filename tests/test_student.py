"""make student: the chapters without their solutions, still runnable (issue 22)."""

import re
from pathlib import Path

import nbformat
import pytest

from tests._load import load_script

ROOT = Path(__file__).resolve().parent.parent
make_student = load_script("make_student")

CHAPTERS = make_student.chapters_in_toc()
GLUE_REF = re.compile(r"\{glue:text\}`([^`:]+)")


def test_strip_solution_blocks():
    md = (":::{exercise}\n:label: ex-a\n\nWhat is 2 + 2?\n:::\n\n"
          ":::{solution} ex-a\n:class: dropdown\n\nIt is 4.\n\n::::{note}\nx\n::::\n:::\n"
          "\nAfter.\n")
    out = make_student.strip_solution_blocks(md)
    assert "What is 2 + 2?" in out and "After." in out
    assert "It is 4" not in out and "{solution}" not in out


def test_names_reads_assignments_and_loads():
    stored, loaded = make_student.names("%matplotlib inline\nx = f(y)\ndef g(): pass\n")
    assert stored == {"x", "g"} and {"f", "y"} <= loaded


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    assert make_student.main(["--out", str(out), "--jobs", "2"]) == 0
    return out


def _solution_blocks(nb):
    return [b for c in nb.cells if c.cell_type == "markdown"
            for b in make_student.split_solutions(c.source)[1]]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_left_and_exercises_kept(path, student_dir):
    original = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / path.name, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "{solution}" not in text
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    # every exercise is still there
    labels = re.findall(r":label: (\S+)", "\n".join(c.source for c in original.cells
                                                  if "{exercise}" in c.source))
    assert labels and all(f":label: {lab}" in text for lab in labels)
    # no sentence of a solution survives, and no number glued only for a solution is computed
    inside, outside = set(), set()
    for removed in _solution_blocks(original):
        inside |= set(GLUE_REF.findall(removed))
        for line in removed.splitlines():
            if len(line.strip()) > 40:
                assert line.strip() not in text, f"solution text left: {line.strip()[:60]}"
    for c in original.cells:
        if c.cell_type == "markdown":
            outside |= set(GLUE_REF.findall(make_student.strip_solution_blocks(c.source)))
    for name in sorted(inside - outside):
        assert f'glue("{name}"' not in text and f"glue('{name}'" not in text, (
            f"the solution value {name!r} is still computed in the student notebook")
    # the Colab install cell stays first
    assert student.cells[0].source == original.cells[0].source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_runs_and_checks_say_not_yet(path, student_dir):
    from nbclient import NotebookClient

    nb = nbformat.read(student_dir / path.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and "exercises.check(" in c.source]
    assert checks, "every chapter has a self-check"
    for c in checks:
        shown = "".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "")
                        for o in c.outputs)
        assert "No answer yet" in shown, shown[:200]
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.get("name") != "stderr", o.get("text", "")[:200]
