"""gdlib's architecture, enforced: a core and a chapter layer, no import cycle, every module
on the API page, and the old module names still working.

Imports are read from the source (``ast``), module-level and inside functions alike, so a
lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "gdlib"
ALIASES = {
    "surfaces": "ch02_partial_derivatives",
    "fields": "ch03_gradients",
    "fitting": "ch04_gradient_descent",
    "schedules": "ch05_learning_rate",
    "autodiff": "ch06_chain_rule",
    "pitfalls": "ch07_pitfalls",
    "optimizers": "ch08_optimizers",
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
#: Modules of book pages that are not chapters (the playground races Chapter 8's optimizers
#: on the catalogue): a third layer on top, which may import the core and the chapter layer;
#: neither of those may import it.
PAGES = ["gdlib.playground"]
CORE = sorted(m for m in MODULES if m.count(".") == 1 and m != "gdlib.chapters"
              and m not in PAGES)
CHAPTERS = sorted(m for m in MODULES if m.startswith("gdlib.chapters."))


def canonical(name: str) -> str:
    """A gdlib module name with the old aliases resolved (gdlib.fitting -> its chapter)."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "gdlib" and parts[1] in ALIASES:
        return ".".join(["gdlib", "chapters", ALIASES[parts[1]], *parts[2:]])
    return name


def imports_of(module: str) -> set[str]:
    """The gdlib modules that ``module`` imports (the package root itself left out)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "gdlib")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "gdlib":
                target = node.module
            else:
                continue
            for a in node.names:  # `from . import calculus` imports a module
                sub = canonical(f"{target}.{a.name}")
                out.add(sub if sub in MODULES else canonical(target))
    return {canonical(m) for m in out} - {"gdlib"}


def test_the_layers_are_what_the_docs_say():
    assert "gdlib.descent" in CORE and "gdlib.calculus" in CORE
    assert len(CHAPTERS) >= 7
    for m in CHAPTERS:
        assert re.fullmatch(r"gdlib\.chapters\.ch\d\d_[a-z0-9_]+", m), m


@pytest.mark.parametrize("module", CHAPTERS)
def test_a_chapter_module_imports_only_the_core(module):
    bad = sorted(m for m in imports_of(module) if m not in CORE)
    assert not bad, f"{module} imports {bad}: a chapter module may use only the core"


@pytest.mark.parametrize("module", CORE)
def test_the_core_never_imports_a_chapter_module(module):
    bad = sorted(m for m in imports_of(module) if m.startswith("gdlib.chapters") or m in PAGES)
    assert not bad, f"{module} imports {bad}: move what two chapters share into the core"


@pytest.mark.parametrize("module", CHAPTERS)
def test_no_chapter_module_imports_a_page_module(module):
    assert not imports_of(module) & set(PAGES)


def test_the_page_layer_exists():
    assert all(m in MODULES for m in PAGES)


def test_no_import_cycle_anywhere_in_gdlib():
    graph = {m: imports_of(m) & set(MODULES) for m in MODULES if m != "gdlib"}
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(m, path):
        state[m] = 1
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                cycle = path[path.index(n):] + [n]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_every_module_is_on_the_api_page():
    page = (ROOT / "appendices" / "api.md").read_text()
    listed = set(re.findall(r"automodule:: ([\w.]+)", page))
    public = {m for m in MODULES if not m.rsplit(".", 1)[-1].startswith("_")}
    assert public - listed == set(), "add these to appendices/api.md"
    assert listed - public == set(), "appendices/api.md lists modules that do not exist"
    # the chapters in order
    chapters = [m for m in re.findall(r"automodule:: ([\w.]+)", page) if m in CHAPTERS]
    assert chapters == sorted(chapters)


def test_every_chapter_module_is_named_like_its_notebook():
    notebooks = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    for m in CHAPTERS:
        stem = m.rsplit(".", 1)[-1][2:]  # ch05_learning_rate -> 05_learning_rate
        assert stem in notebooks, f"{m} has no notebook chapters/{stem}.ipynb"


def test_the_old_module_names_are_the_same_modules():
    """In a fresh interpreter: every way a reader's code may name a chapter module works."""
    lines = ["import importlib", "import gdlib as gd", "import gdlib.chapters"]
    for old, new in ALIASES.items():
        lines += [
            f"import gdlib.{old}",
            f"from gdlib.chapters import {new}",
            f"assert gd.{old} is gdlib.{old} is {new}",
            f"assert importlib.import_module('gdlib.{old}') is {new}",
            f"assert {new}.__all__ and all(hasattr(gd.{old}, n) for n in {new}.__all__)",
            f"exec('from gdlib.{old} import ' + ', '.join({new}.__all__))",
        ]
    lines += [
        "from gdlib.optimizers import GD, Optimizer, learning_rate_at",
        "assert GD is gd.GD and Optimizer is gd.Optimizer is gd.descent.Optimizer",
        "from gdlib.pitfalls import cliff, bounded_saddle, CLIFF_HEIGHT",
        "assert cliff is gd.get_function('cliff') and CLIFF_HEIGHT == 5.0",
        "import gdlib.prose, gdlib.notebook",
    ]
    code = "\n".join(lines)
    res = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
