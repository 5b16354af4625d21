#!/usr/bin/env bash
# Scale benchmark (issue 4): `prongsai dev generate --orgs $ORGS` (default 7,850 ×
# 36 projects × 5 fiscal years) on SQLite and on PostgreSQL, then, against the release
# server: the national summary, a provincial summary, one organization's executive
# dashboard and its public risk and ITA pages — sequential requests over loopback,
# latency per request from curl (p50 / p95 / max), and the server's peak RSS (VmHWM).
#
#   bench/scale/run.sh                       # both backends
#   BACKENDS=sqlite ORGS=2000 bench/scale/run.sh
#   PG_ADMIN=postgres://root@127.0.0.1:5432/postgres (the server to create a fresh db on)
set -euo pipefail
cd "$(dirname "$0")/../.."
ORGS=${ORGS:-7850}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PG_ADMIN=${PG_ADMIN:-postgres://root@127.0.0.1:5432/postgres}
N_NATIONAL=${N_NATIONAL:-20}
N_DASH=${N_DASH:-200}
PORT=${PORT:-18090}
YEAR=2567

cargo build --release -p prongsai >/dev/null
bin=target/release/prongsai
work=$(mktemp -d)
server=""
pgdb=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Times N requests of a URL with the cookie jar; prints "p50 p95 max" in ms.
measure() {
  local url=$1 n=$2 jar=$3
  for _ in $(seq 1 "$n"); do
    curl -sS -o /dev/null -b "$jar" -w '%{http_code} %{time_total}\n' "$url"
  done | awk '$1 != 200 { bad++ } { print $2 * 1000 } END { if (bad) print "non-200 responses: " bad > "/dev/stderr" }' |
    sort -n | awk '{ v[NR] = $1 } END { p50 = v[int(NR * 0.5 + 0.5)]; i = int(NR * 0.95 + 0.999); if (i > NR) i = NR; printf "%.1f %.1f %.1f", p50, v[i], v[NR] }'
}

results=()
for backend in $BACKENDS; do
  data="$work/$backend"
  mkdir -p "$data"
  case $backend in
    sqlite) url="sqlite://$data/prongsai.sqlite" ;;
    postgres)
      pgdb="prongsai_bench_$$"
      psql "$PG_ADMIN" -qc "CREATE DATABASE $pgdb" >/dev/null
      url="${PG_ADMIN%/*}/$pgdb" ;;
  esac
  echo "== $backend: generating $ORGS organizations"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/gen-rss" "$bin" --data-dir "$data" --database "$url" \
    dev generate --orgs "$ORGS" --years 2566-2570 --seed 1 --current-year 2568
  gen_s=$(echo "$(date +%s.%N) - $start" | bc)
  gen_rss=$(( $(cat "$work/gen-rss") / 1024 ))
  echo "bench-password-1" | "$bin" --data-dir "$data" --database "$url" user create --username bench-clerk \
    --name "Bench clerk" --password-stdin --org gen-00001 --role clerk >/dev/null

  RUST_LOG=warn "$bin" --data-dir "$data" --database "$url" serve --listen "127.0.0.1:$PORT" >"$work/server-$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.5; done
  base="http://127.0.0.1:$PORT"
  jar="$work/jar-$backend"
  csrf=$(curl -sS -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -sS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "username=bench-clerk" \
    --data-urlencode "password=bench-password-1" --data-urlencode "next=" "$base/login"
  code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$base/gen-00001/staff/dashboard?year=$YEAR")
  [ "$code" = 200 ] || { echo "dashboard answered $code (sign-in failed?)"; exit 1; }

  cold=$(curl -sS -o /dev/null -w '%{time_total}' "$base/national?year=$YEAR" | awk '{ printf "%.1f", $1 * 1000 }')
  national=$(measure "$base/national?year=$YEAR" "$N_NATIONAL" "$jar")
  province=$(measure "$base/national/%E0%B8%8A%E0%B8%A5%E0%B8%9A%E0%B8%B8%E0%B8%A3%E0%B8%B5?year=$YEAR" "$N_NATIONAL" "$jar")
  dash=$(measure "$base/gen-00001/staff/dashboard?year=$YEAR" "$N_DASH" "$jar")
  dash_other=$(measure "$base/gen-07000/staff/dashboard?year=$YEAR" 20 "$jar" 2>/dev/null || true)
  risks=$(measure "$base/gen-00001/risks" "$N_DASH" "$jar")
  ita=$(measure "$base/gen-00001/ita" "$N_DASH" "$jar")
  rss=$(( $(awk '/VmHWM/ { print $2 }' "/proc/$server/status") / 1024 ))
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  if [ "$backend" = postgres ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null; pgdb=""; fi

  results+=("| $backend | generate | $(printf '%.1f' "$gen_s") s, peak RSS $gen_rss MB | |")
  results+=("| $backend | \`/national\` first request | $cold ms | |")
  results+=("| $backend | \`/national\` ×$N_NATIONAL | $national | |")
  results+=("| $backend | \`/national/ชลบุรี\` ×$N_NATIONAL | $province | |")
  results+=("| $backend | dashboard \`gen-00001\` ×$N_DASH | $dash | |")
  results+=("| $backend | public \`/gen-00001/risks\` ×$N_DASH | $risks | |")
  results+=("| $backend | public \`/gen-00001/ita\` ×$N_DASH | $ita | |")
  results+=("| $backend | server peak RSS (VmHWM) | $rss MB | |")
  echo "== $backend done"
done

echo
echo "ORGS=$ORGS; latencies in ms as p50 p95 max"
echo "| backend | what | result | |"
echo "|---|---|---|---|"
printf '%s\n' "${results[@]}"
