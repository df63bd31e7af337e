"""scripts/edit_proof.py: the parameters-cell format and the edit-proof runner."""

import random
from pathlib import Path

import nbformat
import pytest

from tests._load import load_script

ROOT = Path(__file__).resolve().parent.parent
edit_proof = load_script("edit_proof")

CELL = '''# Change these and run all: the chapter promises to work within these ranges.
lr = 0.1  # range: 0.01 to 0.9
steps = 50  # range: 10 to 200
optimizer = "adam"  # choices: "sgd", "adam"
'''


def test_parse_parameters_reads_every_form():
    knobs = {k.name: k for k in edit_proof.parse_parameters(CELL)}
    assert knobs["lr"] == edit_proof.Knob("lr", 0.1, 0.01, 0.9)
    assert knobs["steps"] == edit_proof.Knob("steps", 50, 10, 200)
    assert knobs["optimizer"].choices == ("sgd", "adam")
    rng = random.Random(1)
    assert [knobs["steps"].at(w, rng) for w in ("low", "high")] == [10, 200]
    assert [knobs["optimizer"].at(w, rng) for w in ("low", "high")] == ["sgd", "adam"]
    for _ in range(50):
        v = knobs["lr"].at("random", rng)
        assert 0.01 <= v <= 0.9
        n = knobs["steps"].at("random", rng)
        assert isinstance(n, int) and 10 <= n <= 200


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("lr = 0.1", "not 'name = value"),
        ("lr = 0.1  # range: 0.2 to 0.9", "default inside"),
        ("lr = 0.1  # range: 0.01 .. 0.9", "is not 'a to b'"),
        ("steps = 5  # range: 1.0 to 9", "integer ends"),
        ('opt = "x"  # choices: "a", "b"', "not in choices"),
        ("name = 'x'  # range: 1 to 2", "not a number"),
        ("f = sin(1)  # range: 0 to 1", "not a literal"),
    ],
)
def test_malformed_lines_are_named(line, match):
    with pytest.raises(ValueError, match=match):
        edit_proof.parse_parameters(line)


def _notebook(tmp_path, body):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("a = 2  # range: 1 to 5", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=60, kernel_name="python3").execute()  # the "committed" run
    nbformat.write(nb, path)
    return path


def test_runner_accepts_prose_that_follows_and_rejects_prose_that_does_not(tmp_path):
    follows = _notebook(tmp_path, "from myst_nb import glue\nglue('sq', a * a, display=False)")
    assert edit_proof.run_one(str(follows), "high", {"a": 5})[3] == []
    fixed = _notebook(tmp_path, "from myst_nb import glue\nglue('sq', 4, display=False)")
    assert "no glued value changed" in edit_proof.run_one(str(fixed), "high", {"a": 5})[3][0]
    crash = _notebook(tmp_path, "from myst_nb import glue\nglue('sq', [1, 2][a - 2], "
                                "display=False)")
    assert "cell error" in edit_proof.run_one(str(crash), "high", {"a": 5})[3][0]
    noisy = _notebook(tmp_path, "import sys\nfrom myst_nb import glue\nglue('sq', a, "
                                "display=False)\nif a > 2: print('careful', file=sys.stderr)")
    assert "stderr" in edit_proof.run_one(str(noisy), "high", {"a": 5})[3][0]
