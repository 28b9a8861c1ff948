#!/usr/bin/env bash
# `npm start`: a local 3-node sandbox plus the agent in the foreground. Ctrl-C stops what this started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
shoal() { node bin/shoal.js "$@"; }

started_sandbox=0
if shoal sandbox status --json | grep -q '"up":true'; then
  echo "start: reusing the sandbox that is already up" >&2
else
  shoal sandbox down >/dev/null 2>&1 || true
  shoal sandbox up --nodes "${SHOAL_NODES:-3}"
  started_sandbox=1
fi

cleanup() {
  trap - INT TERM EXIT
  if [ -n "${agent_pid:-}" ]; then kill -TERM "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
  if [ "$started_sandbox" = 1 ]; then shoal sandbox down; fi
}
trap cleanup INT TERM EXIT

shoal agent &
agent_pid=$!
wait "$agent_pid"
