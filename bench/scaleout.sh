#!/usr/bin/env bash
# The read side past one machine, on one machine: a PostgreSQL primary and a
# streaming standby (scripts/pg-replica.sh), three API servers reading from
# the standby, nginx caching in front of them (scripts/proxy.sh), the demo
# data. Measures, and writes to bench/results/scaleout.txt:
#   quiet-origin   a district ranking of campaign B straight from one server (POST, its response cache)
#   quiet-proxy    the same ranking through the proxy (GET): what a CDN in front serves
#   rush-B         the same ranking while a writer corrects a report of campaign A every second
#   rush-A         campaign A's ranking during the same rush
#   rss_kb         each server's peak memory
#   bench/scaleout.sh            (BENCH_DURATION=10s BENCH_RUNS=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${SCALEOUT_DIR:-/var/tmp/tiendo-scaleout}
PGPORT=${SCALEOUT_PG_PORT:-56432}
DUR=${BENCH_DURATION:-10s}
RUNS=${BENCH_RUNS:-3}
ADMIN=scaleout-admin-secret-0123456789abcdef
out=bench/results/scaleout.txt
mkdir -p bench/results
: >"$out"
log() { echo "$*" | tee -a "$out"; }

go build -o /tmp/tiendo-scale-server ./server
go build -o /tmp/tiendo-bench-load ./bench/load
urls=$(scripts/pg-replica.sh start "$DIR" "$PGPORT" | tail -2)
PRIMARY=$(echo "$urls" | sed -n 1p)
STANDBY=$(echo "$urls" | sed -n 2p)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/proxy.sh stop "$DIR/proxy" || true
  scripts/pg-replica.sh stop "$DIR" || true
}
trap cleanup EXIT
if [ "$(psql "$PRIMARY" -Atc "select count(*) from pg_tables where tablename = 'campaigns'")" = 0 ] ||
   [ "$(psql "$PRIMARY" -Atc 'select count(*) from campaigns')" = 0 ]; then
  DATABASE_URL=$PRIMARY /tmp/tiendo-scale-server demo >/dev/null 2>&1
fi
for i in 1 2 3; do
  DATABASE_URL=$PRIMARY DATABASE_REPLICA_URLS=$STANDBY LISTEN_ADDR=127.0.0.1:1808$i ADMIN_TOKEN=$ADMIN \
    RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 PUBLISH_EVERY=0 SITE_URL=http://127.0.0.1:18080 \
    /tmp/tiendo-scale-server serve >"$DIR/server$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:1808$i/readyz" >/dev/null && break; sleep 0.1; done
done
scripts/proxy.sh start "$DIR/proxy" 18080 127.0.0.1:18081,127.0.0.1:18082,127.0.0.1:18083 >/dev/null
log "# $(date -u +%F) $(nproc) cores; primary + streaming standby, 3 servers (reads from the standby), nginx in front; demo data"

A=ben-tre-cong-dan-so
B=kon-tum-15-ngay
DAY_A=2023-11-14
Q_A="{ ranking(campaign: \"$A\", metric: \"activated\", date: \"$DAY_A\", level: DISTRICT) { totalCount edges { node { rank figure quota rate band unit { code name } } } } }"
Q_B="{ ranking(campaign: \"$B\", metric: \"activated\", level: COMMUNE) { totalCount edges { node { rank figure quota rate band unit { code name } } } } }"

# The writer: one correction of a commune of campaign A a second, through server 1.
gql() { curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $ADMIN" --data "$1" http://127.0.0.1:18081/graphql; }
pick=$(gql "{\"query\":\"{ ranking(campaign: \\\"$A\\\", metric: \\\"collected\\\", date: \\\"$DAY_A\\\", level: COMMUNE, first: 1) { edges { node { figure unit { code } } } } }\"}")
CODE=$(echo "$pick" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["ranking"]["edges"][0]["node"]["unit"]["code"])')
FIG=$(echo "$pick" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["ranking"]["edges"][0]["node"]["figure"])')
writer() {
  local i=0
  while true; do
    i=$((i + 1))
    gql "{\"query\":\"mutation { correctReport(input: {campaign: \\\"$A\\\", unitCode: \\\"$CODE\\\", metric: \\\"collected\\\", date: \\\"$DAY_A\\\", value: $((FIG + i % 2)), reason: \\\"bench $i\\\", confirmAboveQuota: true}) { written } }\"}" >/dev/null || true
    sleep 1
  done
}

for run in $(seq 1 "$RUNS"); do
  /tmp/tiendo-bench-load -url http://127.0.0.1:18082/graphql -c 16 -d "$DUR" -name "quiet-origin run=$run" -query "$Q_B" | tee -a "$out"
  /tmp/tiendo-bench-load -get -url http://127.0.0.1:18080/graphql -c 16 -d "$DUR" -name "quiet-proxy run=$run" -query "$Q_B" | tee -a "$out"
done
writer &
wpid=$!
pids+=($wpid)
for run in $(seq 1 "$RUNS"); do
  /tmp/tiendo-bench-load -url http://127.0.0.1:18082/graphql -c 16 -d "$DUR" -name "rush-B run=$run" -query "$Q_B" | tee -a "$out"
  /tmp/tiendo-bench-load -url http://127.0.0.1:18083/graphql -c 16 -d "$DUR" -name "rush-A run=$run" -query "$Q_A" | tee -a "$out"
done
kill "$wpid" 2>/dev/null || true
for i in 1 2 3; do
  log "server$i rss_peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/${pids[$((i - 1))]}/status")"
done
