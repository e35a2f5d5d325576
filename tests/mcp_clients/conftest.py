"""Shared set-up of the independent MCP client tests.

scripts/test-mcp-clients.sh starts the real backend, signs a user up, creates
a personal API token and passes them here through the environment:

  MCP_TEST_BASE_URL       http://127.0.0.1:<port> (the backend; /mcp is below it)
  MCP_TEST_USER_ID        the user's id
  MCP_TEST_SESSION_TOKEN  a session token (from sign-up)
  MCP_TEST_PAT            a personal API token (todo_pat_...)
  MCP_TEST_SERVICE_HOST   a Kubernetes Service host name the backend accepts
                          (MCP_ALLOWED_HOSTS), resolved here to 127.0.0.1
"""

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

REQUIRED = ("MCP_TEST_BASE_URL", "MCP_TEST_USER_ID", "MCP_TEST_SESSION_TOKEN", "MCP_TEST_PAT")


@dataclass(frozen=True)
class Backend:
    base_url: str
    user_id: str
    session_token: str
    pat: str
    service_host: str

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1].split("/")[0])

    def rest(self, method, path, token=None, body=None, headers=None):
        """One REST call; returns (status, parsed JSON body or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def task(self, task_id):
        """The task as the REST API shows it (SPEC section 4)."""
        status, body = self.rest("GET", f"/api/{self.user_id}/tasks/{task_id}", token=self.pat)
        assert status == 200, f"GET task {task_id}: {status} {body}"
        return body


@pytest.fixture(scope="session")
def backend() -> Backend:
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        message = f"{', '.join(missing)} not set: run scripts/test-mcp-clients.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Backend(
        base_url=os.environ["MCP_TEST_BASE_URL"].rstrip("/"),
        user_id=os.environ["MCP_TEST_USER_ID"],
        session_token=os.environ["MCP_TEST_SESSION_TOKEN"],
        pat=os.environ["MCP_TEST_PAT"],
        service_host=os.environ.get("MCP_TEST_SERVICE_HOST", "todo-chatbot-backend.todo.svc.cluster.local"),
    )


@pytest.fixture
def anyio_backend():
    return "asyncio"
