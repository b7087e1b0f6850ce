#!/usr/bin/env bash
# Live subscribers at scale (issue 14): N live connections to one server on the demo data, half
# Server-Sent Events and half graphql-ws subscriptions, all to one campaign's figures; then M
# corrections through the API, one at a time, each timed from its acknowledgement to its update on
# every connection (write → figures refresh → NOTIFY → subscribers). Target: 1,000 connections,
# every update within 1 s, server RSS ≤ 300 MB. Writes bench/results/subscribers.txt.
#   bench/subscribers.sh            N=1000 M=5 TRANSPORT=mix by default (sse, ws or mix)
# Needs PostgreSQL at BENCH_ADMIN_URL (default: the local server, user postgres); the demo is loaded
# once into BENCH_DB (default tiendo_bench_subs), created if missing. The server keeps its default
# bounds (LIVE_MAX_SUBSCRIBERS=1000 in all, LIVE_PER_ADDRESS=20 per client address): the connections
# come from 127.0.0.2, 127.0.0.3, …, LIVE_PER_ADDRESS each. More than 1,000 connections need
# LIVE_MAX_SUBSCRIBERS=N in the environment (the server reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DBNAME=${BENCH_DB:-tiendo_bench_subs}
URL=${ADMIN%%/postgres\?*}/$DBNAME?sslmode=disable
PORT=${BENCH_PORT:-18090}
N=${N:-1000}
M=${M:-5}
TRANSPORT=${TRANSPORT:-mix}
TOKEN=bench-subscribers-admin-0123456789abcdef
LOG=/tmp/tiendo-subs-server.log
out=bench/results/subscribers.txt
source bench/lib.sh
mkdir -p bench/results
go build -o /tmp/tiendo-subs-server ./server
go build -o /tmp/tiendo-subs-bench ./bench/subscribers

if ! psql "$ADMIN" -qAtc "select 1 from pg_database where datname = '$DBNAME'" | grep -q 1; then
  psql "$ADMIN" -qc "create database $DBNAME"
fi
if [ "$(psql "$URL" -Atc "select count(*) from pg_tables where tablename = 'units'")" = 0 ] ||
   [ "$(psql "$URL" -Atc 'select count(*) from units')" = 0 ]; then
  echo "# loading the demo into $DBNAME (once)"
  DATABASE_URL=$URL /tmp/tiendo-subs-server demo >"$LOG" 2>&1 || { cat "$LOG"; exit 1; }
fi

DATABASE_URL=$URL LISTEN_ADDR=127.0.0.1:$PORT SITE_URL=http://127.0.0.1:$PORT ADMIN_TOKEN=$TOKEN \
  /tmp/tiendo-subs-server serve >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server stopped:"; cat "$LOG"; exit 1; }
  sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "the server is not ready:"; tail -20 "$LOG"; exit 1; }
# A server starts by refreshing the days passed and republishing the bulletins: wait until it idles.
settle "$SERVER_PID"

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD 2>/dev/null || echo "+changes")
echo "# $(date -u '+%F %H:%M') UTC, $(nproc) cores, commit $commit; PostgreSQL $(psql "$URL" -Atc 'show server_version'); N=$N M=$M TRANSPORT=$TRANSPORT; server bounds LIVE_MAX_SUBSCRIBERS=${LIVE_MAX_SUBSCRIBERS:-1000} LIVE_PER_ADDRESS=${LIVE_PER_ADDRESS:-20}" | tee "$out"
status=0
/tmp/tiendo-subs-bench -url "http://127.0.0.1:$PORT" -token "$TOKEN" -server-pid "$SERVER_PID" \
  -n "$N" -m "$M" -transport "$TRANSPORT" -per-address "${LIVE_PER_ADDRESS:-20}" | tee -a "$out" || status=$?
exit "$status"
