#!/usr/bin/env bash
# Load benchmark of the backend on PostgreSQL (not a test: prints figures for
# docs/BENCHMARKS.md). Needs wrk and pgbench (Debian: wrk, postgresql-client).
#
#   bench/run.sh            # 15 s per load run, 32 connections
#   DURATION=30 CONNECTIONS=64 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --locked -p backend --quiet
work=$(mktemp -d /tmp/todo-bench.XXXXXX)
pg_dir=$(mktemp -d /tmp/todo-bench-pg.XXXXXX)
pg_port=55499
app_port=18800
url=$(scripts/pg-cluster.sh start "$pg_dir" "$pg_port")
cleanup() {
  if [ -n "${backend_pid:-}" ]; then kill "$backend_pid" 2>/dev/null || true; fi
  scripts/pg-cluster.sh destroy "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT
psql -q "$url" -c "CREATE DATABASE bench"
db_url="${url%/*}/bench"

export DATABASE_URL=$db_url AUTH_SECRET=bench-secret-bench-secret-bench-secret-42
export HOST=127.0.0.1 PORT=$app_port METRICS_PORT=off RUST_LOG=warn DB_MAX_CONNECTIONS=${DB_MAX_CONNECTIONS:-16}

# Time from exec to the first 200 from /health.
startup_ms=$(python3 - <<'PY'
import http.client, os, subprocess, time
start = time.perf_counter()
proc = subprocess.Popen(["target/release/todo-backend"], stdout=open(os.devnull, "w"), stderr=subprocess.STDOUT)
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]), timeout=1)
        c.request("GET", "/health")
        if c.getresponse().status == 200:
            break
    except OSError:
        time.sleep(0.001)
print(f"{(time.perf_counter() - start) * 1000:.1f}")
with open(os.environ.get("PIDFILE", "/dev/null"), "w") as f:
    f.write(str(proc.pid))
PY
)
backend_pid=$(pgrep -n -f "target/release/todo-backend")
base=http://127.0.0.1:$app_port
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$backend_pid/status"; }

signup=$(curl -fsS -X POST "$base/api/auth/sign-up" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password"}')
token=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
user_id=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
for i in $(seq 1 50); do
  curl -fsS -o /dev/null -X POST "$base/api/$user_id/tasks" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "{\"title\":\"Task number $i\",\"description\":\"Seeded for the benchmark\"}"
done
idle_rss=$(rss)

echo "== GET /api/{user_id}/tasks (50 tasks), $connections connections, ${duration}s"
curl -fsS "$base/api/$user_id/tasks" -H "authorization: Bearer $token" | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 50'
wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/api/$user_id/tasks" | tee "$work/tasks.txt" &
wrk_pid=$!
sleep $((duration / 2))
load_rss=$(rss)
wait $wrk_pid

echo "== GET /health, $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" --latency "$base/health" | tee "$work/health.txt"

echo "== the same query straight to PostgreSQL with pgbench (the ceiling)"
cat >"$work/query.sql" <<SQL
SELECT * FROM tasks WHERE user_id = :uid AND (NULL::boolean IS NULL OR completed = NULL::boolean) ORDER BY id;
SQL
pgbench -n -M prepared -c "$connections" -j 2 -T "$duration" -D uid="$user_id" -f "$work/query.sql" "$db_url" | tee "$work/pgbench.txt"

echo
echo "== summary"
echo "startup to first 200 /health: ${startup_ms} ms"
echo "resident memory idle: ${idle_rss} MB, under load: ${load_rss} MB"
awk '/Requests\/sec/ {print "tasks requests/s: " $2} / 50%/ {print "tasks p50: " $2} / 99%/ {print "tasks p99: " $2} /Non-2xx|Socket errors/ {print "tasks errors: " $0}' "$work/tasks.txt"
awk '/Requests\/sec/ {print "health requests/s: " $2} / 99%/ {print "health p99: " $2}' "$work/health.txt"
awk '/^tps/ {print "pgbench tps: " $3}' "$work/pgbench.txt"
