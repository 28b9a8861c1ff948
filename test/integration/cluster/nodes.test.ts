import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_MISSED_HEARTBEATS } from '../../../agent/cluster/health';
import { info, ping } from '../../../agent/cluster/engine-calls';
import { createNodeManager, type ClusterNodeManager } from '../../../agent/cluster/node-manager';
import type { EngineEvent } from '../../../agent/cluster/types';
import { sandboxDir, startNode, status, stopNode } from '../../../agent/sandbox/sandbox';
import { MemoryStore } from '../../../agent/store/memory';
import type { SwarmNode } from '../../../agent/types/swarm';
import { ConflictError, UnavailableError } from '../../../agent/util/errors';
import { hungEngine } from '../../unit/cluster/helpers/fake-engine';

// Runs against the 3-node sandbox that `run-tests.mjs integration` brings up in a temporary SHOAL_HOME.
const skip =
  process.env.SHOAL_TEST_SANDBOX === '1' ? false : 'needs the sandbox of run-tests.mjs integration';
const HEARTBEAT_MS = 1000;
const CONNECT_DEADLINE_MS = 1500;

const dir = sandboxDir();
const logs: string[] = [];
const events: Array<{ nodeId: string; event: EngineEvent }> = [];
const reconnects: string[] = [];
let manager: ClusterNodeManager;
let byHost: Map<string, SwarmNode>;

before(async () => {
  if (skip) return;
  manager = createNodeManager({
    store: new MemoryStore(),
    sandboxDir: dir,
    heartbeatMs: HEARTBEAT_MS,
    connectDeadlineMs: CONNECT_DEADLINE_MS,
    log: (line) => logs.push(`${new Date().toISOString()} ${line}`),
  });
  manager.onEngineEvent((nodeId, event) => events.push({ nodeId, event }));
  manager.onEngineReconnected((nodeId) => reconnects.push(nodeId));
  await manager.start();
});

after(async () => {
  if (skip) return;
  // Leave the sandbox as we found it, whatever failed.
  await startNode('node2', dir).catch((e: unknown) => console.error(`restarting node2 failed: ${String(e)}`));
  await manager.stop();
  if (process.env.SHOAL_TEST_VERBOSE) console.error(logs.join('\n'));
});

test('the default heartbeat is 5 s and a node is down after 3 missed beats, as in swarmkit', () => {
  assert.equal(DEFAULT_HEARTBEAT_MS, 5000);
  assert.equal(DEFAULT_MISSED_HEARTBEATS, 3);
  const defaults = createNodeManager({ store: new MemoryStore(), sandboxDir: dir });
  assert.deepEqual(defaults.heartbeat, { periodMs: 5000, missed: 3 });
});

test('adopting the sandbox adds its 3 nodes, ready and described, with distinct IDs', { skip }, async () => {
  const sandbox = status(dir);
  assert.equal(sandbox.up, true);
  const nodes = await manager.adoptSandbox();
  assert.equal(nodes.length, 3);
  assert.equal(new Set(nodes.map((n) => n.ID)).size, 3);
  assert.equal(new Set(nodes.map((n) => n.ShoalEndpoint.EngineID)).size, 3);
  assert.deepEqual(nodes.map((n) => n.Description.Hostname).sort(), ['node1', 'node2', 'node3']);
  for (const node of nodes) {
    const expected = sandbox.nodes.find((n) => n.name === node.Description.Hostname);
    assert.equal(node.Status.State, 'ready');
    assert.equal(node.Status.Addr, expected?.address);
    assert.equal(node.ShoalEndpoint.URL, expected?.endpoint);
    assert.match(node.ID, /^[a-z0-9]{25}$/);
    assert.notEqual(node.ID, node.ShoalEndpoint.EngineID);
    assert.equal(node.Spec.Role, 'worker');
    assert.equal(node.Spec.Availability, 'active');
    assert.equal(node.Description.Platform.OS, 'linux');
    assert.equal(
      node.Description.Platform.Architecture,
      os.arch() === 'x64' ? 'x86_64' : node.Description.Platform.Architecture,
    );
    assert.ok(node.Description.Resources.NanoCPUs >= 1e9);
    assert.ok(node.Description.Resources.MemoryBytes > 0);
    assert.match(node.Description.Engine.EngineVersion, /^\d+\.\d+/);
    assert.ok(node.Description.Engine.Plugins.some((p) => p.Type === 'Network' && p.Name === 'bridge'));
  }
  byHost = new Map(nodes.map((n) => [n.Description.Hostname, n]));
  // A second adoption finds nodes and adds nothing.
  assert.deepEqual(await manager.adoptSandbox(), []);
});

