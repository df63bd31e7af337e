"""Turn a chapter draft in plain text into a notebook (outputs are filled by execution).

A draft is a text file split into cells by marker lines:

    %% md                      -> a Markdown cell
    %% code                    -> a code cell
    %% code {"tags": ["hide-input"]}   -> a code cell with that cell metadata (JSON)

Usage: python scripts/nbbuild.py DRAFT.txt chapters/NN_name.ipynb
then:  make outputs NB=chapters/NN_name.ipynb

The notebook is the source of truth once made; the draft is just a convenient way to
write a first version (or to convert an edited notebook back: --reverse).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    kind, meta, lines = None, {}, []

    def flush():
        if kind is None:
            return
        src = "\n".join(lines).strip("\n")
        new = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = new(src)
        cell.metadata.update(meta)
        nb.cells.append(cell)

    for line in text.splitlines():
        if line.startswith("%% "):
            flush()
            head = line[3:].strip()
            kind, _, rest = head.partition(" ")
            if kind not in ("md", "code"):
                raise SystemExit(f"unknown cell marker: {line!r}")
            meta = json.loads(rest) if rest.strip() else {}
            lines = []
        else:
            lines.append(line)
    flush()
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    return nb


def unparse(nb) -> str:
    parts = []
    for cell in nb.cells:
        kind = "md" if cell.cell_type == "markdown" else "code"
        meta = {k: v for k, v in cell.metadata.items() if k != "execution"}
        head = f"%% {kind}" + (f" {json.dumps(meta)}" if meta else "")
        parts.append(head + "\n" + cell.source)
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--reverse":
        nb = nbformat.read(args[1], as_version=4)
        Path(args[2]).write_text(unparse(nb))
    else:
        src, dst = Path(args[0]), Path(args[1])
        nbformat.write(parse(src.read_text()), dst)
        print(f"wrote {dst}")
