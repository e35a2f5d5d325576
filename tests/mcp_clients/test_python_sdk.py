"""The backend's /mcp seen by the official Python SDK (`mcp` from PyPI), the
runtime of kagent's agents, over its Streamable HTTP client.

Written to SPEC sections 4, 5 and 5.2: every tool declares an outputSchema
and answers a structuredContent object valid against it with the same JSON
in its text content; failures are isError results with a readable message;
annotations; the planning fields; personal API tokens; a Service host name.
Run by scripts/test-mcp-clients.sh against the real backend binary.
"""

import json
import uuid
from contextlib import asynccontextmanager
from datetime import datetime

import anyio
import httpx2
import jsonschema
import pytest
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client

from mcp_spec import SPEC, TOOL_ARGUMENTS

pytestmark = pytest.mark.anyio

TIMEOUT = 20


class ResolveTo(httpx2.AsyncBaseTransport):
    """Sends requests for `host` to 127.0.0.1, like a cluster's DNS would send
    them to the Service: the URL, and so the Host header, keep the name."""

    def __init__(self, host):
        self.host = host
        self.inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        assert request.url.host == self.host, f"unexpected host {request.url.host}"
        request.url = request.url.copy_with(host="127.0.0.1")
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


def single(error):
    """The one failure inside nested exception groups (the SDK's task groups
    wrap what a test raises inside `async with`), so reports show it plainly."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


@asynccontextmanager
async def connect(backend, token="pat", *, url=None, mode="auto", transport=None):
    """An SDK client on /mcp with `Authorization: Bearer <token>`
    ("pat" and "session" name the runner's tokens; None sends none)."""
    token = {"pat": backend.pat, "session": backend.session_token}.get(token, token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, transport=transport, timeout=httpx2.Timeout(TIMEOUT))
    try:
        async with http:
            with anyio.fail_after(60):
                async with Client(
                    streamable_http_client(url or backend.mcp_url, http_client=http),
                    mode=mode,
                    read_timeout_seconds=TIMEOUT,
                ) as client:
                    yield client
    except BaseExceptionGroup as group:
        error = single(group)
        if error is group:
            raise
        raise error from None


@pytest.fixture(scope="module")
def tools(backend):
    """name -> Tool, as the SDK lists them."""

    async def listing():
        async with connect(backend) as client:
            return (await client.list_tools()).tools

    listed = anyio.run(listing)
    return {tool.name: tool for tool in listed}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def instant(value):
    """An RFC 3339 timestamp as an aware datetime (None stays None)."""
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def schema_validator(schema):
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def check_result(tools, name, result):
    """A successful result: structuredContent is an object valid against the
    tool's outputSchema, and a text block carries the same JSON."""
    assert not result.is_error, f"{name} failed: {text_of(result)}"
    structured = result.structured_content
    assert isinstance(structured, dict), f"{name}: structuredContent is {type(structured).__name__}, not an object"
    schema = tools[name].output_schema
    assert schema is not None, f"{name} declares no outputSchema"
    errors = sorted(schema_validator(schema).iter_errors(structured), key=str)
    assert not errors, f"{name}: structuredContent does not match its outputSchema: {errors[0].message}"
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    parsed = []
    for text in texts:
        try:
            parsed.append(json.loads(text))
        except ValueError:
            pass
    assert structured in parsed, f"{name}: no text content carries the structured JSON; text: {texts}"
    return structured


async def call(client, tools, name, arguments):
    return check_result(tools, name, await client.call_tool(name, arguments))


async def succeed(client, name, arguments):
    """A call that must succeed, checked only for that (set-up steps and the
    token and host tests): its result as JSON, from either form."""
    result = await client.call_tool(name, arguments)
    assert not result.is_error, f"{name}({arguments}) failed: {text_of(result)}"
    if isinstance(result.structured_content, dict):
        return result.structured_content
    return json.loads(text_of(result))


async def call_error(client, name, arguments):
    """A failure: an isError result with a readable message."""
    result = await client.call_tool(name, arguments)
    message = text_of(result)
    assert result.is_error, f"{name}({arguments}) did not fail: {result.structured_content or message}"
    assert message.strip(), f"{name}({arguments}): isError result without a message"
    assert not message.lstrip().startswith(("{", "[")), f"{name}: message is not readable text: {message}"
    return message


def argument_value(tools, tool, argument, value):
    """`value` as the tool's inputSchema declares the argument: a list where
    it takes several (e.g. list_tasks priority), else the single value."""
    schema = tools[tool].input_schema.get("properties", {}).get(argument, {})
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds or any(
        option.get("type") == "array" for option in schema.get("anyOf", []) + schema.get("oneOf", [])
    ):
        return [value]
    return value


# --- initialize and list ------------------------------------------------------


async def test_initialize_handshake(backend):
    """The classic initialize handshake (mode="legacy")."""
    async with connect(backend, mode="legacy") as client:
        assert client.server_info is not None and client.server_info.name == "todo-chatbot"
        assert client.server_capabilities.tools is not None
        assert client.protocol_version


async def test_initialize_negotiated(backend):
    """The SDK's default negotiation (mode="auto"), as an agent would connect."""
    async with connect(backend) as client:
        assert client.server_capabilities.tools is not None
        listed = (await client.list_tools()).tools
        assert {tool.name for tool in listed} == set(TOOL_ARGUMENTS)


def test_lists_the_five_tools(tools):
    assert set(tools) == set(TOOL_ARGUMENTS)


@pytest.mark.parametrize("name", sorted(TOOL_ARGUMENTS))
def test_tool_declares_a_valid_output_schema(tools, name):
    schema = tools[name].output_schema
    assert schema is not None, f"{name} declares no outputSchema"
    assert schema.get("type") == "object", f"{name}: outputSchema type is {schema.get('type')!r}, MCP needs an object"
    schema_validator(schema)
    properties = schema.get("properties", {})
    if name == "list_tasks":
        assert {"tasks", "total"} <= set(properties), f"list_tasks outputSchema properties: {sorted(properties)}"
        item = properties["tasks"].get("items", {})
        assert set(SPEC["list_task_fields"]) <= set(item.get("properties", {})), item
    else:
        assert set(SPEC["result_fields"]) <= set(properties), f"{name} outputSchema properties: {sorted(properties)}"


@pytest.mark.parametrize("name", sorted(TOOL_ARGUMENTS))
def test_tool_input_schema_takes_the_spec_arguments(tools, name):
    schema = tools[name].input_schema
    schema_validator(schema)
    assert schema.get("type") == "object"
    missing = TOOL_ARGUMENTS[name] - set(schema.get("properties", {}))
    assert not missing, f"{name} inputSchema lacks {sorted(missing)}"


def test_annotations(tools):
    def hints(name):
        annotations = tools[name].annotations
        assert annotations is not None, f"{name} has no annotations"
        return annotations

    assert hints("list_tasks").read_only_hint is True
    assert hints("delete_task").destructive_hint is True
    assert hints("delete_task").read_only_hint is not True
    # Sets completion, never toggles: calling it twice changes nothing more.
    assert hints("complete_task").idempotent_hint is True
    assert hints("complete_task").read_only_hint is not True
    # Each call creates another task.
    assert hints("add_task").idempotent_hint is not True
    assert hints("add_task").read_only_hint is not True
    assert hints("update_task").read_only_hint is not True


# --- every tool without the planning fields -------------------------------------


async def add(client, title, **fields):
    return (await succeed(client, "add_task", {"title": title, **fields}))["task_id"]


async def test_add_task(backend, tools):
    title = unique("buy groceries")
    async with connect(backend) as client:
        added = await call(client, tools, "add_task", {"title": title})
    assert added["status"] == "created" and added["title"] == title and isinstance(added["task_id"], int)


async def test_list_tasks(backend, tools):
    title = unique("pay bills")
    async with connect(backend) as client:
        task_id = await add(client, title)
        listed = await call(client, tools, "list_tasks", {})
        assert isinstance(listed["total"], int) and listed["total"] >= len(listed["tasks"])
        mine = [task for task in listed["tasks"] if task["id"] == task_id]
        assert mine and mine[0]["title"] == title and mine[0]["completed"] is False, listed
        pending = await call(client, tools, "list_tasks", {"status": "pending"})
        assert task_id in [task["id"] for task in pending["tasks"]]
        await succeed(client, "complete_task", {"task_id": task_id})
        completed = await call(client, tools, "list_tasks", {"status": "completed"})
        assert task_id in [task["id"] for task in completed["tasks"]]
        pending = await call(client, tools, "list_tasks", {"status": "pending"})
        assert task_id not in [task["id"] for task in pending["tasks"]]


async def test_complete_task(backend, tools):
    title = unique("mark me done")
    async with connect(backend) as client:
        task_id = await add(client, title)
        done = await call(client, tools, "complete_task", {"task_id": task_id})
        assert done == {**done, "task_id": task_id, "status": "completed", "title": title}
        # Sets completion, never toggles.
        again = await call(client, tools, "complete_task", {"task_id": task_id})
        assert again["status"] == "completed"
    assert backend.task(task_id)["completed"] is True


async def test_update_task(backend, tools):
    async with connect(backend) as client:
        task_id = await add(client, unique("call mom"))
        renamed = unique("Call mom tonight")
        updated = await call(client, tools, "update_task", {"task_id": task_id, "title": renamed})
        assert updated == {**updated, "task_id": task_id, "status": "updated", "title": renamed}
        described = await call(client, tools, "update_task", {"task_id": task_id, "description": "after dinner"})
        assert described["title"] == renamed
    stored = backend.task(task_id)
    assert stored["title"] == renamed and stored["description"] == "after dinner"


async def test_delete_task(backend, tools):
    title = unique("delete me")
    async with connect(backend) as client:
        task_id = await add(client, title)
        deleted = await call(client, tools, "delete_task", {"task_id": task_id})
        assert deleted == {**deleted, "task_id": task_id, "status": "deleted", "title": title}
    status, _ = backend.rest("GET", f"/api/{backend.user_id}/tasks/{task_id}", token=backend.pat)
    assert status == 404, f"the deleted task still answers {status}"


async def test_session_token_works_too(backend):
    async with connect(backend, "session") as client:
        added = await succeed(client, "add_task", {"title": unique("by session token")})
        assert isinstance(added["task_id"], int)


# --- the planning fields ------------------------------------------------------------


async def test_add_task_with_planning_fields(backend, tools):
    title = unique("pay rent")
    arguments = {
        "title": title,
        "description": "before noon",
        "priority": "high",
        "tags": ["home", "Bills"],
        "due_at": "2031-01-02T09:00:00+05:00",
        "remind_at": "2031-01-02T08:30:00+05:00",
        "recurrence": "monthly",
    }
    async with connect(backend) as client:
        added = await call(client, tools, "add_task", arguments)
        assert added["status"] == "created" and added["title"] == title
        listed = await call(client, tools, "list_tasks", {"q": title})
        assert [task["id"] for task in listed["tasks"]] == [added["task_id"]]
        task = listed["tasks"][0]
        assert task["priority"] == "high"
        assert sorted(task["tags"]) == ["bills", "home"]
        assert instant(task["due_at"]) == instant(arguments["due_at"])
    stored = backend.task(added["task_id"])
    assert stored.get("description") == "before noon", stored
    assert instant(stored.get("remind_at")) == instant(arguments["remind_at"]), stored
    assert stored.get("recurrence") == "monthly", stored


async def test_list_tasks_filters_and_sorting(backend, tools):
    word = unique("rent")
    async with connect(backend) as client:
        first = await add(client, f"{word} first", priority="high", tags=["home"], due_at="2031-01-01T10:00:00Z")
        second = await add(
            client, f"{word} second", priority="low", tags=["home", "work"], due_at="2031-02-01T10:00:00Z"
        )
        third = await add(client, f"{word} third")
        await succeed(client, "complete_task", {"task_id": third})

        async def ids(**filters):
            listed = await call(client, tools, "list_tasks", {"q": word, "status": "all", **filters})
            return [task["id"] for task in listed["tasks"]], listed

        assert (await ids(status="pending", priority=argument_value(tools, "list_tasks", "priority", "high")))[0] == [first]
        assert (await ids(tag=argument_value(tools, "list_tasks", "tag", "work")))[0] == [second]
        assert (await ids(due="none"))[0] == [third]
        assert (await ids(status="completed"))[0] == [third]
        assert (await ids(sort="due", order="asc"))[0] == [first, second, third]
        assert (await ids(sort="due", order="desc"))[0] == [second, first, third]
        assert (await ids(sort="priority"))[0][:2] == [first, second]
        page, listed = await ids(sort="due", limit=1)
        assert page == [first]
        assert listed["total"] == 3, f"total counts the matching tasks: {listed}"
        by_id = {task["id"]: task for task in (await ids())[1]["tasks"]}
        assert by_id[second]["priority"] == "low" and sorted(by_id[second]["tags"]) == ["home", "work"]
        assert by_id[third]["due_at"] is None and by_id[third]["priority"] == "none" and by_id[third]["tags"] == []


async def test_complete_recurring_task_creates_the_next(backend, tools):
    title = unique("water the plants")
    async with connect(backend) as client:
        task_id = await add(
            client, title, due_at="2031-03-03T09:00:00Z", remind_at="2031-03-03T08:00:00Z",
            recurrence="weekly", priority="medium", tags=["garden"],
        )
        done = await call(client, tools, "complete_task", {"task_id": task_id})
        assert done["status"] == "completed"
        next_id = done.get("next_task_id")
        assert isinstance(next_id, int) and next_id != task_id, done
        # Completing it again changes nothing: no third occurrence.
        again = await call(client, tools, "complete_task", {"task_id": task_id})
        assert again["status"] == "completed"
        listed = await succeed(client, "list_tasks", {"q": title, "status": "all"})
        assert sorted(task["id"] for task in listed["tasks"]) == sorted([task_id, next_id])
    following = backend.task(next_id)
    assert following["title"] == title and following["completed"] is False
    assert instant(following.get("due_at")) == instant("2031-03-10T09:00:00Z"), following
    assert instant(following.get("remind_at")) == instant("2031-03-10T08:00:00Z"), following
    assert following.get("recurrence") == "weekly" and following.get("priority") == "medium", following


async def test_update_task_planning_fields_nulls_and_clear(backend, tools):
    title = unique("plan trip")
    async with connect(backend) as client:
        task_id = await add(client, title, priority="medium", tags=["work", "home"], due_at="2031-04-01T12:00:00Z")
        await call(client, tools, "update_task", {
            "task_id": task_id, "priority": "low", "add_tags": ["errand"], "remove_tags": ["work"],
            "due_at": "2031-05-05T12:00:00+02:00", "remind_at": "2031-05-05T11:00:00+02:00",
            "recurrence": "monthly", "description": "book flights",
        })
        stored = backend.task(task_id)
        assert stored.get("priority") == "low", stored
        assert sorted(stored.get("tags") or []) == ["errand", "home"], stored
        assert instant(stored.get("due_at")) == instant("2031-05-05T10:00:00Z"), stored
        assert instant(stored.get("remind_at")) == instant("2031-05-05T09:00:00Z"), stored
        assert stored.get("recurrence") == "monthly" and stored.get("description") == "book flights", stored

        # Models send null for every optional argument: null means unchanged.
        nulls = {argument: None for argument in TOOL_ARGUMENTS["update_task"] - {"task_id"}}
        updated = await call(client, tools, "update_task", {"task_id": task_id, **nulls, "priority": "high"})
        assert updated["title"] == title
        again = backend.task(task_id)
        assert again.get("priority") == "high", again
        for field in ("title", "description", "tags", "due_at", "remind_at", "recurrence", "completed"):
            assert again.get(field) == stored.get(field), f"null {field} changed it: {stored} -> {again}"

        await call(client, tools, "update_task", {"task_id": task_id, "tags": ["solo"]})
        assert backend.task(task_id).get("tags") == ["solo"]

        await call(client, tools, "update_task", {"task_id": task_id, "clear": ["remind_at", "recurrence", "description"]})
        cleared = backend.task(task_id)
        assert cleared.get("remind_at") is None and cleared.get("recurrence") is None, cleared
        assert not cleared.get("description"), cleared
        assert instant(cleared.get("due_at")) == instant("2031-05-05T10:00:00Z"), cleared

        await call(client, tools, "update_task", {"task_id": task_id, "completed": True})
        assert backend.task(task_id)["completed"] is True
        await call(client, tools, "update_task", {"task_id": task_id, "completed": False})
        assert backend.task(task_id)["completed"] is False


# --- failures -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["complete_task", "delete_task", "update_task"])
async def test_unknown_task_is_an_error_result(backend, name):
    arguments = {"task_id": 987654321}
    if name == "update_task":
        arguments["title"] = "anything"
    async with connect(backend) as client:
        message = await call_error(client, name, arguments)
    assert "987654321" in message or "not found" in message.lower(), message


@pytest.mark.parametrize(
    "arguments, mentions",
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "no offset", "due_at": "2031-01-02T09:00:00"}, "due_at"),
        ({"title": "bad priority", "priority": "urgent"}, "priority"),
        ({"title": "repeats without a due date", "recurrence": "weekly"}, "recurrence"),
    ],
    ids=["blank-title", "long-title", "due-without-offset", "bad-priority", "recurrence-without-due"],
)
async def test_invalid_arguments_are_error_results(backend, arguments, mentions):
    async with connect(backend) as client:
        message = await call_error(client, "add_task", arguments)
    assert mentions in message.lower(), f"the message does not name {mentions}: {message}"


