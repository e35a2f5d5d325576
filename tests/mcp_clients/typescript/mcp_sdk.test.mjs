// The backend's /mcp seen by the official TypeScript SDK
// (@modelcontextprotocol/sdk, pinned in package.json) over its Streamable
// HTTP client transport. Written to SPEC sections 4, 5 and 5.2, like
// ../test_python_sdk.py. Run by scripts/test-mcp-clients.sh with `node --test`
// against the real backend binary; it passes the backend's address and the
// tokens in the environment (see ../conftest.py).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Agent, fetch as undiciFetch, request } from 'undici';

const SPEC = JSON.parse(readFileSync(new URL('../spec.json', import.meta.url), 'utf8'));
const TOOLS = Object.keys(SPEC.tools).sort();

const env = process.env;
const missing = ['MCP_TEST_BASE_URL', 'MCP_TEST_USER_ID', 'MCP_TEST_SESSION_TOKEN', 'MCP_TEST_PAT'].filter((n) => !env[n]);
if (missing.length) {
  // The runner sets them; without them nothing here can run.
  console.error(`${missing.join(', ')} not set: run scripts/test-mcp-clients.sh`);
  process.exit(1);
}
const BASE = env.MCP_TEST_BASE_URL.replace(/\/$/, '');
const MCP_URL = `${BASE}/mcp`;
const USER_ID = env.MCP_TEST_USER_ID;
const SESSION = env.MCP_TEST_SESSION_TOKEN;
const PAT = env.MCP_TEST_PAT;
const SERVICE_HOST = env.MCP_TEST_SERVICE_HOST || 'todo-chatbot-backend.todo.svc.cluster.local';
const PORT = new URL(BASE).port;
const TIMEOUT = 20_000;

const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 10)}`;
const instant = (value) => (value == null ? null : new Date(value).getTime());
const textOf = (result) => (result.content || []).filter((b) => b.type === 'text').map((b) => b.text).join('\n');

function ajv() {
  const validator = new Ajv2020({ strict: false, allErrors: true });
  addFormats(validator);
  return validator;
}

/** An SDK client on /mcp with `Authorization: Bearer <token>` (null: none). */
async function connect(token = PAT, { url = MCP_URL, fetch } = {}) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch });
  const client = new Client({ name: 'todo-chatbot-tests', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport, { timeout: TIMEOUT });
  return client;
}

/** Runs `body` with a connected client that has listed the tools (the SDK
 * validates structuredContent against the outputSchemas it has listed). */
async function withClient(body, token = PAT, options = {}) {
  const client = await connect(token, options);
  try {
    const { tools } = await client.listTools(undefined, { timeout: TIMEOUT });
    return await body(client, Object.fromEntries(tools.map((t) => [t.name, t])));
  } finally {
    await client.close();
  }
}

/** A successful result: structuredContent is an object valid against the
 * tool's outputSchema, and a text block carries the same JSON. */
function checkResult(tools, name, result) {
  assert.notEqual(result.isError, true, `${name} failed: ${textOf(result)}`);
  const structured = result.structuredContent;
  assert.ok(structured && typeof structured === 'object' && !Array.isArray(structured),
    `${name}: structuredContent is not an object: ${JSON.stringify(structured)}`);
  const schema = tools[name].outputSchema;
  assert.ok(schema, `${name} declares no outputSchema`);
  const validate = ajv().compile(schema);
  assert.ok(validate(structured), `${name}: structuredContent does not match its outputSchema: ${ajv().errorsText(validate.errors)}`);
  const parsed = (result.content || []).filter((b) => b.type === 'text').map((b) => {
    try { return JSON.parse(b.text); } catch { return undefined; }
  });
  assert.ok(parsed.some((p) => isDeepEqual(p, structured)),
    `${name}: no text content carries the structured JSON; text: ${textOf(result)}`);
  return structured;
}

function isDeepEqual(a, b) {
  try { assert.deepStrictEqual(a, b); return true; } catch { return false; }
}

async function call(client, tools, name, args) {
  return checkResult(tools, name, await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT }));
}

/** A call that must succeed, checked only for that (set-up steps, tokens, host). */
async function succeed(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT });
  assert.notEqual(result.isError, true, `${name}(${JSON.stringify(args)}) failed: ${textOf(result)}`);
  return result.structuredContent && !Array.isArray(result.structuredContent)
    ? result.structuredContent : JSON.parse(textOf(result));
}

async function add(client, title, fields = {}) {
  return (await succeed(client, 'add_task', { title, ...fields })).task_id;
}

/** A failure: an isError result with a readable message. */
async function callError(client, name, args) {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT });
  const message = textOf(result);
  assert.equal(result.isError, true, `${name}(${JSON.stringify(args)}) did not fail: ${message}`);
  assert.ok(message.trim(), `${name}: isError result without a message`);
  assert.ok(!/^\s*[[{]/.test(message), `${name}: message is not readable text: ${message}`);
  return message;
}

/** One REST call: { status, body }. */
async function rest(method, path, token, body) {
  const response = await request(`${BASE}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.body.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: response.statusCode, body: parsed };
}

