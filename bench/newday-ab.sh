#!/usr/bin/env bash
# A/B of a new national day across two builds that may differ in schema:
# each build gets its own copy of a kept world (tiendo_bench_h{days},
# loaded by bench/newday-history.sh with BENCH_KEEP=1), the old build's
# copy left at its schema, the new build's migrated by its first run; then
# BENCH_ROUNDS rounds (default 5) alternate old and new, each run after a
# CHECKPOINT and followed by `rewind`. One line per run:
#   days=90 bin=new newday day=… ingest_s=… refresh_s=… total_s=… wal_mb=… fpi=…
# wal_mb is the WAL the server wrote during the run (pg_current_wal_lsn
# before and after: other work on the server counts too); db_wal_mb the
# part of it that touches the run's database, fpi the full-page images in
# that part, and fpi:RELATION those of each relation with 1,000 or more
# (read with pg_waldump, where the WAL directory is readable: run as root
# or postgres).
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
# walstat URL <WALDUMP-OUTPUT: the WAL records that touch URL's database
# (db_wal_mb: other databases' work left out), their full-page images
# (fpi) and, for a relation with 1,000 or more, its own count.
walstat() {
  local oid stats
  oid=$(psql "$1" -Atc "select oid from pg_database where datname = current_database()")
  stats=$(awk -v o="$oid" '
    index($0, "rel 1663/" o "/") {
      split($0, a, "rec/tot\\):"); split(a[2], b, "/"); t += b[2] + 0
      s = $0
      while (match(s, /rel 1663\/[0-9]+\/[0-9]+( fork [a-z]+)? blk [0-9]+ FPW/)) {
        m = substr(s, RSTART, RLENGTH); split(m, p, "/"); split(p[3], q, " ")
        if (p[2] == o) { n++; r[q[1]]++ }
        s = substr(s, RSTART + RLENGTH)
      }
    }
    END {
      printf "db_wal_mb=%.1f fpi=%d", t / 1e6, n
      for (k in r) if (r[k] >= 1000) printf " fpi:%s=%d", k, r[k]
    }') || { echo "db_wal_mb=? fpi=?"; return; }
  # Relation file nodes to names.
  for node in $(grep -o 'fpi:[0-9]*' <<<"$stats" | cut -d: -f2); do
    stats=${stats/fpi:$node=/fpi:$(psql "$1" -Atc "select relname from pg_class where relfilenode = $node")=}
  done
  echo "$stats"
}
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
      # Read as it is written, from the checkpoint's record (a record: the
      # current position is not one yet): a checkpoint (another database
      # dropped, say) may recycle the segments before the run ends.
      "$WALDUMP" -p "$WALDIR" -f -s "$(psql "$ADMIN" -Atc "select checkpoint_lsn from pg_control_checkpoint()")" >"$tmp/wal" 2>/dev/null &
      dump=$!
      out=$("$tmp/$b" -database-url "$url" -days "$days" newday)
      z=$(lsn)
      sleep 2
      kill "$dump" 2>/dev/null || true
      wait "$dump" 2>/dev/null || true
      wal=$(psql "$ADMIN" -Atc "select round(pg_wal_lsn_diff('$z', '$a') / 1e6, 1)")
      echo "days=$days bin=$b $out wal_mb=$wal $(walstat "$url" <"$tmp/wal") load=$(cut -d' ' -f1 /proc/loadavg)"
      "$tmp/$b" -database-url "$url" -days "$days" rewind >/dev/null
    done
  done
done