async def test_unknown_tool_is_a_protocol_error(backend):
    async with connect(backend) as client:
        with pytest.raises(MCPError):
            await client.call_tool("no_such_tool", {})


# --- tokens -----------------------------------------------------------------------------

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "todo-chatbot-tests", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def raw_initialize(backend, authorization=None, host=None):
    headers = dict(MCP_HEADERS)
    if authorization is not None:
        headers["Authorization"] = authorization
    if host is not None:
        headers["Host"] = host
    with httpx2.Client(timeout=TIMEOUT) as http:
        return http.post(backend.mcp_url, json=INITIALIZE, headers=headers)


def test_stateless_json_response(backend):
    response = raw_initialize(backend, f"Bearer {backend.pat}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers
    assert response.json()["result"]["serverInfo"]["name"] == "todo-chatbot"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Bearer todo_pat_" + "0" * 64, "Basic dXNlcjpwYXNz"],
    ids=["none", "garbage", "unknown-pat", "basic"],
)
def test_refused_without_a_valid_token(backend, authorization):
    response = raw_initialize(backend, authorization)
    assert response.status_code == 401, f"{response.status_code} {response.text}"


@pytest.mark.parametrize("token", [None, "todo_pat_" + "f" * 64], ids=["none", "wrong"])
async def test_sdk_cannot_connect_without_a_valid_token(backend, token):
    with pytest.raises(Exception):
        async with connect(backend, token) as client:
            await client.list_tools()


