"""The AIOps recipes' files (docs/examples/, k8s/aiops/, docs/AIOPS.md) parse,
point where the backend serves MCP with the header it reads, and the kagent
manifests hold kagent's v1alpha2 fields.

What the backend serves is read from its source (the /mcp route, the bearer
header, the personal token prefix, the default port) and from the rendered
manifests in k8s/todo-chatbot.yaml (the Service and MCP_ALLOWED_HOSTS), so a
change there that the recipes do not follow fails here. kubernetes-validate
(scripts/check-chart.sh) knows no kagent CRDs; the schemas below encode the
fields of kagent's RemoteMCPServer and Agent (kagent.dev/v1alpha2): required
fields, enums, types, and no fields kagent does not know (the API server
would silently drop a misspelt one).
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
AIOPS = ROOT / "k8s" / "aiops"
DOC = ROOT / "docs" / "AIOPS.md"
TOOLS = set(json.loads((ROOT / "tests" / "mcp_clients" / "spec.json").read_text())["tools"])
LOCAL_HOSTS = {"localhost", "127.0.0.1"}

EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.is_file())
AIOPS_FILES = sorted(p for p in AIOPS.iterdir() if p.is_file())


def load(path):
    """The documents of a YAML or JSON file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [json.loads(text)]
    if path.suffix in (".yaml", ".yml"):
        return [doc for doc in yaml.safe_load_all(text) if doc is not None]
    raise AssertionError(f"{path.name}: not YAML or JSON")


def single(path):
    docs = load(path)
    assert len(docs) == 1, f"{path.name}: {len(docs)} documents"
    return docs[0]


# --- what the backend serves ----------------------------------------------------


