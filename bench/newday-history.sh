#!/usr/bin/env bash
# Does a new national day cost more when more days are stored? Loads the
# national world once per campaign length (default 35, 90 and 365 days, each
# in its own database tiendo_bench_h{days}, the last 5 days left out), then
# times `newday` (the next day) BENCH_ROUNDS times (default 5), rewinding
# after each, and prints one line per run:
#   days=365 bin=… newday day=… rows=… ingest_s=… refresh_s=… total_s=…
# Each run follows a CHECKPOINT, as a morning's import follows one (every
# 5 minutes by default): it pays for the full-page images of every page it
# dirties, as it would in service.
#   bench/newday-history.sh [DAYS…]
# Loading 365 days writes about 11 million reports: expect tens of minutes.
# BENCH_KEEP=1 keeps the databases; BENCH_REUSE=1 measures a database kept
# before instead of loading it again; BENCH_BINS="old new" alternates two
# builds of bench/national (e.g. before and after a change) in each round,
# which is how to compare them on a shared, noisy machine. BENCH_WARM=1
# times the day in a process that added the day before it first (national
# -warm: a server that refreshed yesterday, its backends and memories warm)
# instead of a process of its own (the `import` command's case).
# Needs PostgreSQL at BENCH_ADMIN_URL (default: the local server, user postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
lengths=("$@")
[ ${#lengths[@]} -gt 0 ] || lengths=(35 90 365)
bin=$(mktemp -d)/national
go build -o "$bin" ./bench/national
read -r -a bins <<<"${BENCH_BINS:-$bin}"
# The server's memory settings: a new process's backends fault in every page
# of shared memory they touch, which huge pages make 512 times fewer (with
# huge_pages = on the server does not start without them; try may or may
# not have them).
echo "# $(date -u +%FT%RZ) shared_buffers=$(psql "$ADMIN" -Atc 'show shared_buffers') huge_pages=$(psql "$ADMIN" -Atc 'show huge_pages') warm=${BENCH_WARM:-0}"
for days in "${lengths[@]}"; do
  db=tiendo_bench_h$days
  url=${ADMIN%%/postgres\?*}/$db?sslmode=disable
  if [ -z "${BENCH_REUSE:-}" ] || ! psql "$url" -qc "select 1" >/dev/null 2>&1; then
    psql "$ADMIN" -qc "drop database if exists $db" -qc "create database $db"
    "$bin" -database-url "$url" -days "$days" load >&2
    psql "$url" -qc "vacuum analyze"
  fi
  warm=()
  if [ -n "${BENCH_WARM:-}" ]; then
    warm=(-warm)
    "$bin" -database-url "$url" -days "$days" rewind >/dev/null
  fi
  for _ in $(seq "${BENCH_ROUNDS:-5}"); do
    for b in "${bins[@]}"; do
      psql "$url" -qc "checkpoint"
      echo "days=$days bin=$(basename "$b") $("$b" -database-url "$url" -days "$days" "${warm[@]}" newday | grep -v '^#')"
      "$b" -database-url "$url" -days "$days" rewind >/dev/null
      [ -z "${BENCH_WARM:-}" ] || "$b" -database-url "$url" -days "$days" rewind >/dev/null
    done
  done
  # Leave a kept database as it was: every day but the last 5 (newday's).
  [ -z "${BENCH_WARM:-}" ] || "$bin" -database-url "$url" -days "$days" newday >&2
  [ -n "${BENCH_KEEP:-}" ] || psql "$ADMIN" -qc "drop database $db"
done
