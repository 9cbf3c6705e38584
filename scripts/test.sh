#!/usr/bin/env bash
# The whole suite: on a real SQLite file and on the PostgreSQL server at
# TEST_POSTGRES_URL (default: the local server) in a database of its own.
# The two passes run at the same time (each is mostly one busy process, and CI
# has two cores), each with its own Redis database so their job queues never
# meet; each pass's output is printed whole when it ends. PARALLEL=0 runs them
# one after the other with live output.
# Set REQUIRE_POSTGRES=1 (CI does) to fail instead of skipping when no server answers.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${TEST_POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1:5432/reviewapp_test}
REDIS=${TEST_REDIS_SERVER:-redis://127.0.0.1:6379}   # databases 1 and 2 on it are the passes

# The job-queue tests talk to a real Redis: start one if none answers.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 10); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
fi

sqlite_pass() { REDIS_URL="$REDIS/1" "$BIN/pytest" "$@"; }
postgres_pass() {
  TEST_DATABASE_URL="$PG_URL" REVIEWAPP_DB_TESTS_ONLY=1 REDIS_URL="$REDIS/2" "$BIN/pytest" "$@"
}

postgres=1
if ! "$BIN/python" scripts/ensure_test_database.py "$PG_URL"; then
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is required but did not answer at $PG_URL" >&2
    exit 1
  fi
  echo "!! PostgreSQL did not answer at $PG_URL: database tests run on SQLite only." >&2
  postgres=0
fi

if [ "$postgres" = 0 ] || [ "${PARALLEL:-1}" = 0 ]; then
  echo "== test suite on SQLite =="
  sqlite_pass "$@"
  if [ "$postgres" = 1 ]; then
    echo "== database tests on PostgreSQL =="
    postgres_pass "$@"
  fi
  exit 0
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "== test suite on SQLite and database tests on PostgreSQL, at the same time =="
sqlite_pass "$@" >"$logs/sqlite" 2>&1 & sqlite_pid=$!
postgres_pass "$@" >"$logs/postgres" 2>&1 & postgres_pid=$!
status=0
wait "$sqlite_pid" || status=1
echo "== test suite on SQLite =="; cat "$logs/sqlite"
wait "$postgres_pid" || status=1
echo "== database tests on PostgreSQL =="; cat "$logs/postgres"
exit "$status"
