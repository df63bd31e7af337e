"""Start a new chapter: the notebook, its gdlib module, its test file and its TOC entry.

Usage: python scripts/new_chapter.py NN topic      (e.g. 09 curvature)

Creates, from ``scripts/templates/chapter.txt`` (the chapter skeleton with placeholders
to replace, and the working pieces the tests require: two interactive figures, three
exercises, a quiz, a glossary link and a citation):

- ``chapters/NN_topic.ipynb`` (with the Colab install cell of ``_config.yml``'s repository);
- ``gdlib/chapters/chNN_topic.py``, the chapter's module (it may import only the core);
- ``tests/test_chNN_topic.py``, its tests;
- the entry in ``_toc.yml`` (after the last chapter), a section on ``appendices/api.md``
  and a row in the instructors' time table (``appendices/instructors.md``), its times
  marked "to estimate" for the author to fill in.

Then: ``make outputs NB=chapters/NN_topic.ipynb`` and ``make check-notebook NB=...``.
Nothing is overwritten: an existing file is an error. ``NN`` must be the next number.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nbbuild import parse  # noqa: E402
from set_repository import install_cell_source  # noqa: E402

MODULE = '''"""{title} (Chapter {n}): what only this chapter needs.

Shared helpers belong in the core (``gdlib.calculus``, ``gdlib.descent``, ``gdlib.plotting``,
...); this module may import only those. Give every function a numpydoc docstring with an
``Examples`` section (it runs as a doctest) and errors that name the bad argument.
"""

from __future__ import annotations

__all__: list[str] = []
'''

TEST = '''"""gdlib.chapters.{module}: tests of Chapter {n}'s helpers.

Analytic answers, an independent implementation, hypothesis properties and a bad-input
table, as in the other chapters' tests. No expected value copied from gdlib's output.
"""

from __future__ import annotations

from gdlib.chapters import {module} as chapter


def test_the_module_is_documented_and_exports_only_what_exists():
    assert chapter.__doc__ and "Chapter {n}" in chapter.__doc__
    assert all(hasattr(chapter, name) for name in chapter.__all__)
'''

API = '''
## Chapter {n}, {title_lower} (`gdlib.chapters.{module}`)

```{{eval-rst}}
.. automodule:: gdlib.chapters.{module}
   :members:
```
'''


def chapter_files(root: Path) -> list[Path]:
    return sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb"))


def title_of(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        m = re.match(r"# (.+)", cell.source) if cell.cell_type == "markdown" else None
        if m:
            return m.group(1).strip()
    return path.stem


def add_to_toc(root: Path, entry: str) -> None:
    """Insert ``- file: entry`` after the last chapter, keeping the file's comments."""
    path = root / "_toc.yml"
    lines = path.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if re.match(r"\s*- file: chapters/", line))
    indent = re.match(r"(\s*)", lines[last]).group(1)
    lines.insert(last + 1, f"{indent}- file: {entry}\n")
    text = "".join(lines)
    files = [c["file"] for p in yaml.safe_load(text)["parts"] for c in p.get("chapters", [])]
    assert entry in files, "the TOC entry did not land in a chapters list"
    path.write_text(text)


TIME_TABLE = "## Time per chapter"
TO_ESTIMATE = "to estimate"


def with_time_row(text: str, title: str) -> str:
    """The instructors' page ``text`` with ``| title | to estimate | to estimate |`` as
    the last row of its time table."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == TIME_TABLE), None)
    rows = [] if start is None else [i for i in range(start + 1, len(lines))
                                     if lines[i].startswith("|")]
    if not rows:
        raise SystemExit(f"appendices/instructors.md has no table under '{TIME_TABLE}'")
    last = rows[0]
    while last + 1 < len(lines) and lines[last + 1].startswith("|"):
        last += 1  # the table ends at the first line that is not a row
    lines.insert(last + 1, f"| {title} | {TO_ESTIMATE} | {TO_ESTIMATE} |\n")
    return "".join(lines)


def new_chapter(root: Path, number: str, topic: str) -> list[Path]:
    if not re.fullmatch(r"\d\d", number):
        raise SystemExit(f"NN must be two digits, e.g. 09; got {number!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", topic):
        raise SystemExit(f"topic must be lower_case_with_underscores, got {topic!r}")
    existing = chapter_files(root)
    if int(number) != len(existing) + 1:
        raise SystemExit(f"the next chapter is {len(existing) + 1:02d}, not {number}")
    stem, module = f"{number}_{topic}", f"ch{number}_{topic}"
    title = topic.replace("_", " ").capitalize()
    paths = {
        "notebook": root / "chapters" / f"{stem}.ipynb",
        "module": root / "gdlib" / "chapters" / f"{module}.py",
        "test": root / "tests" / f"test_{module}.py",
    }
    for p in paths.values():
        if p.exists():
            raise SystemExit(f"{p.relative_to(root)} exists already: nothing was changed")
    instructors = root / "appendices" / "instructors.md"
    timed = with_time_row(instructors.read_text(), title)  # checked before anything is written
    fields = {"title": title, "topic": topic, "module": module, "n": str(int(number)),
              "prev": existing[-1].stem if existing else "01_derivatives",
              "prev_title": title_of(existing[-1]) if existing else "Derivatives"}
    draft = (HERE / "templates" / "chapter.txt").read_text()
    for key, value in fields.items():
        draft = draft.replace("{" + key + "}", value)
    nb = parse(draft)
    repo = yaml.safe_load((root / "_config.yml").read_text())["repository"]
    install = nbformat.v4.new_code_cell(install_cell_source(repo["url"], repo["branch"]))
    install.metadata["tags"] = ["remove-cell"]
    install["id"] = "colab-install"
    nb.cells.insert(0, install)
    nbformat.write(nb, paths["notebook"])
    paths["module"].write_text(MODULE.format(**fields))
    paths["test"].write_text(TEST.format(**fields))
    add_to_toc(root, f"chapters/{stem}")
    instructors.write_text(timed)
    api = root / "appendices" / "api.md"
    api.write_text(api.read_text().rstrip("\n") + "\n" + API.format(
        title_lower=title.lower(), **fields))
    return list(paths.values())


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    root = HERE.parent
    for p in new_chapter(root, argv[0], argv[1]):
        print(f"created {p.relative_to(root)}")
    print(f"added chapters/{argv[0]}_{argv[1]} to _toc.yml, a section to appendices/api.md "
          "and a row to the time table of appendices/instructors.md (times to estimate)")
    print(f"next: make outputs NB=chapters/{argv[0]}_{argv[1]}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
