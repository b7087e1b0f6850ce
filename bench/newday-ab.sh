#!/usr/bin/env bash
# A/B of a new national day across two builds that may differ in schema:
# each build gets its own copy of a kept world (tiendo_bench_h{days},
# loaded by bench/newday-history.sh with BENCH_KEEP=1), the old build's
# copy left at its schema, the new build's migrated by its first run; then
# BENCH_ROUNDS rounds (default 5) alternate old and new, each run after a
# CHECKPOINT and followed by `rewind`. One line per run:
#   days=90 bin=new newday day=… ingest_s=… refresh_s=… total_s=… wal_mb=… fpi=…
# wal_mb is the WAL the run wrote (pg_current_wal_lsn before and after: the
# whole server's, so other work on it counts too), fpi the full-page images
# in it (pg_waldump --stats, where the WAL directory is readable).
#   BENCH_OLD=/work/main bench/newday-ab.sh [DAYS…]     (default 35 90)
# BENCH_OLD is a source tree of the old build (default: branch main,
# exported to a temporary folder). The copies
# (tiendo_ab_{old,new}_h{days}) are kept and reused; BENCH_FRESH=1 copies
# them again. The world databases themselves are only read (as templates).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
WALDUMP=${BENCH_WALDUMP:-/usr/lib/postgresql/15/bin/pg_waldump}
WALDIR=${BENCH_WALDIR:-/var/lib/postgresql/15/main/pg_wal}
lengths=("$@")
[ ${#lengths[@]} -gt 0 ] || lengths=(35 90)
tmp=$(mktemp -d)
old_src=${BENCH_OLD:-}
if [ -z "$old_src" ]; then
  old_src=$tmp/main
  mkdir "$old_src" && git archive main | tar -x -C "$old_src"
fi
(cd "$old_src" && go build -o "$tmp/old" ./bench/national)
go build -o "$tmp/new" ./bench/national
lsn() { psql "$ADMIN" -Atc "select pg_current_wal_lsn()"; }
for days in "${lengths[@]}"; do
  src=tiendo_bench_h$days
  for b in old new; do
    db=tiendo_ab_${b}_h$days
    if [ -n "${BENCH_FRESH:-}" ] || ! psql "${ADMIN%%/postgres\?*}/$db?sslmode=disable" -qc "select 1" >/dev/null 2>&1; then
      psql "$ADMIN" -qc "drop database if exists $db" -qc "create database $db template $src"
      # First run (migrates the new build's copy, warms both): not counted.
      url=${ADMIN%%/postgres\?*}/$db?sslmode=disable
      "$tmp/$b" -database-url "$url" -days "$days" newday >/dev/null
      "$tmp/$b" -database-url "$url" -days "$days" rewind >/dev/null
    fi
  done
  for _ in $(seq "${BENCH_ROUNDS:-5}"); do
    for b in old new; do
      url=${ADMIN%%/postgres\?*}/tiendo_ab_${b}_h$days?sslmode=disable
      psql "$url" -qc "checkpoint"
      a=$(lsn)
      out=$("$tmp/$b" -database-url "$url" -days "$days" newday)
      z=$(lsn)
      wal=$(psql "$ADMIN" -Atc "select round(pg_wal_lsn_diff('$z', '$a') / 1e6, 1)")
      fpi=$("$WALDUMP" -p "$WALDIR" -s "$a" -e "$z" --stats 2>/dev/null | awk '$1 == "Total" {print $4; exit}' || true)
      echo "days=$days bin=$b $out wal_mb=$wal fpi=${fpi:-?} load=$(cut -d' ' -f1 /proc/loadavg)"
      "$tmp/$b" -database-url "$url" -days "$days" rewind >/dev/null
    done
  done
done
