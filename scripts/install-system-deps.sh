#!/usr/bin/env bash
# System packages the test suite needs on Debian: WeasyPrint's fast font subsetting, fonts with
# Arabic, PDF tools to read rendered PDFs back, gettext, a QR decoder, Chromium for browser tests, and
# pg_dump/pg_restore for backups, docker-compose to validate docker-compose.yml, and ICU with a compiler
# and pkg-config to build PyICU (the leak guard's confusables skeletons).
# `install-system-deps.sh build`: only what `pip install -r requirements.txt` needs to build (PyICU).
# As root on Debian, installs what is missing; otherwise prints the command to run.
set -euo pipefail

BUILD_PACKAGES=(libicu-dev pkg-config g++)
if [ "${1:-}" = "build" ]; then
  PACKAGES=("${BUILD_PACKAGES[@]}")
else
  PACKAGES=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core
            poppler-utils gettext zbar-tools libzbar0 chromium postgresql-client docker-compose
            "${BUILD_PACKAGES[@]}")
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "Not a Debian system: install the equivalents of: ${PACKAGES[*]}" >&2
  exit 0
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
fi
