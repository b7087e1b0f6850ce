#!/usr/bin/env bash
# Runs the README's command blocks as a newcomer would: in a fresh clone of
# this repository, in order, in one shell (so a variable set in one block is
# there in the next). A `go run ./server …` line that serves starts the
# server in the background and waits for /readyz (stopping the one before);
# every ```graphql block is POSTed to /graphql and must answer without
# errors; a `curl` that gets FORBIDDEN, UNAUTHENTICATED or INTERNAL fails
# the check. A block preceded by `<!-- readme-check: skip -->` is not run
# (the test command: CI runs it anyway).
#   .ci/readme.sh            (needs PostgreSQL binaries, python3, curl)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
chmod 755 "$work"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
# The README serves on :8080; the check serves on a free port (LISTEN_ADDR)
# and rewrites localhost:8080 in the commands, so it runs beside anything.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LISTEN_ADDR="127.0.0.1:$port"
git clone -q "$root" "$work/clone"
# Uncommitted README edits are checked too.
cp "$root/README.md" "$work/clone/README.md"
cd "$work/clone"

python3 - "$work/blocks.sh" "$port" <<'PY'
import re, sys, json, shlex
lines = open("README.md", encoding="utf-8").read().replace("localhost:8080", "localhost:" + sys.argv[2]).split("\n")
out, i, n = [], 0, 0
while i < len(lines):
    m = re.match(r"^```(\w*)\s*$", lines[i])
    if not m:
        i += 1; continue
    lang = m.group(1)
    j = i + 1
    while j < len(lines) and not lines[j].startswith("```"):
        j += 1
    body = lines[i+1:j]
    skip = i > 0 and "readme-check: skip" in lines[i-1] or (i > 1 and "readme-check: skip" in lines[i-2])
    start = i + 1
    i = j + 1
    if skip or lang not in ("sh", "graphql"):
        continue
    n += 1
    out.append(f"echo; echo '## README.md:{start} ({lang})'")
    if lang == "graphql":
        out.append("graphql " + shlex.quote("\n".join(body)))
        continue
    text = "\n".join(body)
    # Join continued lines so a served `go run` is recognised whole.
    for cmd in re.split(r"\n(?=[^\s])", text):
        if re.match(r"^(\w+=\S+\s+)*go run \./server( serve)?( --demo|\s|$)", cmd) and "token" not in cmd and "publish" not in cmd and "import" not in cmd:
            out.append("serve " + shlex.quote(cmd))
        else:
            out.append(cmd)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
print(f"readme-check: {n} blocks", file=sys.stderr)
PY

cat > "$work/prelude.sh" <<PRE
set -euo pipefail
work='$work'
server_log="\$work/server.log"
stop_server() {
  if [ -f "\$work/server.pid" ]; then
    pid=\$(cat "\$work/server.pid"); kill -INT -- "-\$pid" 2>/dev/null || true
    for _ in \$(seq 1 100); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "\$work/server.pid"; sleep 1
  fi
}
serve() {
  stop_server
  echo "\$ \$1 &"
  # Its own process group (setsid), so stopping it reaches go run's child.
  setsid bash -c "\$1" >"\$server_log" 2>&1 &
  echo \$! > "\$work/server.pid"
  for _ in \$(seq 1 600); do
    if command curl -fs localhost:$port/readyz >/dev/null 2>&1; then echo "(serving on :$port)"; return 0; fi
    kill -0 \$(cat "\$work/server.pid") 2>/dev/null || { echo "the server exited:"; tail -30 "\$server_log"; return 1; }
    sleep 0.5
  done
  echo "the server did not become ready:"; tail -30 "\$server_log"; return 1
}
graphql() {
  body=\$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "\$1")
  resp=\$(command curl -s localhost:$port/graphql -H 'Content-Type: application/json' -d "\$body")
  echo "\${resp:0:400}"
  case "\$resp" in *'"errors"'*) echo "the query answered with errors"; return 1;; esac
}
curl() {
  out=\$(command curl "\$@"); echo "\$out"
  case "\$out" in *'"FORBIDDEN"'*|*'"UNAUTHENTICATED"'*|*'"INTERNAL"'*) echo "the request was refused"; return 1;; esac
}
trap stop_server EXIT
PRE
cat "$work/prelude.sh" "$work/blocks.sh" > "$work/run.sh"
bash "$work/run.sh"
echo "readme-check: every command block ran"
