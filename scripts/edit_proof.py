"""Edit-proof check: every chapter runs, and its prose follows, under other parameter values.

Each chapter has one code cell tagged ``parameters`` (papermill's convention) whose lines read

    lr = 0.1  # range: 0.01 to 0.9
    steps = 50  # range: 10 to 200
    optimizer = "adam"  # choices: "sgd", "adam"

For every chapter this script executes the notebook three more times, with a cell tagged
``injected-parameters`` inserted after the parameters cell (as papermill does): every knob at
the lower end of its range (the first choice), every knob at the upper end (the last choice),
and a seeded random point inside the ranges. A run fails when a cell raises, when a cell
writes to stderr, or when no glued value differs from the committed (default) run: then the
prose would not follow the knobs. Committed notebooks are not modified.

Usage: python scripts/edit_proof.py [--jobs N] [--only NAME] [notebook ...]
(default: every chapter listed in _toc.yml). Exit status 1 if any run failed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import random
import re
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for _toc, run or imported
from _toc import chapter_notebooks  # noqa: E402 - the TOC walker every script shares

LINE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.+?)\s+#\s*(?P<kind>range|choices):\s*(?P<spec>.+?)\s*$"
)
RANGE = re.compile(r"^(?P<lo>\S+)\s+to\s+(?P<hi>\S+)$")
GLUE_KEY = "application/papermill.record/"


@dataclass(frozen=True)
class Knob:
    """One line of a parameters cell."""

    name: str
    default: object
    low: object = None
    high: object = None
    choices: tuple = ()

    def at(self, where: str, rng: random.Random):
        if self.choices:
            if where == "low":
                return self.choices[0]
            if where == "high":
                return self.choices[-1]
            return rng.choice(self.choices)
        if where == "low":
            return self.low
        if where == "high":
            return self.high
        if isinstance(self.default, int):
            return rng.randint(self.low, self.high)
        return round(rng.uniform(self.low, self.high), 6)


def parse_parameters(source: str) -> list[Knob]:
    """The knobs of a parameters cell; ``ValueError`` naming the line if one is malformed."""
    knobs = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            raise ValueError(
                f"parameters line {number} {raw!r} is not 'name = value  # range: a to b' "
                "or 'name = value  # choices: x, y'"
            )
        name, kind, spec = m["name"], m["kind"], m["spec"]
        try:
            default = ast.literal_eval(m["value"])
        except (ValueError, SyntaxError) as exc:
            raise ValueError(f"parameters line {number}: {m['value']!r} is not a literal") from exc
        if kind == "choices":
            try:
                choices = ast.literal_eval(f"({spec},)")
            except (ValueError, SyntaxError) as exc:
                raise ValueError(f"parameters line {number}: bad choices {spec!r}") from exc
            if default not in choices:
                raise ValueError(f"parameters line {number}: default {default!r} not in choices")
            knobs.append(Knob(name, default, choices=tuple(choices)))
            continue
        r = RANGE.match(spec)
        if not r:
            raise ValueError(f"parameters line {number}: range {spec!r} is not 'a to b'")
        low, high = ast.literal_eval(r["lo"]), ast.literal_eval(r["hi"])
        numeric = (int, float)
        if isinstance(default, bool) or not isinstance(default, numeric):
            raise ValueError(f"parameters line {number}: {name} has a range but is not a number")
        if isinstance(default, int) and not (isinstance(low, int) and isinstance(high, int)):
            raise ValueError(f"parameters line {number}: integer {name} needs integer ends")
        if not low <= default <= high or low == high:
            raise ValueError(f"parameters line {number}: need low < high and default inside")
        knobs.append(Knob(name, default, low, high))
    return knobs


def chapters_in_toc() -> list[Path]:
    """The chapter notebooks listed in ``_toc.yml``, in order."""
    return chapter_notebooks(ROOT)


def parameters_cell(nb) -> int:
    """Index of the notebook's one ``parameters`` cell."""
    found = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(found) != 1:
        raise ValueError(f"expected one cell tagged 'parameters', found {len(found)}")
    return found[0]


def glued(nb) -> dict[str, str]:
    """Every glued value's stored text, by name."""
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = o.get("data", {})
                out[name] = next((v for k, v in data.items() if k.startswith(GLUE_KEY)), "")
    return out


def variants(path: Path, knobs: list[Knob]) -> dict[str, dict[str, object]]:
    # one seed per chapter, from its name: reproducible, different across chapters
    rng = random.Random(zlib.crc32(path.stem.encode()))
    return {where: {k.name: k.at(where, rng) for k in knobs} for where in ("low", "high", "random")}


def run_one(path: str, label: str, values: dict) -> tuple[str, str, float, list[str]]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    p = Path(path)
    nb = nbformat.read(p, as_version=4)
    default = glued(nb)
    i = parameters_cell(nb)
    source = "# Parameters injected by scripts/edit_proof.py\n" + "".join(
        f"{k} = {v!r}\n" for k, v in values.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    run = copy.deepcopy(nb)
    run.cells.insert(i + 1, cell)
    problems: list[str] = []
    t0 = time.perf_counter()
    try:
        NotebookClient(run, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(p.parent)}}).execute()
    except CellExecutionError as exc:
        problems.append("cell error: " + str(exc).strip().splitlines()[-1][:300])
    seconds = time.perf_counter() - t0
    for j, c in enumerate(run.cells):
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                problems.append(f"cell {j} wrote to stderr: {o.get('text', '')[:300]!r}")
    if not problems:
        now = glued(run)
        missing = sorted(set(default) - set(now))
        if missing:
            problems.append(f"glued values missing after the edit: {missing[:8]}")
        elif all(now[k] == default[k] for k in default):
            problems.append("no glued value changed: the prose does not follow the knobs")
    return p.name, label, seconds, problems


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=["low", "high", "random"], action="append")
    args = ap.parse_args(argv)
    paths = args.notebooks or chapters_in_toc()
    jobs = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        knobs = parse_parameters(nb.cells[parameters_cell(nb)].source)
        for label, values in variants(p, knobs).items():
            if not args.only or label in args.only:
                jobs.append((str(p), label, values))
    failed = 0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_one, *j) for j in jobs]
        for (_path, label, values), fut in zip(jobs, futures, strict=True):
            name, label, seconds, problems = fut.result()
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
            status = "ok" if not problems else "FAILED"
            print(f"{status:6} {name} [{label}] {seconds:5.1f} s  ({shown})")
            for msg in problems:
                print(f"         {msg}")
            failed += bool(problems)
    total = time.perf_counter() - t0
    print(f"{len(jobs) - failed} passed, {failed} failed  ({total:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
