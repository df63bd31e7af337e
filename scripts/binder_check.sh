#!/usr/bin/env bash
# Simulates Binder: a brand-new virtual environment made only from runtime.txt and
# requirements.txt (and postBuild, if one is added), then every chapter executed in it
# with strict nbval. Proves "launch on Binder" without reaching Binder.
set -eu
cd "$(dirname "$0")/.."
want=$(sed -n 's/^python-\([0-9.]*\).*/\1/p' runtime.txt)
py=$(command -v "python$want" || command -v python3)
have=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$have" = "$want" ] || { echo "runtime.txt asks for Python $want, found $have" >&2; exit 1; }
env_dir=${BINDER_ENV:-/tmp/downhill-binder-env}
rm -rf "$env_dir"
"$py" -m venv "$env_dir"
"$env_dir/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
[ ! -f postBuild ] || PATH="$env_dir/bin:$PATH" bash postBuild
# what Binder does not need but the check does
"$env_dir/bin/python" -m pip install --quiet --disable-pip-version-check \
  $(grep -E '^(pytest|nbval)==' requirements-test.txt)
"$env_dir/bin/python" -c "import gdlib, ipywidgets; print('gdlib', gdlib.__version__, 'ipywidgets', ipywidgets.__version__)"
"$env_dir/bin/python" -m pytest -q -p no:cacheprovider --nbval \
  --nbval-sanitize-with nbval_sanitize.cfg chapters appendices
