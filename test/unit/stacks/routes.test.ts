import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import type { RouteContext } from '../../../agent/api/context';
import { Dispatcher } from '../../../agent/api/dispatcher';
import { stackRoutes, type StackLoader } from '../../../agent/api/routes/stacks';
import type { ComposeDiagnostic, ComposeLoadResult } from '../../../agent/compose/types';
import type { StackDeployResult, StackErrorBody, StackPlan, StackSummary } from '../../../agent/stacks/types';
import { MemoryStore } from '../../../agent/store/memory';
import type { Service, Task } from '../../../agent/types/swarm';
import { InvalidArgumentError } from '../../../agent/util/errors';
import { FakeNodeManager } from '../api/fake-node-manager';
import { startTestAgent } from '../api/harness';
import { seedTask } from '../api/swarm-fixtures';
import { converted, stackService } from './fixtures';

const warning: ComposeDiagnostic = {
  severity: 'warning',
  message: 'ignoring unsupported option: build',
  file: '/src/stack.yml',
  line: 4,
  column: 5,
  endLine: 4,
  endColumn: 10,
  keyPath: 'services.web.build',
};

function error(line: number, message: string): ComposeDiagnostic {
  return { ...warning, severity: 'error', line, message, keyPath: 'services.web.image' };
}

/** A loader that answers by the compose file's content: `ok`, `ok2` (a second version), or `broken`. */
const loader: StackLoader & { env?: Record<string, string> } = {
  load(name, files, env): ComposeLoadResult {
    loader.env = env;
    if (files.compose.content === 'broken') {
      return { diagnostics: [warning, error(7, 'image is required'), error(9, 'bad port'), error(12, 'x')] };
    }
    const image = files.compose.content === 'ok2' ? 'shoal/web:v2' : 'shoal/web:latest';
    const stack = converted(name, [
      stackService(name, 'web'),
      stackService(name, 'api', (s) => (s.TaskTemplate.ContainerSpec.Image = image)),
    ]);
    return { stack, diagnostics: [warning] };
  },
  validateName(name) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new InvalidArgumentError(`invalid stack name "${name}"`);
  },
};

function setup() {
  const store = new MemoryStore();
  const log = { info() {}, warn() {}, error() {} };
  const context: RouteContext = {
    store,
    nodes: new FakeNodeManager(store),
    version: 'test',
    agentNodeId: 'agent',
    agentAddress: () => '127.0.0.1',
    log,
    startedAt: new Date().toISOString(),
  };
  const dispatcher = new Dispatcher(stackRoutes(context, loader), log);
  const call = async <T>(method: string, url: string, body?: unknown) => {
    const response = await dispatcher.dispatch({ method, url, body });
    return { status: response.status, body: response.body as T };
  };
  return { store, call };
}

const request = (content: string, extra: object = {}) => ({
  files: { compose: { path: '/src/stack.yml', content } },
  env: { TAG: 'v1' },
  ...extra,
});

test('plan applies nothing; deploy applies; both pass the warnings and the environment through', async () => {
  const { store, call } = setup();
  const plan = await call<StackPlan>('POST', '/shoal/stacks/app/plan', request('ok'));
  assert.equal(plan.status, 200);
  assert.deepEqual(
    plan.body.services.map((s) => s.action),
    ['create', 'create'],
  );
  assert.deepEqual(plan.body.warnings, [warning]);
  assert.deepEqual(loader.env, { TAG: 'v1' });
  assert.deepEqual(store.collection('services').list(), []);

  const deployed = await call<StackDeployResult>('POST', '/v1.41/shoal/stacks/app/deploy', request('ok'));
  assert.equal(deployed.status, 200);
  assert.deepEqual(Object.keys(deployed.body.serviceIds), ['app_web', 'app_api']);
  const again = await call<StackPlan>('POST', '/shoal/stacks/app/plan', request('ok2', { prune: true }));
  assert.deepEqual(
    again.body.services.map((s) => [s.name, s.action, s.changes?.map((c) => c.path)]),
    [
      ['app_web', 'unchanged', undefined],
      ['app_api', 'update', ['TaskTemplate.ContainerSpec.Image']],
    ],
  );
});

