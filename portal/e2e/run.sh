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
source "$root/scripts/lib/demo.sh"

need=()
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
command -v python3 >/dev/null || need+=(python3)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] || demo_install "${need[@]}"
(cd "$here" && npm install --no-audit --no-fund --silent)

demo_database "tiendo_e2e_$$"
port=$(demo_freeport)
sport=$(demo_freeport) # the static copy's host, another origin
demo_build
# An admin token, for the tests that write (a correction after a milestone's freeze).
export E2E_ADMIN_TOKEN="e2e-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
RATE_LIMIT=0 ADMIN_TOKEN="$E2E_ADMIN_TOKEN" CORS_ALLOWED_ORIGINS="http://127.0.0.1:$sport" demo_serve "$port"
rc=0
for t in "$here"/*.test.mjs; do
  echo "== $(basename "$t")"
  node "$t" "$base" || rc=1
done

# The static copy, on a plain static host under /tiendo/, the API on the server's origin.
echo "== static copy"
demo_static "$sport" --api "$base/graphql"
node "$here/static.check.mjs" "http://127.0.0.1:$sport/tiendo/" "$base" || rc=1
# The same copy with its API unreachable: the pages read its data/ files.
echo "== static copy, standing alone"
node "$here/standalone.check.mjs" "http://127.0.0.1:$sport/tiendo/" "$base/" || rc=1
[ $rc -eq 0 ] || { tail -20 "$work/server.log"; exit 1; }
