"""Keep every notebook's Colab install cell in step with `_config.yml`'s `repository`.

The book's one repository setting (`repository: url/branch` in `_config.yml`) drives the
Binder/Colab/JupyterHub launch buttons. Colab does not install `requirements.txt`, so each
notebook starts with a small cell (hidden in the book) that installs `gdlib` from the
repository when it is missing. This script writes that cell into every notebook from the
setting. The cell honours one override, the environment variable `DOWNHILL_GDLIB` (what pip
installs gdlib from: a checkout's path, a wheel, another URL), so CI can run the very cell a
Colab reader runs against the local checkout (`scripts/colab_check.sh`).

Usage:
    python scripts/set_repository.py                 # sync notebooks with _config.yml
    python scripts/set_repository.py URL [BRANCH]    # change the setting, then sync

`_config.yml` is edited through the YAML parser: it finds the exact place of each value and
only that text is replaced, so comments and layout stay as they are.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab (or any Python without gdlib): install the course's helper package."
OVERRIDE = "DOWNHILL_GDLIB"


def install_cell_source(url: str, branch: str) -> str:
    requirement = f"gdlib @ git+{url.rstrip('/')}@{branch}"
    return (
        f"{MARKER}\n"
        "import importlib\n"
        "import importlib.util\n"
        "import os\n\n"
        'if importlib.util.find_spec("gdlib") is None:\n'
        f"    # ${OVERRIDE} (a checkout, a wheel) replaces the repository, as in CI's check\n"
        f'    gdlib_source = os.environ.get("{OVERRIDE}", "{requirement}")\n'
        '    %pip install --quiet "{gdlib_source}"\n'
        "    importlib.invalidate_caches()\n"
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


def _scalar(value: str) -> str:
    """`value` as YAML text: plain when YAML reads it back unchanged, else double-quoted
    (a JSON string is a valid YAML double-quoted scalar)."""
    try:
        plain_ok = yaml.safe_load(value) == value and "#" not in value
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok else json.dumps(value)


def set_mapping_values(text: str, section: str, values: dict[str, str]) -> str:
    """Return `text` (a YAML document) with `section.key` set to each of `values`.

    The parser's node marks locate each existing value, and only those characters change.
    A key missing from the section is added as a new line after the section's last key."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        raise ValueError("the configuration is not a YAML mapping")
    node = next((v for k, v in root.value if k.value == section), None)
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise ValueError(f"`{section}:` must be a block mapping in the configuration")
    edits: list[tuple[int, int, str]] = []
    present = {k.value: (k, v) for k, v in node.value}
    for key, value in values.items():
        if key in present:
            _, v = present[key]
            if not isinstance(v, yaml.ScalarNode):
                raise ValueError(f"`{section}.{key}` must be a single value")
            edits.append((v.start_mark.index, v.end_mark.index, _scalar(value)))
        else:
            last_key, last_value = node.value[-1]
            indent = " " * last_key.start_mark.column
            newline = text.find("\n", last_value.end_mark.index)
            end = len(text) if newline < 0 else newline
            edits.append((end, end, f"\n{indent}{key}: {_scalar(value)}"))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    got = yaml.safe_load(text)[section]
    assert all(got[k] == v for k, v in values.items()), (got, values)
    return text


def main(argv: list[str]) -> int:
    cfg_path = ROOT / "_config.yml"
    text = cfg_path.read_text()
    if argv:
        url = argv[0]
        branch = argv[1] if len(argv) > 1 else "main"
        text = set_mapping_values(text, "repository", {"url": url, "branch": branch})
        cfg_path.write_text(text)
    repo = yaml.safe_load(text)["repository"]
    sync(repo["url"], repo.get("branch", "main"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
