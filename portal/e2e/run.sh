#!/usr/bin/env bash
# Browser tests of the portal: builds the server, serves the demo on a fresh
# database, runs every *.test.mjs here with Debian's chromium (one file a
# page or feature; each takes the base URL), stops the server.
#   portal/e2e/run.sh
# ADMIN_DATABASE_URL: where to create the database (default: the local
# server at 127.0.0.1:5432, user postgres). Installs chromium, node and npm
# with apt-get when they are missing (as root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
admin="${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
work="$(mktemp -d)"
db="tiendo_e2e_$$"
pid=""
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  psql "$admin" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
command -v python3 >/dev/null || need+=(python3)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
(cd "$here" && npm install --no-audit --no-fund --silent)

psql "$admin" -qc "create database $db"
url="${admin%%/postgres\?*}/$db?sslmode=disable"
freeport() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(freeport)
sport=$(freeport) # the static copy's host, another origin
(cd "$root" && go build -o "$work/server" ./server)
# An admin token, for the tests that write (a correction after a milestone's freeze).
export E2E_ADMIN_TOKEN="e2e-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
DATABASE_URL="$url" RATE_LIMIT=0 ADMIN_TOKEN="$E2E_ADMIN_TOKEN" CORS_ALLOWED_ORIGINS="http://127.0.0.1:$sport" "$work/server" serve --demo --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  # The server publishes the demo's bulletins as it starts.
  if curl -fs "$base/downloads/ben-tre-cong-dan-so/2023-11-14.csv" -o /dev/null 2>/dev/null; then break; fi
  sleep 0.2
done
rc=0
for t in "$here"/*.test.mjs; do
  echo "== $(basename "$t")"
  node "$t" "$base" || rc=1
done

# The static copy, on a plain static host under /tiendo/, the API on the server's origin.
echo "== static copy"
DATABASE_URL="$url" "$work/server" publish --out "$work/site/tiendo" --base /tiendo/ --site-url "http://127.0.0.1:$sport" --api "$base/graphql" 2>/dev/null
python3 -m http.server "$sport" --bind 127.0.0.1 --directory "$work/site" >"$work/static.log" 2>&1 &
spid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$sport/tiendo/" -o /dev/null && break; sleep 0.1; done
node "$here/static.check.mjs" "http://127.0.0.1:$sport/tiendo/" "$base" || rc=1
# The same copy with its API unreachable: the pages read its data/ files.
echo "== static copy, standing alone"
node "$here/standalone.check.mjs" "http://127.0.0.1:$sport/tiendo/" "$base/" || rc=1
kill "$spid" 2>/dev/null || true
[ $rc -eq 0 ] || { tail -20 "$work/server.log"; exit 1; }
