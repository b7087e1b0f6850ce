#!/usr/bin/env bash
# Checks the bulletin and corrections feeds and downloads with a real feed parser
# (Python's feedparser) and Python's csv module: starts the server on a
# fresh database with the demo (which publishes its bulletins), fetches the
# Atom feeds and a CSV, and runs check.py on them; then follows every feed
# through its archive pages, on the server and on the static copy (server
# publish --out) served by a plain static host under /tiendo/.
#   publish/feedcheck/run.sh
# ADMIN_DATABASE_URL: where to create the database (default: the local
# server at 127.0.0.1:5432, user postgres). Installs python3-feedparser with
# apt-get when it is missing (as root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3
source "$root/scripts/lib/demo.sh"

"$py" -c 'import feedparser' 2>/dev/null || demo_install python3-feedparser
demo_database "tiendo_feedcheck_$$"
demo_build
RATE_LIMIT=0 demo_serve "$(demo_freeport)"
# Wait for the first pass of publication to end (every campaign's days).
for _ in $(seq 1 600); do grep -q "bulletins published" "$work/server.log" && break; sleep 0.2; done
curl -fs "$base/feeds/bulletins.atom" -o "$work/all.atom"
curl -fs "$base/feeds/ben-tre-cong-dan-so.atom" -o "$work/ben-tre.atom"
curl -fs "$base/downloads/ben-tre-cong-dan-so/2023-11-14.csv" -o "$work/ben-tre.csv" || { cat "$work/server.log"; exit 1; }
"$py" "$here/check.py" atom "$work/all.atom"
"$py" "$here/check.py" atom "$work/ben-tre.atom"
"$py" "$here/check.py" csv "$work/ben-tre.csv"
"$py" "$here/check.py" feeds "$base/"

# The static copy on a plain static host, under a sub-path.
sport=$(demo_freeport)
demo_static "$sport"
"$py" "$here/check.py" feeds "http://127.0.0.1:$sport/tiendo/"
# The corrections feeds, every page (feedparser follows rel="next").
"$py" "$here/check.py" pages "$base/feeds/corrections.atom"
"$py" "$here/check.py" pages "$base/feeds/corrections/ben-tre-cong-dan-so.atom"
"$py" "$here/check.py" pages "$base/feeds/corrections.en.atom"

