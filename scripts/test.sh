#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   scripts/test.sh              everything
#   scripts/test.sh rust fuzz    only some stages (rust, fuzz, chart, containers)
# Starts its own throwaway PostgreSQL unless TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(rust fuzz chart containers)
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

if wants rust; then
  echo "== rustfmt and clippy"
  cargo fmt --all --check
  cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
  echo "== cargo test"
  cargo test --workspace --locked
fi
if wants fuzz; then
  echo "== schemathesis against the OpenAPI document"
  fuzz_db=fuzz_$(date +%s)_$$
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $fuzz_db"
  FUZZ_DATABASE_URL="${TEST_DATABASE_URL%/*}/$fuzz_db" scripts/fuzz-api.sh
fi
if wants chart; then
  echo "== Helm chart and manifests"
  scripts/check-chart.sh
fi
if wants containers; then
  echo "== container images"
  scripts/test-containers.sh
fi
echo "all requested stages passed: ${stages[*]}"
