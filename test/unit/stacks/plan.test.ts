import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import { createService, updateService } from '../../../agent/api/swarm/service-mutations';
import { createNetwork } from '../../../agent/api/swarm/networks';
import { deployStack } from '../../../agent/stacks/deploy';
import { planStack } from '../../../agent/stacks/plan';
import { MemoryStore } from '../../../agent/store/memory';
import type { Service } from '../../../agent/types/swarm';
import { converted, stackNetwork, stackService } from './fixtures';

const policy = {};
const services = (store: MemoryStore) => store.collection<Service>('services');
const byName = (store: MemoryStore, name: string) =>
  services(store)
    .list()
    .find((s) => s.Spec.Name === name);

function threeServices() {
  return converted('app', [
    stackService('app', 'web'),
    stackService('app', 'api'),
    stackService('app', 'db', (s) => (s.Mode = { Replicated: { Replicas: 1 } })),
  ]);
}

test('an empty cluster: every service and network is created', () => {
  const plan = planStack(new MemoryStore(), threeServices());
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.key, s.action]),
    [
      ['app_web', 'web', 'create'],
      ['app_api', 'api', 'create'],
      ['app_db', 'db', 'create'],
    ],
  );
  assert.deepEqual(plan.networks, [{ name: 'app_default', key: 'default', action: 'create' }]);
  assert.deepEqual(plan.warnings, []);
});

test('the same file again: everything unchanged, nothing to write', () => {
  const store = new MemoryStore();
  deployStack(store, threeServices(), policy);
  const plan = planStack(store, threeServices());
  assert.deepEqual(
    plan.services.map((s) => s.action),
    ['unchanged', 'unchanged', 'unchanged'],
  );
  assert.ok(plan.services.every((s) => s.id !== undefined && s.changes === undefined));
  assert.deepEqual(plan.networks, [{ name: 'app_default', key: 'default', action: 'exists' }]);
});

test('one changed service: an update listing exactly the fields that differ, before and after', () => {
  const store = new MemoryStore();
  deployStack(store, threeServices(), policy);
  const next = threeServices();
  const api = next.services[1]!.spec;
  api.TaskTemplate.ContainerSpec.Image = 'shoal/web:v2';
  api.Labels!['com.docker.stack.image'] = 'shoal/web:v2';
  api.UpdateConfig = { Parallelism: 2 };
  const plan = planStack(store, next);
  assert.deepEqual(
    plan.services.map((s) => s.action),
    ['unchanged', 'update', 'unchanged'],
  );
  assert.equal(plan.services[1]?.id, byName(store, 'app_api')?.ID);
  assert.deepEqual(plan.services[1]?.changes, [
    { path: 'Labels["com.docker.stack.image"]', before: 'shoal/web:latest', after: 'shoal/web:v2' },
    { path: 'TaskTemplate.ContainerSpec.Image', before: 'shoal/web:latest', after: 'shoal/web:v2' },
    { path: 'UpdateConfig.Parallelism', before: 1, after: 2 },
  ]);
});

test('added and removed fields and list changes are reported whole', () => {
  const store = new MemoryStore();
  deployStack(store, converted('app', [stackService('app', 'web')]), policy);
  const plan = planStack(
    store,
    converted('app', [
      stackService('app', 'web', (s) => {
        s.TaskTemplate.ContainerSpec.Env = ['A=1'];
        s.TaskTemplate.Placement = { Constraints: ['node.labels.zone==west'] };
        delete s.TaskTemplate.ContainerSpec.Labels;
      }),
    ]),
  );
  assert.deepEqual(plan.services[0]?.changes, [
    { path: 'TaskTemplate.ContainerSpec.Env', after: ['A=1'] },
    { path: 'TaskTemplate.ContainerSpec.Labels["com.docker.stack.namespace"]', before: 'app' },
    { path: 'TaskTemplate.Placement.Constraints', after: ['node.labels.zone==west'] },
  ]);
});

test('specs compare as the routes store them: zero values, defaults and Docker spellings are not changes', () => {
  const store = new MemoryStore();
  createNetwork(store, {
    Name: 'app_default',
    Driver: 'overlay',
    Labels: { 'com.docker.stack.namespace': 'app' },
  });
  // As `docker stack deploy` (CLI 28) sends it: an empty Order, explicit zero values and empty structs.
  createService(
    store,
    {
      Name: 'app_web',
      Labels: { 'com.docker.stack.image': 'shoal/web:latest', 'com.docker.stack.namespace': 'app' },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'shoal/web:latest',
          Labels: { 'com.docker.stack.namespace': 'app' },
          Privileges: { CredentialSpec: null, SELinuxContext: null, NoNewPrivileges: false },
        },
        Resources: {},
        Placement: {},
        Networks: [{ Target: 'app_default', Aliases: ['web'] }],
        ForceUpdate: 0,
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, MaxFailureRatio: 0, Order: '' },
      EndpointSpec: {},
    },
    policy,
  );
  const withConfig = stackService('app', 'web', (s) => {
    s.UpdateConfig = { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause' };
    s.TaskTemplate.ContainerSpec.StopGracePeriod = 10e9;
    s.TaskTemplate.RestartPolicy = { Condition: 'any' };
  });
  assert.deepEqual(planStack(store, converted('app', [withConfig])).services[0]?.changes, undefined);
  // Parallelism 0 (all at once) is not the default 1, though 0 is a zero value.
  const allAtOnce = stackService('app', 'web', (s) => (s.UpdateConfig = { Parallelism: 0 }));
  assert.deepEqual(planStack(store, converted('app', [allAtOnce])).services[0]?.changes, [
    { path: 'UpdateConfig.Parallelism', before: 1 },
  ]);
});

