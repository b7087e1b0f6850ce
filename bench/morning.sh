#!/usr/bin/env bash
# A report morning (issue 14, item 7): the national world's communes each
# submit their 3 metrics for the next day separately, at RATE submissions
# a second, while 16 readers rank the provinces. Prints the acknowledgement
# latencies, how far behind the writes the figures were (from /metrics), and
# the readers' throughput (READERS clients, 16 by default; 0 for none), then rewinds the day (so it can be run again).
#   bench/morning.sh            RATE=10 N=600 by default (one minute)
# Needs PostgreSQL at BENCH_ADMIN_URL (default: the local server, user postgres).
# Its world, in BENCH_DB (default tiendo_bench_morning, loaded the first time:
# about 3 minutes), is the national world of bench/run.sh with reports up to
# the campaign's day before last, so that the morning's reports are for the
# campaign's last day: as on a morning of a campaign under way, when the
# reports are for yesterday and no later day is computed yet (with
# bench/run.sh's world, whose last 5 days are left out, each refresh would
# also recompute the 4 days after the reports, carried forward).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DBNAME=${BENCH_DB:-tiendo_bench_morning}
URL=${ADMIN%%/postgres\?*}/$DBNAME?sslmode=disable
PORT=${BENCH_PORT:-18081}
RATE=${RATE:-10}
N=${N:-600}
READERS=${READERS:-16}
source bench/lib.sh
go build -o /tmp/tiendo-bench-server ./server
go build -o /tmp/tiendo-bench-load ./bench/load
go build -o /tmp/tiendo-bench-morning ./bench/morning
go build -o /tmp/tiendo-bench-national ./bench/national

if ! psql "$ADMIN" -qAtc "select 1 from pg_database where datname='$DBNAME'" | grep -q 1; then
  psql "$ADMIN" -qc "create database $DBNAME"
  /tmp/tiendo-bench-national -database-url "$URL" -new 1 load
  psql "$URL" -qc "vacuum analyze"
fi
C=$(psql "$URL" -Atc "select slug from campaigns where slug like 'quoc-gia-%' order by id limit 1")
DAY=$(psql "$URL" -Atc "select max(day) + 1 from report_current")
PREV=$(psql "$URL" -Atc "select max(day) from report_current")
TOKEN=$(/tmp/tiendo-bench-server token create --database-url "$URL" --role admin --name "bench morning" 2>/dev/null)
[ -n "$TOKEN" ] || { echo "could not create a token"; exit 1; }

RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 DATABASE_URL="$URL" LISTEN_ADDR="127.0.0.1:$PORT" /tmp/tiendo-bench-server serve >/tmp/tiendo-bench-morning-server.log 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
  /tmp/tiendo-bench-national -database-url "$URL" rewind >/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
settle "$SERVER_PID"

echo "# $(date -u +%F) $(nproc) cores; PostgreSQL $(psql "$URL" -Atc 'show server_version') shared_buffers=$(psql "$URL" -Atc 'show shared_buffers'); campaign $C, day $DAY, $N communes at $RATE/s"
Q_PROV="{ ranking(campaign: \"$C\", metric: \"activated\", date: \"$PREV\", level: PROVINCE, first: 63) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
secs=$(( N / RATE + 10 ))
LOAD_PID=""
if [ "$READERS" -gt 0 ]; then
  /tmp/tiendo-bench-load -url "http://127.0.0.1:$PORT/graphql" -c "$READERS" -d "${secs}s" -name "readers-during-morning c=$READERS" -query "$Q_PROV" &
  LOAD_PID=$!
fi
/tmp/tiendo-bench-morning -url "http://127.0.0.1:$PORT/graphql" -token "$TOKEN" -campaign "$C" -date "$DAY" -rate "$RATE" -n "$N"
[ -z "$LOAD_PID" ] || wait "$LOAD_PID"
echo "server_rss_peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)"
