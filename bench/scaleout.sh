#!/usr/bin/env bash
# The read side past one machine, on one machine: a PostgreSQL primary and a
# streaming standby (scripts/pg-replica.sh), three API servers reading from
# the standby, nginx caching in front of them (scripts/proxy.sh), the demo
# data, and campaign A of the morning rush (bench/scaleout setup: the nation
# on the pre-reform map, 63 provinces, its last day unreported). Measures
# rows of issue #14's targets and writes bench/results/scaleout.txt:
#   quiet-B-origin    campaign B's commune ranking from one server (POST, its response cache)
#   quiet-A-origin    campaign A's province ranking from one server (POST)
#   quiet-A-proxy     the same through the proxy (GET, as a CDN would), bench/load
#   quiet-A-proxy-wrk the same with wrk (bench/load may be the bottleneck), then the
#                     origin's ranking answers during the run (by status: 304s are
#                     revalidations) and the versions of A's figures seen (announced
#                     on /events): target ≥ 30,000 req/s, origin ≤ 1 request per version
#   rush-*            the same while a writer submits 100 reports of A's last day a
#                     second (submitReports, through server 1): rush-A-proxy target
#                     ≥ 15,000 req/s p99 ≤ 10 ms; rush-B-origin ≥ 95% of quiet-B-origin
#   rush-writer       the writer's batches and their acknowledgement times
#   pinned-*          (SCALEOUT_PIN=0 skips) B's readers quiet and in the rush
#                     again, B's server and its readers on core 0, everything
#                     else on core 1 (as the write side on its own machine)
#   nat-*             (SCALEOUT_NATIONAL=0 skips) the national world in database
#                     tiendo_nat of the same primary (bench/national -new 1 load, once, ~6 min),
#                     a 4th server reading from the standby with its response cache
#                     off: the province ranking quiet (nat-quiet) and while the primary
#                     ingests a new national day (nat-ingest, bench/national newday,
#                     then rewind), and the replica's lag meanwhile (nat-lag, sampled
#                     every 100 ms): target p99 ≤ 20 ms, lag ≤ 1 s; each also with
#                     readers at a fixed rate (nat-*-rate, NAT_RATE=1000 a second,
#                     open loop) rather than 16 as fast as they can
#   summary           medians over the runs, and rush-B over quiet-B
#   rss_kb            each server's peak memory
#   bench/scaleout.sh            (BENCH_DURATION=10s BENCH_RUNS=3 by default; WRK_CONNS=32;
#                                PROXY_WORKERS, nginx's worker processes, 1 by default)
# The rush writes at most ~280 s (every commune's 3 metrics of one day); each
# run of the script takes that day back first.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DIR=${SCALEOUT_DIR:-/var/tmp/tiendo-scaleout}
PGPORT=${SCALEOUT_PG_PORT:-56432}
DUR=${BENCH_DURATION:-10s}
RUNS=${BENCH_RUNS:-3}
NATIONAL=${SCALEOUT_NATIONAL:-1}
WRK_CONNS=${WRK_CONNS:-32}
NAT_RATE=${NAT_RATE:-1000}
ADMIN=scaleout-admin-secret-0123456789abcdef
out=bench/results/scaleout.txt
mkdir -p bench/results
: >"$out"
log() { echo "$*" | tee -a "$out"; }

go build -o /tmp/tiendo-scale-server ./server
go build -o /tmp/tiendo-bench-load ./bench/load
go build -o /tmp/tiendo-bench-scaleout ./bench/scaleout
[ "$NATIONAL" = 0 ] || go build -o /tmp/tiendo-bench-national ./bench/national
if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ]; then
  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >&2 || true
fi
urls=$(scripts/pg-replica.sh start "$DIR" "$PGPORT" | tail -2)
PRIMARY=$(echo "$urls" | sed -n 1p)
STANDBY=$(echo "$urls" | sed -n 2p)
pids=()    # every process started, stopped at the end
servers=() # the API servers' pids, for their memory
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
/tmp/tiendo-bench-scaleout -database-url "$PRIMARY" setup
# A world just loaded is still being vacuumed on the primary and replayed on
# the standby: measured then, the quiet runs were slower than the rush's
# (6,260 against 10,493 req/s for B, 2026-12-02). Settle both first.
psql "$PRIMARY" -qc 'vacuum analyze' -qc 'checkpoint'
for _ in $(seq 1 600); do
  [ "$(psql "$PRIMARY" -Atc "select coalesce(bool_and(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) < 1048576), false) from pg_stat_replication")" = t ] && break
  sleep 0.5
