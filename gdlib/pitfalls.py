"""Local minima, saddles, vanishing/exploding gradients and gradient clipping (Chapter 7)."""

from __future__ import annotations

__all__: list[str] = []
