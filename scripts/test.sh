#!/usr/bin/env bash
# Install everything the test suite needs, then run all checks and the whole suite.
# Database: SQLite by default; set KEEL_DATABASE_URL=postgresql://... to run on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive: TaskJuggler, Chromium (browser tests), CJK fonts for screenshots,
# Java (MPXJ).
missing=()
command -v tj3 >/dev/null 2>&1 || missing+=(tj3)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
# Java runs MPXJ, the independent reader that checks Keel's Microsoft Project XML exports.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
export PATH="$PWD/.venv/bin:$PATH"

echo "== static checks"
ruff check .
ruff format --check src tests benchmarks
mypy
lint-imports
DJANGO_SETTINGS_MODULE=keel.config.settings.test python -m django makemigrations --check --dry-run

echo "== tests (database: ${KEEL_DATABASE_URL:-sqlite})"
# pytest exits 5 when it collected no test: with `set -e` that fails the run, as it should.
python -m pytest -n "${KEEL_TEST_WORKERS:-2}" -p no:cacheprovider "$@"
