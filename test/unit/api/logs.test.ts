import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { detailsPrefix, formatLine, frame, goQueryEscape } from '../../../agent/api/logs/framing';
import type { Service } from '../../../agent/types/swarm';
import { FakeLogEngine } from './fake-log-engine';
import { startTestAgent, type TestAgent } from './harness';
import { seedTask } from './swarm-fixtures';
import { MessageQueue, open } from './ws-helpers';

const NODE1 = 'node1aaaaaaaaaaaaaaaaaaaa';
const NODE2 = 'node2aaaaaaaaaaaaaaaaaaaa';
let agent: TestAgent;
let engine1: FakeLogEngine;
let engine2: FakeLogEngine;
let web: Service;

/** Splits Docker's multiplexed stream back into frames. */
function deframe(body: Buffer): Array<{ type: number; text: string }> {
  const frames: Array<{ type: number; text: string }> = [];
  let rest = body;
  while (rest.length >= 8) {
    const size = rest.readUInt32BE(4);
    frames.push({ type: rest[0] ?? -1, text: rest.subarray(8, 8 + size).toString('utf8') });
    rest = rest.subarray(8 + size);
  }
  assert.equal(rest.length, 0, 'no partial frame');
  return frames;
}

function getLogs(pathAndQuery: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ socketPath: agent.socketPath, path: pathAndQuery }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          body: Buffer.concat(chunks),
        }),
      );
    });
    request.on('error', reject);
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  agent = await startTestAgent();
  engine1 = await new FakeLogEngine(path.join(agent.dir, 'e1.sock')).listen();
  engine2 = await new FakeLogEngine(path.join(agent.dir, 'e2.sock')).listen();
  agent.nodes.seed({ id: NODE1, hostname: 'web-1' });
  agent.nodes.seed({ id: NODE2, hostname: 'web-2' });
  agent.nodes.engines.set(NODE1, engine1.client(NODE1));
  agent.nodes.engines.set(NODE2, engine2.client(NODE2));
  web = agent.store.collection<Service>('services').create({
    ID: 'websvc000000000000000000a',
    Spec: { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'x' } } },
    Endpoint: { Spec: {} },
    SpecVersion: { Index: 1 },
  });
  engine1.container('c1', [
    ['stdout', 'one'],
    ['stderr', 'oops'],
    ['stdout', 'two'],
  ]);
  engine2.container('c2', [['stdout', 'hello from 2']]);
  seedTask(agent.store, { id: 'task1', serviceId: web.ID, slot: 1, nodeId: NODE1, containerId: 'c1' });
  seedTask(agent.store, { id: 'task2', serviceId: web.ID, slot: 2, nodeId: NODE2, containerId: 'c2' });
  // Not started yet: no container, so nothing to read.
  seedTask(agent.store, { id: 'task3', serviceId: web.ID, slot: 3, nodeId: NODE2, state: 'pending' });
  // Its container is gone (404): skipped without complaint.
  seedTask(agent.store, { id: 'task4', serviceId: web.ID, slot: 4, nodeId: NODE2, containerId: 'gone' });
});
after(async () => {
  await agent.close();
  await engine1.close();
  await engine2.close();
});

test('a frame is the stream type, three zeros, the big-endian length, then the payload', () => {
  const framed = frame(2, Buffer.from('hi\n'));
  assert.deepEqual([...framed.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 3]);
  assert.equal(framed.subarray(8).toString(), 'hi\n');
  const big = frame(1, Buffer.alloc(70_000));
  assert.equal(big.readUInt32BE(4), 70_000);
});

