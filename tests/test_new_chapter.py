"""scripts/new_chapter.py in a scratch copy of the repository: the chapter it creates
executes, passes the notebook, layout and nbval checks, builds into the book with -W and
passes the static site checks. (About a minute: it builds the whole book, rendering the
committed outputs: only the new chapter and the text notebooks are executed.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests._load import load_script

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs the git checkout (to copy its files)")


def run(args, cwd, env, timeout=600):
    res = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert res.returncode == 0, f"{args}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res.stdout


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A copy of the repository's files (tracked and untracked, not ignored)."""
    dst = tmp_path_factory.mktemp("repo")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    # build-time math: the checkout's MathJax for Node (scripts/provision.sh), not a second
    # npm install
    modules = ROOT / "_ext" / "node_modules"
    if modules.is_dir():
        (dst / "_ext" / "node_modules").symlink_to(modules, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(dst), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    env.pop("DOWNHILL_SITE", None)
    return dst, env


def test_new_chapter_creates_a_chapter_that_executes_tests_and_builds(scratch):
    root, env = scratch
    n = len(list((root / "chapters").glob("[0-9][0-9]_*.ipynb"))) + 1
    number, topic = f"{n:02d}", "scaffold_check"
    stem, module = f"{number}_{topic}", f"ch{number}_{topic}"
    py = str(BIN / "python")

    # wrong numbers and existing files are refused, and change nothing
    res = subprocess.run([py, "scripts/new_chapter.py", f"{n + 1:02d}", topic], cwd=root,
                         env=env, capture_output=True, text=True)
    assert res.returncode != 0 and f"the next chapter is {number}" in res.stderr
    assert not (root / "chapters" / f"{stem}.ipynb").exists()

    out = run([py, "scripts/new_chapter.py", number, topic], cwd=root, env=env)
    assert f"created chapters/{stem}.ipynb" in out
    for rel in (f"chapters/{stem}.ipynb", f"gdlib/chapters/{module}.py",
                f"tests/test_{module}.py"):
        assert (root / rel).is_file(), rel
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    chapters = [c["file"] for c in toc["parts"][0]["chapters"]]
    assert chapters[-1] == f"chapters/{stem}" and chapters == sorted(chapters)
    assert f"automodule:: gdlib.chapters.{module}" in (root / "appendices/api.md").read_text()
    res = subprocess.run([py, "scripts/new_chapter.py", number, topic], cwd=root, env=env,
                         capture_output=True, text=True)
    assert res.returncode != 0  # a second run overwrites nothing

    # execute it (make outputs), then the checks that apply to every chapter
    run([py, "scripts/execute_notebooks.py", f"chapters/{stem}.ipynb"], cwd=root, env=env)
    run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_notebooks.py",
         "tests/test_layout.py", f"tests/test_{module}.py"], cwd=root, env=env)
    for extra in ("tests/test_parameters.py", "tests/test_exercise_index.py"):
        if (root / extra).exists():  # the parameters cell and the exercise metadata
            run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", extra, "-k", stem],
                cwd=root, env=env)
    run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-sanitize-with",
         "nbval_sanitize.cfg", f"chapters/{stem}.ipynb"], cwd=root, env=env)
    run([str(BIN / "ruff"), "check", f"chapters/{stem}.ipynb", f"gdlib/chapters/{module}.py",
         f"tests/test_{module}.py"], cwd=root, env=env)

    # the strict build: every .ipynb (the new one included, executed above) is rendered from
    # its stored outputs, not executed again; the text notebooks (playground.md) execute
    cfg = root / "_config.yml"
    text = cfg.read_text()
    text = re.sub(r"(?m)^(  execute_notebooks:).*$", r'\1 "force"\n  exclude_patterns: ["*.ipynb"]',
                  text)
    assert 'exclude_patterns: ["*.ipynb"]' in text
    cfg.write_text(text)
    run([str(BIN / "jupyter-book"), "build", "--all", "-W", "--keep-going", "."], cwd=root,
        env=env, timeout=900)
    page = root / "_build" / "html" / "chapters" / f"{stem}.html"
    assert page.is_file()
    env_site = {**env, "DOWNHILL_SITE": str(root / "_build" / "html")}
    run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/site/test_static.py"],
        cwd=root, env=env_site)


def _time_rows(text: str) -> list[list[str]]:
    """The rows of the instructors' time table, as lists of cells (header and rule left out)."""
    block = text.split("## Time per chapter", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()[2:]]


def test_new_chapter_adds_its_row_to_the_instructors_time_table(tmp_path):
    # only the files new_chapter reads and writes, in a scratch folder (no build: fast)
    for rel in ("_toc.yml", "_config.yml", "appendices/api.md", "appendices/instructors.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, tmp_path / rel)
    (tmp_path / "chapters").mkdir()
    for nb in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(nb, tmp_path / "chapters" / nb.name)
    (tmp_path / "gdlib" / "chapters").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    before = _time_rows((ROOT / "appendices" / "instructors.md").read_text())
    n = len(list((tmp_path / "chapters").glob("*.ipynb"))) + 1
    assert len(before) == n - 1  # one row per chapter, today

    new_chapter = load_script("new_chapter")
    new_chapter.new_chapter(tmp_path, f"{n:02d}", "time_table_check")
    after = (tmp_path / "appendices" / "instructors.md").read_text()
    rows = _time_rows(after)
    assert rows[:-1] == before  # the others untouched, the new row last in the table
    assert rows[-1] == ["Time table check", "to estimate", "to estimate"]
    assert after.count("## Time per chapter") == 1 and "\n\n## Exercises" in after

    # a page without the table is refused before anything is written
    (tmp_path / "appendices" / "instructors.md").write_text("# For instructors\n")
    with pytest.raises(SystemExit, match="no table under"):
        new_chapter.new_chapter(tmp_path, f"{n + 1:02d}", "refused")
    assert not (tmp_path / "chapters" / f"{n + 1:02d}_refused.ipynb").exists()
