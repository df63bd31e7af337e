"""The reader's environment (binder/) holds what the notebooks import, at the book's pins.

repo2docker reads `binder/` first and ignores the top-level files, so `binder/requirements.txt`
is all a Binder reader gets (with JupyterLab, which Binder's image brings). It must give the
notebooks every module they import, at the same versions as `requirements.txt` (the book's
figures and numbers come from those), and nothing of the book's toolchain.
"""

from __future__ import annotations

import ast
import json
import re
import sys

from tests.site.conftest import ROOT

# import name -> distribution that provides it in the reader's environment
PROVIDED_BY = {"numpy": "numpy", "matplotlib": "matplotlib", "PIL": "pillow",
               "ipywidgets": "ipywidgets", "IPython": "ipykernel", "gdlib": ".",
               "scipy": "scipy"}


def requirement_lines(path):
    return [ln.split("#")[0].strip() for ln in path.read_text().splitlines()
            if ln.split("#")[0].strip()]


def pins(path) -> dict[str, str]:
    out = {}
    for ln in requirement_lines(path):
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", ln)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_binder_runtime_is_the_books_python():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == \
        (ROOT / "runtime.txt").read_text().strip()


def test_binder_pins_are_the_books_pins_and_no_toolchain():
    binder, book = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    for name, version in binder.items():
        assert book.get(name) == version, f"{name}: {version} here, {book.get(name)} for the book"
    assert not [n for n in binder if n.startswith(("jupyter-book", "sphinx", "myst"))]
    assert "." in requirement_lines(ROOT / "binder" / "requirements.txt"), "gdlib itself"


def test_binder_gives_every_module_the_notebooks_import():
    lines = requirement_lines(ROOT / "binder" / "requirements.txt")
    names = set(pins(ROOT / "binder" / "requirements.txt")) | ({"."} & set(lines))
    imported = set()
    for path in sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("appendices/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            code = "\n".join(ln for ln in "".join(cell["source"]).splitlines()
                             if not ln.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names)
    unknown = third_party - set(PROVIDED_BY)
    assert not unknown, f"notebooks import {unknown}: add them to binder/requirements.txt"
    missing = {m for m in third_party if PROVIDED_BY[m] not in names}
    assert not missing, f"binder/requirements.txt lacks what provides {missing}"
