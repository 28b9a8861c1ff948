import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { after, before, test } from 'node:test';
import type { WebSocket } from 'ws';
import { requestAgent } from '../../../agent/api/client';
import type { Meta, SwarmNode } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from './harness';
import { MessageQueue, closed, connect, open } from './ws-helpers';

let agent: TestAgent;
const wsUrl = () => `ws+unix://${agent.socketPath}:/shoal/ws`;

before(async () => {
  agent = await startTestAgent({
    tcp: true,
    limits: { maxWebSocketPayloadBytes: 16 * 1024, maxWebSocketBufferedBytes: 256 * 1024 },
  });
  agent.nodes.seed({ hostname: 'web-1' });
  agent.nodes.seed({ hostname: 'web-2' });
});
after(() => agent.close());

/** The client's TCP/unix socket, to stop reading as a stuck client would. */
function underlyingSocket(ws: WebSocket): net.Socket {
  return (ws as unknown as { _socket: net.Socket })._socket;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('requests over the WebSocket answer exactly as over HTTP', async () => {
  const ws = await open(wsUrl());
  const messages = new MessageQueue(ws);
  const filters = encodeURIComponent('{"name":{"web-1":true}}');
  for (const [method, path] of [
    ['GET', `/v1.41/nodes?filters=${filters}`],
    ['GET', '/nodes/nope'],
    ['GET', '/nodes?filters={"x":{}}'],
    ['GET', '/no/such/route'],
    ['GET', '/_ping'],
  ] as const) {
    ws.send(JSON.stringify({ id: path, method, path }));
    const reply = (await messages.next()) as { id: string; status: number; body: unknown };
    const http = await requestAgent({ socketPath: agent.socketPath }, method, path);
    assert.deepEqual(reply, { id: path, status: http.status, body: http.body }, path);
  }
  ws.close();
});

test('a node update over the WebSocket goes through the same validation and versioning', async () => {
  const ws = await open(wsUrl());
  const messages = new MessageQueue(ws);
  const node = agent.nodes.resolve('web-2');
  const spec = { ...node.Spec, Availability: 'pause' };
  const path = `/nodes/${node.ID}/update?version=${node.Version.Index}`;
  ws.send(JSON.stringify({ id: 1, method: 'POST', path, body: spec }));
  assert.deepEqual(await messages.next(), { id: 1, status: 200 });
  ws.send(JSON.stringify({ id: 2, method: 'POST', path, body: spec }));
  assert.deepEqual(await messages.next(), {
    id: 2,
    status: 409,
    body: { message: 'update out of sequence' },
  });
  ws.send(JSON.stringify({ id: 3, method: 'POST', path, body: { ...spec, Extra: 1 } }));
  const unknown = (await messages.next()) as { status: number; body: { message: string } };
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.message, /unknown field "Extra"/);
  ws.close();
});

test('malformed messages get 400 replies and the connection stays usable', async () => {
  const ws = await open(wsUrl());
  const messages = new MessageQueue(ws);
  for (const [raw, id] of [
    ['not json', null],
    ['[1]', null],
    ['{"method":"GET","path":"/nodes"}', null],
    ['{"id":1,"method":"GET","path":"/nodes","extra":1}', 1],
    ['{"id":2,"method":"PATCH","path":"/nodes"}', 2],
    ['{"id":3,"method":"GET","path":"nodes"}', 3],
    ['{"id":4,"subscribe":["container"]}', 4],
    ['{"id":5,"subscribe":[]}', 5],
  ] as const) {
    ws.send(raw);
    const reply = (await messages.next()) as { id: unknown; status: number };
    assert.equal(reply.status, 400, raw);
    assert.equal(reply.id, id, raw);
  }
  ws.send(Buffer.from('{"id":6,"method":"GET","path":"/_ping"}'), { binary: true });
  assert.equal(((await messages.next()) as { status: number }).status, 400);
  ws.send('{"id":7,"method":"GET","path":"/_ping"}');
  assert.deepEqual(await messages.next(), { id: 7, status: 200, body: 'OK' });
  ws.close();
});

