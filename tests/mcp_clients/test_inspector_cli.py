"""The MCP Inspector's CLI mode (`@modelcontextprotocol/inspector --cli`,
pinned in typescript/package.json) against the backend's /mcp.

scripts/test-mcp-clients.sh installs it and sets MCP_INSPECTOR (its
launcher script) and MCP_INSPECTOR_NODE (the Node.js it declares it needs).
"""

import json
import os
import subprocess

import pytest

from mcp_spec import TOOL_ARGUMENTS


@pytest.fixture(scope="module")
def inspector(backend, tmp_path_factory):
    missing = [name for name in ("MCP_INSPECTOR", "MCP_INSPECTOR_NODE") if not os.environ.get(name)]
    if missing:
        message = f"{', '.join(missing)} not set: run scripts/test-mcp-clients.sh"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    # The Inspector keeps state under ~/.mcp-inspector: a throwaway home.
    env = {**os.environ, "HOME": str(tmp_path_factory.mktemp("inspector-home"))}

    def run(*args, token=None):
        command = [os.environ["MCP_INSPECTOR_NODE"], os.environ["MCP_INSPECTOR"], "--cli", backend.mcp_url]
        if token:
            command += ["--header", f"Authorization: Bearer {token}"]
        command += ["--stored-auth-only", "--format", "json", "--quiet", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)

    return run


def result_of(completed):
    assert completed.returncode == 0, f"exit {completed.returncode}: {completed.stderr or completed.stdout}"
    return json.loads(completed.stdout)["result"]


def test_inspector_lists_the_tools(backend, inspector):
    tools = result_of(inspector("--method", "tools/list", token=backend.pat))["tools"]
    assert sorted(tool["name"] for tool in tools) == sorted(TOOL_ARGUMENTS)


def test_inspector_sees_an_output_schema_on_every_tool(backend, inspector):
    tools = result_of(inspector("--method", "tools/list", token=backend.pat))["tools"]
    without = [tool["name"] for tool in tools if (tool.get("outputSchema") or {}).get("type") != "object"]
    assert not without, f"no object outputSchema on {without}"


def test_inspector_strict_schema_portability(backend, inspector):
    """--strict: the Inspector's tool-schema portability checks find no error."""
    completed = inspector("--method", "tools/list", "--strict", token=backend.pat)
    assert completed.returncode == 0, f"exit {completed.returncode}: {completed.stderr}"


def test_inspector_calls_list_tasks(backend, inspector):
    result = result_of(
        inspector("--method", "tools/call", "--tool-name", "list_tasks", "--tool-args-json", '{"limit": 2}', token=backend.pat)
    )
    assert result.get("isError") is not True, result
    assert isinstance(result.get("structuredContent"), dict), result
    assert json.loads(result["content"][0]["text"]) == result["structuredContent"]


@pytest.mark.parametrize("token", [None, "todo_pat_" + "0" * 64], ids=["none", "wrong"])
def test_inspector_is_refused_without_a_valid_token(inspector, token):
    completed = inspector("--method", "tools/list", token=token)
    assert completed.returncode != 0, completed.stdout
    assert "tools" not in completed.stdout
