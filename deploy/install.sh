#!/usr/bin/env bash
# Create .venv from the lock (constraints.txt): the one install used by `make install`, CI (.ci/run) and the
# container image (deploy/Containerfile), so that none of them can drift from the others.
# Usage: deploy/install.sh [dev]   (with `dev`: the test and lint tools too)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
TARGET="."
if [ "${1:-}" = "dev" ]; then TARGET=".[dev]"; fi

command -v "$PYTHON" >/dev/null 2>&1 || { echo "Python 3.11 is required ($PYTHON not found)" >&2; exit 1; }
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e "$TARGET"
