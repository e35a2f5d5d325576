#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   scripts/test.sh              everything
#   scripts/test.sh rust fuzz    only some stages (rust, fuzz, chart, containers, mcp)
# Starts its own throwaway PostgreSQL unless TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(rust fuzz chart containers mcp)
wants() { [[ " ${stages[*]} " == *" $1 "* ]]; }

# Where docker, helm, kubernetes-validate or hadolint are missing, the
# workplace's stand-ins in ../shared/tools are used.
if [ -d ../shared/tools/bin ]; then
  PATH="$PATH:$(cd ../shared/tools/bin && pwd)"
  export PATH
fi

scripts/install-test-deps.sh

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/todo-test-pg.XXXXXX)
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  trap 'scripts/pg-cluster.sh destroy "$pg_dir"' EXIT
  TEST_DATABASE_URL=$(scripts/pg-cluster.sh start "$pg_dir" "$pg_port")
  export TEST_DATABASE_URL
  echo "PostgreSQL for tests: $TEST_DATABASE_URL"
fi

# The chart checks (Helm, checkov, pytest) need little CPU and nothing the
# other stages build: they run beside them, their output shown at the end.
chart_log=$(mktemp /tmp/todo-chart-stage.XXXXXX)
if wants chart; then
  scripts/check-chart.sh >"$chart_log" 2>&1 &
  chart_pid=$!
fi

if wants rust; then
  echo "== rustfmt and clippy"
  cargo fmt --all --check
  cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
  echo "== cargo test"
  cargo test --workspace --locked
  echo "== Lighthouse (web UI: accessibility, best practices, SEO at least 95)"
  scripts/lighthouse.sh
fi
if wants fuzz; then
  echo "== schemathesis against the OpenAPI document"
  fuzz_db=fuzz_$(date +%s)_$$
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $fuzz_db"
  FUZZ_DATABASE_URL="${TEST_DATABASE_URL%/*}/$fuzz_db" scripts/fuzz-api.sh
fi
if wants mcp; then
  echo "== MCP with the official Python and TypeScript SDKs and the Inspector"
  scripts/test-mcp-clients.sh
fi
if wants containers; then
  echo "== container images"
  scripts/test-containers.sh
fi
if wants chart; then
  echo "== Helm chart and manifests (ran alongside)"
  chart_status=0
  wait "$chart_pid" || chart_status=$?
  cat "$chart_log"
  rm -f "$chart_log"
  [ "$chart_status" -eq 0 ] || { echo "the chart checks failed" >&2; exit "$chart_status"; }
fi
echo "all requested stages passed: ${stages[*]}"
