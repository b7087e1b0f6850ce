#!/usr/bin/env bash
# A PostgreSQL primary and a streaming-replication standby on one machine,
# from the installed server binaries (Debian's postgresql package): what the
# replica tests and the scale-out load script run against.
#
#   scripts/pg-replica.sh start DIR [PORT]   primary on PORT (default 55432), standby on PORT+1
#   scripts/pg-replica.sh stop DIR
#   scripts/pg-replica.sh status DIR
#
# start creates DIR/primary with initdb (once), lets local connections
# replicate without a password, starts it, then clones it with
# pg_basebackup -R into DIR/standby (once) and starts that as a hot standby.
# Both listen on 127.0.0.1 and on a unix socket in DIR. The last two lines
# printed are the primary's and the standby's URLs. As root, the servers run
# as the postgres OS user (PostgreSQL refuses root), so DIR must be a place
# that user can reach (not under a 0700 home): /var/tmp, /var/lib/...
set -euo pipefail

cmd=${1:-}
dir=${2:-}
port=${3:-55432}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,16p' "$0" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
  echo "pg-replica: PostgreSQL's server binaries are not installed (apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  chmod 0700 "$dir"
  standby_port=$((port + 1))
  if [ ! -f "$dir/primary/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$dir/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 10
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = '1s'
wal_keep_size = '256MB'
fsync = off
synchronous_commit = on
full_page_writes = off
shared_buffers = '256MB'
EOF
    printf 'local replication all trust\nhost replication all 127.0.0.1/32 trust\n' >>"$dir/primary/pg_hba.conf"
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$dir/primary" status >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 60 start >/dev/null
  fi
  if [ ! -f "$dir/standby/PG_VERSION" ]; then
    as_pg "$bindir/pg_basebackup" -h "$dir" -p "$port" -U postgres -D "$dir/standby" -R -X stream -c fast
    cat >>"$dir/standby/postgresql.conf" <<EOF
port = $standby_port
EOF
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$dir/standby" status >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 60 start >/dev/null
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  echo "postgres://postgres@127.0.0.1:$standby_port/postgres?sslmode=disable"
  ;;
stop)
  for d in standby primary; do
    if [ -f "$dir/$d/postmaster.pid" ]; then
      as_pg "$bindir/pg_ctl" -D "$dir/$d" -m fast -w stop >/dev/null || true
    fi
  done
  ;;
status)
  for d in primary standby; do
    printf '%s: ' "$d"
    as_pg "$bindir/pg_ctl" -D "$dir/$d" status >/dev/null 2>&1 && echo running || echo stopped
  done
  ;;
*)
  sed -n '2,16p' "$0" >&2
  exit 2
  ;;
esac