test('a rich compose file, loaded and deployed, then planned again: nothing to change', () => {
  const file = path.join(__dirname, '../../fixtures/stacks/rich.yml');
  const files = { compose: { path: file, content: fs.readFileSync(file, 'utf8') } };
  const store = new MemoryStore();
  createNetwork(store, { Name: 'shared', Driver: 'overlay' });
  const loaded = loadStack('rich', files, {});
  assert.ok(loaded.stack, JSON.stringify(loaded.diagnostics));
  deployStack(store, loaded.stack, policy);
  const again = loadStack('rich', files, {}).stack!;
  assert.deepEqual(
    planStack(store, again).services.map((s) => [s.name, s.action]),
    [
      ['rich_web', 'unchanged'],
      ['rich_api', 'unchanged'],
      ['rich_job', 'unchanged'],
    ],
  );
});

test('a mode with no replica count is 1 replica, as stored', () => {
  const store = new MemoryStore();
  const one = (mode: object | undefined) =>
    converted('app', [
      stackService('app', 'db', (s) => {
        if (mode) s.Mode = mode;
        else delete s.Mode;
      }),
    ]);
  deployStack(store, one({ Replicated: { Replicas: 1 } }), policy);
  assert.equal(planStack(store, one(undefined)).services[0]?.action, 'unchanged');
  assert.equal(planStack(store, one({ Replicated: {} })).services[0]?.action, 'unchanged');
});

test('the current ForceUpdate is kept, as docker stack deploy does', () => {
  const store = new MemoryStore();
  deployStack(store, converted('app', [stackService('app', 'web')]), policy);
  const web = byName(store, 'app_web')!;
  updateService(
    store,
    web.ID,
    web.Version.Index,
    { ...web.Spec, TaskTemplate: { ...web.Spec.TaskTemplate, ForceUpdate: 3 } },
    policy,
  );
  assert.equal(
    planStack(store, converted('app', [stackService('app', 'web')])).services[0]?.action,
    'unchanged',
  );
});

test('prune: services no longer in the file are removed; without it they are left alone and not listed', () => {
  const store = new MemoryStore();
  deployStack(store, threeServices(), policy);
  const smaller = converted('app', [stackService('app', 'web')]);
  assert.deepEqual(
    planStack(store, smaller).services.map((s) => [s.name, s.action]),
    [['app_web', 'unchanged']],
  );
  const pruned = planStack(store, smaller, { prune: true });
  assert.deepEqual(
    pruned.services.map((s) => [s.name, s.key, s.action, s.id]),
    [
      ['app_web', 'web', 'unchanged', byName(store, 'app_web')?.ID],
      ['app_api', undefined, 'remove', byName(store, 'app_api')?.ID],
      ['app_db', undefined, 'remove', byName(store, 'app_db')?.ID],
    ],
  );
});

test('other stacks and standalone services are never part of the plan', () => {
  const store = new MemoryStore();
  deployStack(store, threeServices(), policy);
  deployStack(store, converted('other', [stackService('other', 'web')]), policy);
  createService(store, { Name: 'loner', TaskTemplate: { ContainerSpec: { Image: 'x' } } }, policy);
  const plan = planStack(store, converted('other', [stackService('other', 'api')]), { prune: true });
  assert.deepEqual(
    plan.services.map((s) => [s.name, s.action]),
    [
      ['other_api', 'create'],
      ['other_web', 'remove'],
    ],
  );
});

test('a service or network of the same name outside the stack is a conflict naming it', () => {
  const store = new MemoryStore();
  createService(store, { Name: 'app_web', TaskTemplate: { ContainerSpec: { Image: 'x' } } }, policy);
  assert.throws(
    () => planStack(store, converted('app', [stackService('app', 'web')])),
    (error: Error & { status?: number }) =>
      error.status === 409 &&
      /service app_web exists and is not part of stack app \(it belongs to no stack\)/.test(error.message),
  );
  const other = new MemoryStore();
  createNetwork(other, {
    Name: 'app_default',
    Driver: 'overlay',
    Labels: { 'com.docker.stack.namespace': 'x' },
  });
  assert.throws(
    () => planStack(other, converted('app', [stackService('app', 'web')])),
    /network app_default exists and is not part of stack app \(it belongs to stack x\)/,
  );
});

test('external networks: used when they exist, an error naming them when they do not', () => {
  const store = new MemoryStore();
  const stack = converted(
    'app',
    [stackService('app', 'web', (s) => (s.TaskTemplate.Networks = [{ Target: 'shared', Aliases: ['web'] }]))],
    [stackNetwork('app', 'shared', true)],
  );
  assert.throws(
    () => planStack(store, stack),
    (error: Error & { status?: number }) =>
      error.status === 400 &&
      /network "shared" is declared as external, but could not be found/.test(error.message),
  );
  createNetwork(store, { Name: 'shared', Driver: 'overlay', Labels: {} });
  assert.deepEqual(planStack(store, stack).networks, [{ name: 'shared', key: 'shared', action: 'external' }]);
});
