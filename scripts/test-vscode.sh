#!/usr/bin/env bash
# `npm run test:vscode`: the extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, headless
# Debian Chromium). Installs what is missing (scripts/setup-vscode.sh), packages the .vsix, then runs
#   1. the extension-host suite (test/vscode/suite, mocha) through @vscode/test-electron's runTests, and
#   2. the UI tests (test/vscode/ui/*.test.ts, node's test runner + playwright-core) on the packaged .vsix.
# SHOAL_VSCODE_EXECUTABLE=<a real VS Code> runs stage 1 in it instead of code-server (a desktop).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $*" >&2; }
bash scripts/setup-vscode.sh
step "vscode: package"
npm run --silent package >/dev/null
step "vscode: extension-host tests"
node --import tsx test/vscode/run-integration.ts
step "vscode: UI tests"
SHOAL_VSIX="$PWD/shoal-$(node -p 'require("./package.json").version').vsix" \
  node --import tsx --test --test-concurrency=1 --test-reporter=spec test/vscode/ui/*.test.ts
