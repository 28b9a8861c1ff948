import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildFullTrees,
  networkChildren,
  networkRoots,
  nodeChildren,
  nodeContextValue,
  nodeEntry,
  nodeRoots,
  serviceChildren,
  serviceContextValue,
  serviceEntry,
  serviceRoots,
  taskContextValue,
  taskEntry,
} from '../../../extension/views/tree-data';
import { connectionMessage, emptyMessage } from '../../../extension/views/messages';
import { formatBytes, formatCpus, formatPort, md } from '../../../extension/views/format';
import { loadedModel, node, service, task } from './fixtures';

test('node contextValue encodes state and availability', () => {
  assert.equal(nodeContextValue(node('n', 'h')), 'node.ready.active');
  assert.equal(nodeContextValue(node('n', 'h', { availability: 'drain' })), 'node.ready.drain');
  assert.equal(nodeContextValue(node('n', 'h', { state: 'down', availability: 'pause' })), 'node.down.pause');
});

test('node items: hostname, description with role and resources, labels in the tooltip, icons by state', () => {
  const entry = nodeEntry(node('n1', 'node1', { role: 'manager', labels: { zone: 'west' } }), 3);
  assert.equal(entry.id, 'node:n1');
  assert.equal(entry.label, 'node1');
  assert.equal(entry.description, 'manager \u00b7 4 CPUs \u00b7 8 GiB \u00b7 3 tasks');
  assert.match(entry.tooltip ?? '', /`zone` = `west`/);
  assert.match(entry.tooltip ?? '', /Engine labels/);
  assert.deepEqual(entry.icon, { codicon: 'vm-running', color: 'charts.green' });
  assert.equal(entry.collapsible, true);
  const drained = nodeEntry(node('n2', 'node2', { availability: 'drain' }), 0);
  assert.equal(drained.description, 'drain \u00b7 worker \u00b7 4 CPUs \u00b7 8 GiB \u00b7 0 tasks');
  assert.equal(drained.collapsible, false);
  assert.deepEqual(drained.icon, { codicon: 'arrow-circle-down', color: 'charts.orange' });
  const down = nodeEntry(node('n3', 'node3', { state: 'down' }), 0);
  assert.match(down.description ?? '', /^down \u00b7/);
  assert.deepEqual(down.icon, { codicon: 'vm-outline', color: 'charts.red' });
});

test('service contextValue encodes mode, update phase and whether a rollback is possible', () => {
  assert.equal(serviceContextValue(service('s', 'web')), 'service.replicated');
  assert.equal(serviceContextValue(service('s', 'web', { mode: { Global: {} } })), 'service.global');
  assert.equal(
    serviceContextValue(service('s', 'web', { mode: { ReplicatedJob: {} } })),
    'service.replicated-job',
  );
  assert.equal(serviceContextValue(service('s', 'web', { mode: { GlobalJob: {} } })), 'service.global-job');
  assert.equal(
    serviceContextValue(service('s', 'web', { previous: true, update: { State: 'updating', Message: '' } })),
    'service.replicated.updating.previous',
  );
  assert.equal(
    serviceContextValue(service('s', 'web', { previous: true, update: { State: 'paused', Message: 'x' } })),
    'service.replicated.paused.previous',
  );
  assert.equal(
    serviceContextValue(service('s', 'web', { previous: true, update: { State: 'completed', Message: '' } })),
    'service.replicated.previous',
  );
});

