"""Shared test configuration: a deterministic hypothesis profile and a headless backend."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: no display is ever needed

from hypothesis import HealthCheck, settings  # noqa: E402

# Deterministic: the same examples on every run and every machine, so a failure
# reproduces and the suite never flickers. No deadline: timing is not what we test.
settings.register_profile(
    "downhill",
    derandomize=True,
    deadline=None,
    max_examples=50,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("downhill")