def source(relative):
    return (ROOT / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served():
    mcp = re.search(r'nest_service\("(/[^"]*)"', source("backend/src/chat/mcp.rs"))
    prefix = re.search(r'PREFIX: &str = "([^"]+)"', source("backend/src/auth/api_tokens.rs"))
    port = re.search(r'"PORT", (\d+)\)', source("backend/src/config.rs"))
    assert mcp and prefix and port, "the backend's /mcp route, token prefix or default port moved: update this test"
    extract = source("backend/src/auth/extract.rs")
    assert "header::AUTHORIZATION" in extract and 'strip_prefix("Bearer ")' in extract, (
        "the backend no longer reads `Authorization: Bearer`: update the recipes"
    )
    docs = load(ROOT / "k8s" / "todo-chatbot.yaml")
    services = {
        d["metadata"]["name"]: d for d in docs if d.get("kind") == "Service" and d["metadata"]["name"].endswith("-backend")
    }
    assert len(services) == 1, sorted(services)
    service = next(iter(services.values()))
    allowed = [
        host
        for d in docs
        if d.get("kind") == "ConfigMap"
        for host in d.get("data", {}).get("MCP_ALLOWED_HOSTS", "").split(",")
        if host
    ]
    return {
        "path": mcp.group(1),
        "prefix": prefix.group(1),
        "port": int(port.group(1)),
        "service": service["metadata"]["name"],
        "namespace": service["metadata"]["namespace"],
        "service_ports": {p["port"] for p in service["spec"]["ports"]},
        "allowed_hosts": allowed,
    }


def check_bearer(where, value, served, variables=()):
    """`Bearer <token>`: a placeholder with the token prefix or a variable
    reference (`${NAME}`, VS Code's `${input:id}`)."""
    match = re.fullmatch(r"Bearer (\S+)", value or "")
    assert match, f"{where}: {value!r} is not `Bearer <token>`"
    token = match.group(1)
    reference = re.fullmatch(r"\$\{(input:)?([A-Za-z_][\w-]*)\}", token)
    if reference:
        if variables:
            assert reference.group(2) in variables, f"{where}: {token} names no declared variable {sorted(variables)}"
    else:
        assert token.startswith(served["prefix"]), f"{where}: the token {token!r} lacks the {served['prefix']} prefix"


def check_local_url(where, url, served):
    parts = urlsplit(url)
    assert parts.scheme == "http", f"{where}: {url}"
    assert parts.hostname in LOCAL_HOSTS, f"{where}: {url} is not the port-forwarded backend"
    assert parts.port == served["port"], f"{where}: {url} is not the backend's port {served['port']}"
    assert parts.path == served["path"], f"{where}: {url} is not the backend's {served['path']}"


# --- every file parses and is documented ---------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES + AIOPS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_parses(path):
    docs = load(path)
    assert docs and all(isinstance(doc, dict) for doc in docs), f"{path.name}: no mapping"


@pytest.mark.parametrize("path", EXAMPLE_FILES + AIOPS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_is_described_in_the_recipes(path):
    assert path.name in DOC.read_text(encoding="utf-8"), f"docs/AIOPS.md does not mention {path.name}"


def test_every_expected_example_is_there():
    names = {p.name for p in EXAMPLE_FILES}
    expected = {"kubectl-ai-mcp.yaml", "kubectl-ai-config.yaml", "claude-code-mcp.json", "claude-desktop-config.json", "vscode-mcp.json"}
    assert expected <= names, f"missing {sorted(expected - names)}"


# --- MCP client configurations -------------------------------------------------------


def test_kubectl_ai_mcp_yaml(served):
    config = single(EXAMPLES / "kubectl-ai-mcp.yaml")
    servers = config["servers"]
    assert isinstance(servers, list) and servers, "kubectl-ai reads a list of servers"
    (server,) = [s for s in servers if s.get("url")]
    # kubectl-ai takes MCP_<NAME>_TOKEN from the environment: a name that makes a variable name.
    assert re.fullmatch(r"[A-Za-z0-9_]+", server["name"]), server["name"]
    check_local_url("kubectl-ai-mcp.yaml", server["url"], served)
    assert server["auth"]["type"] == "bearer", server["auth"]
    check_bearer("kubectl-ai-mcp.yaml", f"Bearer {server['auth']['token']}", served)
    assert set(server) <= {"name", "url", "auth", "timeout", "use_streaming", "oauth"}, sorted(server)
    assert f"MCP_{server['name'].upper()}_TOKEN" in DOC.read_text(encoding="utf-8")


def test_kubectl_ai_config_yaml():
    config = single(EXAMPLES / "kubectl-ai-config.yaml")
    assert config["llm-provider"] == "ollama"
    assert config["model"]
    assert config["enable-tool-use-shim"] is True
    assert config["mcp-client"] is True


def test_claude_code_mcp_json(served):
    servers = single(EXAMPLES / "claude-code-mcp.json")["mcpServers"]
    (server,) = servers.values()
    assert server["type"] == "http", "Claude Code's Streamable HTTP type is `http`"
    check_local_url("claude-code-mcp.json", server["url"], served)
    assert set(server["headers"]) == {"Authorization"}, server["headers"]
    check_bearer("claude-code-mcp.json", server["headers"]["Authorization"], served)


def test_vscode_mcp_json(served):
    config = single(EXAMPLES / "vscode-mcp.json")
    inputs = {entry["id"]: entry for entry in config.get("inputs", [])}
    (server,) = config["servers"].values()
    assert server["type"] == "http"
    check_local_url("vscode-mcp.json", server["url"], served)
    assert set(server["headers"]) == {"Authorization"}, server["headers"]
    check_bearer("vscode-mcp.json", server["headers"]["Authorization"], served, variables=inputs)
    for entry in inputs.values():
        assert entry["type"] == "promptString" and entry.get("password") is True, entry


def test_claude_desktop_config_json(served):
    (server,) = single(EXAMPLES / "claude-desktop-config.json")["mcpServers"].values()
    assert server["command"] == "npx"
    args = server["args"]
    bridge = [a for a in args if a.startswith("mcp-remote")]
    assert bridge and re.fullmatch(r"mcp-remote@\d+\.\d+\.\d+", bridge[0]), f"mcp-remote, pinned: {args}"
    urls = [a for a in args if re.match(r"https?://", a)]
    assert len(urls) == 1, args
    check_local_url("claude-desktop-config.json", urls[0], served)
    headers = [args[i + 1] for i, a in enumerate(args) if a == "--header"]
    assert len(headers) == 1, args
    name, _, value = headers[0].partition(":")
    assert name == "Authorization" and " " not in headers[0], f"`Authorization:${{VAR}}`, no spaces: {headers[0]}"
    env = server.get("env", {})
    expanded = re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), m.group(0)), value)
    check_bearer("claude-desktop-config.json", expanded, served)


# --- kagent ----------------------------------------------------------------------------

DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"
NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 253}
METADATA = {
    "type": "object",
    "required": ["name", "namespace"],
    "properties": {"name": NAME, "namespace": NAME, "labels": {"type": "object"}, "annotations": {"type": "object"}},
}
ALLOWED_NAMESPACES = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"from": {"enum": ["All", "Same", "Selector"]}, "selector": {"type": "object"}},
}
VALUE_SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "name", "key"],
    "properties": {
        "type": {"enum": ["ConfigMap", "Secret"]},
        "name": {"type": "string", "maxLength": 253},
        "key": {"type": "string", "maxLength": 253},
    },
}
VALUE_REF = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "valueFrom": VALUE_SOURCE},
    # Exactly one of value or valueFrom.
    "oneOf": [{"required": ["value"]}, {"required": ["valueFrom"]}],
}
REMOTE_MCP_SERVER = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "kagent.dev/v1alpha2"},
        "kind": {"const": "RemoteMCPServer"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["description", "url"],
            "properties": {
                "description": {"type": "string"},
                "protocol": {"enum": ["SSE", "STREAMABLE_HTTP"]},
                "url": {"type": "string", "minLength": 1},
                "headersFrom": {"type": "array", "items": VALUE_REF},
                "timeout": {"type": "string", "pattern": DURATION},
                "sseReadTimeout": {"type": "string", "pattern": DURATION},
                "terminateOnClose": {"type": "boolean"},
                "allowedNamespaces": ALLOWED_NAMESPACES,
                "allowedHeaders": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
TYPED_REFERENCE = {
    "kind": {"type": "string"},
    "apiGroup": {"type": "string"},
    "name": {"type": "string", "minLength": 1},
    "namespace": {"type": "string"},
}
TOOL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type"],
    "properties": {
        "type": {"enum": ["McpServer", "Agent"]},
        "mcpServer": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {
                **TYPED_REFERENCE,
                "toolNames": {"type": "array", "items": {"type": "string"}},
                "allowedHeaders": {"type": "array", "items": {"type": "string"}},
            },
        },
        "agent": {"type": "object", "additionalProperties": False, "required": ["name"], "properties": TYPED_REFERENCE},
        "headersFrom": {"type": "array", "items": VALUE_REF},
    },
    "allOf": [
        {"if": {"properties": {"type": {"const": "McpServer"}}}, "then": {"required": ["mcpServer"], "not": {"required": ["agent"]}}},
        {"if": {"properties": {"type": {"const": "Agent"}}}, "then": {"required": ["agent"], "not": {"required": ["mcpServer"]}}},
    ],
}
AGENT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "kagent.dev/v1alpha2"},
        "kind": {"const": "Agent"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type"],
            "properties": {
                "type": {"enum": ["Declarative", "BYO"]},
                "description": {"type": "string"},
                "byo": {"type": "object"},
                "skills": {"type": "object"},
                "allowedNamespaces": ALLOWED_NAMESPACES,
                "declarative": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "systemMessage": {"type": "string"},
                        "systemMessageFrom": VALUE_SOURCE,
                        "modelConfig": {"type": "string"},
                        "stream": {"type": "boolean"},
                        "tools": {"type": "array", "maxItems": 20, "items": TOOL},
                        "a2aConfig": {"type": "object"},
                        "deployment": {"type": "object"},
                        "executeCodeBlocks": {"type": "boolean"},
                    },
                    "not": {"required": ["systemMessage", "systemMessageFrom"]},
                },
            },
            "allOf": [
                {"if": {"properties": {"type": {"const": "Declarative"}}}, "then": {"required": ["declarative"]}},
                {"if": {"properties": {"type": {"const": "BYO"}}}, "then": {"required": ["byo"]}},
            ],
        },
    },
}
SCHEMAS = {"RemoteMCPServer": REMOTE_MCP_SERVER, "Agent": AGENT}


def kagent_resources():
    return [(path, doc) for path in AIOPS_FILES for doc in load(path) if doc.get("apiVersion", "").startswith("kagent.dev/")]


@pytest.fixture(scope="module")
def kagent():
    resources = kagent_resources()
    by_kind = {}
    for _, doc in resources:
        by_kind.setdefault(doc["kind"], {})[(doc["metadata"]["namespace"], doc["metadata"]["name"])] = doc
    return by_kind