test('service items: mode, running/desired, image, ports and update state', () => {
  const s = service('s1', 'web', {
    ports: [{ TargetPort: 80, PublishedPort: 8080 }],
    update: { State: 'updating', Message: 'update in progress' },
  });
  const entry = serviceEntry(s, [
    task('a', 's1', { slot: 1 }),
    task('b', 's1', { slot: 2, state: 'starting' }),
    task('old', 's1', { slot: 1, state: 'shutdown', desired: 'shutdown' }),
  ]);
  assert.equal(entry.id, 'service:s1');
  assert.equal(
    entry.description,
    'replicated 1/2 \u00b7 shoal/web:latest \u00b7 8080:80/tcp host \u00b7 updating',
  );
  assert.match(entry.tooltip ?? '', /update in progress/);
  assert.deepEqual(entry.icon, { codicon: 'sync~spin', color: 'charts.blue' });
  const healthy = serviceEntry(service('s2', 'db'), [
    task('c', 's2', { slot: 1 }),
    task('d', 's2', { slot: 2 }),
  ]);
  assert.equal(healthy.description, 'replicated 2/2 \u00b7 shoal/web:latest');
  assert.deepEqual(healthy.icon, { codicon: 'layers-active', color: 'charts.green' });
  const down = serviceEntry(service('s3', 'x'), []);
  assert.deepEqual(down.icon, { codicon: 'layers', color: 'charts.red' });
});

test('a global service counts one desired task per node it runs on', () => {
  const entry = serviceEntry(service('g', 'agent', { mode: { Global: {} } }), [
    task('a', 'g', { node: 'n1' }),
    task('b', 'g', { node: 'n2', state: 'pending' }),
  ]);
  assert.match(entry.description ?? '', /^global 1\/2/);
});

test('task items: slot label, state, node, error; contextValue task.<state>', () => {
  const model = loadedModel({
    nodes: [node('n1', 'node1')],
    services: [service('s1', 'web'), service('g1', 'mon', { mode: { Global: {} } })],
  });
  const failed = task('t1', 's1', {
    slot: 3,
    node: 'n1',
    state: 'failed',
    desired: 'running',
    err: 'exit 1',
  });
  const entry = taskEntry(model, failed, 'service');
  assert.equal(entry.label, 'web.3');
  assert.equal(entry.contextValue, 'task.failed');
  assert.equal(entry.description, 'failed \u2192 running \u00b7 node1 \u00b7 exit 1');
  assert.match(entry.tooltip ?? '', /Error: exit 1/);
  const underNode = taskEntry(model, task('t2', 's1', { slot: 1, node: 'n1' }), 'node');
  assert.equal(underNode.description, 'running \u00b7 shoal/web:latest');
  const global = taskEntry(model, task('t3', 'g1', { node: 'n1' }), 'service');
  assert.equal(global.label, 'mon.node1');
  const pending = taskEntry(
    model,
    task('t4', 's1', { slot: 2, state: 'pending', message: 'no suitable node (2 nodes not available)' }),
    'service',
  );
  assert.equal(
    pending.description,
    'pending \u2192 running \u00b7 no node \u00b7 no suitable node (2 nodes not available)',
  );
  assert.equal(taskContextValue(task('x', 's', { state: 'running' })), 'task.running');
});

test('service children: current tasks by slot, then the latest failure per slot', () => {
  const model = loadedModel({
    services: [service('s1', 'web')],
    tasks: [
      task('b', 's1', { slot: 2 }),
      task('a', 's1', { slot: 1 }),
      task('f1', 's1', {
        slot: 1,
        state: 'failed',
        desired: 'shutdown',
        err: 'old',
        timestamp: '2025-01-01T00:00:01Z',
      }),
      task('f2', 's1', {
        slot: 1,
        state: 'failed',
        desired: 'shutdown',
        err: 'new',
        timestamp: '2025-01-01T00:00:02Z',
      }),
      task('s', 's1', { slot: 2, state: 'shutdown', desired: 'shutdown' }),
    ],
  });
  const children = serviceChildren(model, 's1');
  assert.deepEqual(
    children.map((c) => c.label),
    ['web.1', 'web.2', '\u21b3 web.1'],
  );
  assert.match(children[2]?.description ?? '', /new$/);
  assert.equal(children[2]?.id, 'task:f2');
});

