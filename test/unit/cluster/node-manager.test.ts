import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createNodeManager, type ClusterNodeManager } from '../../../agent/cluster/node-manager';
import { MemoryStore } from '../../../agent/store/memory';
import { OutOfSequenceError } from '../../../agent/store/store';
import type { NodeSpec } from '../../../agent/types/swarm';
import { ConflictError, InvalidArgumentError, UnavailableError } from '../../../agent/util/errors';
import { FakeEngine, hungEngine, tempDir, type FakeEngineOptions } from './helpers/fake-engine';

const dir = tempDir();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function engine(name: string, options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const e = await FakeEngine.start(path.join(dir, `${name}.sock`), { id: `ID-${name}`, name, ...options });
  cleanups.push(() => e.close());
  return e;
}

function manager(logs: string[] = [], store = new MemoryStore()): ClusterNodeManager {
  const m = createNodeManager({
    store,
    sandboxDir: path.join(dir, 'no-sandbox'),
    heartbeatMs: 50,
    connectDeadlineMs: 300,
    callDeadlineMs: 1000,
    log: (line) => logs.push(line),
  });
  cleanups.push(() => m.stop());
  return m;
}

test('add describes the engine and stores a worker with a swarm-style ID of its own', async () => {
  const e = await engine('alpha');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint, labels: { zone: 'a' } });
  assert.match(node.ID, /^[a-z0-9]{25}$/);
  assert.notEqual(node.ID, 'ID-alpha');
  assert.deepEqual(node.Spec, { Labels: { zone: 'a' }, Role: 'worker', Availability: 'active' });
  assert.equal(node.Description.Hostname, 'alpha');
  assert.equal(node.Description.Resources.NanoCPUs, 2e9);
  assert.deepEqual(node.Status, { State: 'ready', Addr: '127.0.0.1' });
  assert.equal(node.ShoalEndpoint.URL, e.endpoint);
  assert.equal(node.ShoalEndpoint.EngineID, 'ID-alpha');
  assert.deepEqual(m.list(), [node]);
  assert.equal(m.engine(node.ID).nodeId, node.ID);
});

test('the same engine twice is refused: same endpoint, or same daemon through another endpoint', async () => {
  const e = await engine('beta', { dockerRootDir: '/var/lib/docker' });
  const m = manager();
  const first = await m.add({ endpoint: e.endpoint });
  await assert.rejects(
    m.add({ endpoint: `unix://${path.dirname(e.socketPath)}/./beta.sock` }),
    (err: unknown) =>
      err instanceof ConflictError && err.message.includes(`node ${first.ID} (beta) already uses`),
  );
  // A second socket answering for the same daemon: same ID, hostname and data root.
  const alias = await FakeEngine.start(path.join(dir, 'beta-alias.sock'), { id: 'ID-beta', name: 'beta' });
  cleanups.push(() => alias.close());
  await assert.rejects(
    m.add({ endpoint: alias.endpoint }),
    (err: unknown) =>
      err instanceof ConflictError && /same engine ID, hostname and data root/.test(err.message),
  );
  assert.equal(m.list().length, 1);
});

test('an engine sharing only the daemon ID (cloned key.json) is added with a warning', async () => {
  const logs: string[] = [];
  const m = manager(logs);
  const a = await engine('clone-a', { id: 'CLONED' });
  const b = await engine('clone-b', { id: 'CLONED' });
  const na = await m.add({ endpoint: a.endpoint });
  const nb = await m.add({ endpoint: b.endpoint });
  assert.notEqual(na.ID, nb.ID);
  assert.ok(logs.some((l) => l.startsWith('warning:') && l.includes('same engine ID (CLONED)')));
});

test('add fails by its deadline when the engine never answers, and stores nothing', async () => {
  const hung = await hungEngine(path.join(dir, 'hung.sock'));
  cleanups.push(() => hung.close());
  const m = manager();
  const started = Date.now();
  await assert.rejects(
    m.add({ endpoint: `unix://${hung.socketPath}` }),
    (err: unknown) =>
      err instanceof UnavailableError &&
      /cannot add node: unix:\/\/.*hung\.sock: GET \/(info|version) got no answer within 300 ms/.test(
        err.message,
      ),
  );
  assert.ok(Date.now() - started < 1000);
  assert.equal(m.list().length, 0);
  await assert.rejects(
    m.add({ endpoint: `unix://${path.join(dir, 'absent.sock')}` }),
    /cannot add node: .*ENOENT/,
  );
});

