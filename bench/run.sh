#!/usr/bin/env bash
# The national-scale benchmark of the progress engine, through the HTTP API.
#   bench/run.sh            load the world if needed, then measure everything
# Needs PostgreSQL at BENCH_ADMIN_URL (default: the local server, user postgres).
# Prints one line per measurement and writes bench/results/latest.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DBNAME=${BENCH_DB:-tiendo_bench}
URL=${ADMIN%%/postgres\?*}/$DBNAME?sslmode=disable
PORT=${BENCH_PORT:-18080}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_DURATION:-10s}
mkdir -p bench/results
out=bench/results/latest.txt
: > "$out"
log() { echo "$*" | tee -a "$out"; }

go build -o /tmp/tiendo-bench-server ./server
go build -o /tmp/tiendo-bench-load ./bench/load
go build -o /tmp/tiendo-bench-national ./bench/national

if ! psql "$ADMIN" -qAtc "select 1 from pg_database where datname='$DBNAME'" | grep -q 1; then
  psql "$ADMIN" -qc "create database $DBNAME"
  log "# loading the national world (once)"
  /tmp/tiendo-bench-national -database-url "$URL" load | tee -a "$out"
  psql "$URL" -qc "vacuum analyze"
fi

log "# $(date -u +%F) $(nproc) cores; PostgreSQL $(psql "$URL" -Atc 'show server_version') shared_buffers=$(psql "$URL" -Atc 'show shared_buffers')"

start_server() {
  RESPONSE_CACHE_MB=${1:-64} RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 DATABASE_URL="$URL" LISTEN_ADDR="127.0.0.1:$PORT" /tmp/tiendo-bench-server serve >/tmp/tiendo-bench-server.log 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && settle "$SERVER_PID" && return; sleep 0.1; done
  echo "server did not start"; cat /tmp/tiendo-bench-server.log; exit 1
}
source bench/lib.sh
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop_server EXIT
start_server

C=quoc-gia-90-ngay
DAY=2024-05-24
Q_PROV="{ ranking(campaign: \"$C\", metric: \"activated\", date: \"$DAY\", level: PROVINCE, first: 63) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
Q_COMM="{ ranking(campaign: \"$C\", metric: \"activated\", date: \"$DAY\", level: COMMUNE, first: 50) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
S="from: \"2024-03-01\", to: \"2024-05-29\", first: 90"
COLS="totalCount columns { dates figures quotas rates sources deltas }"
Q_COLUMNS="{ c: progress(campaign: \"$C\", unitCode: \"01\", metric: \"collected\", $S) { $COLS } i: progress(campaign: \"$C\", unitCode: \"01\", metric: \"issued\", $S) { $COLS } a: progress(campaign: \"$C\", unitCode: \"01\", metric: \"activated\", $S) { $COLS } }"
Q_SERIES="{ c: progress(campaign: \"$C\", unitCode: \"01\", metric: \"collected\", $S) { totalCount edges { node { date figure quota rate source delta } } } i: progress(campaign: \"$C\", unitCode: \"01\", metric: \"issued\", $S) { totalCount edges { node { date figure quota rate source delta } } } a: progress(campaign: \"$C\", unitCode: \"01\", metric: \"activated\", $S) { totalCount edges { node { date figure quota rate source delta } } } }"

# Each read twice: as served (repeated anonymous queries answered from the
# response cache until a commit), then with the cache off (every request
# executed: what the first request after each commit costs).
for cache in 64 0; do
  suffix=""
  if [ "$cache" = 0 ]; then
    stop_server
    start_server 0
    suffix="-nocache"
  fi
  for name in provinces communes series series-columns typename; do
    # Rankings under load (16 clients); series as one client's latency.
    c=16
    case $name in provinces) q=$Q_PROV;; communes) q=$Q_COMM;; series) q=$Q_SERIES; c=1;; series-columns) q=$Q_COLUMNS; c=1;; typename) q='{ __typename }';; esac
    for run in $(seq 1 "$RUNS"); do
      /tmp/tiendo-bench-load -url "http://127.0.0.1:$PORT/graphql" -c "$c" -d "$DUR" -name "$name$suffix run=$run" -query "$q" | tee -a "$out"
    done
  done
  log "server_rss_peak_kb$suffix=$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)"
done

# Ingest: a new day for every commune (rewinding the last day first, so each
# run measures the same day), then corrections 30 days back. They go through
# bench/national, not the API: the server is stopped first, or its figures
# worker and publisher (every changed day's bulletin republished) would
# share the two cores with what is measured.
stop_server
for run in $(seq 1 "$RUNS"); do
  /tmp/tiendo-bench-national -database-url "$URL" rewind >/dev/null
  /tmp/tiendo-bench-national -database-url "$URL" newday | tee -a "$out"
done
for run in $(seq 1 "$RUNS"); do
  /tmp/tiendo-bench-national -database-url "$URL" correction | tee -a "$out"
done