test('roots are sorted by name; node children are the node tasks by service and slot', () => {
  const model = loadedModel({
    nodes: [node('n2', 'node10'), node('n1', 'node2')],
    services: [service('s1', 'web'), service('s2', 'api')],
    tasks: [
      task('t1', 's1', { slot: 2, node: 'n1' }),
      task('t2', 's2', { slot: 1, node: 'n1' }),
      task('t3', 's1', { slot: 1, node: 'n1' }),
    ],
  });
  assert.deepEqual(
    nodeRoots(model).map((e) => e.label),
    ['node2', 'node10'],
  );
  assert.deepEqual(
    serviceRoots(model).map((e) => e.label),
    ['api', 'web'],
  );
  assert.deepEqual(
    nodeChildren(model, 'n1').map((e) => e.label),
    ['api.1', 'web.1', 'web.2'],
  );
});

test('networks: driver, scope, subnet and attached services', () => {
  const model = loadedModel({
    services: [
      service('s1', 'web', { networks: ['net1'] }),
      service('s2', 'db', { networks: ['backend'] }),
      service('s3', 'x'),
    ],
    networks: [
      {
        Id: 'net1',
        Name: 'backend',
        Driver: 'overlay',
        Scope: 'swarm',
        IPAM: { Config: [{ Subnet: '10.1.0.0/24' }] },
      },
    ],
  });
  const [entry] = networkRoots(model);
  assert.equal(entry?.description, 'overlay \u00b7 swarm \u00b7 10.1.0.0/24 \u00b7 2 services');
  assert.equal(entry?.contextValue, 'network.overlay');
  const children = networkChildren(model, 'net1');
  assert.deepEqual(
    children.map((c) => c.label),
    ['db', 'web'],
  );
  assert.equal(children[0]?.id, 'network:net1/service:s2');
  assert.equal(children[0]?.contextValue, 'service.replicated');
});

test('IDs hold identity only: an update changes labels but not IDs', () => {
  const before = serviceEntry(service('s1', 'web'), []);
  const after = serviceEntry(service('s1', 'web', { image: 'other:2', index: 9 }), [task('a', 's1')]);
  assert.equal(before.id, after.id);
  assert.notEqual(before.description, after.description);
});

test('names are escaped in markdown tooltips', () => {
  const entry = nodeEntry(node('n1', '**evil**<img src=x>'), 0);
  assert.match(entry.tooltip ?? '', /\\\*\\\*evil\\\*\\\*\\<img src=x\\>/);
  assert.equal(md('a_b'), 'a\\_b');
});

test('when not connected the view shows why, with a fix-it command', () => {
  const notRunning = connectionMessage({
    kind: 'reconnecting',
    endpoint: 'unix:///x',
    message: 'no agent',
    reason: 'not-running',
    retryInMs: 500,
    attempt: 1,
  });
  assert.equal(notRunning?.command?.command, 'shoal.agent.start');
  assert.equal(notRunning?.contextValue, 'message.not-running');
  const config = connectionMessage({ kind: 'disconnected', endpoint: '', message: 'bad', reason: 'config' });
  assert.equal(config?.command?.command, 'shoal.agent.openSettings');
  const token = connectionMessage({
    kind: 'disconnected',
    endpoint: 'x',
    message: 'no',
    reason: 'unauthorized',
  });
  assert.equal(token?.command?.command, 'shoal.agent.setToken');
  assert.equal(connectionMessage({ kind: 'connected', endpoint: 'x', agentVersion: '1' }), undefined);
  assert.equal(emptyMessage('services').command?.command, 'shoal.service.create');
});

test('formatting', () => {
  assert.equal(formatCpus(1e9), '1 CPU');
  assert.equal(formatCpus(5e8), '0.5 CPUs');
  assert.equal(formatBytes(8 * 1024 ** 3), '8 GiB');
  assert.equal(formatBytes(1536 * 1024 ** 2), '1.5 GiB');
  assert.equal(formatPort({ TargetPort: 53, Protocol: 'udp' }), '53/udp');
});

test('a full tree build covers every service, node and their tasks', () => {
  const model = loadedModel({
    nodes: [node('n1', 'node1')],
    services: [service('s1', 'web')],
    tasks: [task('t1', 's1', { slot: 1, node: 'n1' })],
  });
  assert.equal(buildFullTrees(model).count, 4);
});