test('subscribers get store changes of their types, with the store index', async () => {
  const ws = await open(wsUrl());
  const messages = new MessageQueue(ws);
  ws.send(JSON.stringify({ id: 'sub', subscribe: ['node'] }));
  const reply = (await messages.next()) as {
    id: string;
    status: number;
    body: { subscribed: string[]; index: number };
  };
  assert.deepEqual(reply, {
    id: 'sub',
    status: 200,
    body: { subscribed: ['node'], index: agent.store.currentIndex },
  });

  // A service change is not sent to a node-only subscriber; the node change after it is.
  agent.store.collection<Meta & { Spec: object }>('services').create({ ID: 'svc1', Spec: {} });
  const node = agent.nodes.resolve('web-1');
  const updated = await requestAgent(
    { socketPath: agent.socketPath },
    'POST',
    `/nodes/${node.ID}/update?version=${node.Version.Index}`,
    { ...node.Spec, Labels: { tier: 'front' } },
  );
  assert.equal(updated.status, 200);
  const { event } = (await messages.next()) as {
    event: { type: string; action: string; id: string; object: SwarmNode; index: number };
  };
  assert.equal(event.type, 'node');
  assert.equal(event.action, 'update');
  assert.equal(event.id, node.ID);
  assert.deepEqual(event.object.Spec.Labels, { tier: 'front' });
  assert.equal(event.index, event.object.Version.Index);
  assert.ok(event.index > reply.body.index);

  ws.send(JSON.stringify({ id: 'both', subscribe: ['service'] }));
  assert.deepEqual(((await messages.next()) as { body: { subscribed: string[] } }).body.subscribed, [
    'node',
    'service',
  ]);
  agent.store.collection('services').delete('svc1');
  const deleted = (await messages.next()) as {
    event: { type: string; action: string; id: string; object: Meta; index: number };
  };
  const { type, action, id, object, index } = deleted.event;
  assert.deepEqual([type, action, id, object.ID], ['service', 'delete', 'svc1', 'svc1']);
  assert.equal(index, agent.store.currentIndex);

  ws.send(JSON.stringify({ id: 'un', unsubscribe: ['node', 'service'] }));
  assert.deepEqual(((await messages.next()) as { body: { subscribed: string[] } }).body.subscribed, []);
  ws.close();
});

test('WebSocket over TCP: the token in the upgrade request is enough', async () => {
  const ws = await open(`ws://127.0.0.1:${agent.port}/shoal/ws`, {
    headers: { Authorization: `Bearer ${agent.token}` },
  });
  const messages = new MessageQueue(ws);
  ws.send(JSON.stringify({ id: 1, method: 'GET', path: '/nodes' }));
  assert.equal(((await messages.next()) as { status: number }).status, 200);
  ws.close();
});

test('a message over maxPayload closes the connection with 1009', async () => {
  const ws = await open(wsUrl());
  const done = closed(ws);
  ws.send(
    JSON.stringify({ id: 1, method: 'POST', path: '/shoal/nodes', body: { x: 'y'.repeat(20 * 1024) } }),
  );
  assert.equal((await done).code, 1009);
  assert.ok(!agent.nodes.calls.includes('add'));
});

test('a client that stops reading is dropped with 1013 instead of buffering without bound', async () => {
  const ws = await open(wsUrl());
  const messages = new MessageQueue(ws);
  ws.send(JSON.stringify({ id: 1, subscribe: ['service'] }));
  await messages.next();
  underlyingSocket(ws).pause();
  const services = agent.store.collection<Meta & { Spec: { Labels: Record<string, string> } }>('services');
  const big = 'z'.repeat(64 * 1024);
  for (let i = 0; i < 400 && !agent.logs.some((l) => l.includes('does not keep up')); i++) {
    services.create({ ID: `flood${i}`, Spec: { Labels: { big } } });
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(
    agent.logs.some((l) => l.includes('does not keep up')),
    'the server gave up on the client',
  );
  const done = closed(ws);
  underlyingSocket(ws).resume();
  assert.equal((await done).code, 1013);
});

test('ping/pong: a client that stops answering is dropped', async () => {
  const quick = await startTestAgent({ limits: { webSocketPingIntervalMs: 50 } });
  try {
    const ws = await open(`ws+unix://${quick.socketPath}:/shoal/ws`);
    const done = closed(ws);
    underlyingSocket(ws).pause();
    await waitFor(() => quick.logs.some((l) => l.includes('did not answer a ping')), 'the ping timeout');
    underlyingSocket(ws).resume();
    assert.equal((await done).code, 1006);
  } finally {
    await quick.close();
  }
});

test('closing the server says 1001 to clients; the WebSocket client cap refuses with 503', async () => {
  const small = await startTestAgent({ limits: { maxWebSocketClients: 1 } });
  const url = `ws+unix://${small.socketPath}:/shoal/ws`;
  const first = await open(url);
  const second = await connect(url);
  assert.ok('status' in second && second.status === 503);
  const done = closed(first);
  await small.close();
  assert.equal((await done).code, 1001);
});
