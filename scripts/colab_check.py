"""Colab's path: each notebook's own install cell, in an environment like Colab's.

Colab has numpy, matplotlib, scipy, ipywidgets and ipykernel preinstalled, and not gdlib. Each
notebook's first cell installs gdlib when it is missing, from the repository, or from
$DOWNHILL_GDLIB when that is set. This check makes one brand-new virtual environment with
only those five packages, builds gdlib's wheel from the checkout once, and then for every
notebook: uninstalls gdlib, executes the whole notebook with DOWNHILL_GDLIB pointing at the
wheel (so the install cell is the real one and really installs), and fails on any cell error
or stderr output, or if the install cell did not install.

    python scripts/colab_check.py            # the pins of requirements.txt, every notebook
    python scripts/colab_check.py --oldest   # the oldest numpy/matplotlib pyproject allows

Runs with the project's environment (nbclient); the kernel runs in the Colab-like one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
COLAB_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "ipykernel", "scipy")
# This machine's pip configuration names index folders that do not exist; pip warns about
# each on stderr. Harmless, and not something a Colab reader sees.
PIP_CONFIG_NOISE = re.compile(r"^WARNING: Location '[^']*' is ignored: it is neither a file nor "
                              r"a directory\.$")


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def floors() -> dict[str, str]:
    """The lowest versions pyproject.toml allows (its `>=` bounds)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", dep)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def requirements(oldest: bool) -> list[str]:
    p = pins()
    reqs = [f"{name}=={p[name]}" for name in COLAB_PACKAGES]
    if oldest:
        f = floors()
        reqs = [f"{name}=={f[name]}" if name in ("numpy", "matplotlib") else r
                for name, r in zip(COLAB_PACKAGES, reqs, strict=True)]
    return reqs


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, **kw)


def pip(env: Path, *args: str) -> None:
    run([str(env / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        stderr=subprocess.DEVNULL if "uninstall" in args else None)


def notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb")) + sorted(
        (ROOT / "appendices").glob("*.ipynb"))


def covering(n: int) -> list[Path]:
    """The `n` notebooks that together call the most distinct gdlib names (`gd.x`, `gd.m.x`):
    the chapters use numpy and matplotlib mostly through gdlib, so these reach most of it."""
    calls = {}
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        calls[path] = set(re.findall(r"\bgd\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)", code))
    everything = set().union(*calls.values())
    chosen, left = [], set(everything)
    while len(chosen) < n and left:
        best = max(calls, key=lambda p: len(calls[p] & left))  # first of equals: lowest number
        chosen.append(best)
        left -= calls.pop(best)
    print(f"{', '.join(p.stem for p in chosen)}: {len(everything) - len(left)} of the "
          f"{len(everything)} gdlib names the notebooks call", flush=True)
    return sorted(chosen)


def execute(path: Path, kernel_env: dict[str, str], kernel_name: str) -> list[str]:
    """Execute a copy of `path`; return the problems found."""
    nb = nbformat.read(path, as_version=4)
    old_env = os.environ.copy()
    os.environ.clear()
    os.environ.update(kernel_env)  # the kernel inherits the client's environment
    try:
        NotebookClient(nb, timeout=120, kernel_name=kernel_name,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as e:
        return [f"cell error: {str(e)[-1500:]}"]
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "error":
                problems.append(f"cell {i}: {out.ename}: {out.evalue}")
            if out.get("name") == "stderr":
                lines = [ln for ln in out.text.splitlines()
                         if ln.strip() and not (i == 0 and PIP_CONFIG_NOISE.match(ln))]
                if lines:
                    problems.append(f"cell {i} wrote to stderr: {lines[:5]}")
    first = "".join(o.get("text", "") for o in nb.cells[0].get("outputs", []))
    if "gdlib is installed" in first:
        problems.append("the install cell found gdlib already installed: nothing was tested")
    return problems


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oldest", action="store_true",
                    help="numpy and matplotlib at the lowest versions pyproject.toml allows")
    ap.add_argument("--env", type=Path, help="where to make the virtual environment")
    ap.add_argument("--cover", type=int, metavar="N",
                    help="only the N notebooks that together call the most gdlib names")
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    args = ap.parse_args(argv)
    tag = "oldest" if args.oldest else "current"
    env = args.env or Path(f"/tmp/downhill-colab-{tag}")
    shutil.rmtree(env, ignore_errors=True)
    t0 = time.monotonic()
    run([sys.executable, "-m", "venv", str(env)])
    reqs = requirements(args.oldest)
    pip(env, "install", "--quiet", *reqs)
    # matplotlib builds its font cache at the first import and says so on stderr; Colab's
    # preinstalled matplotlib has done that long before a reader's first cell
    run([str(env / "bin" / "python"), "-c", "import matplotlib.font_manager"])
    kernel = f"downhill-colab-{tag}"
    run([str(env / "bin" / "python"), "-m", "ipykernel", "install", "--prefix", str(env),
         "--name", kernel], stdout=subprocess.DEVNULL)
    wheels = env / "gdlib-wheel"
    # the same build pip does for the real cell's git URL, done once, from a copy of the
    # package's files as a clone has them: setuptools builds in the tree it is given
    # (build/, gdlib.egg-info), and the test command runs this beside Binder's check, which
    # pip-installs gdlib from the checkout itself
    src = env / "gdlib-src"
    for name in ("pyproject.toml", "README.md"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "gdlib", src / "gdlib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pip(env, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(src))
    wheel = next(wheels.glob("gdlib-*.whl"))
    print(f"Colab-like environment ({', '.join(reqs)}) ready in {time.monotonic() - t0:.0f} s",
          flush=True)

    kernel_env = {k: v for k, v in os.environ.items()
                  if k not in ("MPLBACKEND", "PYTHONPATH", "VIRTUAL_ENV")}
    kernel_env.update(DOWNHILL_GDLIB=str(wheel), PIP_DISABLE_PIP_VERSION_CHECK="1",
                      JUPYTER_PATH=str(env / "share" / "jupyter"))
    kernel_env["PATH"] = f"{env / 'bin'}:{kernel_env.get('PATH', '')}"
    failed = 0
    chosen = covering(args.cover) if args.cover else [p.resolve() for p in args.notebooks]
    for path in chosen or notebooks():
        pip(env, "uninstall", "--quiet", "--yes", "gdlib")
        t = time.monotonic()
        problems = execute(path, kernel_env, kernel)
        rel = path.relative_to(ROOT)
        verdict = "FAILED" if problems else "ok    "
        print(f"{verdict} {rel} ({time.monotonic() - t:.1f} s)", flush=True)
        for p in problems:
            print("       " + p, flush=True)
        failed += bool(problems)
    # leave the environment as Colab's four packages plus gdlib (binder_check.sh --reuse)
    shutil.rmtree(wheels)
    run([str(env / "bin" / "jupyter"), "kernelspec", "remove", "-y", kernel],
        stderr=subprocess.DEVNULL)
    versions = subprocess.run(
        [str(env / "bin" / "python"), "-c",
         "import json, numpy, matplotlib; print(json.dumps([numpy.__version__, "
         "matplotlib.__version__]))"], capture_output=True, text=True, check=True).stdout
    print(f"numpy {json.loads(versions)[0]}, matplotlib {json.loads(versions)[1]}: "
          f"{'all passed' if not failed else f'{failed} failed'} in "
          f"{time.monotonic() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
