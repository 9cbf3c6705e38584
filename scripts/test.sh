#!/usr/bin/env bash
# The whole suite: first on a real SQLite file, then on the PostgreSQL server
# at TEST_POSTGRES_URL (default: the local server) in a database of its own.
# Set REQUIRE_POSTGRES=1 (CI does) to fail instead of skipping when no server answers.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${TEST_POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1:5432/reviewapp_test}

# The job-queue tests talk to a real Redis: start one if none answers.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 10); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
fi

echo "== test suite on SQLite =="
"$BIN/pytest" "$@"

if "$BIN/python" scripts/ensure_test_database.py "$PG_URL"; then
  echo "== database tests on PostgreSQL =="
  TEST_DATABASE_URL="$PG_URL" REVIEWAPP_DB_TESTS_ONLY=1 "$BIN/pytest" "$@"
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL is required but did not answer at $PG_URL" >&2
  exit 1
else
  echo "!! PostgreSQL did not answer at $PG_URL: database tests ran on SQLite only." >&2
fi
