import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNetwork } from '../../../agent/api/swarm/networks';
import { createService } from '../../../agent/api/swarm/service-mutations';
import { deployStack } from '../../../agent/stacks/deploy';
import { listStacks, listStackServices, listStackTasks } from '../../../agent/stacks/list';
import { removeStack } from '../../../agent/stacks/remove';
import { MemoryStore } from '../../../agent/store/memory';
import type { ClusterNetwork, Service, Task } from '../../../agent/types/swarm';
import { seedTask } from '../api/swarm-fixtures';
import { converted, stackNetwork, stackService } from './fixtures';

const policy = {};
const servicesIn = (store: MemoryStore) => store.collection<Service>('services').list();
const networksIn = (store: MemoryStore) => store.collection<ClusterNetwork>('networks').list();
const byName = (store: MemoryStore, name: string) => servicesIn(store).find((s) => s.Spec.Name === name);

const message = (pattern: RegExp) => (error: Error) => pattern.test(error.message);

function stack(image = 'shoal/web:latest') {
  return converted(
    'app',
    [
      stackService(
        'app',
        'web',
        (s) => (s.TaskTemplate.Networks = [{ Target: 'app_front', Aliases: ['web'] }]),
      ),
      stackService('app', 'api', (s) => {
        s.TaskTemplate.ContainerSpec.Image = image;
        s.Labels!['com.docker.stack.image'] = image;
      }),
    ],
    [stackNetwork('app', 'front'), stackNetwork('app')],
  );
}

/** Every write to the store, as collection/action/name. */
function recordWrites(store: MemoryStore): string[] {
  const writes: string[] = [];
  store.onChange((c) => {
    const object = c.object as { Spec?: { Name?: string }; ID: string };
    writes.push(`${c.collection} ${c.action} ${object.Spec?.Name ?? object.ID}`);
  });
  return writes;
}

test('deploy creates the networks and services, labelled with the stack, attached by network ID', () => {
  const store = new MemoryStore();
  const result = deployStack(store, stack(), policy);
  assert.deepEqual(
    result.services.map((s) => [s.name, s.action]),
    [
      ['app_web', 'create'],
      ['app_api', 'create'],
    ],
  );
  const networks = networksIn(store);
  assert.deepEqual(
    networks.map((n) => [n.Spec.Name, n.Spec.Labels]),
    [
      ['app_front', { 'com.docker.stack.namespace': 'app' }],
      ['app_default', { 'com.docker.stack.namespace': 'app' }],
    ],
  );
  const web = byName(store, 'app_web');
  assert.equal(result.serviceIds.app_web, web?.ID);
  assert.equal(web?.Spec.Labels?.['com.docker.stack.namespace'], 'app');
  assert.deepEqual(web?.Spec.TaskTemplate.Networks, [{ Target: networks[0]?.ID, Aliases: ['web'] }]);
  assert.equal(byName(store, 'app_api')?.Spec.TaskTemplate.Networks?.[0]?.Target, networks[1]?.ID);
});

test('redeploying: only the changed service is written, as an update that keeps its ID and history', () => {
  const store = new MemoryStore();
  deployStack(store, stack(), policy);
  const before = new Map(servicesIn(store).map((s) => [s.Spec.Name, s]));
  const writes = recordWrites(store);

  const same = deployStack(store, stack(), policy);
  assert.deepEqual(writes, [], 'the same file writes nothing');
  assert.deepEqual(same.serviceIds, {});
  assert.deepEqual(
    same.networks.map((n) => n.action),
    ['exists', 'exists'],
  );

  const changed = deployStack(store, stack('shoal/web:v2'), policy);
  assert.deepEqual(writes, ['services update app_api']);
  assert.deepEqual(
    changed.services.map((s) => [s.name, s.action]),
    [
      ['app_web', 'unchanged'],
      ['app_api', 'update'],
    ],
  );
  const api = byName(store, 'app_api');
  assert.equal(changed.serviceIds.app_api, api?.ID);
  assert.equal(api?.ID, before.get('app_api')?.ID);
  assert.equal(api?.Spec.TaskTemplate.ContainerSpec.Image, 'shoal/web:v2');
  assert.equal(api?.PreviousSpec?.TaskTemplate.ContainerSpec.Image, 'shoal/web:latest');
  assert.deepEqual(byName(store, 'app_web')?.Version, before.get('app_web')?.Version);
});

test('prune removes the services no longer in the file, and marks their tasks for removal', () => {
  const store = new MemoryStore();
  deployStack(store, stack(), policy);
  const api = byName(store, 'app_api')!;
  seedTask(store, { id: 'task1', serviceId: api.ID, slot: 1 });
  const smaller = converted('app', [stack().services[0]!], stack().networks);
  deployStack(store, smaller, policy);
  assert.ok(byName(store, 'app_api'), 'without prune the service stays');
  const result = deployStack(store, smaller, policy, { prune: true });
  assert.deepEqual(
    result.services.map((s) => [s.name, s.action]),
    [
      ['app_web', 'unchanged'],
      ['app_api', 'remove'],
    ],
  );
  assert.equal(byName(store, 'app_api'), undefined);
  assert.equal(store.collection<Task>('tasks').get('task1')?.DesiredState, 'remove');
});

