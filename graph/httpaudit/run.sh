#!/usr/bin/env bash
# Audits the API against the GraphQL-over-HTTP spec with graphql-http's
# serverAudits: builds the server, starts it on a fresh database, runs
# audit.mjs, stops the server. Exits non-zero on any error, warning or
# notice (see audit.mjs).
#   graph/httpaudit/run.sh
# DATABASE_URL: the database to serve (migrated on start); without it a
# fresh one is created on ADMIN_DATABASE_URL (default: the local server at
# 127.0.0.1:5432, user postgres) and dropped afterwards. Needs node and npm
# (the npm registry for the first install) and psql when creating the
# database. AUDIT_PORT: the port to serve on (default: any free one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/scripts/lib/demo.sh"

command -v node >/dev/null && command -v npm >/dev/null || demo_install nodejs npm
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
demo_build
if [ -z "${DATABASE_URL:-}" ]; then
  demo_database "tiendo_httpaudit_$$_$RANDOM"
  DATABASE_URL="$url"
fi

# The server's default settings, limits included: the audit's client waits
# out a 429 as its Retry-After says (audit.mjs). Port 0: any free port, read
# back from the log.
DATABASE_URL="$DATABASE_URL" "$work/server" serve --listen "127.0.0.1:${AUDIT_PORT:-0}" \
  >"$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
base=""
for _ in $(seq 1 300); do
  addr="$(sed -n 's/.*msg=serving addr=\([^ ]*\).*/\1/p' "$work/server.log" | head -n 1)"
  if [ -n "$addr" ] && curl -fs "http://$addr/readyz" >/dev/null 2>&1; then
    base="http://$addr"
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$base" ]; then
  echo "the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

status=0
node "$here/audit.mjs" "$base/graphql" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log" >&2
  tail -n 50 "$work/server.log" >&2
fi
exit "$status"
