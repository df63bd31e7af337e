"""Draw the preview image used by the landing page and the README (_static/preview.png).

Usage: python scripts/make_preview.py
"""

from pathlib import Path

import numpy as np

import gdlib as gd

OUT = Path(__file__).resolve().parents[1] / "_static" / "preview.png"


def main() -> None:
    bowl = gd.get_function("elongated_bowl")
    fig, (ax1, ax2) = gd.figure(1, 2, figsize=(9.0, 3.4))
    gd.plotting.plot_contour(ax1, bowl, (-6, 6), (-3, 3), levels=18)
    start = np.array([-5.5, 2.5])
    for lr, color in [(0.075, gd.PALETTE["vermillion"]), (0.03, gd.PALETTE["sky"])]:
        run = gd.descend(bowl.grad, start, lr=lr, steps=40)
        gd.plotting.plot_path_2d(ax1, run, color=color, label=f"learning rate {lr}")
    ax1.set_title("Descent on an elongated bowl")
    ax1.legend(loc="lower right")
    square = gd.get_function("square")
    runs = {f"lr = {lr}": gd.descend(square.grad, 10.0, lr=lr, steps=30, f=square)
            for lr in (0.01, 0.1, 0.4, 1.05)}
    gd.plotting.plot_losses(ax2, runs)
    ax2.set_title("Loss per step on f(x) = x², four learning rates")
    OUT.write_bytes(gd.plotting.png_bytes(fig, dpi=100))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
