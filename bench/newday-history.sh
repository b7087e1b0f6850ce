#!/usr/bin/env bash
# Does a new national day cost more when more days are stored? Loads the
# national world once per campaign length (default 30, 90 and 365 days, each
# in its own database tiendo_bench_h{days}), then times `newday` for each of
# the 5 days left out of the load, and prints one line per day:
#   days=365 newday day=… rows=… ingest_s=… refresh_s=… total_s=…
# Loading 365 days writes about 11 million reports: expect tens of minutes.
#   bench/newday-history.sh [DAYS…]
# Needs PostgreSQL at BENCH_ADMIN_URL (default: the local server, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
lengths=("$@")
[ ${#lengths[@]} -gt 0 ] || lengths=(30 90 365)
go build -o /tmp/tiendo-bench-national ./bench/national
for days in "${lengths[@]}"; do
  db=tiendo_bench_h$days
  url=${ADMIN%%/postgres\?*}/$db?sslmode=disable
  psql "$ADMIN" -qc "drop database if exists $db" -qc "create database $db"
  /tmp/tiendo-bench-national -database-url "$url" -days "$days" load >&2
  psql "$url" -qc "vacuum analyze"
  for _ in 1 2 3 4 5; do
    echo "days=$days $(/tmp/tiendo-bench-national -database-url "$url" -days "$days" newday)"
  done
  [ -n "${BENCH_KEEP:-}" ] || psql "$ADMIN" -qc "drop database $db"
done
