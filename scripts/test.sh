#!/usr/bin/env bash
# `npm test`: typecheck, lint, format, unit tests, then integration tests on a real sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
step() { echo "== $*" >&2; }
step typecheck
npx tsc -p tsconfig.json --noEmit
step lint
npx eslint .
step format
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
step unit tests
node scripts/run-tests.mjs unit
step integration tests
node scripts/run-tests.mjs integration
step vscode tests
bash scripts/test-vscode.sh
