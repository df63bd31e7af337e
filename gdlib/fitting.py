"""Fitting models by descent: losses, gradients, data, batch/stochastic runs (Chapter 4)."""

from __future__ import annotations

__all__: list[str] = []
