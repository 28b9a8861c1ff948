#!/usr/bin/env bash
# `npm start`: a local 3-node sandbox, the agent, and VS Code in the browser (code-server 4.100.3) with the
# extension installed and connected to that agent, at a printed http://127.0.0.1:PORT (password printed too).
# Ctrl-C stops everything this started (code-server, agent, and the sandbox unless it was already up).
#
#   npm start [-- --no-vscode]   --no-vscode or SHOAL_NO_VSCODE=1: the sandbox and the agent only
#   SHOAL_PORT=PORT              code-server's port on 127.0.0.1 (default: a free one)
#   SHOAL_NODES=N                the sandbox's size (default 3)
#   SHOAL_WORKSPACE=DIR          the folder VS Code opens (default: this repository)
#   SHOAL_HOME=DIR               state: sandbox, agent socket, VS Code's profile in $SHOAL_HOME/vscode
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }
vscode=1
[ "${SHOAL_NO_VSCODE:-}" = 1 ] && vscode=0
for arg in "$@"; do
  case "$arg" in
    --no-vscode) vscode=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "start: unknown option $arg (see npm start -- --help)" >&2; exit 2 ;;
  esac
done
port="${SHOAL_PORT:-}"
if [ -n "$port" ] && ! [[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]]; then
  echo "start: SHOAL_PORT=$port is not a port number (1-65535)" >&2
  exit 2
fi
workspace="$(cd "${SHOAL_WORKSPACE:-$repo}" && pwd)"

bash scripts/setup.sh
# The agent, the sandbox and the extension (through code-server's environment) all use this one home.
export SHOAL_HOME="${SHOAL_HOME:-$HOME/.shoal}"
shoal() { node bin/shoal.js "$@"; }

started_sandbox=0
agent_pid=""
code_server_pid=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$code_server_pid" ]; then
    # Its own process group (setsid): the whole group, so its file watcher and extension host go too.
    kill -TERM -- "-$code_server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$code_server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$code_server_pid" 2>/dev/null || true
  fi
  if [ -n "$agent_pid" ]; then
    kill -TERM "$agent_pid" 2>/dev/null || true
    wait "$agent_pid" 2>/dev/null || true
  fi
  if [ "$started_sandbox" = 1 ]; then shoal sandbox down || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if shoal sandbox status --json | grep -q '"up":true'; then
  echo "start: reusing the sandbox that is already up" >&2
else
  shoal sandbox down >/dev/null 2>&1 || true
  started_sandbox=1
  shoal sandbox up --nodes "${SHOAL_NODES:-3}"
fi

shoal agent &
agent_pid=$!

# VS Code in the browser. Anything missing for it only costs the browser part: the cluster keeps running.
start_vscode() {
  bash scripts/setup-vscode.sh >&2 || return 1
  local bin dir
  bin="$(bash scripts/setup-vscode.sh --print-dir)/node_modules/.bin/code-server"
  dir="$SHOAL_HOME/vscode"
  mkdir -p "$dir/user-data/User" "$dir/tmp"
  chmod 700 "$dir"
  # The extension as a user gets it: packaged (dist/ was just built by setup.sh) and installed.
  rm -rf "$dir/extensions"
  mkdir -p "$dir/extensions"
  npx --no-install vsce package --no-dependencies --allow-missing-repository -o "$dir/shoal.vsix" \
    >"$dir/package.log" 2>&1 || {
    cat "$dir/package.log" >&2
    return 1
  }
  if [ ! -f "$dir/user-data/User/settings.json" ]; then
    cat >"$dir/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none"
}
JSON
  fi
  if [ -z "$port" ]; then
    port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  fi
  # code-server controls this machine (its terminal is a root shell, the agent's socket is reachable), so even
  # on loopback it asks for a password: a fresh one per start, in a 0600 config file (never on a command line
  # or in the environment that the extension host and terminals inherit).
  local password config
  password="$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))')"
  config="$dir/config.yaml"
  (umask 077 && printf 'bind-addr: 127.0.0.1:%s\nauth: password\npassword: %s\ncert: false\n' "$port" "$password" >"$config")
  local common=(--config "$config" --user-data-dir "$dir/user-data" --extensions-dir "$dir/extensions")
  # The marketplace is off (EXTENSIONS_GALLERY): nothing leaves the machine, and Shoal is installed locally.
  local env=(env -u PASSWORD -u HASHED_PASSWORD EXTENSIONS_GALLERY='{}' TMPDIR="$dir/tmp")
  "${env[@]}" "$bin" "${common[@]}" --install-extension "$dir/shoal.vsix" >"$dir/install.log" 2>&1 || {
    cat "$dir/install.log" >&2
    return 1
  }
  setsid "${env[@]}" "$bin" "${common[@]}" --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override >"$dir/code-server.log" 2>&1 &
  code_server_pid=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$url/healthz" 2>/dev/null && break
    kill -0 "$code_server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
    tail -n 20 "$dir/code-server.log" >&2
    return 1
  fi
  local folder
  folder="$(node -p 'encodeURIComponent(process.argv[1])' "$workspace")"
  cat >&2 <<EOF

  Shoal in VS Code:  $url/?folder=$folder
  password:          $password
  (the Shoal view in the activity bar shows the sandbox's nodes; code-server's log: $dir/code-server.log)

EOF
}

if [ "$vscode" = 1 ]; then
  if ! start_vscode; then
    echo "start: VS Code in the browser did not start (above); the sandbox and the agent run without it" >&2
    if [ -n "$code_server_pid" ]; then kill -TERM -- "-$code_server_pid" 2>/dev/null || true; fi
    code_server_pid=""
  fi
fi

echo "start: Ctrl-C stops everything started here" >&2
if [ -n "$code_server_pid" ]; then
  # Whichever ends first (the agent failing, code-server dying) ends the rest.
  wait -n "$agent_pid" "$code_server_pid" || true
else
  wait "$agent_pid" || true
fi
