#!/usr/bin/env bash
# vendor.sh copies the pinned third-party front-end files (package.json) into
# static/vendor/, so the portal and GraphiQL are served from our own origin and
# work with no internet. The copied files are committed; run this again only to
# change a version. It installs in a temporary directory, so no node_modules is
# left behind; package-lock.json is kept next to package.json for `npm ci`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cp "$here/package.json" "$tmp/"
if [[ -f "$here/package-lock.json" ]]; then
	cp "$here/package-lock.json" "$tmp/"
	(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
	(cd "$tmp" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
	cp "$tmp/package-lock.json" "$here/package-lock.json"
fi

nm="$tmp/node_modules"
version() { node -p "require('$nm/$1/package.json').version"; }

# copy DEST SRC...: copies files into $out/DEST, failing loudly on a missing one.
copy() {
	local dest="$out/$1"
	shift
	mkdir -p "$dest"
	for f in "$@"; do
		if [[ ! -f "$f" ]]; then
			echo "vendor.sh: missing $f" >&2
			exit 1
		fi
		cp "$f" "$dest/"
	done
}

rm -rf "$out"
mkdir -p "$out"

# graphiql 3.x ships its UMD build (React and ReactDOM external, graphql inside) at
# the package root, but its graphiql.min.js and graphiql.min.css are not minified
# (3.5 MB and 425 KB in every 3.x release), so esbuild minifies them here. The
# source-map comments are dropped (the maps are not vendored); licence comments are kept at the end.
copy graphiql "$nm/graphiql/LICENSE"
esbuild="$nm/.bin/esbuild"
"$esbuild" "$nm/graphiql/graphiql.min.js" --minify --legal-comments=eof --log-level=warning \
	--outfile="$out/graphiql/graphiql.min.js"
"$esbuild" "$nm/graphiql/graphiql.min.css" --minify --legal-comments=eof --log-level=warning \
	--outfile="$out/graphiql/graphiql.min.css"
copy react "$nm/react/umd/react.production.min.js" "$nm/react/LICENSE"
copy react-dom "$nm/react-dom/umd/react-dom.production.min.js" "$nm/react-dom/LICENSE"
copy uplot "$nm/uplot/dist/uPlot.iife.min.js" "$nm/uplot/dist/uPlot.min.css" "$nm/uplot/LICENSE"

# VERSIONS records what was copied; the Go tests and the README read it.
{
	echo "# Written by vendor.sh from package.json; do not edit."
	for p in graphiql react react-dom uplot esbuild; do
		echo "$p $(version "$p")"
	done
} >"$out/VERSIONS"

echo "vendored into $out:"
(cd "$out" && find . -type f | sort | xargs ls -l | awk '{printf "  %8d  %s\n", $5, $9}')