@pytest.mark.parametrize(
    "path, doc", kagent_resources(), ids=lambda value: value.name if isinstance(value, Path) else value.get("kind")
)
def test_kagent_manifest_is_structurally_valid(path, doc):
    assert doc["kind"] in SCHEMAS, f"{path.name}: a kagent kind this test does not know: {doc['kind']}"
    schema = SCHEMAS[doc["kind"]]
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_kagent_has_the_server_and_the_agent(kagent):
    assert len(kagent.get("RemoteMCPServer", {})) == 1, "one RemoteMCPServer for the backend"
    assert len(kagent.get("Agent", {})) == 1, "one Agent"


def test_remote_mcp_server_reaches_the_backend_service(kagent, served):
    ((namespace, name), server) = next(iter(kagent["RemoteMCPServer"].items()))
    spec = server["spec"]
    assert spec.get("protocol") == "STREAMABLE_HTTP", "the backend serves Streamable HTTP"
    url = urlsplit(spec["url"])
    assert url.scheme == "http" and url.path == served["path"], spec["url"]
    assert url.hostname == f"{served['service']}.{served['namespace']}.svc.cluster.local", spec["url"]
    assert url.hostname in served["allowed_hosts"], f"{url.hostname} is not in MCP_ALLOWED_HOSTS {served['allowed_hosts']}"
    assert url.port in served["service_ports"], f"{spec['url']}: the Service listens on {served['service_ports']}"
    (header,) = spec["headersFrom"]
    assert header["name"] == "Authorization", header
    source = header["valueFrom"]
    assert source["type"] == "Secret", "the token belongs in a Secret, not in the manifest"
    # The recipe creates that Secret, in the server's namespace, with `Bearer <token>` under that key.
    command = re.search(
        rf"kubectl -n {re.escape(namespace)} create secret generic {re.escape(source['name'])} "
        rf"--from-literal={re.escape(source['key'])}=\"(Bearer \$\w+)\"",
        DOC.read_text(encoding="utf-8"),
    )
    assert command, f"docs/AIOPS.md does not create Secret {namespace}/{source['name']} with key {source['key']}"
    # ... from the personal API token the recipe creates.
    variable = command.group(1).removeprefix("Bearer $")
    assert re.search(rf"{variable}=\$\(curl [^)]*/tokens", DOC.read_text(encoding="utf-8")), (
        f"docs/AIOPS.md does not set {variable} to a new personal API token"
    )


def test_agent_uses_the_todo_tools_and_kagents_tool_server(kagent):
    ((namespace, _), agent) = next(iter(kagent["Agent"].items()))
    servers = {key[1]: value for key, value in kagent["RemoteMCPServer"].items() if key[0] == namespace}
    tools = agent["spec"]["declarative"]["tools"]
    references = [tool["mcpServer"] for tool in tools if tool["type"] == "McpServer"]
    for reference in references:
        assert reference.get("apiGroup") == "kagent.dev" and reference.get("kind") == "RemoteMCPServer", reference
    ours = [r for r in references if r["name"] in servers]
    assert len(ours) == 1, f"the Agent refers to none of {sorted(servers)}"
    assert set(ours[0]["toolNames"]) == TOOLS, f"the Agent's todo tools {ours[0]['toolNames']} are not {sorted(TOOLS)}"
    # kagent's own tool server is named after its Helm release: <release>-tool-server.
    builtin = [r for r in references if r["name"] not in servers]
    assert len(builtin) == 1 and builtin[0]["name"].endswith("-tool-server"), builtin
    assert builtin[0]["toolNames"] and all(name.startswith("k8s_") for name in builtin[0]["toolNames"]), builtin


# --- the recipes ---------------------------------------------------------------------------


def test_recipes_say_what_the_issue_asks():
    doc = DOC.read_text(encoding="utf-8")
    for needle in [
        "<release>-tool-server",
        ".status.discoveredTools",
        "issues/2404",
        "rollout restart deployment/todo-ops-agent",
        "Docker Desktop 4.74 or later",
        "Enable Gordon",
        "~/.config/kubectl-ai/mcp.yaml",
        "--llm-provider ollama",
        '"$BACKEND/api/$USER_ID/tokens"',
        "last_used_at",
    ]:
        assert needle in doc, f"docs/AIOPS.md does not say {needle!r}"
    assert not re.search(r"4\.53 or later", doc), "Gordon needs Docker Desktop 4.74 or later, not 4.53"
