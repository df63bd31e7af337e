#!/usr/bin/env bash
# What the browser tests need beyond Python: Debian's Chromium and axe-core from npm.
# Idempotent: installs only what is missing. apt needs root (as in CI).
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian) and retry" >&2
    exit 1
  fi
  echo "installing Debian's chromium..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
if [ ! -f tests/site/node_modules/axe-core/axe.min.js ]; then
  echo "installing axe-core with npm..."
  (cd tests/site && npm install --no-audit --no-fund --no-package-lock --silent)
fi
chromium --version
