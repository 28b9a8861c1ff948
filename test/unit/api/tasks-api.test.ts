import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import type { Service, Task } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from './harness';
import { seedTask } from './swarm-fixtures';

let agent: TestAgent;
let web: Service;
const call = (method: string, path: string) => requestAgent({ socketPath: agent.socketPath }, method, path);
const q = (filters: unknown) => encodeURIComponent(JSON.stringify(filters));

async function ids(filters: unknown): Promise<string[]> {
  const response = await call('GET', `/v1.41/tasks?filters=${q(filters)}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as Task[]).map((t) => t.ID).sort();
}

before(async () => {
  agent = await startTestAgent();
  agent.nodes.seed({ id: 'node1aaaaaaaaaaaaaaaaaaaa', hostname: 'web-1' });
  agent.nodes.seed({ id: 'node2aaaaaaaaaaaaaaaaaaaa', hostname: 'web-2' });
  const services = agent.store.collection<Service>('services');
  web = services.create({
    ID: 'websvc000000000000000000a',
    Spec: { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'x' } } },
    Endpoint: { Spec: {} },
    SpecVersion: { Index: 2 },
  });
  services.create({
    ID: 'apisvc000000000000000000a',
    Spec: { Name: 'api', TaskTemplate: { ContainerSpec: { Image: 'x' } } },
    Endpoint: { Spec: {} },
    SpecVersion: { Index: 1 },
  });
  const node1 = 'node1aaaaaaaaaaaaaaaaaaaa';
  const node2 = 'node2aaaaaaaaaaaaaaaaaaaa';
  seedTask(agent.store, { id: 'aaa1', serviceId: web.ID, slot: 1, nodeId: node1, specVersion: 2 });
  seedTask(agent.store, {
    id: 'aaa2',
    serviceId: web.ID,
    slot: 2,
    nodeId: node2,
    specVersion: 2,
    labels: { k: 'v' },
  });
  seedTask(agent.store, {
    id: 'bbb1',
    serviceId: web.ID,
    slot: 1,
    nodeId: node1,
    specVersion: 1,
    spec: { ContainerSpec: { Image: 'old' } },
    state: 'shutdown',
    desired: 'shutdown',
  });
  seedTask(agent.store, { id: 'ccc1', serviceId: 'apisvc000000000000000000a', slot: 12, nodeId: node2 });
});
after(() => agent.close());

test('tasks filter by service and node (ID or name), in both encodings', async () => {
  assert.deepEqual(await ids({ service: { web: true } }), ['aaa1', 'aaa2', 'bbb1']);
  assert.deepEqual(await ids({ service: [web.ID] }), ['aaa1', 'aaa2', 'bbb1']);
  assert.deepEqual(await ids({ service: { web: true, api: true } }), ['aaa1', 'aaa2', 'bbb1', 'ccc1']);
  assert.deepEqual(await ids({ node: { 'web-2': true } }), ['aaa2', 'ccc1']);
  assert.deepEqual(await ids({ node: ['node1'] }), ['aaa1', 'bbb1']);
  const missing = await call('GET', `/tasks?filters=${q({ service: { nope: true } })}`);
  assert.deepEqual(missing, { status: 404, body: { message: 'service nope not found' } });
  const self = await call('GET', `/tasks?filters=${q({ node: { self: true } })}`);
  assert.equal(self.status, 404, 'the agent is not a node');
});

test('tasks filter by desired-state, label, id prefix and task name prefix', async () => {
  assert.deepEqual(await ids({ 'desired-state': { running: true } }), ['aaa1', 'aaa2', 'ccc1']);
  assert.deepEqual(await ids({ 'desired-state': ['shutdown'] }), ['bbb1']);
  assert.deepEqual(await ids({ label: { 'k=v': true } }), ['aaa2']);
  assert.deepEqual(await ids({ id: { aaa: true } }), ['aaa1', 'aaa2']);
  // Docker matches `name` against `<service>.<slot>.<task id>`: "web.1" is slot 1, not slot 12.
  assert.deepEqual(await ids({ name: { 'web.1': true } }), ['aaa1', 'bbb1']);
  assert.deepEqual(await ids({ name: { 'api.1': true } }), ['ccc1']);
  assert.deepEqual(await ids({ name: { 'api.1.': true } }), []);
  const bad = await call('GET', `/tasks?filters=${q({ 'desired-state': { sleeping: true } })}`);
  assert.equal(bad.status, 400);
  assert.match((bad.body as { message: string }).message, /Invalid desired-state filter: 'sleeping'/);
});

test("_up-to-date keeps the tasks that match their service's current spec (the CLI's progress poll)", async () => {
  // bbb1 has an older spec version and another template: dirty. After a scale (a new spec version, the same
  // template) a running task is still up to date, as swarmkit's IsTaskDirty has it.
  seedTask(agent.store, {
    id: 'ddd1',
    serviceId: web.ID,
    slot: 3,
    nodeId: 'node1aaaaaaaaaaaaaaaaaaaa',
    specVersion: 1,
  });
  try {
    assert.deepEqual(await ids({ service: { web: true }, '_up-to-date': { true: true } }), [
      'aaa1',
      'aaa2',
      'ddd1',
    ]);
  } finally {
    agent.store.collection('tasks').delete('ddd1');
  }
  assert.deepEqual(await ids({ service: { [web.ID]: true }, '_up-to-date': { true: true } }), [
    'aaa1',
    'aaa2',
  ]);
  assert.deepEqual(await ids({ '_up-to-date': ['true'] }), ['aaa1', 'aaa2', 'ccc1']);
});

test('GET /tasks/{id} by ID or prefix, in the Docker shape', async () => {
  const response = await call('GET', '/v1.41/tasks/aaa2');
  assert.equal(response.status, 200);
  const task = response.body as Task;
  assert.equal(task.ServiceID, web.ID);
  assert.equal(task.Slot, 2);
  assert.equal(task.NodeID, 'node2aaaaaaaaaaaaaaaaaaaa');
  assert.equal(task.DesiredState, 'running');
  assert.equal(task.Status.State, 'running');
  assert.deepEqual(task.Labels, { k: 'v' });
  assert.equal(typeof task.Version.Index, 'number');
  assert.equal(typeof task.CreatedAt, 'string');
  assert.equal((await call('GET', '/tasks/ccc')).status, 200);
  const ambiguous = await call('GET', '/tasks/aaa');
  assert.equal(ambiguous.status, 400);
  assert.deepEqual(await call('GET', '/tasks/zzz'), { status: 404, body: { message: 'task zzz not found' } });
});