async def test_revoked_personal_token_is_refused(backend):
    status, created = backend.rest(
        "POST", f"/api/{backend.user_id}/tokens", token=backend.session_token, body={"name": unique("revoke-me")}
    )
    assert status == 201, created
    token = created["token"]
    assert token.startswith("todo_pat_")
    async with connect(backend, token) as client:
        await succeed(client, "add_task", {"title": unique("by token")})
    assert backend.rest("GET", f"/api/{backend.user_id}/tasks", token=token)[0] == 200

    status, _ = backend.rest("DELETE", f"/api/{backend.user_id}/tokens/{created['id']}", token=backend.session_token)
    assert status == 204

    assert raw_initialize(backend, f"Bearer {token}").status_code == 401
    assert backend.rest("GET", f"/api/{backend.user_id}/tasks", token=token)[0] == 401
    with pytest.raises(Exception):
        async with connect(backend, token) as client:
            await client.list_tools()


# --- a Kubernetes Service host name ------------------------------------------------------


async def test_service_host_name(backend):
    url = f"http://{backend.service_host}:{backend.port}/mcp"
    async with connect(backend, url=url, transport=ResolveTo(backend.service_host)) as client:
        listed = (await client.list_tools()).tools
        assert {tool.name for tool in listed} == set(TOOL_ARGUMENTS)
        await succeed(client, "add_task", {"title": unique("by service name")})


def test_other_host_names_are_still_refused(backend):
    """The Service names are allowed, not every Host (DNS rebinding)."""
    response = raw_initialize(backend, f"Bearer {backend.pat}", host="rebind.attacker.example")
    assert response.status_code == 403, f"{response.status_code} {response.text}"
