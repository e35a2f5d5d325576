#!/usr/bin/env bash
# Lighthouse on the web UI: the sign-in page, the task list, a conversation
# and the settings page, each as a phone (Lighthouse's mobile emulation) and
# as a desktop, with Debian's Chromium. Fails when Accessibility, Best
# Practices or SEO scores below 95 on any of them; Performance is measured
# and printed (docs/BENCHMARKS.md records it), not checked, since its
# timings depend on the machine.
#
#   scripts/lighthouse.sh                  build (debug), run, check
#   TODO_BIN=target/release/todo-chatbot scripts/lighthouse.sh
#
# Lighthouse is pinned by frontend/tests/web-checks and installed by
# scripts/install-test-deps.sh. The app runs on a throwaway SQLite file on
# free loopback ports with a user and a few tasks; every run is bounded in
# time (8 runs, about 15 s each on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."

minimum=${LIGHTHOUSE_MINIMUM:-95}
web_checks=${TODO_WEB_CHECKS:-$HOME/.cache/todo-chatbot/npm/web-checks}
chromium=${CHROMIUM:-/usr/bin/chromium}
email="lighthouse-$(date +%s)-$$@example.com"
password="tidy-otter-planets-42"

say() { printf '== %s\n' "$*"; }
die() { printf 'lighthouse: %s\n' "$*" >&2; exit 1; }

scripts/install-test-deps.sh >/dev/null
lighthouse=$web_checks/node_modules/lighthouse/cli/index.js
[ -f "$lighthouse" ] || die "Lighthouse is missing from $web_checks (scripts/install-test-deps.sh)"
[ -x "$chromium" ] || die "Chromium is needed at $chromium (apt-get install chromium)"

bin=${TODO_BIN:-}
if [ -z "$bin" ]; then
  say "building the app"
  cargo build --quiet --locked --bin todo-chatbot
  bin=target/debug/todo-chatbot
fi
bin=$(realpath "$bin")

work=$(mktemp -d /tmp/todo-lighthouse.XXXXXX)
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
backend_port=$(free_port)
frontend_port=$(free_port)
base="http://127.0.0.1:$frontend_port"

say "starting the app on $base"
(
  cd "$work"
  exec env HOST=127.0.0.1 BACKEND_PORT="$backend_port" FRONTEND_PORT="$frontend_port" \
    DATABASE_URL="sqlite://$work/todo.db?mode=rwc" METRICS_PORT=off RUST_LOG=warn \
    AUTH_SECRET=lighthouse-secret-at-least-32-bytes-long FRONTEND_SECRET=lighthouse-frontend-secret-32-bytes-long \
    "$bin"
) >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; die "the app did not start"; }
  sleep 0.2
done
curl -fsS "$base/health" >/dev/null || die "the app did not answer on $base"

# A user with a few tasks and a conversation, signed in with a cookie jar.
jar=$work/cookies
field() { sed -n "s/.*name=\"$1\" value=\"\\([^\"]*\\)\".*/\\1/p" | head -1; }
meta() { sed -n "s/.*<meta name=\"$1\" content=\"\\([^\"]*\\)\".*/\\1/p" | head -1; }
csrf=$(curl -fsS -c "$jar" -b "$jar" "$base/sign-up" | field csrf)
curl -fsS -o /dev/null -c "$jar" -b "$jar" "$base/sign-up" \
  --data-urlencode "csrf=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$password" \
  --data-urlencode "timezone=Asia/Karachi"
page=$(curl -fsS -c "$jar" -b "$jar" "$base/tasks")
csrf=$(meta csrf-token <<<"$page")
user=$(meta user-id <<<"$page")
[ -n "$user" ] || die "could not sign up"
tomorrow=$(TZ=Asia/Karachi date -d tomorrow +%Y-%m-%dT09:00:00+05:00)
yesterday=$(TZ=Asia/Karachi date -d yesterday +%Y-%m-%dT23:59:00+05:00)
for task in \
  "{\"title\":\"Pay rent\",\"priority\":\"high\",\"tags\":[\"home\",\"bills\"],\"due_at\":\"$tomorrow\",\"recurrence\":\"monthly\",\"description\":\"Transfer before noon\"}" \
  "{\"title\":\"Renew passport\",\"priority\":\"medium\",\"tags\":[\"admin\"],\"due_at\":\"$yesterday\"}" \
  '{"title":"Water the plants","tags":["garden"]}' \
  '{"title":"Book flights to Lahore","tags":["travel"]}'; do
  curl -fsS -o /dev/null -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d "$task" "$base/api/$user/tasks"
done
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
  --data-urlencode "message=Add a task to buy milk" "$base/chat"
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "conversation_id=1" \
  --data-urlencode "message=What's pending?" "$base/chat"
# curl marks HttpOnly cookies (the session's) with a "#HttpOnly_" prefix.
cookie=$(awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$jar")
headers=$work/headers.json
printf '{"Cookie": "%s"}' "$cookie" >"$headers"

# Each page as a phone and as a desktop.
pages=("sign-in:/sign-in" "tasks:/tasks" "chat:/chat?c=1" "settings:/settings")
results=()
for form in mobile desktop; do
  for entry in "${pages[@]}"; do
    name=${entry%%:*}
    path=${entry#*:}
    report=$work/$name-$form.json
    # shellcheck disable=SC2054 # the commas are Lighthouse's list syntax
    args=(--output=json --output-path="$report" --quiet
      --only-categories=performance,accessibility,best-practices,seo
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run")
    [ "$form" = desktop ] && args+=(--preset=desktop)
    [ "$name" = sign-in ] || args+=(--extra-headers="$headers")
    say "$name ($form)"
    CHROME_PATH=$chromium timeout 180 node "$lighthouse" "$base$path" "${args[@]}" \
      || die "Lighthouse failed on $path ($form)"
    results+=("$name" "$form" "$report")
  done
done

# The scores, and what failed where a checked category is below the minimum.
node - "$minimum" "${results[@]}" <<'EOF'
const fs = require("fs");
const [minimum, ...rest] = process.argv.slice(2);
const checked = ["accessibility", "best-practices", "seo"];
let failed = false;
console.log("| page | form factor | Performance | Accessibility | Best Practices | SEO | LCP | TBT | CLS |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (let i = 0; i < rest.length; i += 3) {
  const [name, form, file] = rest.slice(i, i + 3);
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  const score = (id) => Math.round((report.categories[id].score || 0) * 100);
  if (!report.finalDisplayedUrl.endsWith(report.requestedUrl.replace(/^https?:\/\/[^/]+/, ""))) {
    console.error(`  ${name} (${form}): ended on ${report.finalDisplayedUrl}, not the page asked for (signed out?)`);
    failed = true;
  }
  const metric = (id) => report.audits[id].displayValue.replace(/\u00a0/g, " ");
  const metrics = ["largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"].map(metric);
  console.log(`| ${name} | ${form} | ${["performance", ...checked].map(score).join(" | ")} | ${metrics.join(" | ")} |`);
  for (const id of checked) {
    if (score(id) >= Number(minimum)) continue;
    failed = true;
    for (const ref of report.categories[id].auditRefs) {
      const audit = report.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        console.error(`  ${name} (${form}) ${id}: ${audit.id}: ${audit.title}`);
      }
    }
  }
}
if (failed) {
  console.error(`Accessibility, Best Practices and SEO must each score at least ${minimum}.`);
  process.exit(1);
}
EOF
say "Lighthouse: Accessibility, Best Practices and SEO at least $minimum on every page"
