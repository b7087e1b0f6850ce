#!/usr/bin/env bash
# The yardstick named in issue 14's targets: PostGraphile 4 (pinned in
# bench/postgraphile/package.json) over a precomputed ranking table of the
# national world's day (bench/postgraphile/yardstick.sql), measured with the
# same load generator, clients and queries' fields as bench/run.sh. Run it in
# the same sitting as bench/run.sh; writes bench/results/postgraphile.txt.
#   bench/postgraphile.sh       (BENCH_RUNS=5 BENCH_DURATION=10s by default)
# Needs node and npm (the npm registry), and the national world in BENCH_DB
# (default tiendo_bench, loaded by bench/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DBNAME=${BENCH_DB:-tiendo_bench}
URL=${ADMIN%%/postgres\?*}/$DBNAME?sslmode=disable
PORT=${PGL_PORT:-18090}
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_DURATION:-10s}
DIR=${PGL_DIR:-/var/tmp/tiendo-postgraphile}
C=quoc-gia-90-ngay
DAY=2024-05-24
out=bench/results/postgraphile.txt
mkdir -p bench/results "$DIR"
: >"$out"
log() { echo "$*" | tee -a "$out"; }

cp bench/postgraphile/package.json bench/postgraphile/package-lock.json "$DIR/"
(cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
go build -o /tmp/tiendo-bench-load ./bench/load
psql "$URL" -qX -v ON_ERROR_STOP=1 -v day="$DAY" -f bench/postgraphile/yardstick.sql
log "# $(date -u +%F) $(nproc) cores; PostGraphile $(node -p "require('$DIR/node_modules/postgraphile/package.json').version") (node $(node --version)) over yardstick.ranking ($(psql "$URL" -Atc 'select count(*) from yardstick.ranking') rows); PostgreSQL shared_buffers=$(psql "$URL" -Atc 'show shared_buffers')"

node "$DIR/node_modules/.bin/postgraphile" -c "${URL%%\?*}" -s yardstick --host 127.0.0.1 --port "$PORT" \
  --disable-query-log --disable-graphiql >/tmp/tiendo-postgraphile.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}' "http://127.0.0.1:$PORT/graphql" >/dev/null && break
  sleep 0.2
done

F="rank rankChange figure quota rate band pace7D requiredPace atRisk source unitCode unitName"
cond() { echo "condition: {campaign: \"$C\", metric: \"activated\", day: \"$DAY\", level: \"$1\"}, orderBy: RANK_ASC"; }
Q_PROV="{ allRankings($(cond PROVINCE), first: 63) { totalCount nodes { $F } } }"
Q_COMM="{ allRankings($(cond COMMUNE), first: 50) { totalCount nodes { $F } } }"
# The answers must be the rankings (the same ranks tiendo serves), not errors
# (PostGraphile names the column pace7d "pace7D").
for q in "$Q_PROV" "$Q_COMM"; do
  body=$(curl -fs -H 'Content-Type: application/json' --data "$(jq -nc --arg q "$q" '{query: $q}')" "http://127.0.0.1:$PORT/graphql")
  echo "$body" | jq -e '.data.allRankings.nodes | length > 0 and .[0].rank == 1' >/dev/null || { echo "unexpected answer: ${body:0:300}"; exit 1; }
done
for name in provinces communes typename; do
  case $name in provinces) q=$Q_PROV;; communes) q=$Q_COMM;; typename) q="{ __typename }";; esac
  for run in $(seq 1 "$RUNS"); do
    /tmp/tiendo-bench-load -url "http://127.0.0.1:$PORT/graphql" -c 16 -d "$DUR" -name "postgraphile-$name run=$run" -query "$q" | tee -a "$out"
  done
done
log "postgraphile_rss_peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)"
