"""Shared fixtures of the system tests: the repository, Helm rendering, Docker,
a throwaway PostgreSQL, and an HTTP client with cookies."""

import base64
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "helm" / "todo-chatbot"
APP_VERSION = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
BACKEND_IMAGE = os.environ.get("BACKEND_IMAGE", f"todo-backend:{APP_VERSION}")
FRONTEND_IMAGE = os.environ.get("FRONTEND_IMAGE", f"todo-frontend:{APP_VERSION}")


def run(*args, check=True, **kwargs):
    return subprocess.run(list(args), capture_output=True, text=True, check=check, **kwargs)


def render(*flags, name="demo", namespace="todo"):
    """Renders the chart and returns its documents."""
    out = run("helm", "template", name, str(CHART), "-n", namespace, *flags).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def find(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=30, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not there yet
            pass
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def http_status(url, timeout=3):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Browser:
    """Cookies and forms, like a browser without JavaScript."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path, form):
        data = urllib.parse.urlencode(form).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def csrf(self, path="/sign-in"):
        _, _, html = self.get(path)
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


class Docker:
    def __init__(self):
        self.containers = []

    def run(self, image, *flags, args=(), name=None):
        name = name or f"todo-test-{os.getpid()}-{len(self.containers)}"
        run("docker", "rm", "-f", name, check=False)
        run("docker", "run", "-d", "--name", name, "--network", "host", *flags, image, *args)
        self.containers.append(name)
        return name

    def inspect(self, name):
        return json.loads(run("docker", "inspect", name).stdout)[0]

    def health(self, name):
        return (self.inspect(name)["State"].get("Health") or {}).get("Status")

    def logs(self, name):
        result = run("docker", "logs", name, check=False)
        return result.stdout + result.stderr

    def cleanup(self):
        for name in self.containers:
            run("docker", "rm", "-f", name, check=False)


@pytest.fixture
def docker():
    helper = Docker()
    yield helper
    helper.cleanup()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway cluster on loopback; yields a function that creates a database and returns its URL."""
    directory = tempfile.mkdtemp(prefix="todo-system-pg-", dir="/tmp")
    port = free_port()
    admin = run(str(ROOT / "scripts/pg-cluster.sh"), "start", directory, str(port)).stdout.strip()

    def database(name):
        run("psql", "-q", admin, "-c", f"CREATE DATABASE {name}")
        return admin.rsplit("/", 1)[0] + "/" + name

    database.port = port
    database.admin = admin
    yield database
    run(str(ROOT / "scripts/pg-cluster.sh"), "destroy", directory, check=False)


def psql(url, query):
    return run("psql", "-tA", url, "-c", query).stdout.strip()


def secret_values(docs):
    values = {}
    for secret in find(docs, "Secret"):
        values.update({k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()})
    return values


FIGURES = ROOT / "target" / "container-figures.json"


def record(key, value):
    """Keeps measured figures for docs/BENCHMARKS.md (not asserted on timing)."""
    FIGURES.parent.mkdir(exist_ok=True)
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[key] = value
    FIGURES.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")


class FakeCluster:
    """Recording stand-ins for minikube, kubectl and helm (tests/fakes/fake-tool)
    first on PATH: what a script or a documented sequence ran, and the Secrets
    it left behind."""

    def __init__(self, directory):
        self.bin = directory / "bin"
        self.bin.mkdir(parents=True)
        for tool in ("minikube", "kubectl", "helm"):
            (self.bin / tool).symlink_to(ROOT / "tests" / "fakes" / "fake-tool")
        self.log = directory / "commands.jsonl"
        self.state = directory / "state"
        self.env = {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(directory),
                    "FAKE_LOG": str(self.log), "FAKE_STATE": str(self.state)}

    def run(self, *command, cwd=ROOT):
        return subprocess.run(list(command), capture_output=True, text=True, env=self.env, cwd=cwd)

    def commands(self, tool=None):
        if not self.log.exists():
            return []
        entries = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [[e["tool"], *e["args"]] for e in entries if tool is None or e["tool"] == tool]

    def reset(self):
        """A new cluster: no log, no state."""
        self.log.unlink(missing_ok=True)
        shutil.rmtree(self.state, ignore_errors=True)

    def secret(self, name="todo-chatbot-secrets", namespace="todo"):
        path = self.state / f"secret-{namespace}-{name}.json"
        return json.loads(path.read_text()) if path.exists() else None


@pytest.fixture
def cluster(tmp_path):
    return FakeCluster(tmp_path)
