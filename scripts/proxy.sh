#!/usr/bin/env bash
# A caching reverse proxy (nginx, from Debian's nginx-light) in front of a
# Tiến Độ server, as a CDN would stand: it keeps the answers the server
# marks public (Cache-Control, ETag, Vary), serves them while they are fresh,
# revalidates with If-None-Match, and lets one request per answer through at
# a time. The proxy test and the load script use it.
#
#   scripts/proxy.sh start DIR PORT UPSTREAM[,UPSTREAM…]    e.g. start /tmp/px 8081 127.0.0.1:8080
#   scripts/proxy.sh stop DIR
#
# Every answer carries X-Proxy-Cache (HIT, MISS, EXPIRED, UPDATING, REVALIDATED…).
# PROXY_WORKERS sets nginx's worker processes (default 1; auto: one a core).
# The access log is written in 64 KiB buffers, not a write(2) per request
# (the load script sends tens of thousands a second).
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,15p' "$0" >&2; exit 2; }
case "$cmd" in
start)
  port=${3:?port}; upstream=${4:?upstream host:port}
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "proxy.sh: installing nginx-light with apt-get" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light) >&2
    # Debian starts the packaged service; this script runs its own.
    (service nginx stop || systemctl stop nginx) >/dev/null 2>&1 || true
  fi
  mkdir -p "$dir/cache" "$dir/tmp"
  dir=$(cd "$dir" && pwd)
  user=""
  [ "$(id -u)" = 0 ] && user="user root;"
  cat >"$dir/nginx.conf" <<CONF
$user
worker_processes ${PROXY_WORKERS:-1};
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log $dir/access.log combined buffer=64k flush=1s;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  proxy_cache_path $dir/cache levels=1:2 keys_zone=tiendo:16m max_size=256m inactive=10m use_temp_path=off;
  # Clients' Accept-Encoding reduced to gzip or nothing: the origin
  # compresses an answer once and the proxy keeps at most two copies of it
  # (a CDN normalises the header the same way).
  map \$http_accept_encoding \$tiendo_ae { ~*gzip gzip; default ""; }
  upstream tiendo { $(for u in ${upstream//,/ }; do printf 'server %s; ' "$u"; done) keepalive 32; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://tiendo;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header Accept-Encoding \$tiendo_ae;
      proxy_cache tiendo;
      proxy_cache_key \$request_method\$host\$request_uri\$http_accept\$tiendo_ae;
      proxy_cache_lock on;
      proxy_cache_revalidate on;
      proxy_cache_background_update on;
      proxy_cache_use_stale updating error timeout http_502 http_503;
      add_header X-Proxy-Cache \$upstream_cache_status always;
    }
  }
}
CONF
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -t -q
  "$nginx_bin" -p "$dir" -c "$dir/nginx.conf"
  echo "http://127.0.0.1:$port"
  ;;
stop)
  if [ -f "$dir/nginx.pid" ]; then kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true; fi
  ;;
*) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
