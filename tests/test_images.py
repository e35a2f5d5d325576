"""The two images: small, hardened, healthy, and working together against a
real PostgreSQL, run the way the chart runs them."""

import json
import time

import pytest

from conftest import BACKEND_IMAGE, FRONTEND_IMAGE, Browser, free_port, http_status, psql, record, run, wait_until

MAX_IMAGE_BYTES = 40 * 1000 * 1000
HARDENED = ["--read-only", "--user", "65532:65532", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--health-interval", "1s", "--health-start-period", "2s"]
SECRET = "container-test-secret-at-least-32-bytes!"
# Keys the frontend's CSRF tokens; without it a read-only frontend cannot start.
FRONTEND_SECRET = "container-test-frontend-key-32-bytes-or-more"


@pytest.mark.parametrize("image", [BACKEND_IMAGE, FRONTEND_IMAGE])
def test_image_is_small_distroless_and_runs_as_nonroot(image):
    info = json.loads(run("docker", "image", "inspect", image).stdout)[0]
    size = info["Size"]
    record(f"size_bytes:{image}", size)
    assert size < MAX_IMAGE_BYTES, f"{image} is {size / 1e6:.1f} MB"
    config = info["Config"]
    assert config["User"] == "65532:65532"
    binary = config["Entrypoint"][0]
    assert config["Entrypoint"] == [binary] and binary.startswith("/usr/local/bin/todo-"), "exec-form entrypoint"
    assert config["Healthcheck"]["Test"] == ["CMD", binary, "healthcheck"]
    assert config["Labels"]["org.opencontainers.image.title"] in binary
    assert config["ExposedPorts"]
    # Distroless: no shell to exec into.
    shell = run("docker", "run", "--rm", "--network", "host", "--entrypoint", "/bin/sh", image, "-c", "true", check=False)
    assert shell.returncode != 0


def start_stack(docker, database_url):
    backend_port, metrics_port, frontend_port = free_port(), free_port(), free_port()
    started = time.monotonic()
    backend = docker.run(
        BACKEND_IMAGE, *HARDENED,
        "-e", f"DATABASE_URL={database_url}", "-e", f"AUTH_SECRET={SECRET}",
        "-e", f"PORT={backend_port}", "-e", f"METRICS_PORT={metrics_port}", "-e", "SHUTDOWN_DELAY_MS=1000",
    )
    wait_until(lambda: http_status(f"http://127.0.0.1:{backend_port}/ready") == 200, what="backend ready")
    record("cold_start_to_ready_ms:backend", round((time.monotonic() - started) * 1000))
    started = time.monotonic()
    # The frontend reaches the backend by a Service-style name, as in the chart.
    frontend = docker.run(
        FRONTEND_IMAGE, *HARDENED, "--add-host", "todo-chatbot-backend:127.0.0.1",
        "-e", f"BACKEND_URL=http://todo-chatbot-backend:{backend_port}", "-e", f"PORT={frontend_port}",
        "-e", f"FRONTEND_SECRET={FRONTEND_SECRET}", "-e", "SHUTDOWN_DELAY_MS=1000",
    )
    wait_until(lambda: http_status(f"http://127.0.0.1:{frontend_port}/ready") == 200, what="frontend ready")
    record("cold_start_to_ready_ms:frontend", round((time.monotonic() - started) * 1000))
    for name in (backend, frontend):
        wait_until(lambda name=name: docker.health(name) == "healthy", timeout=30, what=f"{name} healthy")
    return backend, frontend, frontend_port, metrics_port


def memory_mb(name):
    usage = run("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", name).stdout.split("/")[0].strip()
    number = float("".join(c for c in usage if c.isdigit() or c == "."))
    return round(number / 1024 if usage.endswith("KiB") else number, 1)


def test_hardened_containers_serve_the_app_on_postgresql_and_stop_cleanly(docker, postgres):
    database_url = postgres("containers")
    backend, frontend, frontend_port, metrics_port = start_stack(docker, database_url)
    time.sleep(1)
    record("idle_memory_mb:backend", memory_mb(backend))
    record("idle_memory_mb:frontend", memory_mb(frontend))

    browser = Browser(f"http://127.0.0.1:{frontend_port}")
    status, url, _ = browser.post("/sign-up", {"csrf": browser.csrf("/sign-up"), "email": "box@example.com", "password": "tidy-otter-planets-42"})
    assert (status, url.endswith("/tasks?notice=welcome")) == (200, True)
    csrf = browser.csrf("/tasks")
    status, _, html = browser.post("/tasks", {"csrf": csrf, "title": "Ship the images", "status": "all"})
    assert status == 200 and "Ship the images" in html
    status, url, html = browser.post("/chat", {"csrf": csrf, "message": "Add a task to buy milk"})
    assert "/chat?c=" in url and "Buy milk" in html

    assert psql(database_url, "SELECT string_agg(title, ',' ORDER BY id) FROM tasks") == "Ship the images,Buy milk"
    assert psql(database_url, "SELECT count(*) FROM messages") == "2"
    logs = docker.logs(backend)
    assert all(line.startswith("{") for line in logs.splitlines() if line.strip()), "JSON logs"
    assert SECRET not in logs and "tidy-otter-planets-42" not in logs, "no secret in the logs"
    frontend_logs = docker.logs(frontend)
    assert FRONTEND_SECRET not in frontend_logs and "tidy-otter-planets-42" not in frontend_logs
    assert http_status(f"http://127.0.0.1:{metrics_port}/metrics") == 200

    for role, name in (("frontend", frontend), ("backend", backend)):
        started = time.monotonic()
        run("docker", "stop", "--time", "30", name)
        elapsed = time.monotonic() - started
        state = docker.inspect(name)["State"]
        assert state["ExitCode"] == 0, f"{name} exit code {state['ExitCode']}: {docker.logs(name)[-2000:]}"
        assert elapsed < 15, f"{name} took {elapsed:.1f}s to stop"
        record(f"sigterm_to_exit_s:{role}", round(elapsed, 2))
        assert "shut down cleanly" in docker.logs(name)


def test_backend_sqlite_default_needs_only_a_writable_data_volume(docker):
    port = free_port()
    name = docker.run(BACKEND_IMAGE, *HARDENED, "--tmpfs", "/data:uid=65532,gid=65532,mode=0700",
                      "-e", f"PORT={port}", "-e", "METRICS_PORT=off")
    wait_until(lambda: http_status(f"http://127.0.0.1:{port}/ready") == 200, what="sqlite backend ready")
    wait_until(lambda: docker.health(name) == "healthy", what="healthy")
    # Without the volume the read-only filesystem refuses the file: a clear failure, not a hang.
    failing = docker.run(BACKEND_IMAGE, *HARDENED, "-e", f"PORT={free_port()}", "-e", "METRICS_PORT=off")
    wait_until(lambda: not docker.inspect(failing)["State"]["Running"], what="exit without a writable /data")
    assert docker.inspect(failing)["State"]["ExitCode"] != 0
    assert "Read-only file system" in docker.logs(failing) or "readonly" in docker.logs(failing).lower()


@pytest.mark.parametrize("key", [None, "too-short"])
def test_read_only_frontend_without_a_usable_key_exits_naming_the_setting(docker, key):
    """Without FRONTEND_SECRET the frontend would write a key file into its
    working directory, which a read-only root filesystem refuses: the chart
    must pass the key, and the failure says so instead of hanging."""
    flags = ["-e", f"PORT={free_port()}", "-e", "BACKEND_URL=http://127.0.0.1:9"]
    if key:
        flags += ["-e", f"FRONTEND_SECRET={key}"]
    name = docker.run(FRONTEND_IMAGE, *HARDENED, *flags)
    wait_until(lambda: not docker.inspect(name)["State"]["Running"], what="exit without a usable FRONTEND_SECRET")
    assert docker.inspect(name)["State"]["ExitCode"] != 0
    assert "FRONTEND_SECRET" in docker.logs(name)
