import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Docker from 'dockerode';
import { DeadlineEngineClient } from '../../../agent/cluster/engine';
import { info, ping } from '../../../agent/cluster/engine-calls';
import { Limiter } from '../../../agent/cluster/limiter';
import { UnavailableError } from '../../../agent/util/errors';
import { FakeEngine, hungEngine, tempDir } from './helpers/fake-engine';

const dir = tempDir();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

function clientFor(socketPath: string, nodeId: string, deadlineMs = 300): DeadlineEngineClient {
  return new DeadlineEngineClient({
    nodeId,
    label: `node ${nodeId}`,
    docker: new Docker({ socketPath }),
    limiter: new Limiter(8),
    deadlineMs,
  });
}

test('a call to an engine that never answers fails at its deadline with UnavailableError naming node and call', async () => {
  const hung = await hungEngine(path.join(dir, 'hung1.sock'));
  cleanups.push(() => hung.close());
  const client = clientFor(hung.socketPath, 'hungnode');
  const started = Date.now();
  await assert.rejects(
    client.call('GET /info', (docker, signal) => info(docker, signal)),
    (error: unknown) =>
      error instanceof UnavailableError &&
      error.status === 503 &&
      error.message.includes('node hungnode') &&
      error.message.includes('GET /info') &&
      error.message.includes('300 ms'),
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 280 && elapsed < 1000, `rejected after ${elapsed} ms`);
  // The abort really closed the request: no socket stays open on the engine side.
  await waitFor(() => hung.openConnections() === 0, 1000);
});

test('the deadline holds even when the call ignores the abort signal', async () => {
  const client = clientFor('/nonexistent.sock', 'deaf');
  const started = Date.now();
  await assert.rejects(
    client.call('stuck', () => new Promise<never>(() => undefined), 100),
    UnavailableError,
  );
  assert.ok(Date.now() - started < 500);
});

test('a hung engine does not stall another engine’s calls', async () => {
  const hung = await hungEngine(path.join(dir, 'hung2.sock'));
  cleanups.push(() => hung.close());
  const healthy = await FakeEngine.start(path.join(dir, 'ok.sock'));
  cleanups.push(() => healthy.close());
  const stuck = clientFor(hung.socketPath, 'stuck', 800);
  const fine = clientFor(healthy.socketPath, 'fine', 2000);

  // Fill the hung engine's limiter and queue more behind it.
  const pending = Array.from({ length: 20 }, (_, i) =>
    stuck.call(`GET /info #${i}`, (docker, signal) => info(docker, signal)).catch((e: unknown) => e),
  );
  await waitFor(() => stuck.limiter.active === 8, 1000);
  assert.equal(stuck.limiter.waiting, 12);

  const started = Date.now();
  for (let i = 0; i < 20; i++) await fine.call('GET /_ping', (docker, signal) => ping(docker, signal));
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 500, `20 pings to the healthy engine took ${elapsed} ms`);

  const results = await Promise.all(pending);
  assert.ok(results.every((r) => r instanceof UnavailableError));
  assert.equal(stuck.limiter.active, 0);
  assert.equal(stuck.limiter.waiting, 0);
});

test('a missing socket is UnavailableError, an engine error answer passes through with its status', async () => {
  const missing = clientFor(path.join(dir, 'nothing-here.sock'), 'gone');
  await assert.rejects(
    missing.call('GET /_ping', (d, s) => ping(d, s)),
    (error: unknown) => {
      assert.ok(error instanceof UnavailableError);
      assert.match(error.message, /node gone: GET \/_ping failed: .*ENOENT/);
      return true;
    },
  );

  const engine = await FakeEngine.start(path.join(dir, 'err.sock'));
  cleanups.push(() => engine.close());
  const client = clientFor(engine.socketPath, 'errs');
  await assert.rejects(
    client.call('GET /containers/x/json', (docker) => docker.getContainer('x').inspect()),
    (error: unknown) => (error as { statusCode?: number }).statusCode === 404,
  );
});

test('calls wait for a slot and their deadline includes the wait', async () => {
  const client = new DeadlineEngineClient({
    nodeId: 'busy',
    label: 'node busy',
    docker: new Docker({ socketPath: '/nonexistent.sock' }),
    limiter: new Limiter(1),
  });
  let release!: () => void;
  const first = client.call('slow', () => new Promise<void>((r) => (release = r)), 1000);
  await assert.rejects(
    client.call('queued', async () => 'ran', 100),
    (e: unknown) => e instanceof UnavailableError && /queued got no answer within 100 ms/.test(e.message),
  );
  release();
  await first;
  assert.equal(await client.call('after', async () => 'ran'), 'ran');
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
