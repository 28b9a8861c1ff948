#!/usr/bin/env bash
# `npm run test:vscode`: the extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, headless
# Debian Chromium). Installs what is missing (scripts/setup-vscode.sh), packages the .vsix, then runs
#   1. the extension-host suite (test/vscode/suite, mocha) through @vscode/test-electron's runTests, and
#   2. the UI tests (test/vscode/ui/*.test.ts, node's test runner + playwright-core) on the packaged .vsix.
# As root it first brings up ONE 3-node sandbox (own temporary SHOAL_HOME) and ONE agent for both stages, and
# always takes them down; the tests find them through SHOAL_TEST_HOME / SHOAL_TEST_ENDPOINT (see
# test/vscode/README.md). Not root: no sandbox, and the engine-backed tests skip (the smoke tests still run).
#
#   bash scripts/test-vscode.sh [UI test files...]   only these UI files (default test/vscode/ui/*.test.ts)
#   SHOAL_VSCODE_STAGES=integration|ui               one stage only (default both)
#   SHOAL_VSCODE_EXECUTABLE=<a real VS Code>         stage 1 in it instead of code-server (a desktop)
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $*" >&2; }
stages="${SHOAL_VSCODE_STAGES:-integration,ui}"
started=$(date +%s)

bash scripts/setup-vscode.sh
step "vscode: package"
npm run --silent package >/dev/null

home=""
agent_pid=""
teardown() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$agent_pid" ]; then
    kill -TERM "$agent_pid" 2>/dev/null || true
    wait "$agent_pid" 2>/dev/null || true
  fi
  if [ -n "$home" ]; then
    SHOAL_HOME="$home" node bin/shoal.js sandbox down >/dev/null || status=1
    rm -rf "$home"
  fi
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" = 0 ]; then
  step "vscode: sandbox and agent"
  # Short path: unix socket paths under it must stay below 108 bytes.
  home="$(mktemp -d /tmp/shoal-vscode-XXXXXX)"
  SHOAL_HOME="$home" node bin/shoal.js sandbox up --nodes 3 >/dev/null
  SHOAL_HOME="$home" node bin/shoal.js agent >"$home/agent.log" 2>&1 &
  agent_pid=$!
  for _ in $(seq 1 200); do
    grep -q 'serving on unix:' "$home/agent.log" 2>/dev/null && break
    kill -0 "$agent_pid" 2>/dev/null || { cat "$home/agent.log" >&2; echo "vscode: the agent exited" >&2; exit 1; }
    sleep 0.1
  done
  grep -q 'serving on unix:' "$home/agent.log" || { cat "$home/agent.log" >&2; echo "vscode: the agent did not start in 20 s" >&2; exit 1; }
  export SHOAL_TEST_HOME="$home" SHOAL_TEST_ENDPOINT="unix://$home/agent.sock" SHOAL_TEST_AGENT_LOG="$home/agent.log"
else
  echo "vscode: not root: no sandbox, so the tests against real engines are skipped (the smoke tests run)" >&2
fi

if [[ "$stages" == *integration* ]]; then
  step "vscode: extension-host tests"
  node --import tsx test/vscode/run-integration.ts
fi
if [[ "$stages" == *ui* ]]; then
  step "vscode: UI tests"
  if [ "$#" -gt 0 ]; then files=("$@"); else files=(test/vscode/ui/*.test.ts); fi
  SHOAL_VSIX="$PWD/shoal-$(node -p 'require("./package.json").version').vsix" \
    node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
fi
step "vscode: done in $(($(date +%s) - started)) s"
