#!/usr/bin/env bash
# Public home page under load: Prongsai (release build, SQLite, demo data) against nginx
# serving the same bytes as a static file. wrk runs as a second process on loopback,
# 64 connections for 30 s each (override with DURATION=10s CONNS=64).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-30s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
command -v nginx >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null

[ -n "${SKIP_BUILD:-}" ] || cargo build --release -p prongsai
work=$(mktemp -d)
chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null; nginx -c "$work/nginx.conf" -s stop 2>/dev/null; rm -rf "$work"' EXIT

PRONGSAI_DEMO_PASSWORD=bench-password-1 RUST_LOG=warn \
  target/release/prongsai serve --demo --data-dir "$work/data" --listen 127.0.0.1:18080 >"$work/server.log" 2>&1 &
for _ in $(seq 1 60); do curl -fsS -o /dev/null http://127.0.0.1:18080/healthz 2>/dev/null && break; sleep 0.5; done
url=http://127.0.0.1:18080/chachoengsao/
curl -fsS "$url" -o "$work/index.html"
echo "page: $(wc -c <"$work/index.html") bytes"

mkdir -p "$work/www"
cp "$work/index.html" "$work/www/index.html"
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
user root;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:18081; root $work/www; location / { index index.html; } }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.5

run() { wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$1"; }
check_ok() { if grep -q "Non-2xx" <<<"$1"; then echo "error: $2 answered with errors; see above" >&2; exit 1; fi; }
echo "== prongsai"; p=$(run "$url"); echo "$p"
echo "== nginx";    n=$(run http://127.0.0.1:18081/index.html); echo "$n"
check_ok "$p" prongsai; check_ok "$n" nginx

rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1=="99%" {print $2}' <<<"$1"; }
echo
echo "| server | requests/s | p99 |"
echo "|---|---|---|"
echo "| prongsai | $(rps "$p") | $(p99 "$p") |"
echo "| nginx | $(rps "$n") | $(p99 "$n") |"
awk -v a="$(rps "$p")" -v b="$(rps "$n")" 'BEGIN { printf "ratio prongsai/nginx: %.2f\n", a/b }'
