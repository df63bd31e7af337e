#!/usr/bin/env bash
# The whole test command behind `make test` (and so behind .ci/run).
# Runs every stage even when one fails, prints each stage's time, and exits non-zero
# if any stage failed. Expects the virtual environment's bin/ first on PATH.
set -u
cd "$(dirname "$0")/.."

declare -a names=() results=() times=() cpus=()
failed=0

# CPU seconds (user + system) of this shell's finished children so far: a stage's CPU time
# is the difference, which a busy machine inflates far less than its wall-clock time
# (`times` must run in this shell, not in a pipe's subshell: hence the file)
cpu_file=$(mktemp)
cpu_now() { times > "$cpu_file"; awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) {
            split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.0f", t }' "$cpu_file"; }

stage() {
  local name=$1; shift
  echo
  echo "=== $name: $*"
  local t0=$SECONDS c0
  cpu_now > "$cpu_file.c0"; c0=$(cat "$cpu_file.c0")
  "$@"
  local rc=$?
  names+=("$name"); results+=("$rc"); times+=("$((SECONDS - t0))")
  cpu_now > "$cpu_file.c1"; cpus+=("$(( $(cat "$cpu_file.c1") - c0 ))")
  [ "$rc" -eq 0 ] || failed=1
}

export PYTHONHASHSEED=0 MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1

# The second CPU profile: the same unit and nbval stages with every SIMD target numpy
# dispatches to switched off (read from numpy itself), so a result that holds only on this
# CPU's kernels fails here, not on a reader's machine. Skipped where nothing can be switched off.
cpu2=$(bash scripts/cpu_profile.sh)
second_profile() {
  if [ -z "$cpu2" ]; then echo "numpy dispatches to no SIMD target here: nothing to switch off"; return 0; fi
  echo "NPY_DISABLE_CPU_FEATURES=\"$cpu2\""
  NPY_DISABLE_CPU_FEATURES="$cpu2" "$@"
}
# (--dist loadfile: a test file stays on one worker, so its expensive module fixture, such as
# the student notebooks test_student.py makes, is built once, not once per worker)
unit_tests=(python -m pytest -q -p no:cacheprovider tests --ignore=tests/site -n 2 --dist loadfile --doctest-modules gdlib
            --ignore=tests/jupyterlab/test_lab.py --ignore=tests/engines)  # these two: stages below
nbval_tests=(python -m pytest -q -p no:cacheprovider --nbval --nbval-sanitize-with nbval_sanitize.cfg
             chapters appendices -n 2 --dist loadscope)

stage setup     bash scripts/provision.sh
stage lint      ruff check gdlib tests scripts chapters appendices _ext
stage unit      "${unit_tests[@]}"
stage nbval     "${nbval_tests[@]}"
# (the second profile skips the tests that check tools, files and rendering, not numbers:
# they ran above)
stage unit-cpu2 second_profile "${unit_tests[@]}" --ignore=tests/test_new_chapter.py \
                  --ignore=tests/test_student.py --ignore=tests/test_edit_proof.py \
                  --ignore=tests/test_js.py --ignore=tests/jupyterlab --ignore=tests/test_tooling.py \
                  --ignore=tests/test_notebooks.py --ignore=tests/test_layout.py \
                  --ignore=tests/test_notation.py --ignore=tests/test_exercise_index.py \
                  --ignore=tests/test_parameters.py --ignore=tests/test_dark.py
stage nbval-cpu2 second_profile "${nbval_tests[@]}"
stage editproof python scripts/edit_proof.py --jobs 2
stage build     bash -c 'rm -rf _build && jupyter-book build --all -W --keep-going .'
stage site      python -m pytest -q -p no:cacheprovider tests/site -n 2
# Where readers open it (issue 19): one reader environment, first as Colab's (its five
# packages; the notebooks' own install cell, which tests/test_notebooks.py keeps identical in
# every notebook, run for real in the three notebooks that together call the most of gdlib),
# then as Binder's (binder/ on top, which adds exactly gdlib) with JupyterLab running every
# chapter; the oldest numpy/matplotlib; Firefox and WebKit. (Run beside the build and the
# site tests, the JupyterLab runs timed out: the stages stay one after another.)
export DOWNHILL_READER_ENV=${DOWNHILL_READER_ENV:-/tmp/downhill-reader-env}
stage colab     python scripts/colab_check.py --env "$DOWNHILL_READER_ENV" --cover 3
stage oldest    python scripts/colab_check.py --oldest --cover 3
stage binder    bash scripts/binder_check.sh --reuse
stage engines   python -m pytest -q -p no:cacheprovider tests/engines

echo
echo "=== summary"
printf '%-11s %-6s %7s %7s\n' stage result seconds cpu-s
for i in "${!names[@]}"; do
  r=ok; [ "${results[$i]}" -eq 0 ] || r=FAILED
  printf '%-11s %-6s %7s %7s\n' "${names[$i]}" "$r" "${times[$i]}" "${cpus[$i]}"
done
printf '%-11s %-6s %7s\n' total "" "$SECONDS"
rm -f "$cpu_file" "$cpu_file".c*
exit $failed