done
for i in 1 2 3; do
  DATABASE_URL=$PRIMARY DATABASE_REPLICA_URLS=$STANDBY LISTEN_ADDR=127.0.0.1:1808$i ADMIN_TOKEN=$ADMIN \
    RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 PUBLISH_EVERY=0 SITE_URL=http://127.0.0.1:18080 \
    /tmp/tiendo-scale-server serve >"$DIR/server$i.log" 2>&1 &
  pids+=($!)
  servers+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:1808$i/readyz" >/dev/null && break; sleep 0.1; done
done
for p in "${servers[@]}"; do settle "$p"; done
scripts/proxy.sh start "$DIR/proxy" 18080 127.0.0.1:18081,127.0.0.1:18082,127.0.0.1:18083 >/dev/null
log "# $(date -u "+%F %H:%M") runs=$RUNS of $DUR; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD);" \
  "primary + streaming standby, 3 servers (reads from the standby), nginx in front; demo data + campaign A (scaleout-rush)"

A=scaleout-rush
DAY_A=2024-03-08
B=kon-tum-15-ngay
Q_A="{ ranking(campaign: \"$A\", metric: \"activated\", date: \"$DAY_A\", level: PROVINCE, first: 63) { totalCount edges { node { rank figure quota rate band unit { code name } } } } }"
Q_B="{ ranking(campaign: \"$B\", metric: \"activated\", level: COMMUNE) { totalCount edges { node { rank figure quota rate band unit { code name } } } } }"
GET_A="http://127.0.0.1:18080/graphql?query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$Q_A")"

# measure NAME ARGS…: bench/load, its line kept (a failed request fails the
# line, not the script).
measure() {
  local name=$1; shift
  /tmp/tiendo-bench-load -c 16 -d "$DUR" -name "$name" "$@" | tee -a "$out" || true
}
# wrk_proxy NAME: campaign A's ranking through the proxy with wrk.
wrk_proxy() {
  if command -v wrk >/dev/null; then
    NAME=$1 wrk -t2 -c"$WRK_CONNS" -d"$DUR" --timeout 5s -s bench/wrk/get.lua "$GET_A" | tail -1 | tee -a "$out" || true
  else
    log "$1 skipped: no wrk (apt-get install wrk)"
  fi
}
# origin_answers: the ranking answers the three servers gave so far, by status.
origin_answers() {
  for i in 1 2 3; do curl -fs "http://127.0.0.1:1808$i/metrics" || true; done |
    awk '/^tiendo_http_requests_total\{/ && /operation="ranking"/ && /route="graphql"/ {
        match($0, /status="[0-9]+"/); n[substr($0, RSTART + 8, RLENGTH - 9)] += $NF }
      END { for (s in n) printf "%s=%d ", s, n[s] }'
}
# through_proxy NAME CMD…: runs CMD, then logs the origin's ranking answers
# during it and the versions of A's figures (1 + those announced meanwhile).
through_proxy() {
  local name=$1 before after ev; shift
  before=$(origin_answers)
  curl -sN "http://127.0.0.1:18081/events?campaign=$A" >"$DIR/events" 2>/dev/null &
  ev=$!
  pids+=($ev)
  "$@"
  kill "$ev" 2>/dev/null || true
  wait "$ev" 2>/dev/null || true
  after=$(origin_answers)
  log "$name origin $(awk -v a="$before" -v b="$after" 'BEGIN {
      n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); was[kv[1]] = kv[2] }
      n = split(b, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); d = kv[2] - was[kv[1]]; t += d; if (d) printf "status_%s=%d ", kv[1], d }
      printf "requests=%d", t }') versions=$((1 + $(grep -c '^event: figures' "$DIR/events" || true)))"
}
# readers PHASE RUN: the four measurements of a run, quiet or during the rush.
readers() {
  measure "$1-B-origin run=$2" -url http://127.0.0.1:18082/graphql -query "$Q_B"
  measure "$1-A-origin run=$2" -url http://127.0.0.1:18083/graphql -query "$Q_A"
  through_proxy "$1-A-proxy run=$2" measure "$1-A-proxy run=$2" -get -url http://127.0.0.1:18080/graphql -query "$Q_A"
  through_proxy "$1-A-proxy-wrk run=$2" wrk_proxy "$1-A-proxy-wrk run=$2"
}

