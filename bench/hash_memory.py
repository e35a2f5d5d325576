#!/usr/bin/env python3
"""Memory of the backend during a burst of sign-ins (not a test: prints the
figures for docs/BENCHMARKS.md).

Each sign-in checks an argon2id hash of about 19 MiB. The backend runs a
few at once (HASH_CONCURRENCY), queues some more (HASH_QUEUE) and refuses
the rest with 503, and gives each hash's memory back when it is done. This
starts the release binary on a SQLite file, signs up one account, fires
BURST concurrent sign-ins (half with the right password), samples the
resident set size every 20 ms, and reports the peak and what is left 10 s
after the burst.

    cargo build --release -p backend && bench/hash_memory.py
    BURST=64 HASH_CONCURRENCY=4 bench/hash_memory.py
"""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

BINARY = os.path.join(os.path.dirname(__file__), "..", "target", "release", "todo-backend")
BURST = int(os.environ.get("BURST", "64"))
PORT = int(os.environ.get("PORT", "18820"))
PASSWORD = "tidy-otter-planets-42"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(path, body):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request("POST", path, json.dumps(body), {"content-type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status


def main():
    work = tempfile.mkdtemp(prefix="todo-hash-memory-")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite://{work}/todo.db?mode=rwc",
        AUTH_SECRET="bench-secret-bench-secret-bench-secret-42",
        HOST="127.0.0.1",
        PORT=str(PORT),
        METRICS_PORT="off",
        RUST_LOG="warn",
        # The burst comes from one address; its limit is not what is measured.
        AUTH_ATTEMPTS_PER_MINUTE="100000",
    )
    backend = subprocess.Popen([BINARY], env=env, cwd=work)
    try:
        for _ in range(200):
            try:
                if post("/api/auth/sign-up", {"email": "bench@example.com", "password": PASSWORD}) == 201:
                    break
            except OSError:
                time.sleep(0.05)
        idle = rss_mb(backend.pid)
        samples, statuses, done = [], [], threading.Event()

        def sample():
            while not done.is_set():
                samples.append(rss_mb(backend.pid))
                time.sleep(0.02)

        def sign_in(n):
            password = PASSWORD if n % 2 == 0 else "not-the-password"
            statuses.append(post("/api/auth/sign-in", {"email": "bench@example.com", "password": password}))

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        clients = [threading.Thread(target=sign_in, args=(n,)) for n in range(BURST)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        took = time.perf_counter() - started
        time.sleep(10)
        done.set()
        sampler.join()
        after = rss_mb(backend.pid)
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        print(f"burst: {BURST} concurrent sign-ins, answered in {took:.1f} s: {counts}")
        print(f"RSS idle {idle:.1f} MB, peak {max(samples):.1f} MB, 10 s after the burst {after:.1f} MB")
        ok = max(samples) < 120 and after < 40
        print("targets (peak < 120 MB, after < 40 MB):", "met" if ok else "NOT met")
        return 0 if ok else 1
    finally:
        backend.terminate()
        backend.wait()


if __name__ == "__main__":
    sys.exit(main())