test('a spec the routes would refuse is an error naming the service, and nothing is written', () => {
  const store = new MemoryStore();
  const writes = recordWrites(store);
  const bad = stack();
  bad.services[1]!.spec.TaskTemplate.ContainerSpec.Mounts = [
    { Type: 'bind', Source: '/var/run/docker.sock', Target: '/sock' },
  ];
  assert.throws(
    () => deployStack(store, bad, policy),
    (error: Error & { status?: number }) =>
      error.status === 400 &&
      /^service app_api: TaskTemplate\.ContainerSpec\.Mounts\[0\]\.Source "\/var\/run\/docker\.sock" is refused/.test(
        error.message,
      ),
  );
  assert.deepEqual(writes, []);
});

test('a mode change is refused up front, naming the service', () => {
  const store = new MemoryStore();
  deployStack(store, stack(), policy);
  const writes = recordWrites(store);
  const global = stack('shoal/web:v2');
  global.services[1]!.spec.Mode = { Global: {} };
  assert.throws(
    () => deployStack(store, global, policy),
    message(/^service app_api: service mode change is not allowed: remove the service first/),
  );
  assert.deepEqual(writes, []);
});

test('a failure half-way undoes the steps before it and says which step failed', () => {
  const store = new MemoryStore();
  createNetwork(store, { Name: 'taken', Driver: 'overlay', IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } });
  const writes = recordWrites(store);
  const clashing = stack();
  clashing.networks[1]!.spec.IPAM = { Config: [{ Subnet: '10.9.0.128/25' }] };
  assert.throws(
    () => deployStack(store, clashing, policy),
    (error: Error & { status?: number }) =>
      error.status === 409 &&
      error.message ===
        'failed to create network app_default: subnet 10.9.0.128/25 overlaps with subnet 10.9.0.0/24 of ' +
          'network taken (nothing was applied: the stack is as it was)',
  );
  assert.deepEqual(writes, [], 'app_front, created before, is gone again');
  assert.deepEqual(
    networksIn(store).map((n) => n.Spec.Name),
    ['taken'],
  );
});

test('a network a service names that neither the stack nor the cluster has is an error', () => {
  const store = new MemoryStore();
  const lost = stack();
  lost.services[0]!.spec.TaskTemplate.Networks = [{ Target: 'nowhere' }];
  assert.throws(
    () => deployStack(store, lost, policy),
    message(
      /^service app_web: TaskTemplate\.Networks\[0\]: network nowhere is neither in the stack nor in the cluster/,
    ),
  );
  assert.deepEqual(servicesIn(store), []);
});

test('ls, services and ps read the stack from labels; rm removes its services and own networks only', () => {
  const store = new MemoryStore();
  createNetwork(store, { Name: 'shared', Driver: 'overlay' });
  const app = stack();
  app.networks.push(stackNetwork('app', 'shared', true));
  app.services[0]!.spec.TaskTemplate.Networks!.push({ Target: 'shared' });
  deployStack(store, app, policy);
  deployStack(store, converted('other', [stackService('other', 'web')]), policy);
  createService(store, { Name: 'loner', TaskTemplate: { ContainerSpec: { Image: 'x' } } }, policy);
  const web = byName(store, 'app_web')!;
  seedTask(store, { id: 'task1', serviceId: web.ID, slot: 1 });
  seedTask(store, { id: 'task2', serviceId: byName(store, 'other_web')!.ID, slot: 1 });

  assert.deepEqual(listStacks(store), [
    { name: 'app', services: 2, orchestrator: 'Swarm' },
    { name: 'other', services: 1, orchestrator: 'Swarm' },
  ]);
  const services = listStackServices(store, 'app');
  assert.deepEqual(
    services.map((s) => [s.Spec.Name, s.ServiceStatus]),
    [
      ['app_api', { RunningTasks: 0, DesiredTasks: 2, CompletedTasks: 0 }],
      ['app_web', { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 }],
    ],
  );
  assert.deepEqual(
    listStackTasks(store, 'app').map((t) => t.ID),
    ['task1'],
  );
  assert.throws(() => listStackServices(store, 'nope'), /nothing found in stack: nope/);

  assert.deepEqual(removeStack(store, 'app'), {
    services: ['app_web', 'app_api'],
    networks: ['app_front', 'app_default'],
  });
  assert.deepEqual(
    servicesIn(store).map((s) => s.Spec.Name),
    ['other_web', 'loner'],
  );
  assert.deepEqual(
    networksIn(store).map((n) => n.Spec.Name),
    ['shared', 'other_default'],
  );
  assert.throws(
    () => removeStack(store, 'app'),
    (error: Error & { status?: number }) => error.status === 404,
  );
});

test('rm refuses, removing nothing, while a service outside the stack uses one of its networks', () => {
  const store = new MemoryStore();
  deployStack(store, stack(), policy);
  createService(
    store,
    { Name: 'guest', TaskTemplate: { ContainerSpec: { Image: 'x' }, Networks: [{ Target: 'app_front' }] } },
    policy,
  );
  const writes = recordWrites(store);
  assert.throws(
    () => removeStack(store, 'app'),
    /network app_front of stack app is in use by service guest, outside the stack: remove it first/,
  );
  assert.deepEqual(writes, []);
});
