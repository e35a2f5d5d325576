# Shared set-up of the load benchmarks, sourced by bench/run.sh and
# bench/pages.sh after they set `pg_port` and `app_port`: a release build, a
# throwaway PostgreSQL cluster with a `bench` database, the backend's
# settings in the environment, and clean-up on exit (the caller sets
# `backend_pid` once it starts the backend).
# shellcheck shell=bash

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p backend --quiet
work=$(mktemp -d /tmp/todo-bench.XXXXXX)
pg_dir=$(mktemp -d /tmp/todo-bench-pg.XXXXXX)
url=$(scripts/pg-cluster.sh start "$pg_dir" "${pg_port:?}")
cleanup() {
  if [ -n "${backend_pid:-}" ]; then kill "$backend_pid" 2>/dev/null || true; fi
  scripts/pg-cluster.sh destroy "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT
psql -q "$url" -c "CREATE DATABASE bench"
db_url="${url%/*}/bench"

export DATABASE_URL=$db_url AUTH_SECRET=bench-secret-bench-secret-bench-secret-42
export HOST=127.0.0.1 PORT=${app_port:?} METRICS_PORT=off RUST_LOG=warn DB_MAX_CONNECTIONS=${DB_MAX_CONNECTIONS:-16}
