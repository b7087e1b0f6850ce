#!/usr/bin/env bash
# A/B of the uncached rankings between two server builds on one database:
# the builds alternate (BENCH_ROUNDS rounds, default 3), each started with
# the response cache off and left to settle, then bench/load ranks the
# provinces (first 63) and the communes (first 50 + total) at 16 clients for
# BENCH_DURATION (default 10s). How the generated writer was compared with
# the hand-written one (bench/results/proxy-writer-2026-12-02.txt).
#   bench/serve-ab.sh OLD_SERVER_BINARY NEW_SERVER_BINARY DATABASE
# DATABASE holds the national world (bench/national -days 90, or a copy of
# one: CREATE DATABASE x TEMPLATE tiendo_bench_h90); both builds must accept
# its schema (a build migrates it on start).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
old=$1 new=$2 db=$3
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
URL=${ADMIN%%/postgres\?*}/$db?sslmode=disable
C=quoc-gia-90-ngay; DAY=2024-05-24
Q_PROV="{ ranking(campaign: \"$C\", metric: \"activated\", date: \"$DAY\", level: PROVINCE, first: 63) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
Q_COMM="{ ranking(campaign: \"$C\", metric: \"activated\", date: \"$DAY\", level: COMMUNE, first: 50) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
go build -o /tmp/tiendo-bench-load ./bench/load
for round in $(seq 1 "${BENCH_ROUNDS:-3}"); do
  for b in "$old" "$new"; do
    RESPONSE_CACHE_MB=0 RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 DATABASE_URL="$URL" LISTEN_ADDR=127.0.0.1:18085 "$b" serve >/tmp/serve-ab.log 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -fs http://127.0.0.1:18085/readyz >/dev/null && break; sleep 0.1; done
    settle "$pid"
    for q in prov comm; do
      [ $q = prov ] && query=$Q_PROV || query=$Q_COMM
      /tmp/tiendo-bench-load -url http://127.0.0.1:18085/graphql -c 16 -d "${BENCH_DURATION:-10s}" -name "$(basename "$b")-$q round=$round" -query "$query"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
