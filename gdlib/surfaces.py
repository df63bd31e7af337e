"""Surfaces of two variables, sliced one variable at a time (Chapter 2: partial derivatives)."""

from __future__ import annotations

__all__: list[str] = []
