#!/usr/bin/env bash
# Creates tests/clients/.venv with the pinned real tools (libcoveocds, ocdscardinal,
# ckanapi). Idempotent: does nothing when the venv already matches requirements.txt.
# Needs python3 (3.10+) with venv, and access to PyPI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Test processes run in parallel and may all call this: one at a time.
exec 9>"$here/.setup.lock"
flock 9
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "tests/clients/.venv is up to date"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
echo "$want" > "$stamp"
echo "tests/clients/.venv ready: $("$venv/bin/python" -m pip freeze | grep -iE '^(libcoveocds|ocdscardinal|ckanapi)==' | tr '\n' ' ')"
