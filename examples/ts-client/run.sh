#!/usr/bin/env bash
# Generates typed TypeScript operations from the committed schema
# (graph/schema.snapshot.graphql, what /schema.graphql serves) and two of
# the portal's queries, then type-checks the example client against them.
# Run by .ci/run; needs node and npm (the npm registry for `npm ci`).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx graphql-codegen --config codegen.ts
npx tsc --noEmit
echo "ts-client: generated and type-checked"
