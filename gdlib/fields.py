"""Gradient fields, directional derivatives and image gradients (Chapter 3: gradients)."""

from __future__ import annotations

__all__: list[str] = []
