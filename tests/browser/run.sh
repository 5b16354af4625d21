#!/usr/bin/env bash
# Real-browser test of the foundation: builds the server, starts it with demo data on a
# free port, drives Debian's chromium through it (tests/browser/foundation.mjs), stops it.
# Needs /usr/bin/chromium (apt-get install -y chromium fonts-thai-tlwg) and node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (Debian package)…"
  apt-get install -y chromium fonts-thai-tlwg
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/@axe-core/playwright" ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
data="$(mktemp -d)"
export PRONGSAI_DEMO_PASSWORD="${PRONGSAI_DEMO_PASSWORD:-browser-test-password}"

# Prefer the real command (`prongsai serve --demo`); fall back to the web crate's demo
# server while the command line is not ready.
if cargo build -q -p prongsai 2>/dev/null && "$root/target/debug/prongsai" serve --help 2>/dev/null | grep -q -- --demo; then
  "$root/target/debug/prongsai" serve --demo --data-dir "$data" --listen "127.0.0.1:$port" &
else
  cargo build -q -p prongsai-web --example demo_server
  "$root/target/debug/examples/demo_server" "$data" "127.0.0.1:$port" &
fi
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

BASE_URL="http://127.0.0.1:$port" node "$here/foundation.mjs"
BASE_URL="http://127.0.0.1:$port" node "$here/integrity.mjs"
BASE_URL="http://127.0.0.1:$port" node "$here/complaints.mjs"
BASE_URL="http://127.0.0.1:$port" node "$here/a11y.mjs"
BASE_URL="http://127.0.0.1:$port" node "$here/plan_run.mjs"
