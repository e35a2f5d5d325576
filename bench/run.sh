#!/usr/bin/env bash
# Load benchmark of the backend on PostgreSQL (not a test: prints figures for
# docs/BENCHMARKS.md). Needs wrk and pgbench (Debian: wrk, postgresql-client).
#
#   bench/run.sh            # 3 rounds of 15 s per load run, 32 connections
#   DURATION=30 CONNECTIONS=64 ROUNDS=5 bench/run.sh
#
# The task list and its pgbench ceiling run in alternating rounds, and the
# ratio is taken per round: a shared machine's speed drifts by more than the
# differences being measured, and pairing cancels most of the drift.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-3}
pg_port=55499
app_port=18800
# shellcheck source=bench/setup.sh
. bench/setup.sh

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
# The backend's CPU time so far (user + system), in clock ticks: per request,
# a figure that drifts less with the machine's speed than req/s.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$backend_pid/stat"; }

signup=$(curl -fsS -X POST "$base/api/auth/sign-up" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-list"}')
token=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
user_id=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
for i in $(seq 1 50); do
  curl -fsS -o /dev/null -X POST "$base/api/$user_id/tasks" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"title\":\"Task number $i\",\"description\":\"Seeded for the benchmark\",\"priority\":\"medium\",\"tags\":[\"home\",\"bench\"],\"due_at\":\"2026-12-0$((i % 9 + 1))T09:00:00Z\",\"remind_at\":\"2026-12-0$((i % 9 + 1))T08:00:00Z\"}"
done
idle_rss=$(rss)

curl -fsS "$base/api/$user_id/tasks" -H "authorization: Bearer $token" | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 50'
cat >"$work/query.sql" <<SQL
SELECT id, user_id, title, description, completed, priority, tags, due_at, remind_at, reminded_at, recurrence, created_at, updated_at, completed_at, (SELECT task_count FROM users WHERE id = :uid) FROM tasks WHERE user_id = :uid ORDER BY id ASC LIMIT 101;
SQL
for round in $(seq 1 "$rounds"); do
  echo "== round $round: GET /api/{user_id}/tasks (50 tasks), $connections connections, ${duration}s"
  ticks_before=$(cpu_ticks)
  wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/api/$user_id/tasks" \
    | tee "$work/tasks.$round.txt" &
  wrk_pid=$!
  sleep $((duration / 2))
  load_rss=$(rss)
  wait $wrk_pid
  echo $(($(cpu_ticks) - ticks_before)) >"$work/ticks.$round.txt"
  echo "== round $round: the same query straight to PostgreSQL with pgbench (the ceiling)"
  pgbench -n -M prepared -c "$connections" -j 2 -T "$duration" -D uid="$user_id" -f "$work/query.sql" "$db_url" \
    | tee "$work/pgbench.$round.txt"
done

# Instructions the backend executes per listed task list: unlike req/s they
# do not drift with the machine's speed. A separate run, because counting
# slows every context switch a little (needs perf; skipped without it).
if perf stat -e instructions:u -o /dev/null -- true 2>/dev/null; then
  echo "== instructions per request: GET /api/{user_id}/tasks for 5 s under perf stat"
  perf stat -x, -e instructions:u,instructions:k -p "$backend_pid" -o "$work/perf.txt" -- sleep 6 &
  perf_pid=$!
  wrk -t2 -c"$connections" -d5s -H "Authorization: Bearer $token" "$base/api/$user_id/tasks" | tee "$work/perf-wrk.txt"
  wait "$perf_pid"
fi

echo "== GET /health, $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" --latency "$base/health" | tee "$work/health.txt"

echo
echo "== summary"
echo "startup to first 200 /health: ${startup_ms} ms"
echo "resident memory idle: ${idle_rss} MB, under load: ${load_rss} MB"
python3 - "$work" "$rounds" "$(getconf CLK_TCK)" <<'PY'
import os, re, statistics, sys
work, rounds, ticks_per_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
ratios, p99s, cpus = [], [], []
for r in range(1, rounds + 1):
    wrk = open(f"{work}/tasks.{r}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", wrk).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", wrk).group(1))
    errors = re.findall(r"(Non-2xx.*|Socket errors.*)", wrk)
    tps = float(re.search(r"^tps = ([\d.]+)", open(f"{work}/pgbench.{r}.txt").read(), re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", wrk).group(1))
    cpu_us = int(open(f"{work}/ticks.{r}.txt").read()) / ticks_per_s * 1e6 / requests
    ratios.append(rps / tps)
    p99s.append(p99)
    cpus.append(cpu_us)
    print(f"round {r}: tasks {rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, backend CPU {cpu_us:.0f} us/request; "
          f"pgbench {tps:,.0f} tps; ratio {rps / tps:.0%}; errors: {', '.join(errors) or 'none'}")
print(f"tasks: median ratio to the ceiling {statistics.median(ratios):.0%}, median p99 {statistics.median(p99s):.2f} ms, "
      f"median backend CPU {statistics.median(cpus):.0f} us/request")
if os.path.exists(f"{work}/perf.txt"):
    requests = int(re.search(r"(\d+) requests in", open(f"{work}/perf-wrk.txt").read()).group(1))
    counts = {line.split(",")[2]: int(line.split(",")[0]) for line in open(f"{work}/perf.txt") if line[:1].isdigit()}
    if "instructions:u" in counts and "instructions:k" in counts:
        print(f"backend instructions per tasks request: {counts['instructions:u'] / requests / 1000:.0f}k user, "
              f"{counts['instructions:k'] / requests / 1000:.0f}k kernel")
    else:
        print("backend instructions per tasks request: this machine's counters are not available")
PY
awk '/Requests\/sec/ {print "health requests/s: " $2} / 99%/ {print "health p99: " $2}' "$work/health.txt"
