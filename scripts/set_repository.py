"""Keep every notebook's Colab install cell in step with `_config.yml`'s `repository`.

The book's one repository setting (`repository: url/branch` in `_config.yml`) drives the
Binder/Colab launch buttons. Colab does not install `requirements.txt`, so each notebook
starts with a small cell (hidden in the book) that installs `gdlib` from the repository
when it is missing. This script writes that cell into every notebook from the setting.

Usage:
    python scripts/set_repository.py                 # sync notebooks with _config.yml
    python scripts/set_repository.py URL [BRANCH]    # change the setting, then sync
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab (or any Python without gdlib): install the course's helper package."


def install_cell_source(url: str, branch: str) -> str:
    return (
        f"{MARKER}\n"
        "import importlib.util\n\n"
        'if importlib.util.find_spec("gdlib") is None:\n'
        f'    %pip install --quiet "gdlib @ git+{url.rstrip("/")}@{branch}"\n'
        "else:\n"
        '    print("gdlib is installed")'
    )


def notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb")) + sorted(
        (ROOT / "appendices").glob("*.ipynb")
    )


def sync(url: str, branch: str) -> int:
    changed = 0
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        src = install_cell_source(url, branch)
        first = nb.cells[0] if nb.cells else None
        if first is not None and first.cell_type == "code" and first.source.startswith(MARKER):
            if first.source == src:
                continue
            first.source = src
        else:
            cell = nbformat.v4.new_code_cell(src)
            cell.metadata["tags"] = ["remove-cell"]
            cell["id"] = "colab-install"
            nb.cells.insert(0, cell)
        nbformat.write(nb, path)
        changed += 1
        print(f"updated {path.relative_to(ROOT)}")
    return changed


def main(argv: list[str]) -> int:
    cfg_path = ROOT / "_config.yml"
    text = cfg_path.read_text()
    if argv:
        url = argv[0]
        branch = argv[1] if len(argv) > 1 else "main"
        text = re.sub(r"(?m)^(  url: ).*$", rf"\g<1>{url}", text, count=1)
        text = re.sub(r"(?m)^(  branch: ).*$", rf"\g<1>{branch}", text, count=1)
        cfg_path.write_text(text)
    repo = yaml.safe_load(text)["repository"]
    sync(repo["url"], repo.get("branch", "main"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