test('a compose file with errors: 400, the first error with its place and how many more, all diagnostics', async () => {
  const { store, call } = setup();
  const response = await call<StackErrorBody>('POST', '/shoal/stacks/app/deploy', request('broken'));
  assert.equal(response.status, 400);
  assert.equal(response.body.message, '/src/stack.yml:7:5: image is required (and 2 more errors)');
  assert.equal(response.body.diagnostics.length, 4);
  assert.deepEqual(store.collection('services').list(), []);
});

test('bad requests and names: 400 in the same shape', async () => {
  const { call } = setup();
  const cases: Array<[string, unknown, RegExp]> = [
    ['app', { files: {} }, /files\.compose is required/],
    ['app', { files: { compose: { path: '/a', content: 1 } } }, /files\.compose\.content must be a string/],
    ['app', { ...request('ok'), env: { A: 1 } }, /env: the value of "A" must be a string/],
    ['app', { ...request('ok'), prune: 'yes' }, /prune must be true or false/],
    ['app', { ...request('ok'), extra: 1 }, /unknown field "extra" in stack request/],
    ['App!', request('ok'), /invalid stack name "App!"/],
  ];
  for (const [name, body, pattern] of cases) {
    const response = await call<StackErrorBody>(
      'POST',
      `/shoal/stacks/${encodeURIComponent(name)}/plan`,
      body,
    );
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match(response.body.message, pattern);
    assert.deepEqual(response.body.diagnostics, []);
  }
});

test('ls, services, tasks and rm; 404 for a stack with nothing in it', async () => {
  const { store, call } = setup();
  await call('POST', '/shoal/stacks/app/deploy', request('ok'));
  const web = store
    .collection<Service>('services')
    .list()
    .find((s) => s.Spec.Name === 'app_web')!;
  seedTask(store, { id: 'task1', serviceId: web.ID, slot: 1 });

  assert.deepEqual((await call<StackSummary[]>('GET', '/shoal/stacks')).body, [
    { name: 'app', services: 2, orchestrator: 'Swarm' },
  ]);
  const services = await call<Service[]>('GET', '/shoal/stacks/app/services');
  assert.deepEqual(
    services.body.map((s) => [s.Spec.Name, s.ServiceStatus?.RunningTasks]),
    [
      ['app_api', 0],
      ['app_web', 1],
    ],
  );
  const tasks = await call<Task[]>('GET', '/shoal/stacks/app/tasks');
  assert.deepEqual(
    tasks.body.map((t) => t.ID),
    ['task1'],
  );
  for (const [method, url] of [
    ['GET', '/shoal/stacks/nope/services'],
    ['GET', '/shoal/stacks/nope/tasks'],
    ['DELETE', '/shoal/stacks/nope'],
  ] as const) {
    const missing = await call<{ message: string }>(method, url);
    assert.equal(missing.status, 404, url);
    assert.equal(missing.body.message, 'nothing found in stack: nope');
  }
  const removed = await call('DELETE', '/shoal/stacks/app');
  assert.deepEqual(removed, {
    status: 200,
    body: { services: ['app_web', 'app_api'], networks: ['app_default'] },
  });
  assert.deepEqual((await call('GET', '/shoal/stacks')).body, []);
});

test('with the compose loader, over HTTP: a broken file is a 400 naming the place; a bad name too', async () => {
  const agent = await startTestAgent();
  try {
    const target = { socketPath: agent.socketPath };
    const content = 'services:\n  web:\n    image: shoal/web:latest\n    deploy:\n      replicas: two\n';
    const broken = await requestAgent(target, 'POST', '/v1.41/shoal/stacks/app/deploy', {
      files: { compose: { path: '/src/stack.yml', content } },
    });
    assert.equal(broken.status, 400);
    const body = broken.body as StackErrorBody;
    assert.match(body.message, /^\/src\/stack\.yml:5:17: /);
    assert.equal(body.diagnostics[0]?.keyPath, 'services.web.deploy.replicas');
    assert.deepEqual(agent.store.collection('services').list(), []);

    const badName = await requestAgent(target, 'POST', '/shoal/stacks/My%20App/plan', {
      files: { compose: { path: '/src/stack.yml', content } },
    });
    assert.equal(badName.status, 400);
    assert.match((badName.body as StackErrorBody).message, /invalid stack name "My App"/);
    const list = await requestAgent(target, 'GET', '/shoal/stacks/My%20App/services');
    assert.equal(list.status, 400);
  } finally {
    await agent.close();
  }
});
