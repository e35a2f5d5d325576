#!/usr/bin/env bash
# Schema-driven fuzzing: schemathesis generates requests from the served
# OpenAPI document and checks that no answer is a 5xx and that every answer
# matches the document. Runs against a backend on a fresh SQLite file, or on
# PostgreSQL when FUZZ_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${TODO_VENV:-$HOME/.cache/todo-chatbot/venv}
[ -x "$venv/bin/schemathesis" ] || scripts/install-test-deps.sh

cargo build --locked -p backend --quiet
work=$(mktemp -d)
port=${FUZZ_PORT:-18700}
export DATABASE_URL=${FUZZ_DATABASE_URL:-"sqlite://$work/fuzz.db?mode=rwc"}
export AUTH_SECRET=fuzz-secret-fuzz-secret-fuzz-secret-0123
export HOST=127.0.0.1 PORT=$port METRICS_PORT=off RUST_LOG=warn
target/debug/todo-backend >"$work/backend.log" 2>&1 &
backend=$!
trap 'kill $backend 2>/dev/null; wait $backend 2>/dev/null; rm -rf "$work"' EXIT

base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -fs "$base/ready" >/dev/null && break; sleep 0.1; done
signup=$(curl -fsS -X POST "$base/api/auth/sign-up" -H 'content-type: application/json' \
  -d '{"email":"fuzz@example.com","password":"fuzz-password"}')
token=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
user_id=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
# A few real tasks so that generated ids sometimes exist.
for title in one two three; do
  curl -fsS -o /dev/null -X POST "$base/api/$user_id/tasks" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "{\"title\":\"$title\"}"
done

# user_id is pinned to the token's subject so the fuzzer reaches past the 403.
cat >"$work/schemathesis.toml" <<TOML
[parameters]
"path.user_id" = "$user_id"
TOML
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "${FUZZ_EXAMPLES:-60}" \
  --seed 42 \
  --suppress-health-check all \
  --no-color

if grep -q '"level":"ERROR"\|panicked' "$work/backend.log"; then
  echo "backend logged errors during fuzzing:" >&2
  cat "$work/backend.log" >&2
  exit 1
fi