async function storedTask(id) {
  const { status, body } = await rest('GET', `/api/${USER_ID}/tasks/${id}`, PAT);
  assert.equal(status, 200, `GET task ${id}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A raw initialize POST to /mcp: { status, headers, text }. */
async function rawInitialize(authorization, host) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (authorization) headers.authorization = authorization;
  if (host) headers.host = host;
  const response = await request(MCP_URL, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'todo-chatbot-tests', version: '1' } },
    }),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** `value` as the tool's inputSchema declares the argument (a list where it takes several). */
function argumentValue(tools, tool, argument, value) {
  const schema = tools[tool].inputSchema?.properties?.[argument] || {};
  const kinds = [].concat(schema.type || []);
  const options = [...(schema.anyOf || []), ...(schema.oneOf || [])];
  return kinds.includes('array') || options.some((o) => o.type === 'array') ? [value] : value;
}

// --- initialize and list ----------------------------------------------------

let listed = {};
before(async () => {
  const client = await connect();
  try {
    listed = Object.fromEntries((await client.listTools()).tools.map((t) => [t.name, t]));
  } finally {
    await client.close();
  }
});

describe('initialize and tools/list', () => {
  test('initializes', async () => {
    const client = await connect();
    try {
      assert.equal(client.getServerVersion()?.name, 'todo-chatbot');
      assert.ok(client.getServerCapabilities()?.tools, 'no tools capability');
    } finally {
      await client.close();
    }
  });

  test('lists the five tools', () => {
    assert.deepEqual(Object.keys(listed).sort(), TOOLS);
  });

  for (const name of TOOLS) {
    test(`${name} declares a valid outputSchema`, () => {
      const schema = listed[name].outputSchema;
      assert.ok(schema, `${name} declares no outputSchema`);
      assert.equal(schema.type, 'object', `${name}: outputSchema type is ${schema.type}, MCP needs an object`);
      ajv().compile(schema);
      const properties = Object.keys(schema.properties || {});
      if (name === 'list_tasks') {
        assert.ok(['tasks', 'total'].every((p) => properties.includes(p)), `list_tasks outputSchema: ${properties}`);
        const item = Object.keys(schema.properties.tasks?.items?.properties || {});
        assert.ok(SPEC.list_task_fields.every((f) => item.includes(f)), `list_tasks items: ${item}`);
      } else {
        assert.ok(SPEC.result_fields.every((f) => properties.includes(f)), `${name} outputSchema: ${properties}`);
      }
    });

    test(`${name} inputSchema takes the SPEC arguments`, () => {
      const schema = listed[name].inputSchema;
      ajv().compile(schema);
      const properties = Object.keys(schema.properties || {});
      const lacking = SPEC.tools[name].filter((a) => !properties.includes(a));
      assert.deepEqual(lacking, [], `${name} inputSchema lacks ${lacking}`);
    });
  }

  test('annotations', () => {
    const hints = (name) => {
      assert.ok(listed[name].annotations, `${name} has no annotations`);
      return listed[name].annotations;
    };
    assert.equal(hints('list_tasks').readOnlyHint, true);
    assert.equal(hints('delete_task').destructiveHint, true);
    assert.notEqual(hints('delete_task').readOnlyHint, true);
    assert.equal(hints('complete_task').idempotentHint, true);
    assert.notEqual(hints('complete_task').readOnlyHint, true);
    assert.notEqual(hints('add_task').idempotentHint, true);
    assert.notEqual(hints('add_task').readOnlyHint, true);
    assert.notEqual(hints('update_task').readOnlyHint, true);
  });
});

// --- every tool without the planning fields -----------------------------------

describe('every tool without the planning fields', () => {
  test('add_task', () => withClient(async (client, tools) => {
    const title = unique('buy groceries');
    const added = await call(client, tools, 'add_task', { title });
    assert.equal(added.status, 'created');
    assert.equal(added.title, title);
    assert.ok(Number.isInteger(added.task_id));
  }));

  test('list_tasks', () => withClient(async (client, tools) => {
    const title = unique('pay bills');
    const id = await add(client, title);
    const all = await call(client, tools, 'list_tasks', {});
    assert.ok(Number.isInteger(all.total) && all.total >= all.tasks.length);
    const mine = all.tasks.find((t) => t.id === id);
    assert.ok(mine && mine.title === title && mine.completed === false, JSON.stringify(all));
    assert.ok((await call(client, tools, 'list_tasks', { status: 'pending' })).tasks.some((t) => t.id === id));
    await succeed(client, 'complete_task', { task_id: id });
    assert.ok((await call(client, tools, 'list_tasks', { status: 'completed' })).tasks.some((t) => t.id === id));
    assert.ok(!(await call(client, tools, 'list_tasks', { status: 'pending' })).tasks.some((t) => t.id === id));
  }));

  test('complete_task', () => withClient(async (client, tools) => {
    const title = unique('mark me done');
    const id = await add(client, title);
    const done = await call(client, tools, 'complete_task', { task_id: id });
    assert.deepEqual([done.task_id, done.status, done.title], [id, 'completed', title]);
    assert.equal((await call(client, tools, 'complete_task', { task_id: id })).status, 'completed');
    assert.equal((await storedTask(id)).completed, true);
  }));

  test('update_task', () => withClient(async (client, tools) => {
    const id = await add(client, unique('call mom'));
    const renamed = unique('Call mom tonight');
    const updated = await call(client, tools, 'update_task', { task_id: id, title: renamed });
    assert.deepEqual([updated.task_id, updated.status, updated.title], [id, 'updated', renamed]);
    await call(client, tools, 'update_task', { task_id: id, description: 'after dinner' });
    const stored = await storedTask(id);
    assert.equal(stored.title, renamed);
    assert.equal(stored.description, 'after dinner');
  }));

  test('delete_task', () => withClient(async (client, tools) => {
    const title = unique('delete me');
    const id = await add(client, title);
    const deleted = await call(client, tools, 'delete_task', { task_id: id });
    assert.deepEqual([deleted.task_id, deleted.status, deleted.title], [id, 'deleted', title]);
    assert.equal((await rest('GET', `/api/${USER_ID}/tasks/${id}`, PAT)).status, 404, 'the deleted task still answers');
  }));
});

// --- the planning fields ----------------------------------------------------------

describe('the planning fields', () => {
  test('add_task with priority, tags, due_at, remind_at, recurrence', () => withClient(async (client, tools) => {
    const title = unique('pay rent');
    const args = {
      title, description: 'before noon', priority: 'high', tags: ['home', 'Bills'],
      due_at: '2031-01-02T09:00:00+05:00', remind_at: '2031-01-02T08:30:00+05:00', recurrence: 'monthly',
    };
    const added = await call(client, tools, 'add_task', args);
    assert.equal(added.status, 'created');
    const found = await call(client, tools, 'list_tasks', { q: title });
    assert.deepEqual(found.tasks.map((t) => t.id), [added.task_id]);
    const task = found.tasks[0];
    assert.equal(task.priority, 'high');
    assert.deepEqual([...task.tags].sort(), ['bills', 'home']);
    assert.equal(instant(task.due_at), instant(args.due_at));
    const stored = await storedTask(added.task_id);
    assert.equal(stored.description, 'before noon');
    assert.equal(instant(stored.remind_at), instant(args.remind_at), JSON.stringify(stored));
    assert.equal(stored.recurrence, 'monthly', JSON.stringify(stored));
  }));

  test('list_tasks filters and sorting', () => withClient(async (client, tools) => {
    const word = unique('rent');
    const first = await add(client, `${word} first`, { priority: 'high', tags: ['home'], due_at: '2031-01-01T10:00:00Z' });
    const second = await add(client, `${word} second`, { priority: 'low', tags: ['home', 'work'], due_at: '2031-02-01T10:00:00Z' });
    const third = await add(client, `${word} third`);
    await succeed(client, 'complete_task', { task_id: third });
    const list = (filters) => call(client, tools, 'list_tasks', { q: word, status: 'all', ...filters });
    const ids = async (filters) => (await list(filters)).tasks.map((t) => t.id);
    assert.deepEqual(await ids({ status: 'pending', priority: argumentValue(tools, 'list_tasks', 'priority', 'high') }), [first]);
    assert.deepEqual(await ids({ tag: argumentValue(tools, 'list_tasks', 'tag', 'work') }), [second]);
    assert.deepEqual(await ids({ due: 'none' }), [third]);
    assert.deepEqual(await ids({ status: 'completed' }), [third]);
    assert.deepEqual(await ids({ sort: 'due', order: 'asc' }), [first, second, third]);
    assert.deepEqual(await ids({ sort: 'due', order: 'desc' }), [second, first, third]);
    assert.deepEqual((await ids({ sort: 'priority' })).slice(0, 2), [first, second]);
    const page = await list({ sort: 'due', limit: 1 });
    assert.deepEqual(page.tasks.map((t) => t.id), [first]);
    assert.equal(page.total, 3, `total counts the matching tasks: ${JSON.stringify(page)}`);
    const byId = Object.fromEntries((await list({})).tasks.map((t) => [t.id, t]));
    assert.equal(byId[second].priority, 'low');
    assert.deepEqual([...byId[second].tags].sort(), ['home', 'work']);
    assert.equal(byId[third].due_at, null);
    assert.equal(byId[third].priority, 'none');
    assert.deepEqual(byId[third].tags, []);
  }));

  test('complete_task on a recurring task creates the next', () => withClient(async (client, tools) => {
    const title = unique('water the plants');
    const id = await add(client, title, {
      due_at: '2031-03-03T09:00:00Z', remind_at: '2031-03-03T08:00:00Z', recurrence: 'weekly', priority: 'medium', tags: ['garden'],
    });
    const done = await call(client, tools, 'complete_task', { task_id: id });
    assert.equal(done.status, 'completed');
    assert.ok(Number.isInteger(done.next_task_id) && done.next_task_id !== id, JSON.stringify(done));
    assert.equal((await call(client, tools, 'complete_task', { task_id: id })).status, 'completed');
    const all = await succeed(client, 'list_tasks', { q: title, status: 'all' });
    assert.deepEqual(all.tasks.map((t) => t.id).sort((a, b) => a - b), [id, done.next_task_id].sort((a, b) => a - b));
    const next = await storedTask(done.next_task_id);
    assert.equal(next.title, title);
    assert.equal(next.completed, false);
    assert.equal(instant(next.due_at), instant('2031-03-10T09:00:00Z'), JSON.stringify(next));
    assert.equal(instant(next.remind_at), instant('2031-03-10T08:00:00Z'), JSON.stringify(next));
    assert.equal(next.recurrence, 'weekly');
    assert.equal(next.priority, 'medium');
  }));

  test('update_task planning fields, nulls and clear', () => withClient(async (client, tools) => {
    const title = unique('plan trip');
    const id = await add(client, title, { priority: 'medium', tags: ['work', 'home'], due_at: '2031-04-01T12:00:00Z' });
    await call(client, tools, 'update_task', {
      task_id: id, priority: 'low', add_tags: ['errand'], remove_tags: ['work'],
      due_at: '2031-05-05T12:00:00+02:00', remind_at: '2031-05-05T11:00:00+02:00', recurrence: 'monthly', description: 'book flights',
    });
    const stored = await storedTask(id);
    assert.equal(stored.priority, 'low', JSON.stringify(stored));
    assert.deepEqual([...(stored.tags || [])].sort(), ['errand', 'home']);
    assert.equal(instant(stored.due_at), instant('2031-05-05T10:00:00Z'));
    assert.equal(instant(stored.remind_at), instant('2031-05-05T09:00:00Z'));
    assert.equal(stored.recurrence, 'monthly');
    assert.equal(stored.description, 'book flights');

    // Models send null for every optional argument: null means unchanged.
    const nulls = Object.fromEntries(SPEC.tools.update_task.filter((a) => a !== 'task_id').map((a) => [a, null]));
    assert.equal((await call(client, tools, 'update_task', { task_id: id, ...nulls, priority: 'high' })).title, title);
    const again = await storedTask(id);
    assert.equal(again.priority, 'high');
    for (const field of ['title', 'description', 'tags', 'due_at', 'remind_at', 'recurrence', 'completed']) {
      assert.deepEqual(again[field], stored[field], `null ${field} changed it`);
    }

    await call(client, tools, 'update_task', { task_id: id, tags: ['solo'] });
    assert.deepEqual((await storedTask(id)).tags, ['solo']);
    await call(client, tools, 'update_task', { task_id: id, clear: ['remind_at', 'recurrence', 'description'] });
    const cleared = await storedTask(id);
    assert.equal(cleared.remind_at ?? null, null);
    assert.equal(cleared.recurrence ?? null, null);
    assert.ok(!cleared.description, JSON.stringify(cleared));
    assert.equal(instant(cleared.due_at), instant('2031-05-05T10:00:00Z'));
    await call(client, tools, 'update_task', { task_id: id, completed: true });
    assert.equal((await storedTask(id)).completed, true);
    await call(client, tools, 'update_task', { task_id: id, completed: false });
    assert.equal((await storedTask(id)).completed, false);
  }));
});

// --- failures --------------------------------------------------------------------------

describe('failures are isError results with a readable message', () => {
  for (const name of ['complete_task', 'delete_task', 'update_task']) {
    test(`${name} on a task that does not exist`, () => withClient(async (client) => {
      const args = name === 'update_task' ? { task_id: 987654321, title: 'anything' } : { task_id: 987654321 };
      const message = await callError(client, name, args);
      assert.ok(message.includes('987654321') || /not found/i.test(message), message);
    }));
  }

  const invalid = [
    ['blank title', { title: '   ' }, 'title'],
    ['long title', { title: 'x'.repeat(201) }, 'title'],
    ['due_at without an offset', { title: 'no offset', due_at: '2031-01-02T09:00:00' }, 'due_at'],
    ['unknown priority', { title: 'bad priority', priority: 'urgent' }, 'priority'],
    ['recurrence without due_at', { title: 'repeats', recurrence: 'weekly' }, 'recurrence'],
  ];
  for (const [label, args, mentions] of invalid) {
    test(`add_task: ${label}`, () => withClient(async (client) => {
      const message = await callError(client, 'add_task', args);
      assert.ok(message.toLowerCase().includes(mentions), `the message does not name ${mentions}: ${message}`);
    }));
  }

  test('an unknown tool is a protocol error', () => withClient(async (client) => {
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), McpError);
  }));
});

// --- tokens ------------------------------------------------------------------------------

describe('tokens', () => {
  test('stateless JSON responses', async () => {
    const response = await rawInitialize(`Bearer ${PAT}`);
    assert.equal(response.status, 200, response.text);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.headers['mcp-session-id'], undefined);
  });

  for (const [label, authorization] of [
    ['no token', undefined], ['a garbage token', 'Bearer not-a-token'],
    ['an unknown personal token', `Bearer todo_pat_${'0'.repeat(64)}`], ['Basic auth', 'Basic dXNlcjpwYXNz'],
  ]) {
    test(`refused with ${label}`, async () => {
      const response = await rawInitialize(authorization);
      assert.equal(response.status, 401, `${response.status} ${response.text}`);
    });
  }

  for (const [label, token] of [['no token', null], ['a wrong token', `todo_pat_${'f'.repeat(64)}`]]) {
    test(`the SDK cannot connect with ${label}`, async () => {
      await assert.rejects(withClient(async (client) => client.listTools(), token));
    });
  }

  test('a session token works too', () => withClient(async (client) => {
    assert.ok(Number.isInteger((await succeed(client, 'add_task', { title: unique('by session token') })).task_id));
  }, SESSION));

  test('a revoked personal token is refused', async () => {
    const created = await rest('POST', `/api/${USER_ID}/tokens`, SESSION, { name: unique('revoke-me') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, token } = created.body;
    assert.ok(token.startsWith('todo_pat_'));
    await withClient(async (client) => succeed(client, 'add_task', { title: unique('by token') }), token);
    assert.equal((await rest('GET', `/api/${USER_ID}/tasks`, token)).status, 200);
    assert.equal((await rest('DELETE', `/api/${USER_ID}/tokens/${id}`, SESSION)).status, 204);
    assert.equal((await rawInitialize(`Bearer ${token}`)).status, 401);
    assert.equal((await rest('GET', `/api/${USER_ID}/tasks`, token)).status, 401);
    await assert.rejects(withClient(async (client) => client.listTools(), token));
  });
});

// --- a Kubernetes Service host name ----------------------------------------------------------

describe('a Kubernetes Service host name', () => {
  test('the SDK reaches /mcp by the Service name', async () => {
    // Resolves the Service name to 127.0.0.1, as the cluster's DNS would to the Service.
    const lookup = (hostname, options, callback) => {
      if (hostname !== SERVICE_HOST) return dnsLookup(hostname, options, callback);
      if (options?.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return callback(null, '127.0.0.1', 4);
    };
    const dispatcher = new Agent({ connect: { lookup } });
    const fetch = (url, init) => undiciFetch(url, { ...init, dispatcher });
    try {
      await withClient(async (client) => {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
        await succeed(client, 'add_task', { title: unique('by service name') });
      }, PAT, { url: `http://${SERVICE_HOST}:${PORT}/mcp`, fetch });
    } finally {
      await dispatcher.close();
    }
  });

  test('other host names are still refused', async () => {
    const response = await rawInitialize(`Bearer ${PAT}`, 'rebind.attacker.example');
    assert.equal(response.status, 403, `${response.status} ${response.text}`);
  });
});
