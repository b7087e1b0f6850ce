# Sourced by the scripts that check a running server from outside (the
# browser tests, the feeds check, the HTTP audit): a work directory, a fresh
# database, the server built from this tree and started on it, a static copy
# on a plain static host, all undone on exit.
#   root=…; source "$root/scripts/lib/demo.sh"
# ADMIN_DATABASE_URL: where the database is created (default: the local
# server at 127.0.0.1:5432, user postgres).
admin="${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
work="$(mktemp -d)"
pids=()
dbs=()
demo_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for p in "${dbs[@]}"; do psql "$admin" -qc "drop database if exists $p" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap demo_cleanup EXIT

# demo_install PACKAGE... installs Debian packages with apt-get (as root).
demo_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "needed: $* (apt-get install -y $*)" >&2
    exit 1
  fi
  echo "installing $* with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}

# demo_database NAME creates the database NAME and sets url to it.
demo_database() {
  psql "$admin" -qc "create database $1" >/dev/null
  dbs+=("$1")
  local server="${admin%%\?*}"
  url="${server%/*}/$1?sslmode=disable"
}

# demo_build builds the server into $work/server.
demo_build() { (cd "$root" && go build -o "$work/server" ./server); }

# demo_serve PORT [ARG…] serves the demo on url at 127.0.0.1:PORT (the
# environment as the caller exported it), sets pid and base, and returns once
# the demo's first bulletin is published (the server publishes as it starts).
demo_serve() {
  local port=$1; shift
  DATABASE_URL="$url" "$work/server" serve --demo --listen "127.0.0.1:$port" "$@" >"$work/server.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -fs "$base/downloads/ben-tre-cong-dan-so/2023-11-14.csv" -o /dev/null 2>/dev/null && return
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "the demo server did not publish its first bulletin:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
}

# demo_static PORT [ARG…] publishes the static copy of url under /tiendo/ and
# serves it with a plain static host (Python's) at 127.0.0.1:PORT; ARG… go
# to `server publish`.
demo_static() {
  local port=$1; shift
  DATABASE_URL="$url" "$work/server" publish --out "$work/site/tiendo" --base /tiendo/ --site-url "http://127.0.0.1:$port" "$@" 2>/dev/null
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >"$work/static.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/tiendo/" -o /dev/null && return; sleep 0.1; done
  echo "the static host did not start" >&2
  exit 1
}

# demo_freeport prints a free TCP port on 127.0.0.1.
demo_freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
