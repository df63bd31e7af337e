"""A tiny reverse-mode autodiff engine, its graph drawing and toy data (Chapter 6)."""

from __future__ import annotations

__all__: list[str] = []
