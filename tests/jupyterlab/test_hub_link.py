"""The JupyterHub button (`launch_buttons.jupyterhub_url`) gives a correct nbgitpuller link.

nbgitpuller's link format (its documentation's "link generator"): the hub's address, then
`/hub/user-redirect/git-pull?repo=<git URL>&branch=<branch>&urlpath=<what to open>`. The
repository is cloned into a folder named like it in the student's home, so the chapter is
opened at `lab/tree/<repository name>/<path in the repository>`. The book is built with the
setting switched on (a stub of each page keeps the build to seconds: the link depends only
on the configuration and on the page being a notebook), and every chapter's link is checked
against that format and against the file it must open.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.site.conftest import CHAPTERS, PAGES, ROOT

HUB = "https://hub.example.edu"


def test_jupyterhub_button_is_off_by_default():
    launch = yaml.safe_load((ROOT / "_config.yml").read_text())["launch_buttons"]
    assert "jupyterhub_url" in launch, "document the setting in _config.yml"
    assert not launch["jupyterhub_url"]


def _stub_book(where: Path) -> dict:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    stub = {
        "title": "stub",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": cfg["repository"],
        "launch_buttons": {**cfg["launch_buttons"], "jupyterhub_url": HUB},
        "html": {"use_repository_button": True},
    }
    (where / "_config.yml").write_text(yaml.safe_dump(stub))
    shutil.copy(ROOT / "_toc.yml", where / "_toc.yml")
    for rel in PAGES:
        target = where / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / f"{rel}.ipynb").exists():
            meta = json.loads((ROOT / f"{rel}.ipynb").read_text())["metadata"]
            nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": meta, "cells": [
                {"cell_type": "markdown", "id": "title", "metadata": {},
                 "source": [f"# {Path(rel).name}"]}]}
            target.with_suffix(".ipynb").write_text(json.dumps(nb))
        else:
            target.with_suffix(".md").write_text(f"# {Path(rel).name}\n")
    return cfg


def test_every_chapter_links_to_its_notebook_through_nbgitpuller(tmp_path):
    cfg = _stub_book(tmp_path)
    jb = Path(sys.executable).parent / "jupyter-book"
    done = subprocess.run([str(jb), "build", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    repo_url = cfg["repository"]["url"]
    branch = cfg["repository"]["branch"]
    folder = urlsplit(repo_url).path.rstrip("/").split("/")[-1].removesuffix(".git")
    interface = {"jupyterlab": "lab/tree", "classic": "tree"}[
        cfg["launch_buttons"]["notebook_interface"]]
    for rel in CHAPTERS:
        page = (tmp_path / "_build" / "html" / f"{rel}.html").read_text(encoding="utf-8")
        links = {html.unescape(h) for h in re.findall(r'href="([^"]*git-pull[^"]*)"', page)}
        assert len(links) == 1, f"{rel}: {len(links)} JupyterHub links"
        url = urlsplit(links.pop())
        assert f"{url.scheme}://{url.netloc}" == HUB, url
        assert url.path == "/hub/user-redirect/git-pull", url
        query = parse_qs(url.query, strict_parsing=True)
        assert set(query) == {"repo", "branch", "urlpath"}, query
        assert query["repo"] == [repo_url]
        assert query["branch"] == [branch]
        assert query["urlpath"] == [f"{interface}/{folder}/{rel}.ipynb"], query
        assert (ROOT / f"{rel}.ipynb").exists()


def test_set_repository_changes_only_the_two_values():
    """scripts/set_repository.py edits _config.yml through the YAML parser: the new values
    read back, and every other line (comments included) is left as it was."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from set_repository import set_mapping_values

    text = (ROOT / "_config.yml").read_text()
    new = set_mapping_values(text, "repository",
                             {"url": "https://github.com/someone/fork", "branch": "dev: 2"})
    assert yaml.safe_load(new)["repository"] == {
        **yaml.safe_load(text)["repository"],
        "url": "https://github.com/someone/fork", "branch": "dev: 2"}
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert [a.split(":")[0] for a, _ in changed] == ["  url", "  branch"], changed
    # a key the section lacks is added to it
    added = set_mapping_values("repository:\n  url: x  # the repo\nother: 1\n", "repository",
                               {"branch": "main"})
    assert yaml.safe_load(added) == {"repository": {"url": "x", "branch": "main"}, "other": 1}
    assert "# the repo" in added
