#!/usr/bin/env bash
# Prints the NPY_DISABLE_CPU_FEATURES value that switches off every SIMD target numpy
# dispatches to at run time on this machine (AVX2/FMA, AVX-512... on x86; on other CPUs the
# targets differ), so the test command can run a second time on the baseline kernels.
# Prints nothing when numpy dispatches to nothing it could switch off.
set -eu
python - <<'PY'
from numpy._core import _multiarray_umath as m
print(" ".join(m.__cpu_dispatch__))
PY