test('adding an engine that is already a node is refused', { skip }, async () => {
  const node1 = nodeNamed('node1');
  await assert.rejects(manager.add({ endpoint: node1.ShoalEndpoint.URL }), ConflictError);
  // The same socket through a symlink is the same endpoint.
  const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-ln-')), 'd.sock');
  fs.symlinkSync(node1.ShoalEndpoint.URL.slice('unix://'.length), link);
  await assert.rejects(
    manager.add({ endpoint: `unix://${link}` }),
    (e: unknown) => e instanceof ConflictError && e.message.includes(node1.ID),
  );
  const tcp = status(dir).nodes.find((n) => n.name === 'node1')?.tcpEndpoint;
  if (tcp) {
    // The sandbox was started with --tcp: plain TCP is allowed there, and it is the same daemon.
    await assert.rejects(manager.add({ endpoint: tcp }), /same engine ID, hostname and data root/);
  }
  assert.equal(manager.list().length, 3);
});

test('engine events of a node reach the listeners', { skip }, async () => {
  const node1 = nodeNamed('node1');
  const client = manager.engine(node1.ID);
  const name = `shoal-it-events-${process.pid}`;
  await waitFor(() => reconnects.includes(node1.ID), 5000, 'node1 event stream');
  await client.call('create network', (docker) => docker.createNetwork({ Name: name }));
  await client.call('remove network', (docker) => docker.getNetwork(name).remove());
  await waitFor(
    () =>
      events.some(
        (e) =>
          e.nodeId === node1.ID &&
          e.event.Type === 'network' &&
          e.event.Action === 'destroy' &&
          e.event.Actor.Attributes.name === name,
      ),
    5000,
    'network destroy event from node1',
  );
});

test('a stopped engine goes down within 20 s; the other nodes stay ready and fast', { skip }, async () => {
  const node2 = nodeNamed('node2');
  const others = [nodeNamed('node1'), nodeNamed('node3')];
  const stopping = Date.now();
  await stopNode('node2', dir);
  const stopped = Date.now();
  const slowest = { ms: 0 };
  while (stateOf(node2) !== 'down') {
    assert.ok(Date.now() - stopped < 20_000, 'node2 not down within 20 s');
    for (const other of others) {
      const t = Date.now();
      await manager.engine(other.ID).call('GET /_ping', (docker, signal) => ping(docker, signal));
      slowest.ms = Math.max(slowest.ms, Date.now() - t);
      assert.equal(stateOf(other), 'ready');
    }
    await sleep(50);
  }
  const detectedMs = Date.now() - stopped;
  console.error(
    `node2: dockerd stop took ${stopped - stopping} ms; down ${detectedMs} ms after it exited ` +
      `(heartbeat ${HEARTBEAT_MS} ms); slowest call to node1/node3 meanwhile ${slowest.ms} ms`,
  );
  assert.ok(slowest.ms < 500, `calls to healthy nodes took up to ${slowest.ms} ms`);
  assert.match(manager.resolve(node2.ID).Status.Message ?? '', /^heartbeat failure/);
  await assert.rejects(
    manager.engine(node2.ID).call('GET /info', (d, s) => info(d, s)),
    UnavailableError,
  );
  for (const other of others) assert.equal(stateOf(other), 'ready');
});

test('the engine started again is ready again, with its event stream back', { skip }, async () => {
  const node2 = nodeNamed('node2');
  const reconnectsBefore = reconnects.filter((id) => id === node2.ID).length;
  await startNode('node2', dir);
  const started = Date.now();
  await waitFor(() => stateOf(node2) === 'ready', 10_000, 'node2 ready again');
  console.error(`node2: ready ${Date.now() - started} ms after its dockerd answered again`);
  assert.equal(manager.resolve(node2.ID).Status.Message, undefined);
  await waitFor(
    () => reconnects.filter((id) => id === node2.ID).length > reconnectsBefore,
    5000,
    'node2 event stream re-established',
  );
});

test(
  'adding an engine that never answers fails by its deadline; other nodes are unaffected',
  { skip },
  async () => {
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-hung-'));
    const hung = await hungEngine(path.join(socketDir, 'hung.sock'));
    try {
      const started = Date.now();
      const adding = manager.add({ endpoint: `unix://${hung.socketPath}` });
      // While the add hangs, the sandbox nodes answer as usual.
      for (const node of manager.list()) {
        const t = Date.now();
        await manager.engine(node.ID).call('GET /_ping', (docker, signal) => ping(docker, signal));
        assert.ok(Date.now() - t < 500);
      }
      await assert.rejects(
        adding,
        (e: unknown) => e instanceof UnavailableError && /got no answer within 1500 ms/.test(e.message),
      );
      const elapsed = Date.now() - started;
      assert.ok(
        elapsed >= CONNECT_DEADLINE_MS - 50 && elapsed < CONNECT_DEADLINE_MS + 1000,
        `add failed after ${elapsed} ms`,
      );
      assert.equal(manager.list().length, 3);
      for (const node of manager.list()) assert.equal(node.Status.State, 'ready');
    } finally {
      await hung.close();
    }
  },
);

function nodeNamed(hostname: string): SwarmNode {
  const node = byHost?.get(hostname);
  assert.ok(node, `${hostname} was not adopted`);
  return node;
}

function stateOf(node: SwarmNode): string {
  return manager.resolve(node.ID).Status.State;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(25);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
