"""Student notebooks: every chapter without its solutions, ready to hand out.

Usage: python scripts/make_student.py [--out student] [--jobs 2] [notebook ...]
(default: every chapter in _toc.yml). Writes ``<out>/NN_topic.ipynb``.

What changes from the chapter:
* cells tagged ``solution`` (the code that computes the solutions' numbers) are removed;
* ``:::{solution}`` blocks are cut out of the Markdown (the exercise texts stay);
* self-check cells stay. The expected values they compare with were computed in removed
  cells, so the chapter is executed once and those values are stored *sealed*
  (:mod:`gdlib.sealed`) in a generated cell tagged ``answer-keys``: the checks work, the
  answers are not in plain view;
* outputs and execution counts are cleared; the Colab install cell is kept, so a student
  notebook opens and runs anywhere the chapter does.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for _toc, run or imported
from _toc import chapter_notebooks  # noqa: E402 - the TOC walker every script shares

SOLUTION_OPEN = re.compile(r"^(?P<fence>:{3,})\{solution\}")
KEYS_TAG = "answer-keys"


def split_solutions(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` without its ``:::{solution}`` blocks, and the blocks themselves."""
    out, blocks, lines, i = [], [], markdown.splitlines(keepends=True), 0
    while i < len(lines):
        m = SOLUTION_OPEN.match(lines[i].lstrip())
        if not m:
            out.append(lines[i])
            i += 1
            continue
        fence, start = m["fence"], i
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            i += 1
        i += 1  # the closing fence
        blocks.append("".join(lines[start:i]))
    return "".join(out), blocks


def strip_solution_blocks(markdown: str) -> str:
    """``markdown`` without its ``:::{solution}`` blocks (nested fences handled)."""
    text, _ = split_solutions(markdown)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + ("\n" if text.strip() else "")


def _code(source: str) -> str:
    # IPython magics and shell lines are not Python: blank them for ast
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def names(source: str) -> tuple[set[str], set[str]]:
    """(names assigned, names read) by a code cell."""
    try:
        tree = ast.parse(_code(source))
    except SyntaxError:
        return set(), set()
    stored, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0] for a in node.names)
    return stored, loaded


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


def plan(nb):
    """Which cells stay, and which names the kept cells need from removed ones."""
    kept, needed, defined_kept, removed_defs = [], [], set(), {}
    for i, cell in enumerate(nb.cells):
        if is_solution_cell(cell):
            stored, _ = names(cell.source)
            for n in stored:
                removed_defs.setdefault(n, i)
            continue
        if cell.cell_type == "code":
            stored, loaded = names(cell.source)
            for n in sorted(loaded - defined_kept):
                if n in removed_defs and n not in needed:
                    needed.append(n)
            defined_kept |= stored
        kept.append(i)
    return kept, needed, removed_defs


def sealed_values(path: Path, nb, wanted: list[str]) -> dict[str, str]:
    """Execute the chapter and seal the values of ``wanted``."""
    from nbclient import NotebookClient

    run = copy.deepcopy(nb)
    probe = ("import json as _json\nfrom gdlib.sealed import seal as _seal\n"
             f"print(_json.dumps({{_n: _seal(globals()[_n]) for _n in {wanted!r}}}))")
    run.cells.append(nbformat.v4.new_code_cell(probe))
    NotebookClient(run, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(o.get("text", "") for o in run.cells[-1].outputs if o.get("name") == "stdout")
    return json.loads(text)


def student_notebook(path: Path):
    """The student version of the chapter at ``path``."""
    nb = nbformat.read(path, as_version=4)
    kept, needed, removed_defs = plan(nb)
    keys = sealed_values(path, nb, needed) if needed else {}
    out = copy.deepcopy(nb)
    cells = []
    keys_at = min((removed_defs[n] for n in needed), default=None)
    for i in kept:
        if keys_at is not None and i > keys_at and keys:
            lines = "".join(f"{n} = unseal({keys[n]!r})\n" for n in needed)
            cells.append(nbformat.v4.new_code_cell(
                "# Answer keys for the self-checks below, sealed so they are not in plain view.\n"
                "from gdlib.sealed import unseal\n\n" + lines,
                metadata={"tags": [KEYS_TAG, "remove-cell"]}))
            keys = {}
        cell = copy.deepcopy(nb.cells[i])
        if cell.cell_type == "markdown":
            cell.source = strip_solution_blocks(cell.source)
            if not cell.source.strip():
                continue
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)
    return out


def chapters_in_toc() -> list[Path]:
    """The chapter notebooks listed in ``_toc.yml``, in order."""
    return chapter_notebooks(ROOT)


def _write(path: str, out_dir: str) -> str:
    nb = student_notebook(Path(path))
    target = Path(out_dir) / Path(path).name
    nbformat.write(nb, target)
    return str(target)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "student")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = args.notebooks or chapters_in_toc()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for target in pool.map(_write, [str(p) for p in paths], [str(args.out)] * len(paths)):
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