test('the details prefix is what the docker CLI parses to name the task', () => {
  const context = { nodeId: 'n1', serviceId: 's1', taskId: 't1' };
  assert.equal(
    detailsPrefix(context),
    'com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1',
  );
  const entry = {
    context,
    stream: 'stdout' as const,
    line: 'a b',
    timestamp: '2025-01-01T00:00:00.000000000Z',
  };
  assert.equal(formatLine(entry, { details: false, timestamps: false }).toString(), 'a b\n');
  assert.equal(
    formatLine(entry, { details: true, timestamps: true }).toString(),
    `2025-01-01T00:00:00.000000000Z ${detailsPrefix(context)} a b\n`,
  );
  assert.equal(goQueryEscape('a b,c=d/é~'), 'a+b%2Cc%3Dd%2F%C3%A9~');
});

test('service logs merge every task with a container, framed, with details', async () => {
  const response = await getLogs('/v1.41/services/web/logs?stdout=1&stderr=1&details=1&tail=all');
  assert.equal(response.status, 200);
  assert.equal(response.type, 'application/vnd.docker.raw-stream');
  const frames = deframe(response.body);
  const details = (task: string, node: string) =>
    `com.docker.swarm.node.id=${node},com.docker.swarm.service.id=${web.ID},com.docker.swarm.task.id=${task}`;
  const fromTask1 = frames.filter((f) => f.text.includes('task.id=task1 '));
  assert.deepEqual(fromTask1, [
    { type: 1, text: `${details('task1', NODE1)} one\n` },
    { type: 2, text: `${details('task1', NODE1)} oops\n` },
    { type: 1, text: `${details('task1', NODE1)} two\n` },
  ]);
  assert.deepEqual(
    frames.filter((f) => f.text.includes('task.id=task2 ')),
    [{ type: 1, text: `${details('task2', NODE2)} hello from 2\n` }],
  );
  assert.equal(frames.length, 4, 'the gone container adds nothing, not even a warning');
});

test('stdout/stderr select streams, tail limits per task, timestamps come first', async () => {
  const stderr = deframe((await getLogs('/tasks/task1/logs?stderr=1')).body);
  assert.deepEqual(stderr, [{ type: 2, text: 'oops\n' }]);
  const tail = deframe((await getLogs('/tasks/task1/logs?stdout=1&stderr=1&tail=1')).body);
  assert.deepEqual(tail, [{ type: 1, text: 'two\n' }]);
  const stamped = deframe((await getLogs('/tasks/task2/logs?stdout=1&timestamps=1')).body);
  assert.deepEqual(stamped, [{ type: 1, text: '2025-01-01T00:00:00.000000000Z hello from 2\n' }]);
  const none = await getLogs('/services/web/logs');
  assert.equal(none.status, 400);
  assert.match(none.body.toString(), /you must choose at least one stream/);
  const badTail = await getLogs('/services/web/logs?stdout=1&tail=lots');
  assert.equal(badTail.status, 400);
  assert.equal((await getLogs('/services/nope/logs?stdout=1')).status, 404);
});

test('an unreachable node ends a finite stream with a system-error frame after the rest', async () => {
  agent.nodes.engines.delete(NODE2);
  try {
    const frames = deframe((await getLogs('/services/web/logs?stdout=1&stderr=1')).body);
    assert.deepEqual(
      frames.slice(0, 3).map((f) => f.text),
      ['one\n', 'oops\n', 'two\n'],
    );
    const last = frames.at(-1);
    assert.equal(last?.type, 3);
    assert.match(
      last?.text ?? '',
      /^Error grabbing logs: warning: incomplete log stream\. .*task task2 on node node2/,
    );
  } finally {
    agent.nodes.engines.set(NODE2, engine2.client(NODE2));
  }
});

