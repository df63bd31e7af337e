#!/usr/bin/env bash
# What the browser tests need beyond Python's requirements files, all from Debian's packages
# (no browser or driver is downloaded): Chromium (tests/site, tests/jupyterlab), Firefox ESR
# (tests/engines, driven over WebDriver BiDi, which Firefox speaks itself) and WebKitGTK's
# WebKitWebDriver with Xvfb for its window (tests/engines); axe-core and MathJax from npm; Selenium for
# WebKitWebDriver into the running Python (the project's .venv in make test).
# Idempotent: installs only what is missing. apt needs root (as in CI).
set -eu
cd "$(dirname "$0")/.."
declare -A want=([chromium]=/usr/bin/chromium [firefox-esr]=/usr/bin/firefox-esr
                 [webkit2gtk-driver]=/usr/bin/WebKitWebDriver [xvfb]=/usr/bin/Xvfb)
missing=()
for pkg in "${!want[@]}"; do [ -x "${want[$pkg]}" ] || missing+=("$pkg"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (Debian) and retry" >&2
    exit 1
  fi
  echo "installing Debian's ${missing[*]}..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
if [ ! -f tests/site/node_modules/axe-core/axe.min.js ]; then
  echo "installing axe-core with npm..."
  (cd tests/site && npm install --no-audit --no-fund --no-package-lock --silent)
fi
if [ ! -d _ext/node_modules/mathjax-full ]; then
  # build-time math (_ext/downhill_site.py would install it at the first build; done here
  # once, so the scratch builds of the tests share it)
  echo "installing MathJax for Node with npm..."
  (cd _ext && npm install --no-audit --no-fund --no-package-lock --silent)
fi
if ! python -c "import selenium" 2>/dev/null; then
  echo "installing Selenium (for WebKitWebDriver)..."
  python -m pip install --quiet --disable-pip-version-check -r tests/engines/requirements.txt
fi
chromium --version
firefox-esr --version
echo "WebKitGTK $(dpkg-query -W -f='${Version}' webkit2gtk-driver) (WebKitWebDriver)"
