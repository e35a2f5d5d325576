#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on loopback for tests and benchmarks.
#
#   scripts/pg-cluster.sh start DIR PORT   # initdb if needed, start, print the URL
#   scripts/pg-cluster.sh stop DIR          # fast shutdown (data kept)
#   scripts/pg-cluster.sh destroy DIR       # stop and delete
#
# initdb refuses to run as root, so as root the cluster belongs to an
# unprivileged system user (todo-pg), created on first use.
set -euo pipefail

cmd=${1:?usage: pg-cluster.sh start|stop|destroy DIR [PORT]}
dir=${2:?missing DIR}
port=${3:-55432}
pg_user=todo-pg

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$pg_user" -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    if [ "$(id -u)" -eq 0 ] && ! id "$pg_user" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$pg_user" "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner initdb --pgdata="$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync off: a throwaway cluster trades durability for test speed.
    as_owner pg_ctl --pgdata="$dir/data" --log="$dir/postgres.log" --wait --timeout=60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_owner pg_ctl --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
    ;;
  destroy)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner pg_ctl --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "unknown command: $cmd" >&2
    exit 2
    ;;
esac