test('follow streams new lines and new tasks, and closes the engine streams when the client leaves', async () => {
  const received: Buffer[] = [];
  const request = http.get({
    socketPath: agent.socketPath,
    path: '/v1.41/services/web/logs?stdout=1&stderr=1&follow=1&tail=0',
  });
  const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
  assert.equal(response.statusCode, 200);
  response.on('data', (c: Buffer) => received.push(c));
  await waitFor(() => engine1.followerCount() === 1 && engine2.followerCount() === 1, 'both followers');
  engine1.write('c1', 'stdout', 'live');
  await waitFor(() => Buffer.concat(received).includes('live\n'), 'the live line');
  // A new replica gets a container: it is followed from its start.
  engine2.container('c5', [['stdout', 'new replica']]);
  seedTask(agent.store, { id: 'task5', serviceId: web.ID, slot: 5, nodeId: NODE2, containerId: 'c5' });
  await waitFor(() => Buffer.concat(received).includes('new replica\n'), "the new task's line");
  assert.deepEqual(
    deframe(Buffer.concat(received)).map((f) => f.text),
    ['live\n', 'new replica\n'],
  );
  request.destroy();
  await waitFor(
    () => engine1.followerCount() === 0 && engine2.followerCount() === 0,
    'engine streams closed',
  );
});

test('over the WebSocket: a logs subscription sends lines, ends, and can be stopped', async () => {
  const ws = await open(`ws+unix://${agent.socketPath}:/shoal/ws`);
  const messages = new MessageQueue(ws);
  engine1.container('c7', [
    ['stdout', 'first'],
    ['stderr', 'oops'],
    ['stdout', 'two'],
  ]);
  seedTask(agent.store, { id: 'task7', serviceId: web.ID, slot: 7, nodeId: NODE1, containerId: 'c7' });
  ws.send(JSON.stringify({ id: 7, logs: { task: 'task7', tail: 2 } }));
  assert.deepEqual(await messages.next(), { id: 7, status: 200, body: { logs: 'started' } });
  const lines = [await messages.next(), await messages.next()];
  assert.deepEqual(lines, [
    {
      log: {
        id: 7,
        name: 'web.7',
        taskId: 'task7',
        serviceId: web.ID,
        nodeId: NODE1,
        stream: 'stderr',
        line: 'oops',
      },
    },
    {
      log: {
        id: 7,
        name: 'web.7',
        taskId: 'task7',
        serviceId: web.ID,
        nodeId: NODE1,
        stream: 'stdout',
        line: 'two',
      },
    },
  ]);
  assert.deepEqual(await messages.next(), { logEnd: { id: 7 } });

  ws.send(JSON.stringify({ id: 'f', logs: { service: 'web', follow: true, tail: 0, timestamps: true } }));
  assert.deepEqual(await messages.next(), { id: 'f', status: 200, body: { logs: 'started' } });
  await waitFor(() => engine1.followerCount() === 2, 'the followers');
  engine1.write('c1', 'stdout', 'ws live');
  const live = (await messages.next()) as { log: { line: string; timestamp: string; name: string } };
  assert.equal(live.log.line, 'ws live');
  assert.equal(live.log.name, 'web.1');
  assert.match(live.log.timestamp, /^2025-01-01T/);
  ws.send(JSON.stringify({ id: 'f', unsubscribe: 'logs' }));
  assert.deepEqual(await messages.next(), { id: 'f', status: 200, body: { logs: 'stopped' } });
  await waitFor(
    () => engine1.followerCount() === 0 && engine2.followerCount() === 0,
    'engine streams closed',
  );

  ws.send(JSON.stringify({ id: 9, logs: { service: 'nope' } }));
  assert.deepEqual(await messages.next(), {
    id: 9,
    status: 404,
    body: { message: 'service nope not found' },
  });
  ws.send(JSON.stringify({ id: 10, method: 'GET', path: '/services/web/logs?stdout=1' }));
  const refused = (await messages.next()) as { status: number; body: { message: string } };
  assert.equal(refused.status, 400);
  assert.match(refused.body.message, /subscribe with/);

  // Closing the socket stops its followers too.
  ws.send(JSON.stringify({ id: 11, logs: { service: 'web', follow: true, tail: 0 } }));
  await messages.next();
  await waitFor(() => engine1.followerCount() === 2, 'the followers');
  ws.close();
  await waitFor(() => engine1.followerCount() === 0, 'engine streams closed on disconnect');
});
