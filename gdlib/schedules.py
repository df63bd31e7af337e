"""Learning-rate schedules, backtracking line search and learning-rate sweeps (Chapter 5)."""

from __future__ import annotations

__all__: list[str] = []