test('add validates labels', async () => {
  const m = manager();
  await assert.rejects(
    m.add({ endpoint: 'unix:///x.sock', labels: { '': 'v' } }),
    /labels: a label key must not be empty/,
  );
  await assert.rejects(m.add({ endpoint: 'unix:///x.sock', labels: { 'a\nb': 'v' } }), /control characters/);
  await assert.rejects(
    m.add({ endpoint: 'unix:///x.sock', labels: { k: 'x'.repeat(5000) } }),
    /longer than 4096/,
  );
  const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v']));
  await assert.rejects(m.add({ endpoint: 'unix:///x.sock', labels: many }), /at most 128/);
  await assert.rejects(
    m.add({ endpoint: 'unix:///x.sock', labels: { k: 7 } as unknown as Record<string, string> }),
    /labels\.k must be a string/,
  );
});

test('updateSpec validates availability, role and labels, and refuses a stale version', async () => {
  const e = await engine('gamma');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint });
  const spec = (over: Partial<Record<keyof NodeSpec, unknown>>): NodeSpec =>
    ({ Labels: {}, Role: 'worker', Availability: 'active', ...over }) as NodeSpec;

  const drained = m.updateSpec(
    'gamma',
    node.Version.Index,
    spec({ Availability: 'DRAIN', Labels: { ssd: 'yes' } }),
  );
  assert.equal(drained.Spec.Availability, 'drain');
  assert.deepEqual(drained.Spec.Labels, { ssd: 'yes' });
  assert.ok(drained.Version.Index > node.Version.Index);

  assert.throws(
    () => m.updateSpec(node.ID, node.Version.Index, spec({ Availability: 'active' })),
    (err: unknown) =>
      err instanceof OutOfSequenceError && err.message === 'update out of sequence' && err.status === 409,
  );
  const v = drained.Version.Index;
  assert.throws(
    () => m.updateSpec(node.ID, v, spec({ Availability: 'sleeping' })),
    (err: unknown) =>
      err instanceof InvalidArgumentError && err.message.includes('invalid Availability: "sleeping"'),
  );
  assert.throws(
    () => m.updateSpec(node.ID, v, spec({ Availability: undefined })),
    /invalid Availability: ""/,
  );
  assert.throws(
    () => m.updateSpec(node.ID, v, spec({ Role: 'manager' })),
    (err: unknown) => err instanceof InvalidArgumentError && /only manager/.test(err.message),
  );
  assert.throws(() => m.updateSpec(node.ID, v, spec({ Role: 'boss' })), /invalid Role: "boss"/);
  assert.throws(
    () => m.updateSpec(node.ID, v, spec({ Labels: { '': 'x' } })),
    /Labels: a label key must not be empty/,
  );
  assert.throws(() => m.updateSpec(node.ID, v, spec({ Name: 'x\u0007' })), /control characters/);
  assert.throws(() => m.updateSpec(node.ID, v, null as unknown as NodeSpec), /must be a JSON object/);
  // Nothing above was written.
  assert.equal(m.resolve(node.ID).Version.Index, v);
  const named = m.updateSpec(node.ID, v, spec({ Name: 'db-1', Availability: 'pause' }));
  assert.equal(m.resolve('db-1').ID, node.ID);
  assert.equal(named.Spec.Availability, 'pause');
});

test('remove is refused for a node that is not down unless forced', async () => {
  const e = await engine('delta');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint });
  await assert.rejects(
    m.remove(node.ID.slice(0, 6), { force: false }),
    (err: unknown) =>
      err instanceof ConflictError && err.message === `node ${node.ID} is not down and can't be removed`,
  );
  await m.remove('delta', { force: true });
  assert.equal(m.list().length, 0);
  assert.throws(() => m.engine(node.ID), /not found/);
});

