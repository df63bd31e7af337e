#!/usr/bin/env bash
# Simulates Binder without reaching it: the reader's environment as repo2docker builds it
# from binder/ (runtime.txt, requirements.txt, postBuild if one is added; repo2docker reads
# binder/ first and then ignores the top-level files), plus the JupyterLab that Binder's
# image brings itself; then tests/jupyterlab/test_lab.py runs every chapter in that
# JupyterLab and moves every live slider.
#
#   bash scripts/binder_check.sh          # a brand-new environment
#   bash scripts/binder_check.sh --reuse  # on top of the Colab-path environment that
#        scripts/colab_check.py --env "$DOWNHILL_READER_ENV" left (numpy, matplotlib,
#        ipywidgets and ipykernel at the same pins): binder/requirements.txt must then add
#        exactly gdlib, which the check verifies, so the result is the fresh environment.
set -eu
cd "$(dirname "$0")/.."
want=$(sed -n 's/^python-\([0-9.]*\).*/\1/p' binder/runtime.txt)
py=$(command -v "python$want" || command -v python3)
have=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$have" = "$want" ] || { echo "binder/runtime.txt asks for Python $want, found $have" >&2; exit 1; }
tests_py=$(command -v python)  # the project's environment (playwright, pytest)
[ ! -x .venv/bin/python ] || tests_py=.venv/bin/python
env_dir=${DOWNHILL_READER_ENV:-/tmp/downhill-reader-env}
pip=("$env_dir/bin/python" -m pip --disable-pip-version-check)

packages() { "${pip[@]}" list --format=freeze 2>/dev/null | grep -v '^gdlib==' | sort; }

if [ "${1:-}" = "--reuse" ] && [ -x "$env_dir/bin/python" ]; then
  "${pip[@]}" uninstall --quiet --yes gdlib 2>/dev/null || true
  before=$(packages)
else
  rm -rf "$env_dir"
  "$py" -m venv "$env_dir"
  before=""
fi
t0=$SECONDS
# as repo2docker does: pip in the repository's root, so binder/requirements.txt's "." is gdlib
tidy=0; [ -e build ] || tidy=1  # setuptools builds gdlib in the tree: leave no build/ behind
"${pip[@]}" install --quiet -r binder/requirements.txt
[ "$tidy" = 0 ] || rm -rf build
[ ! -f binder/postBuild ] || (cd binder && PATH="$env_dir/bin:$PATH" bash postBuild)
how="installed in $((SECONDS - t0)) s"
[ -z "$before" ] || how="$how on top of the Colab-path environment"
echo "reader environment from binder/: $(du -sm "$env_dir" | cut -f1) MB," \
  "$(packages | wc -l) packages + gdlib, $how"
if [ -n "$before" ] && [ "$before" != "$(packages)" ]; then
  echo "binder/requirements.txt installed more than gdlib on top of Colab's packages:" >&2
  diff <(echo "$before") <(packages) >&2 || true
  exit 1
fi
"$env_dir/bin/python" -c "import gdlib, ipywidgets; print('gdlib', gdlib.__version__, 'ipywidgets', ipywidgets.__version__)"

# what Binder's image brings itself: JupyterLab
t0=$SECONDS
"${pip[@]}" install --quiet -r tests/jupyterlab/requirements.txt
echo "with JupyterLab: $(du -sm "$env_dir" | cut -f1) MB, $((SECONDS - t0)) s more"
# two JupyterLabs side by side (one per worker): a chapter's Run All keeps a core busy only
# about half of the time (242 s -> 172 s for the nine chapters here)
DOWNHILL_READER_ENV="$env_dir" "$tests_py" -m pytest -q -p no:cacheprovider tests/jupyterlab/test_lab.py -n 2
