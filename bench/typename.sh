#!/usr/bin/env bash
# Tail latency of a trivial query (issue 14, item 9): `{ __typename }` over
# POST at 16 connections, measured with wrk (C, so the load generator takes
# less of the two cores than bench/load), against tiendo and against
# PostGraphile (started by bench/postgraphile.sh's set-up) and against the
# floor (bench/typename/floor: net/http alone, the same answer), alternating,
# BENCH_RUNS times each. Appends to bench/results/typename.txt. The floor is
# what this machine's kernel and Go's net/http give any Go server: a target
# below it is a target for the machine, not for the service.
# On a machine of two or more cores each server runs on core 0 and wrk on
# core 1 (taskset; BENCH_PIN=0 turns it off): sharing both cores, the four
# busy threads (two of wrk, two of the server) make the tail a measure of
# the kernel's scheduler, not of the server (measured: p99 8–9 ms sharing
# the cores, the same with the collector off; 2.1–2.5 ms each on its own
# core); separate machines are what a server and its clients are.
# For the same reason the servers not measured are stopped (SIGSTOP) during
# each one's run: after its own run, node's collector and compiler, or
# Go's, would otherwise work on the measured server's core.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
URL=${ADMIN%%/postgres\?*}/${BENCH_DB:-tiendo_bench}?sslmode=disable
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_DURATION:-10s}
DIR=${PGL_DIR:-/var/tmp/tiendo-postgraphile}
out=bench/results/typename.txt
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source bench/lib.sh
go build -o /tmp/tiendo-bench-server ./server
go build -o /tmp/tiendo-bench-floor ./bench/typename/floor
# { __typename } reads no table: any database of the service will do, an
# empty one included (bench/run.sh's national world when it is there).
db=${URL##*/}; db=${db%%\?*}
[ -n "$(psql "$ADMIN" -Atc "select 1 from pg_database where datname = '$db'")" ] || psql "$ADMIN" -qc "create database $db"
server_cpu=() client_cpu=()
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0) client_cpu=(taskset -c 1)
fi
RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 DATABASE_URL="$URL" LISTEN_ADDR=127.0.0.1:18083 "${server_cpu[@]}" /tmp/tiendo-bench-server serve >/tmp/tiendo-typename.log 2>&1 &
pids=($!)
[ -x "$DIR/node_modules/.bin/postgraphile" ] || { mkdir -p "$DIR"; cp bench/postgraphile/package*.json "$DIR/"; (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); }
"${server_cpu[@]}" node "$DIR/node_modules/.bin/postgraphile" -c "${URL%%\?*}" -s public --host 127.0.0.1 --port 18091 --disable-query-log --disable-graphiql >/tmp/tiendo-typename-pgl.log 2>&1 &
pids+=($!)
"${server_cpu[@]}" /tmp/tiendo-bench-floor -addr 127.0.0.1:18085 >/tmp/tiendo-typename-floor.log 2>&1 &
pids+=($!)
trap 'kill -CONT "${pids[@]}" 2>/dev/null || true; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for port in 18083 18091 18085; do
  for _ in $(seq 1 150); do curl -fs -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}' "http://127.0.0.1:$port/graphql" >/dev/null && break; sleep 0.2; done
done
: >/tmp/typename-sitting.txt
settle "${pids[0]}"
settle "${pids[1]}"
settle "${pids[2]}"
echo "# $(date -u +%F) $(nproc) cores; wrk -t1 -c16 -d$DUR, POST { __typename }; ${server_cpu[*]:-unpinned} server (the others stopped), ${client_cpu[*]:-unpinned} wrk; tiendo $(git rev-parse --short HEAD), PostGraphile $(node -p "require('$DIR/node_modules/postgraphile/package.json').version"), floor: net/http $(go env GOVERSION)" | tee -a "$out"
for run in $(seq 1 "$RUNS"); do
  for who in tiendo:18083:0 postgraphile:18091:1 floor:18085:2; do
    me=${pids[${who##*:}]}
    for p in "${pids[@]}"; do [ "$p" = "$me" ] || kill -STOP "$p"; done
    kill -CONT "$me"
    who=${who%:*}
    QUERY='{ __typename }' "${client_cpu[@]}" wrk -t1 -c16 -d"$DUR" --latency -s bench/wrk/post.lua "http://127.0.0.1:${who#*:}/graphql" >/tmp/wrk.txt
    awk -v name="${who%%:*}" -v run="$run" '
      /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
      END {printf "typename-%s run=%d rps=%d p50=%s p99=%s non2xx=%d\n", name, run, rps, p50, p99, bad}' /tmp/wrk.txt | tee -a "$out" /tmp/typename-sitting.txt
  done
done
# The sitting in one line a server: the median p99 and the range (wrk prints
# microseconds as "us", milliseconds as "ms").
for name in tiendo postgraphile floor; do
  grep "^typename-$name " /tmp/typename-sitting.txt | sed 's/.* p99=\([0-9.]*\)\([a-z]*\).*/\1 \2/' |
    awk '{print ($2 == "us" ? $1 / 1000 : ($2 == "s" ? $1 * 1000 : $1))}' | sort -g |
    awk -v name="$name" '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "# %s: p99 median %.2f ms (%.2f–%.2f) over %d runs\n", name, m, v[1], v[NR], NR}'
done | tee -a "$out"
