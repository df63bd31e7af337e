#!/usr/bin/env bash
# The whole test command behind `make test` (and so behind .ci/run).
# Runs every stage even when one fails, prints each stage's time, and exits non-zero
# if any stage failed. Expects the virtual environment's bin/ first on PATH.
set -u
cd "$(dirname "$0")/.."

declare -a names=() results=() times=() cpus=()
failed=0
tmp=$(mktemp -d)

# A stage's CPU seconds (user + system of everything it ran) are taken inside the subshell
# that runs it (`times`), so a stage running beside another one is not charged for it; a
# busy machine inflates CPU time far less than wall-clock time.
cpu_of() { awk 'NR <= 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } }
                END { printf "%.0f", t }' "$1"; }
record() {  # record NAME RC SECONDS CPU
  names+=("$1"); results+=("$2"); times+=("$3"); cpus+=("$4")
  [ "$2" -eq 0 ] || failed=1
}

stage() {
  local name=$1; shift
  echo
  echo "=== $name: $*"
  local t0=$SECONDS
  ( "$@"; rc=$?; times > "$tmp/$name.cpu"; exit $rc )
  local rc=$?
  record "$name" "$rc" "$((SECONDS - t0))" "$(cpu_of "$tmp/$name.cpu")"
}

# Stages that keep about one core busy run beside another stage: `in_background A B`
# runs the stages A and B (shell functions of those names) one after another in the
# background, each one's output kept in a file and printed by `join_background`, which
# waits for them after the foreground stages started in between.
quiet_stage() {
  local name=$1; shift
  local t0=$SECONDS
  ( "$@"; rc=$?; times > "$tmp/$name.cpu"; exit $rc ) > "$tmp/$name.log" 2>&1
  echo "$? $((SECONDS - t0))" > "$tmp/$name.res"
}
declare -a bg_names=()
bg_pid=""
in_background() {
  bg_names=("$@")
  echo
  echo "=== in the background, one after another, beside the next stages: $*"
  ( for name in "$@"; do quiet_stage "$name" "$name"; done ) &
  bg_pid=$!
}
join_background() {
  local name rc secs
  wait "$bg_pid"
  for name in "${bg_names[@]}"; do
    echo
    echo "=== $name (ran in the background): $(declare -f "$name" | sed -n 3p | sed 's/^ *//')"
    cat "$tmp/$name.log"
    if read -r rc secs < "$tmp/$name.res"; then
      record "$name" "$rc" "$secs" "$(cpu_of "$tmp/$name.cpu")"
    else
      record "$name" 1 0 0
    fi
  done
  bg_names=()
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
# The reader environments (issue 19) need no built site: Colab's (its five packages; the
# notebooks' own install cell, which tests/test_notebooks.py keeps identical in every
# notebook, run for real in the three notebooks that together call the most of gdlib) and
# the oldest numpy/matplotlib run in the background beside the build (Sphinx is one
# process; each of these keeps about one core busy). Binder's check (binder/ on top of
# Colab's environment, which must add exactly gdlib, then JupyterLab running every chapter)
# runs alone: JupyterLab's Run All timed out at 180 s beside the site tests (session 4) and
# beside Firefox and WebKit (once in two runs, this session).
export DOWNHILL_READER_ENV=${DOWNHILL_READER_ENV:-/tmp/downhill-reader-env}
colab()  { python scripts/colab_check.py --env "$DOWNHILL_READER_ENV" --cover 3; }
oldest() { python scripts/colab_check.py --oldest --cover 3; }
in_background colab oldest
stage build     bash -c 'rm -rf _build && jupyter-book build --all -W --keep-going .'
join_background
stage site      python -m pytest -q -p no:cacheprovider tests/site -n 2
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
rm -rf "$tmp"
exit $failed
