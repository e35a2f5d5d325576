#!/usr/bin/env bash
# Independent MCP clients against the real backend's /mcp: the official
# Python SDK (`mcp` from PyPI), the official TypeScript SDK
# (@modelcontextprotocol/sdk from npm) and the MCP Inspector's CLI mode, all
# pinned and installed into caches under ~/.cache/todo-chatbot.
#
#   scripts/test-mcp-clients.sh
#
# Builds the backend (or uses TODO_BACKEND_BIN), starts it on a throwaway
# SQLite file on a free loopback port, signs a user up, creates a personal API
# token and runs tests/mcp_clients/ (pytest for Python and the Inspector,
# node --test for TypeScript). Exits non-zero if any client test fails; every
# step is bounded in time. Nothing is skipped: a missing tool is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}
npm_cache=${TODO_NPM_CACHE:-$HOME/.cache/todo-chatbot/npm}
service_host=${MCP_TEST_SERVICE_HOST:-todo-chatbot-backend.todo.svc.cluster.local}
email="mcp-clients-$(date +%s)-$$@example.com"
password="tidy-otter-planets-42"

say() { printf '== %s\n' "$*"; }
die() { printf 'test-mcp-clients: %s\n' "$*" >&2; exit 1; }

# --- pinned clients ---------------------------------------------------------
# Python: the `mcp` SDK, pytest and friends, in the venv install-test-deps.sh
# manages (a no-op when all is there).
scripts/install-test-deps.sh
"$venv/bin/python" -c 'import mcp, httpx2, jsonschema, pytest' \
  || die "the Python MCP SDK is missing from $venv (scripts/install-test-deps.sh)"
command -v node >/dev/null 2>&1 || die "node is needed (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is needed (apt-get install npm)"

# npm: the TypeScript SDK, the Inspector and the Node.js the Inspector
# declares (node-linux-<arch>, a registry package), exactly as locked.
lock=tests/mcp_clients/typescript/package-lock.json
prefix=$npm_cache/mcp-clients-$(sha256sum "$lock" | cut -c1-12)
if [ ! -f "$prefix/.installed" ]; then
  say "installing the pinned npm clients into $prefix"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  cp tests/mcp_clients/typescript/package.json "$lock" "$prefix/"
  # --ignore-scripts: the Inspector's postinstall only sets up a source checkout.
  (cd "$prefix" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed in $prefix"
  touch "$prefix/.installed"
fi
arch=$(node -p process.arch)
inspector_node=$prefix/node_modules/node-linux-$arch/bin/node
inspector=$prefix/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js
[ -x "$inspector_node" ] || die "no Node.js for the Inspector at $inspector_node (linux-$arch)"
[ -f "$inspector" ] || die "the Inspector is missing: $inspector"
# The Node tests run from the cache so that their imports resolve there.
rm -rf "$prefix/tests"
mkdir -p "$prefix/tests"
cp tests/mcp_clients/typescript/*.mjs "$prefix/tests/"
cp tests/mcp_clients/spec.json "$prefix/spec.json"

# --- the backend --------------------------------------------------------------
if [ -n "${TODO_BACKEND_BIN:-}" ]; then
  backend_bin=$TODO_BACKEND_BIN
else
  say "cargo build -p backend --bin todo-backend"
  timeout 2400 cargo build --quiet -p backend --bin todo-backend || die "the backend does not build"
  backend_bin=${CARGO_TARGET_DIR:-$root/target}/debug/todo-backend
fi
[ -x "$backend_bin" ] || die "no backend binary at $backend_bin"

work=$(mktemp -d /tmp/todo-mcp-clients.XXXXXX)
backend_pid=
cleanup() {
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
say "starting $backend_bin on $base"
# From the temporary directory, so that no .env of the work tree applies;
# MCP_ALLOWED_HOSTS as the chart sets it for the Service.
(
  cd "$work"
  exec env -u LLM_PROVIDER -u LLM_API_KEY -u LLM_BASE_URL -u LLM_MODEL \
    DATABASE_URL="sqlite://$work/todo.db?mode=rwc" \
    AUTH_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    HOST=127.0.0.1 PORT="$port" METRICS_PORT=off AUTH_ATTEMPTS_PER_MINUTE=100000 \
    MCP_ALLOWED_HOSTS="localhost,127.0.0.1,${service_host%%.*},${service_host%.svc.cluster.local},${service_host%.cluster.local},$service_host" \
    "$backend_bin"
) >"$work/backend.log" 2>&1 &
backend_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$backend_pid" 2>/dev/null || { cat "$work/backend.log" >&2; die "the backend exited"; }
  sleep 0.2
done
curl -fsS "$base/health" >/dev/null || { cat "$work/backend.log" >&2; die "the backend did not come up"; }

# A user, and a personal API token for it.
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
signed_up=$(curl -fsS --max-time 30 -X POST "$base/api/auth/sign-up" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$email\", \"password\": \"$password\"}") || die "sign-up failed"
session_token=$(json '["token"]' <<<"$signed_up")
user_id=$(json '["user"]["id"]' <<<"$signed_up")
created=$(curl -fsS --max-time 30 -X POST "$base/api/$user_id/tokens" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $session_token" -d '{"name": "mcp-client-tests"}') || die "creating a personal API token failed"
pat=$(json '["token"]' <<<"$created")
case $pat in todo_pat_*) ;; *) die "the personal API token lacks the todo_pat_ prefix" ;; esac

export MCP_TEST_BASE_URL=$base MCP_TEST_USER_ID=$user_id MCP_TEST_SESSION_TOKEN=$session_token
export MCP_TEST_PAT=$pat MCP_TEST_SERVICE_HOST=$service_host
export MCP_INSPECTOR=$inspector MCP_INSPECTOR_NODE=$inspector_node

# --- the clients ------------------------------------------------------------------
failed=()
say "Python SDK ($("$venv/bin/python" -c 'import importlib.metadata as m; print("mcp", m.version("mcp"))')) and the MCP Inspector CLI"
timeout 900 "$venv/bin/pytest" -q -rA --tb=short -p no:cacheprovider \
  tests/mcp_clients/test_python_sdk.py tests/mcp_clients/test_inspector_cli.py || failed+=(python/inspector)

say "TypeScript SDK (@modelcontextprotocol/sdk $(node -p "require('$prefix/node_modules/@modelcontextprotocol/sdk/package.json').version"), node $(node --version))"
(cd "$prefix/tests" && timeout 900 node --test --test-reporter=spec ./*.test.mjs) || failed+=(typescript)

if [ ${#failed[@]} -gt 0 ]; then
  echo "backend log: last lines" >&2
  tail -n 20 "$work/backend.log" >&2
  die "MCP client tests failed: ${failed[*]}"
fi
say "MCP client tests passed"
