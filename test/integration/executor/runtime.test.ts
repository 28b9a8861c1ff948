import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, test } from 'node:test';
import { containerLogs } from '../../../agent/executor/logs';
import type { LogLine } from '../../../agent/executor/log-lines';
import {
  createAndStart,
  inspectStatus,
  listTaskContainers,
  remove,
  stop,
} from '../../../agent/executor/runtime';
import { engineJson } from '../../../agent/executor/engine-request';
import {
  configFor,
  removeClusterContainers,
  testNodes,
  uniqueId,
  waitForStatus,
  type TestNode,
} from './helpers';

const SECOND = 1e9;
const CLUSTER = uniqueId('it-cluster-');
const OTHER_CLUSTER = uniqueId('it-other-');
let nodes: TestNode[];
let node1: TestNode;

before(() => {
  nodes = testNodes();
  node1 = nodes[0]!;
});

after(async () => {
  await removeClusterContainers(nodes, [CLUSTER, OTHER_CLUSTER]);
});

test('a task container is created, started and seen running; a second create adopts it', async () => {
  const config = configFor(node1, CLUSTER, { Name: 'plain' });
  const first = await createAndStart(node1.engine, config);
  assert.equal(first.adopted, false);
  const status = await waitForStatus(node1, first.containerId, (s) => s.state === 'running');
  assert.equal(status.message, 'started');

  const again = await createAndStart(node1.engine, config);
  assert.deepEqual(again, { containerId: first.containerId, adopted: true });
  const named = await node1.engine.call('list', (docker, signal) =>
    engineJson<unknown[]>(docker, signal, {
      method: 'GET',
      path: '/containers/json',
      query: { all: true, filters: { name: [config.name] } },
    }),
  );
  assert.equal(named.length, 1);
});

test('a container of the same name that belongs to another task is a conflict, not adopted', async () => {
  const config = configFor(node1, CLUSTER, { Name: 'squatted' });
  await createAndStart(node1.engine, config);
  const impostor = { ...config, taskId: 'someone-else' };
  await assert.rejects(createAndStart(node1.engine, impostor), (e: Error & { status?: number }) => {
    assert.equal(e.status, 409);
    assert.match(e.message, /not a container of task someone-else/);
    return true;
  });
});

test('with a healthcheck the task is starting until healthy, then running', async () => {
  const config = configFor(node1, CLUSTER, {
    Name: 'healthy',
    TaskTemplate: {
      ContainerSpec: {
        Image: 'shoal/web:latest',
        Healthcheck: { Test: ['CMD', 'true'], Interval: 2 * SECOND, Timeout: SECOND, Retries: 1 },
      },
    },
  });
  const { containerId } = await createAndStart(node1.engine, config);
  const early = await inspectStatus(node1.engine, containerId);
  assert.equal(early.state, 'starting', 'no health result yet right after start');
  await waitForStatus(node1, containerId, (s) => s.state === 'running');
});

test('a failing healthcheck fails the task', async () => {
  const config = configFor(node1, CLUSTER, {
    Name: 'sick',
    TaskTemplate: {
      ContainerSpec: {
        Image: 'shoal/web:latest',
        Healthcheck: { Test: ['CMD', 'false'], Interval: SECOND, Timeout: SECOND, Retries: 1 },
      },
    },
  });
  const { containerId } = await createAndStart(node1.engine, config);
  const status = await waitForStatus(node1, containerId, (s) => s.state !== 'starting');
  assert.equal(status.state, 'failed');
  assert.equal(status.err, 'dockerexec: unhealthy container');
});

test('a crashing task fails with its exit code, and its output is in the logs by stream', async () => {
  const config = configFor(node1, CLUSTER, {
    Name: 'crash',
    TaskTemplate: {
      ContainerSpec: {
        Image: 'shoal/web:latest',
        Args: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 1'],
      },
    },
  });
  const { containerId } = await createAndStart(node1.engine, config);
  const status = await waitForStatus(
    node1,
    containerId,
    (s) => s.state === 'failed' || s.state === 'complete',
  );
  assert.deepEqual([status.state, status.err, status.exitCode], ['failed', 'task: non-zero exit (1)', 1]);

  const lines: LogLine[] = [];
  for await (const line of await containerLogs(node1.engine, containerId, { timestamps: true })) {
    lines.push(line as LogLine);
  }
  assert.deepEqual(lines.map((l) => [l.stream, l.line]).sort(), [
    ['stderr', 'to-err'],
    ['stdout', 'to-out'],
  ]);
  assert.ok(lines.every((l) => l.timestamp && !Number.isNaN(Date.parse(l.timestamp))));
});

test('a host-mode published port answers on the node address; env and templates reach the container', async () => {
  const config = configFor(node1, CLUSTER, {
    Name: 'published',
    TaskTemplate: {
      ContainerSpec: {
        Image: 'shoal/web:latest',
        Hostname: '{{.Node.Hostname}}-{{.Service.Name}}',
        Env: ['SHOW_ENV=GREETING', 'GREETING=hello'],
      },
    },
    EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 0, PublishMode: 'host' }] },
  });
  const { containerId } = await createAndStart(node1.engine, config);
  const status = await waitForStatus(node1, containerId, (s) => s.state === 'running' && s.ports.length > 0);
  const port = status.ports[0]!;
  assert.equal(port.TargetPort, 80);
  assert.ok(port.PublishedPort && port.PublishedPort > 0, 'an ephemeral port was bound');
  const page = await httpGet(`http://${node1.address}:${port.PublishedPort}/`);
  assert.match(page, /^node1-published$/m);
  const env = await httpGet(`http://${node1.address}:${port.PublishedPort}/cgi-bin/env`);
  assert.match(env, /^GREETING=hello$/m);
});

test('stop is quick (SIGTERM is honoured) and remove is idempotent', async () => {
  const config = configFor(node1, CLUSTER, { Name: 'stoppable' });
  const { containerId } = await createAndStart(node1.engine, config);
  await waitForStatus(node1, containerId, (s) => s.state === 'running');
  const started = Date.now();
  await stop(node1.engine, containerId, config.stopGraceSeconds);
  assert.ok(Date.now() - started < 5000, `stop took ${Date.now() - started} ms`);
  const stopped = await inspectStatus(node1.engine, containerId);
  assert.notEqual(stopped.state, 'running');
  await stop(node1.engine, containerId, 1);
  await remove(node1.engine, containerId);
  await remove(node1.engine, containerId);
  await stop(node1.engine, containerId, 1);
  await assert.rejects(
    inspectStatus(node1.engine, containerId),
    (e: Error & { status?: number }) => e.status === 404,
  );
});

test('listTaskContainers finds our tasks and flags another cluster’s as foreign', async () => {
  const ours = await createAndStart(node1.engine, configFor(node1, CLUSTER, { Name: 'listed' }));
  const theirs = await createAndStart(node1.engine, configFor(node1, OTHER_CLUSTER, { Name: 'alien' }));
  const listed = await listTaskContainers(node1.engine, CLUSTER);
  const mine = listed.find((c) => c.containerId === ours.containerId);
  const foreign = listed.find((c) => c.containerId === theirs.containerId);
  assert.ok(mine && foreign, 'both are listed');
  assert.equal(mine.foreign, false);
  assert.equal(mine.labels.clusterId, CLUSTER);
  assert.equal(mine.labels.serviceName, 'listed');
  assert.match(mine.name, /^listed\.\d+\./);
  assert.equal(foreign.foreign, true);
  assert.equal(foreign.labels.clusterId, OTHER_CLUSTER);
  assert.ok(['ready', 'starting', 'running'].includes(mine.status.state));
});

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