test('a node whose engine stops is down after 3 missed heartbeats, ready when it answers again, written only on change', async () => {
  const e = await engine('epsilon');
  const store = new MemoryStore();
  const m = manager([], store);
  const node = await m.add({ endpoint: e.endpoint });
  const writes: string[] = [];
  store.onChange((c) => {
    if (c.collection === 'nodes') writes.push((c.object as typeof node).Status.State);
  });
  await m.start();
  await sleep(300); // ~6 heartbeats while ready: no writes
  assert.deepEqual(writes, []);

  await e.close();
  const stoppedAt = Date.now();
  await waitFor(() => m.resolve(node.ID).Status.State === 'down', 2000);
  const downAfter = Date.now() - stoppedAt;
  assert.match(m.resolve(node.ID).Status.Message ?? '', /^heartbeat failure: /);
  assert.ok(downAfter < 50 * 3 * 1.1 + 200, `down after ${downAfter} ms`);

  await e.listen();
  await waitFor(() => m.resolve(node.ID).Status.State === 'ready', 2000);
  assert.equal(m.resolve(node.ID).Status.Message, undefined);
  assert.deepEqual(writes, ['down', 'ready']);
});

test('engine events reach listeners; after the stream drops it resumes with since, without duplicates', async () => {
  const e = await engine('zeta');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint });
  const seen: string[] = [];
  let reconnects = 0;
  m.onEngineEvent((id, event) => {
    assert.equal(id, node.ID);
    seen.push(`${event.Action} ${event.Actor.ID}`);
  });
  m.onEngineReconnected((id) => {
    if (id === node.ID) reconnects++;
  });
  await m.start();
  await waitFor(() => e.openStreams() === 1 && reconnects === 1, 1000);

  const t = Date.now() * 1e6;
  e.emit('start', 'c1', t);
  e.emit('die', 'c1', t + 1000);
  await waitFor(() => seen.length === 2, 1000);
  e.endStreams();
  // Emitted while no stream is open: replayed on resubscription, as the engine's buffer would.
  e.emit('start', 'c2', t + 2000);
  await waitFor(() => seen.length === 3, 2000);
  e.emit('die', 'c2', t + 3000);
  await waitFor(() => seen.length === 4, 1000);
  assert.deepEqual(seen, ['start c1', 'die c1', 'start c2', 'die c2']);
  assert.equal(reconnects, 2);
  assert.ok(e.requests.some((r) => r.startsWith('GET /events?since=')));
});

test('adoptSandbox adds nothing when there is no sandbox or nodes exist', async () => {
  const m = manager();
  assert.deepEqual(await m.adoptSandbox(path.join(dir, 'none')), []);
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${condition.toString()}`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

test('an engine that hangs (even mid event stream) goes down, and when it answers again its stream is renewed', async () => {
  const e = await engine('eta');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint });
  let reconnects = 0;
  m.onEngineReconnected(() => reconnects++);
  await m.start();
  await waitFor(() => e.openStreams() === 1 && reconnects === 1, 1000);

  e.hang = true; // accepts requests, answers none; the open event stream stays open and silent
  await waitFor(() => m.resolve(node.ID).Status.State === 'down', 2000);
  assert.match(m.resolve(node.ID).Status.Message ?? '', /got no answer within 40 ms/);
  e.hang = false;
  await waitFor(() => m.resolve(node.ID).Status.State === 'ready', 2000);
  await waitFor(() => reconnects === 2, 1000);
  assert.ok(e.requests.filter((r) => r.startsWith('GET /events')).length >= 2);
});

test('a description refresh stuck on /info does not hold up the heartbeats', async () => {
  const e = await engine('theta');
  const m = manager();
  const node = await m.add({ endpoint: e.endpoint });
  e.hangOn.add('/info');
  await m.start(); // the first beat answers and starts refreshing the description, which hangs
  await waitFor(
    () => e.requests.includes('GET /info') && e.requests.filter((r) => r === 'GET /_ping').length >= 2,
    1000,
  );
  e.hang = true;
  await waitFor(() => m.resolve(node.ID).Status.State === 'down', 1000);
});
