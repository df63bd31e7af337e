"""The maintainer's commands keep their promises: `make outputs` refreshes every notebook
that nbval checks, and the benchmark depends on nothing in tests/."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_outputs_refreshes_every_notebook_nbval_checks():
    script = (ROOT / "scripts" / "test.sh").read_text()
    # the folders named after the sanitize file, before the xdist options
    stage = re.search(r"nbval_sanitize\.cfg[\s\\]+(.*?)\s-n\b", script, re.S).group(1)
    words = shlex.split(stage.replace("\\\n", " "))
    dirs = [w for w in words if (ROOT / w).is_dir()]
    assert dirs, "could not read the nbval stage's folders from scripts/test.sh"
    checked = sorted(p for d in dirs for p in (ROOT / d).rglob("*.ipynb")
                     if ".ipynb_checkpoints" not in p.parts)
    rule = re.search(r"^outputs:.*\n\t(.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    default = re.search(r",\$\(NB\),([^)]*)\)", rule).group(1).split()
    refreshed = sorted(p for g in default for p in ROOT.glob(g))
    assert refreshed == checked


def test_the_benchmark_imports_nothing_from_tests():
    tree = ast.parse((ROOT / "scripts" / "bench.py").read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in names if m.split(".")[0] == "tests"]
