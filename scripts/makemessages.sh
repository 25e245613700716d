#!/usr/bin/env bash
# Refresh every translation catalogue: each app's strings go to <app>/locale, the project's
# (portal/ templates and code) to locale/. Then fill the new msgstr in French and Arabic.
set -euo pipefail
cd "$(dirname "$0")/.."
for app in audit merchants orders payments branding shipping privacy; do mkdir -p "$app/locale"; done
env -u DJANGO_SETTINGS_MODULE .venv/bin/python -m django makemessages -l fr -l ar --no-obsolete --no-location \
  --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' --ignore='var/*' --ignore='staticfiles/*' --ignore='docs/*' "$@"
