#!/usr/bin/env bash
# Pages of a long task list on PostgreSQL (not a test: prints figures for
# docs/BENCHMARKS.md). For one user with 1,000, 10,000 and 100,000 tasks
# (seeded with SQL, with priorities, tags, due dates and text to search),
# wrk measures at 32 connections:
#   - the first page (limit 100),
#   - a page in the middle of the list (keyset cursor),
#   - a search (q) that matches 1 % of the tasks, one that matches a quarter
#     of them, and a filtered, sorted page (tag + priority sort, a fifth).
# Needs wrk (Debian: wrk).
#
#   bench/pages.sh
#   SIZES="1000 10000" DURATION=10 bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
sizes=${SIZES:-1000 10000 100000}
pg_port=55498
app_port=18810
# shellcheck source=bench/setup.sh
. bench/setup.sh
export TASK_LIMIT=1000000
target/release/todo-backend &
backend_pid=$!
base=http://127.0.0.1:$app_port
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$base/ready" 2>/dev/null && break; sleep 0.1; done

results=()
for size in $sizes; do
  email="pages-$size@example.com"
  signup=$(curl -fsS -X POST "$base/api/auth/sign-up" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"bench-password-pages\"}")
  token=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  user_id=$(printf '%s' "$signup" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')
  echo "== seeding $size tasks"
  psql -q "$db_url" <<SQL
INSERT INTO tasks (user_id, id, title, description, completed, created_at, updated_at, priority, tags, due_at,
                   completed_at, title_key, search_text)
SELECT '$user_id', n, 'Task ' || n || ' ' || (ARRAY['pay rent', 'call the bank', 'water plants', 'book flights'])[1 + n % 4],
       'details of task ' || n || CASE WHEN n % 100 = 7 THEN ' landlord' ELSE '' END, n % 5 = 0,
       now() - (n || ' minutes')::interval, now(), n % 4,
       (ARRAY[' home ', ' work money ', ' travel ', ' '])[1 + n % 4],
       CASE WHEN n % 3 = 0 THEN NULL ELSE now() + ((n % 500) || ' hours')::interval END,
       CASE WHEN n % 5 = 0 THEN now() END,
       lower('Task ' || n || ' ' || (ARRAY['pay rent', 'call the bank', 'water plants', 'book flights'])[1 + n % 4]),
       lower('Task ' || n || ' ' || (ARRAY['pay rent', 'call the bank', 'water plants', 'book flights'])[1 + n % 4]
             || E'\n' || 'details of task ' || n || CASE WHEN n % 100 = 7 THEN ' landlord' ELSE '' END)
FROM generate_series(1, $size) AS n;
UPDATE users SET next_task_id = $size + 1, task_count = $size, completed_count = $size / 5 WHERE id = '$user_id';
ANALYZE tasks;
SQL
  middle=$(python3 -c "import base64,json; print(base64.urlsafe_b64encode(json.dumps({'sort':'created','order':'asc','id':$size // 2}).encode()).decode().rstrip('='))")
  declare -A paths=(
    [first]="/api/$user_id/tasks?limit=100"
    [middle]="/api/$user_id/tasks?limit=100&cursor=$middle"
    [search]="/api/$user_id/tasks?q=landlord&limit=100"
    [broad]="/api/$user_id/tasks?q=rent&limit=100"
    [filtered]="/api/$user_id/tasks?tag=money&sort=priority&status=pending&limit=100"
  )
  for kind in first middle search broad filtered; do
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base${paths[$kind]}"
    wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base${paths[$kind]}" \
      >"$work/$size.$kind.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$size.$kind.txt")
    p50=$(awk '/ 50%/ {print $2}' "$work/$size.$kind.txt")
    p99=$(awk '/ 99%/ {print $2}' "$work/$size.$kind.txt")
    errors=$(grep -E "Non-2xx|Socket errors" "$work/$size.$kind.txt" || true)
    results+=("$(printf '%7s tasks  %-8s %9s req/s  p50 %8s  p99 %8s  %s' "$size" "$kind" "$rps" "$p50" "$p99" "${errors:-no errors}")")
    echo "${results[-1]}"
  done
done

echo
echo "== summary ($connections connections, ${duration}s each)"
printf '%s\n' "${results[@]}"
