#!/usr/bin/env bash
# Checks the bulletin and corrections feeds and downloads with a real feed parser
# (Python's feedparser) and Python's csv module: starts the server on a
# fresh database with the demo (which publishes its bulletins), fetches the
# Atom feeds and a CSV, and runs check.py on them.
#   publish/feedcheck/run.sh
# ADMIN_DATABASE_URL: where to create the database (default: the local
# server at 127.0.0.1:5432, user postgres). Installs python3-feedparser with
# apt-get when it is missing (as root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
admin="${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
py=/usr/bin/python3
work="$(mktemp -d)"
db="tiendo_feedcheck_$$"
pid=""
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  psql "$admin" -qc "drop database if exists $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! "$py" -c 'import feedparser' 2>/dev/null; then
  echo "installing python3-feedparser with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-feedparser >/dev/null
fi

psql "$admin" -qc "create database $db"
url="${admin%%/postgres\?*}/$db?sslmode=disable"
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$root" && go build -o "$work/server" ./server)
DATABASE_URL="$url" RATE_LIMIT=0 "$work/server" serve --demo --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  # The server publishes the demo's bulletins as it starts.
  if curl -fs "$base/downloads/ben-tre-cong-dan-so/2023-11-14.csv" -o /dev/null 2>/dev/null; then break; fi
  sleep 0.2
done
curl -fs "$base/feeds/bulletins.atom" -o "$work/all.atom"
curl -fs "$base/feeds/ben-tre-cong-dan-so.atom" -o "$work/ben-tre.atom"
curl -fs "$base/downloads/ben-tre-cong-dan-so/2023-11-14.csv" -o "$work/ben-tre.csv" || { cat "$work/server.log"; exit 1; }
"$py" "$here/check.py" atom "$work/all.atom"
"$py" "$here/check.py" atom "$work/ben-tre.atom"
"$py" "$here/check.py" csv "$work/ben-tre.csv"
# The corrections feeds, every page (feedparser follows rel="next").
"$py" "$here/check.py" pages "$base/feeds/corrections.atom"
"$py" "$here/check.py" pages "$base/feeds/corrections/ben-tre-cong-dan-so.atom"
"$py" "$here/check.py" pages "$base/feeds/corrections.en.atom"
