"""Benchmarks of what readers and maintainers feel, each against its target.

Usage: python scripts/bench.py [--repeat N] [--skip-build] [--with-test]

Prints a table and writes it to results/bench.md (and the raw numbers to
results/bench.json). Ratios are measured in the same run, because these machines are
noisy; every timing is the median of N repeats (default 3).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
sys.path.insert(0, str(ROOT))


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()


def empty_notebook(tmp: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1"))
    p = tmp / "empty.ipynb"
    nbformat.write(nb, p)
    return p


def bench_notebooks(repeat):
    RESULTS.mkdir(exist_ok=True)
    floor = median_time(lambda: run_notebook(empty_notebook(RESULTS)), repeat)
    rows = []
    for p in sorted((ROOT / "chapters").glob("*.ipynb")):
        t = median_time(lambda p=p: run_notebook(p), repeat)
        rows.append((f"execute {p.stem}", t, t / floor))
    return floor, rows


def bench_build(repeat):
    jb = str(Path(sys.executable).parent / "jupyter-book")
    out = Path("/tmp/downhill-bench-build")

    def clean():
        subprocess.run(["rm", "-rf", str(out)], check=True)
        subprocess.run([jb, "build", "--all", "-W", "--keep-going", "--path-output", str(out), "."],
                       cwd=ROOT, check=True, capture_output=True)

    def cached():
        subprocess.run([jb, "build", "-W", "--keep-going", "--path-output", str(out), "."],
                       cwd=ROOT, check=True, capture_output=True)

    t_clean = median_time(clean, max(1, repeat - 1))
    t_cached = median_time(cached, repeat)
    return t_clean, t_cached, out / "_build" / "html"


def bench_slider():
    """Time from a slider value change to the new figure in the live widget."""
    import gdlib as gd

    xs = np.linspace(-2, 2, 200)

    def setup(fig):
        ax = fig.subplots()
        ax.plot(xs, xs**2)
        ax.set(xlim=(-2, 2), ylim=(-1, 5))
        (line,) = ax.plot([], [], "o-")

        def update(a):
            line.set_data([0, 1], [0, a])
            return [line]

        return update

    values = np.round(np.linspace(0.1, 4, 25), 3)
    ex = gd.explore(setup, a=gd.slider(values), alt=lambda a: f"slope {a}")
    t0 = time.perf_counter()
    ex.render()
    first = time.perf_counter() - t0
    box = ex.widget()
    slider, image = box.children[1], box.children[0]
    lat = []
    for i in range(200):
        target = (i * 7) % len(values)
        if target == slider.value:
            target = (target + 1) % len(values)
        t0 = time.perf_counter()
        slider.value = target
        assert image.value == ex.frames[target]
        lat.append(time.perf_counter() - t0)
    lat = np.array(lat) * 1000
    return float(np.median(lat)), float(np.percentile(lat, 95)), first / len(values) * 1000


def bench_descend(repeat):
    """Overhead of gd.descend over a bare loop doing the same 1,000 steps.

    Two gradients: the catalogue's bowl (what chapters use) and a trivial ``2 * x``
    (the worst case: one numpy operation a step, so bookkeeping dominates). The minimum
    over many alternating repeats is compared: it is the least noisy estimate.
    """
    import gdlib as gd

    out = {}
    for name, grad in [("catalogue bowl", gd.get_function("bowl").grad),
                       ("trivial 2x", lambda x: 2 * x)]:
        def bare(grad=grad):
            x = np.array([3.0, -2.0])
            for _ in range(1000):
                x = x - 0.001 * grad(x)
            return x

        def ours(grad=grad):
            return gd.descend(grad, np.array([3.0, -2.0]), lr=0.001, steps=1000).x

        assert np.allclose(bare(), ours())
        times = {"bare": [], "ours": []}
        for _ in range(10 * repeat):
            for key, fn in (("bare", bare), ("ours", ours)):
                t0 = time.perf_counter()
                fn()
                times[key].append(time.perf_counter() - t0)
        t_b, t_o = min(times["bare"]), min(times["ours"])
        out[name] = (t_o / t_b, t_o, t_b)
    return out


def bench_sweep(repeat):
    import gdlib as gd

    lrs = np.linspace(1e-4, 1.2, 10_000)
    return median_time(lambda: gd.sweep(lambda x: 2 * x, 10.0, lr=lrs, steps=100, tol=1e-6), repeat)


def page_weights(site: Path):
    """Bytes of each chapter page: its HTML plus the image files it references (embedded
    frames are in the HTML already). The site tests hold the same budget."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from _toc import chapter_pages

    out = []
    for rel in chapter_pages(ROOT):
        path = site / f"{rel}.html"
        total = path.stat().st_size
        for src in set(re.findall(r'<img[^>]*\ssrc="([^"]+)"', path.read_text("utf-8"))):
            f = (path.parent / src.split("?")[0]).resolve()
            if not src.startswith("data:") and f.is_file():
                total += f.stat().st_size
        out.append((rel, total))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--with-test", action="store_true", help="also time `make test`")
    args = ap.parse_args()
    rows = []  # (figure, value, target, ok)

    floor, nb_rows = bench_notebooks(args.repeat)
    rows.append(("empty notebook (kernel start floor)", f"{floor:.2f} s", "-", True))
    for name, t, ratio in nb_rows:
        rows.append((name, f"{t:.2f} s ({ratio:.2f}x floor)", "<= 2x floor", ratio <= 2))

    site = ROOT / "_build" / "html"
    if not args.skip_build:
        t_clean, t_cached, site = bench_build(args.repeat)
        rows.append(("clean book build (--all)", f"{t_clean:.1f} s", "<= 60 s", t_clean <= 60))
        rows.append(("rebuild, no change (cache)", f"{t_cached:.1f} s", "<= 10 s", t_cached <= 10))

    med, p95, per_frame = bench_slider()
    rows.append(
        ("live slider: change -> new figure, median", f"{med:.2f} ms", "<= 30 ms", med <= 30)
    )
    rows.append(("live slider: change -> new figure, p95", f"{p95:.2f} ms", "-", True))
    rows.append(("frame rendering (blitted), per frame", f"{per_frame:.1f} ms", "-", True))

    for name, (ratio, t_ours, t_bare) in bench_descend(args.repeat).items():
        target_ok = ratio <= 1.5 if name == "catalogue bowl" else True
        rows.append((
            f"descend overhead vs bare numpy loop, 1,000 steps ({name})",
            f"{ratio:.2f}x ({t_ours * 1000:.1f} vs {t_bare * 1000:.1f} ms)",
            "<= 1.5x" if name == "catalogue bowl" else "- (worst case)", target_ok,
        ))
    t_sweep = bench_sweep(args.repeat)
    rows.append(("sweep: 10,000 learning rates x 100 steps", f"{t_sweep:.3f} s", "<= 0.2 s",
                 t_sweep <= 0.2))

    if (site / "index.html").exists():
        for rel, w in page_weights(site):
            rows.append((f"page weight {rel}", f"{w / 1e6:.2f} MB", "<= 2 MB", w <= 2e6))

    if args.with_test:
        t0 = time.perf_counter()
        rc = subprocess.run(["make", "test"], cwd=ROOT, capture_output=True).returncode
        t = time.perf_counter() - t0
        rows.append(("the whole test command", f"{t / 60:.1f} min (exit {rc})", "<= 10 min",
                     t <= 600 and rc == 0))

    lines = ["| figure | measured | target | ok |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {'yes' if d else 'NO'} |" for a, b, c, d in rows]
    table = "\n".join(lines)
    # reader-felt speed on a throttled phone profile, the stock Jupyter Book page beside it
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_pages

    table += "\n\n" + bench_pages.main(["--site", str(site), "--repeat", str(args.repeat)])
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.md").write_text(table + "\n")
    (RESULTS / "bench.json").write_text(json.dumps(
        [{"figure": a, "measured": b, "target": c, "ok": d} for a, b, c, d in rows], indent=1))
    print(f"\nwritten to {RESULTS / 'bench.md'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