for run in $(seq 1 "$RUNS"); do readers quiet "$run"; done
/tmp/tiendo-bench-scaleout -database-url "$PRIMARY" -url http://127.0.0.1:18081/graphql -token "$ADMIN" write >"$DIR/writer.txt" &
wpid=$!
pids+=($wpid)
sleep 2 # the first batches and their refreshes
for run in $(seq 1 "$RUNS"); do readers rush "$run"; done
kill "$wpid" 2>/dev/null || true
wait "$wpid" || true
tee -a "$out" <"$DIR/writer.txt"

# B's readers again with the write side on a core of its own, as on separate
# machines: server 2 and its load generator on core 0; the primary, the
# standby, nginx, the other servers and the writer on core 1 (taskset, the
# running processes and those they start). On two shared cores what B loses
# in the rush is CPU the write side takes, not work of B's server: B's
# answers stay cached. (SCALEOUT_PIN=0 skips.)
if [ "${SCALEOUT_PIN:-1}" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin() { # pin CORES PID…: each process and its threads
    local c=$1 p; shift
    for p in "$@"; do taskset -a -cp "$c" "$p" >/dev/null 2>&1 || true; done
  }
  tree() { # tree PID…: each process and its children
    local p
    for p in "$@"; do echo "$p"; pgrep -P "$p" || true; done
  }
  write_side() { # the processes of the write side and of A's readers, with their children
    tree $(pgrep -f "postgres -D $DIR/" || true) $(cat "$DIR/proxy/nginx.pid" 2>/dev/null || true) "${servers[0]}" "${servers[2]}"
  }
  pin 1 $(write_side)
  pin 0 "${servers[1]}"
  for run in $(seq 1 "$RUNS"); do
    taskset -c 0 /tmp/tiendo-bench-load -c 16 -d "$DUR" -name "pinned-quiet-B-origin run=$run" -url http://127.0.0.1:18082/graphql -query "$Q_B" | tee -a "$out" || true
  done
  taskset -c 1 /tmp/tiendo-bench-scaleout -database-url "$PRIMARY" -url http://127.0.0.1:18081/graphql -token "$ADMIN" write >"$DIR/writer-pinned.txt" &
  wpid=$!
  pids+=($wpid)
  sleep 2
  for run in $(seq 1 "$RUNS"); do
    taskset -c 0 /tmp/tiendo-bench-load -c 16 -d "$DUR" -name "pinned-rush-B-origin run=$run" -url http://127.0.0.1:18082/graphql -query "$Q_B" | tee -a "$out" || true
  done
  kill "$wpid" 2>/dev/null || true
  wait "$wpid" || true
  sed 's/^rush-writer/pinned-rush-writer/' "$DIR/writer-pinned.txt" | tee -a "$out"
  pin "0-$(($(nproc) - 1))" $(write_side) "${servers[1]}"
fi

if [ "$NATIONAL" != 0 ]; then
  NAT_P=${PRIMARY%%/postgres\?*}/tiendo_nat?sslmode=disable
  NAT_S=${STANDBY%%/postgres\?*}/tiendo_nat?sslmode=disable
  nat() { /tmp/tiendo-bench-national -database-url "$NAT_P" "$@"; }
  # Reports up to the campaign's day before last (load -new 1): the new day
  # is its last, as "yesterday" is in a campaign under way, so no carried
  # day after it is recomputed with it.
  LAST=2024-05-28
  if [ -z "$(psql "$PRIMARY" -Atc "select 1 from pg_database where datname = 'tiendo_nat'")" ] ||
     [ "$(psql "$NAT_P" -Atc "select count(*) from pg_tables where tablename = 'report_current'")" = 0 ] ||
     [ "$(psql "$NAT_P" -Atc "select coalesce(max(day)::text, '') from report_current")" \< "$LAST" ]; then
    echo "loading the national world into tiendo_nat (a few minutes)" >&2
    psql "$PRIMARY" -qc 'drop database if exists tiendo_nat' -qc 'create database tiendo_nat'
    nat -new 1 load >&2
  fi
  # A run stopped between a new day and its rewind left that day.
  while [ "$(psql "$NAT_P" -Atc 'select max(day) from report_current')" \> "$LAST" ]; do nat rewind >/dev/null; done
  for _ in $(seq 1 600); do # the standby replays the load
    [ "$(psql "$PRIMARY" -Atc "select coalesce(bool_and(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) < 1048576), false) from pg_stat_replication")" = t ] && break
    sleep 0.5
  done
  DATABASE_URL=$NAT_P DATABASE_REPLICA_URLS=$NAT_S RESPONSE_CACHE_MB=0 LISTEN_ADDR=127.0.0.1:18084 ADMIN_TOKEN=$ADMIN \
    RATE_LIMIT=0 TOKEN_RATE_LIMIT=0 PUBLISH_EVERY=0 /tmp/tiendo-scale-server serve >"$DIR/server4.log" 2>&1 &
  npid=$!
  pids+=($npid)
  servers+=($npid)
  for _ in $(seq 1 600); do curl -fs http://127.0.0.1:18084/readyz 2>/dev/null | grep -q ': serving' && break; sleep 0.1; done
  settle "$npid" # its figures worker brings the days since the campaign's last report up to date
  log "# national world (tiendo_nat), server 4 reads from the standby, response cache off: $(curl -s http://127.0.0.1:18084/readyz | grep replica || echo 'no replica serving')"
  Q_N="{ ranking(campaign: \"quoc-gia-90-ngay\", metric: \"activated\", date: \"$LAST\", level: PROVINCE, first: 63) { totalCount edges { node { rank rankChange figure quota rate band pace7d requiredPace atRisk source unit { code name } } } } }"
  # Each run twice: 16 readers as fast as they can (the p99 is mostly their
  # own queue on two shared cores), then readers at a fixed NAT_RATE a
  # second (open loop, latency from each request's scheduled start).
  for run in $(seq 1 "$RUNS"); do
   for mode in closed rate; do
    if [ "$mode" = closed ]; then
      measure "nat-quiet run=$run" -url http://127.0.0.1:18084/graphql -query "$Q_N"
      readers=(-c 16 -name "nat-ingest run=$run") lagname="nat-lag run=$run"
    else
      measure "nat-quiet-rate run=$run" -c 64 -rate "$NAT_RATE" -url http://127.0.0.1:18084/graphql -query "$Q_N"
      readers=(-c 64 -rate "$NAT_RATE" -name "nat-ingest-rate run=$run") lagname="nat-lag-rate run=$run"
    fi
    /tmp/tiendo-bench-load "${readers[@]}" -d 10m -url http://127.0.0.1:18084/graphql -query "$Q_N" >"$DIR/nat-readers.txt" &
    lp=$!
    /tmp/tiendo-bench-scaleout -database-url "$NAT_P" -every 100ms -metrics http://127.0.0.1:18084/metrics -name "$lagname" lag >"$DIR/nat-lag.txt" &
    lg=$!
    pids+=($lp $lg)
    sleep 1
    nat newday | tee -a "$out" || true
    sleep 1 # the replica's last replay
    kill "$lp" "$lg" 2>/dev/null || true
    wait "$lp" "$lg" || true
    cat "$DIR/nat-readers.txt" "$DIR/nat-lag.txt" | tee -a "$out"
    nat rewind >/dev/null
    settle "$npid"
   done
  done
