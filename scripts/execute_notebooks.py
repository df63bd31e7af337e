"""Re-execute notebooks in place, refreshing the outputs that nbval compares.

Usage: python scripts/execute_notebooks.py [chapters/01_derivatives.ipynb ...]
(no argument: every notebook that nbval checks, chapters/ and appendices/)

Fails (exit 1) if a cell raises or writes to stderr. Execution timestamps are not
stored, so a re-run that changes nothing leaves the file unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
#: What `make test`'s nbval stage checks (scripts/test.sh: `--nbval chapters appendices`).
NBVAL_CHECKED = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted(
    (ROOT / "appendices").glob("*.ipynb")
)


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - t0
    problems = []
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i} wrote to stderr: {out.get('text', '')[:200]!r}")
    nb.metadata.pop("widgets", None)  # live widget state: not needed, only weight
    if problems:
        raise SystemExit(f"{path}:\n  " + "\n  ".join(problems))
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or NBVAL_CHECKED
    for p in paths:
        s = execute(p)
        print(f"{p}: executed in {s:.1f} s, {p.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
