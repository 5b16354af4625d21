#!/usr/bin/env bash
# Public submissions under load, with a crash in the middle (issue 5, "Abuse and load").
#
# For SQLite and PostgreSQL: start `prongsai serve` (release build), fire concurrent
# corruption reports (and general complaints with COMPLAINTS=1) from a second process
# (crates/web/examples/submissions_load.rs) for DURATION seconds, SIGKILL the server
# KILL_AFTER seconds in, restart it, and check that every submission that had been
# answered with a receipt or code is there and complete. Then a bare insert-and-commit
# loop on the same database, for the ratio. Results go to stdout; bench/README.md has
# the figures from this machine.
#
#   bench/submissions/run.sh            # both backends
#   BACKENDS=sqlite CONC=64 DURATION=20 KILL_AFTER=10 bench/submissions/run.sh
#   PG_URL=postgres://root@127.0.0.1:5432/test …   # admin URL to create a scratch DB
set -euo pipefail
cd "$(dirname "$0")/../.."
BACKENDS=${BACKENDS:-"sqlite postgres"}
CONC=${CONC:-64}
DURATION=${DURATION:-20}
KILL_AFTER=${KILL_AFTER:-10}
BASELINE_N=${BASELINE_N:-5000}
PG_URL=${PG_URL:-postgres://root@127.0.0.1:5432/test}
COMPLAINTS=${COMPLAINTS:-0}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p prongsai
  cargo build --release -q -p prongsai-web --example submissions_load
fi
bin=target/release/prongsai
load=target/release/examples/submissions_load
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill -9 "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=18190

start() { # data-dir db-url log
  PRONGSAI_DEMO_PASSWORD=bench-password-1 RUST_LOG=warn PRONGSAI_WHISTLE_RATE_LIMIT=100000000 \
    "$bin" serve --demo --data-dir "$1" --database "$2" --listen "127.0.0.1:$port" >>"$3" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$3"; exit 1
}

for backend in $BACKENDS; do
  data="$work/$backend"; mkdir -p "$data"
  case $backend in
    sqlite) url="sqlite://$data/prongsai.sqlite" ;;
    postgres)
      db="prongsai_bench_$RANDOM$RANDOM"
      psql "$PG_URL" -qc "CREATE DATABASE $db" >/dev/null
      url="${PG_URL%/*}/$db" ;;
  esac
  log="$work/$backend.log"
  start "$data" "$url" "$log"
  what="corruption reports"; extra=""
  if [ "$COMPLAINTS" = 1 ]; then what="corruption reports + complaints"; extra=complaints; fi
  echo "== $backend: $what, $CONC concurrent, SIGKILL after ${KILL_AFTER}s"
  "$load" load "http://127.0.0.1:$port" chachoengsao "$DURATION" "$CONC" "$work/answered-$backend.txt" $extra &
  loader=$!
  sleep "$KILL_AFTER"
  kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""
  wait "$loader"
  start "$data" "$url" "$log"
  "$load" verify "http://127.0.0.1:$port" "$work/answered-$backend.txt"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  "$load" baseline "$url" "$BASELINE_N"
  [ "$backend" = postgres ] && psql "$PG_URL" -qc "DROP DATABASE $db" >/dev/null
done