fi

log "# summary: medians over the runs (req/s, p99 ms)"
awk '$2 ~ /^run=/ && / rps=/ {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    if (!($1 in runs)) order[++k] = $1
    c = ++runs[$1]; rps[$1, c] = v["rps"]; p99[$1, c] = v["p99_ms"] }
  function median(a, name, c,   i, j, t, s) {
    for (i = 1; i <= c; i++) s[i] = a[name, i] + 0
    for (i = 2; i <= c; i++) for (j = i; j > 1 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
    return c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2 }
  END {
    for (i = 1; i <= k; i++) { n = order[i]; m[n] = median(rps, n, runs[n])
      printf "summary %s runs=%d rps=%.0f p99_ms=%.2f\n", n, runs[n], m[n], median(p99, n, runs[n]) }
    if (m["quiet-B-origin"] > 0) printf "summary rush-B-origin/quiet-B-origin=%.2f (target ≥ 0.95)\n", m["rush-B-origin"] / m["quiet-B-origin"]
    if (m["pinned-quiet-B-origin"] > 0) printf "summary pinned-rush-B-origin/pinned-quiet-B-origin=%.2f (target ≥ 0.95)\n", m["pinned-rush-B-origin"] / m["pinned-quiet-B-origin"] }' "$out" | tee -a "$out"
for i in "${!servers[@]}"; do
  log "server$((i + 1)) rss_peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/${servers[$i]}/status")"
done
