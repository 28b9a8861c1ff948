import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import type { Service, ServiceSpec, Task } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from './harness';
import { cliCreateBodies, seedNetwork, seedTask } from './swarm-fixtures';

let agent: TestAgent;
const call = (method: string, path: string, body?: unknown) =>
  requestAgent({ socketPath: agent.socketPath }, method, path, body);
const services = () => agent.store.collection<Service>('services');
const q = (filters: unknown) => encodeURIComponent(JSON.stringify(filters));

function spec(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    Name: name,
    TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
    Mode: { Replicated: { Replicas: 2 } },
    ...extra,
  };
}

async function create(body: unknown): Promise<Service> {
  const response = await call('POST', '/v1.41/services/create', body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const { ID } = response.body as { ID: string };
  const service = services().get(ID);
  assert.ok(service);
  return service;
}

before(async () => {
  agent = await startTestAgent();
});
beforeEach(() => {
  for (const t of agent.store.collection<Task>('tasks').list()) agent.store.collection('tasks').delete(t.ID);
  for (const s of services().list()) services().delete(s.ID);
  for (const n of agent.store.collection('networks').list()) agent.store.collection('networks').delete(n.ID);
});
after(() => agent.close());

test('create stores the spec as validated, with the endpoint and SpecVersion 1', async () => {
  const response = await call('POST', '/v1.41/services/create', spec('web'));
  assert.equal(response.status, 201);
  const { ID, Warnings } = response.body as { ID: string; Warnings: unknown[] };
  assert.match(ID, /^[0-9a-z]{25}$/);
  assert.deepEqual(Warnings, []);
  const stored = services().get(ID);
  assert.deepEqual(stored?.Spec, spec('web'));
  assert.deepEqual(stored?.SpecVersion, { Index: 1 });
  assert.deepEqual(stored?.Endpoint, { Spec: {} });
  assert.equal(stored?.PreviousSpec, undefined);
  assert.equal(stored?.UpdateStatus, undefined);
});

test("the CLI's ingress body is refused with the host-mode hint; its host-mode body is accepted", async () => {
  const [ingress, hostMode] = cliCreateBodies();
  const refused = await call('POST', '/services/create', ingress?.body);
  assert.equal(refused.status, 400);
  assert.match(
    (refused.body as { message: string }).message,
    /EndpointSpec\.Ports\[0\].*--publish mode=host,target=80,published=8080/,
  );
  assert.equal(services().list().length, 0);

  // Its --network names a network the CLI resolved first; here it is the network's name.
  const network = seedNetwork(agent.store, 'net000000000000000000001', 'n1');
  const service = await create(hostMode?.body);
  assert.equal(service.Spec.Name, 'w2');
  assert.deepEqual(service.Spec.TaskTemplate.Networks, [{ Target: network.ID }], 'stored as the network ID');
  assert.deepEqual(service.Endpoint.Ports, [
    { Protocol: 'tcp', TargetPort: 80, PublishedPort: 81, PublishMode: 'host' },
  ]);
  assert.deepEqual(service.Spec.TaskTemplate.Placement, { Constraints: ['node.labels.x==y'] });
});

test('a spec without a mode is stored as 1 replica, as Docker stores it', async () => {
  const service = await create({ Name: 'single', TaskTemplate: { ContainerSpec: { Image: 'x' } } });
  assert.deepEqual(service.Spec.Mode, { Replicated: { Replicas: 1 } });
  const job = await create({
    Name: 'job',
    TaskTemplate: { ContainerSpec: { Image: 'x' } },
    Mode: { ReplicatedJob: { MaxConcurrent: 2 } },
  });
  assert.deepEqual(job.Spec.Mode, { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } });
});

test('secrets and configs are listed empty (docker stack rm reads them) and cannot be created', async () => {
  for (const kind of ['secrets', 'configs']) {
    const filters = q({ label: { 'com.docker.stack.namespace=app': true } });
    assert.deepEqual(await call('GET', `/v1.41/${kind}?filters=${filters}`), { status: 200, body: [] });
    assert.equal((await call('GET', `/${kind}/x`)).status, 404);
    const created = await call('POST', `/${kind}/create`, { Name: 'x' });
    assert.equal(created.status, 501);
  }
});

test('a network target that does not exist is a 404 and nothing is stored', async () => {
  const body = spec('web', {
    TaskTemplate: { ContainerSpec: { Image: 'x' }, Networks: [{ Target: 'nope' }] },
  });
  const response = await call('POST', '/services/create', body);
  assert.equal(response.status, 404);
  assert.match(
    (response.body as { message: string }).message,
    /TaskTemplate\.Networks\[0\]: network nope not found/,
  );
  assert.equal(services().list().length, 0);
});

test('a second service of the same name (in any case) is a 409 in Docker words', async () => {
  await create(spec('web'));
  for (const name of ['web', 'WEB']) {
    const response = await call('POST', '/services/create', spec(name));
    assert.equal(response.status, 409);
    assert.deepEqual(response.body, {
      message: 'rpc error: code = AlreadyExists desc = name conflicts with an existing object',
    });
  }
  assert.equal(services().list().length, 1);
});

test('bad specs are 400s naming the field, and store nothing', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...spec('a'), Bogus: 1 }, /unknown field Bogus/],
    [spec('b', { Mode: { Replicated: { Replicas: -1 } } }), /Mode\.Replicated\.Replicas/],
    [
      spec('c', {
        TaskTemplate: { ContainerSpec: { Image: 'x' }, Placement: { Constraints: ['node.nope'] } },
      }),
      /constraint/,
    ],
    [
      spec('d', {
        EndpointSpec: {
          Ports: [
            { TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
            { TargetPort: 81, PublishedPort: 8080, PublishMode: 'host' },
          ],
        },
      }),
      /EndpointSpec\.Ports\[1\]: published port 8080\/tcp is already used by EndpointSpec\.Ports\[0\]/,
    ],
    [[1, 2], /must be a JSON object/],
  ];
  for (const [body, message] of cases) {
    const response = await call('POST', '/services/create', body);
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match((response.body as { message: string }).message, message);
  }
  assert.equal(services().list().length, 0);
});

test('list filters by id, name, label and mode, in both filter encodings', async () => {
  const web = await create(spec('web', { Labels: { tier: 'front', team: 'a' } }));
  const api = await create(spec('api', { Labels: { tier: 'back' } }));
  const agentSvc = await create(spec('webhook', { Mode: { Global: {} } }));
  const names = async (filters: unknown) => {
    const response = await call('GET', `/v1.41/services?filters=${q(filters)}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body as Service[]).map((s) => s.Spec.Name).sort();
  };
  for (const [current, legacy, expected] of [
    [{ name: { web: true } }, { name: ['web'] }, ['web', 'webhook']],
    [{ id: { [web.ID.slice(0, 6)]: true } }, { id: [web.ID.slice(0, 6)] }, ['web']],
    [{ label: { 'tier=front': true } }, { label: ['tier=front'] }, ['web']],
    [{ label: { tier: true } }, { label: ['tier'] }, ['api', 'web']],
    [{ mode: { global: true } }, { mode: ['global'] }, ['webhook']],
    [{ mode: { replicated: true } }, { mode: ['replicated'] }, ['api', 'web']],
  ] as const) {
    assert.deepEqual(await names(current), expected, JSON.stringify(current));
    assert.deepEqual(await names(legacy), expected, JSON.stringify(legacy));
  }
  assert.ok(api.ID && agentSvc.ID);
  const bad = await call('GET', `/services?filters=${q({ mode: { nope: true } })}`);
  assert.equal(bad.status, 400);
  assert.match((bad.body as { message: string }).message, /Invalid filter: 'mode'='nope'/);
  const unknown = await call('GET', `/services?filters=${q({ node: { x: true } })}`);
  assert.equal(unknown.status, 400);
});

test('status=true counts tasks: running, desired (replicas or runnable tasks), completed', async () => {
  const web = await create(spec('web', { Mode: { Replicated: { Replicas: 3 } } }));
  const global = await create(spec('agent', { Mode: { Global: {} } }));
  seedTask(agent.store, { id: 't1', serviceId: web.ID, slot: 1, state: 'running' });
  seedTask(agent.store, { id: 't2', serviceId: web.ID, slot: 2, state: 'starting' });
  seedTask(agent.store, { id: 't3', serviceId: web.ID, slot: 3, state: 'running', desired: 'shutdown' });
  seedTask(agent.store, { id: 't4', serviceId: web.ID, slot: 3, state: 'failed', desired: 'shutdown' });
  seedTask(agent.store, { id: 'g1', serviceId: global.ID, nodeId: 'n1', state: 'running' });
  seedTask(agent.store, { id: 'g2', serviceId: global.ID, nodeId: 'n2', state: 'pending' });
  seedTask(agent.store, {
    id: 'g3',
    serviceId: global.ID,
    nodeId: 'n3',
    state: 'shutdown',
    desired: 'shutdown',
  });
  const response = await call('GET', '/v1.41/services?status=true');
  const byName = new Map((response.body as Service[]).map((s) => [s.Spec.Name, s.ServiceStatus]));
  assert.deepEqual(byName.get('web'), { RunningTasks: 1, DesiredTasks: 3, CompletedTasks: 0 });
  assert.deepEqual(byName.get('agent'), { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 });
  const plain = await call('GET', '/v1.41/services');
  assert.equal((plain.body as Service[])[0]?.ServiceStatus, undefined);
});

test('inspect by ID, exact name and unique ID prefix; insertDefaults spells the defaults out', async () => {
  const web = await create(spec('web'));
  for (const reference of [web.ID, 'web', web.ID.slice(0, 5)]) {
    const response = await call('GET', `/v1.41/services/${reference}`);
    assert.equal(response.status, 200, reference);
    assert.deepEqual((response.body as Service).Spec, spec('web'));
  }
  const withDefaults = (await call('GET', '/v1.41/services/web?insertDefaults=true')).body as Service;
  assert.equal(withDefaults.Spec.TaskTemplate.ContainerSpec.StopGracePeriod, 10e9);
  assert.equal(withDefaults.Spec.UpdateConfig?.Order, 'stop-first');
  assert.equal(withDefaults.Spec.TaskTemplate.RestartPolicy?.Condition, 'any');
  assert.deepEqual(withDefaults.Spec.EndpointSpec, { Mode: 'vip' });
  const missing = await call('GET', '/services/nope');
  assert.deepEqual(missing, { status: 404, body: { message: 'service nope not found' } });
});

test('an ambiguous ID prefix is refused', async () => {
  services().create({ ID: 'abc000000000000000000000a', Spec: spec('one'), Endpoint: { Spec: {} } });
  services().create({ ID: 'abc000000000000000000000b', Spec: spec('two'), Endpoint: { Spec: {} } });
  const response = await call('GET', '/services/abc');
  assert.equal(response.status, 400);
  assert.match(
    (response.body as { message: string }).message,
    /service abc is ambiguous \(2 matches found\)/,
  );
});

test('update needs the current version; it keeps the previous spec and gives a new SpecVersion', async () => {
  const web = await create(spec('web'));
  const next = spec('web', { Mode: { Replicated: { Replicas: 5 } } });
  const missing = await call('POST', `/services/${web.ID}/update`, next);
  assert.equal(missing.status, 400);
  assert.match((missing.body as { message: string }).message, /missing query parameter "version"/);
  const stale = await call('POST', `/services/${web.ID}/update?version=${web.Version.Index - 1}`, next);
  assert.deepEqual(stale, { status: 409, body: { message: 'update out of sequence' } });

  services().update(
    { ...web, UpdateStatus: { State: 'completed', Message: 'update completed' } },
    web.Version.Index,
  );
  const current = services().get(web.ID);
  assert.ok(current);
  const ok = await call('POST', `/v1.41/services/web/update?version=${current.Version.Index}`, next);
  assert.deepEqual(ok, { status: 200, body: { Warnings: [] } });
  const updated = services().get(web.ID);
  assert.deepEqual(updated?.Spec, next);
  assert.deepEqual(updated?.PreviousSpec, spec('web'));
  // Past the service's version index: a number no earlier spec of it had, even after rollbacks.
  assert.deepEqual(updated?.SpecVersion, { Index: current.Version.Index + 1 });
  assert.deepEqual(updated?.PreviousSpecVersion, { Index: 1 });
  assert.equal(updated?.UpdateStatus, undefined, 'the updater sets it');
});

test('update refuses a rename, a mode change and an invalid spec, changing nothing', async () => {
  const web = await create(spec('web'));
  const path = `/services/${web.ID}/update?version=${web.Version.Index}`;
  const cases: Array<[unknown, string | RegExp]> = [
    [spec('web2'), 'renaming services is not supported'],
    [spec('web', { Mode: { Global: {} } }), 'service mode change is not allowed'],
    [spec('web', { Mode: { Replicated: { Replicas: -2 } } }), /Mode\.Replicated\.Replicas/],
  ];
  for (const [body, message] of cases) {
    const response = await call('POST', path, body);
    assert.equal(response.status, 400);
    const text = (response.body as { message: string }).message;
    if (typeof message === 'string') assert.equal(text, message);
    else assert.match(text, message);
  }
  assert.deepEqual(services().get(web.ID), web);
});

test('rollback=previous swaps the specs and their versions, and starts a rollback', async () => {
  const web = await create(spec('web'));
  const noPrevious = await call(
    'POST',
    `/services/web/update?version=${web.Version.Index}&rollback=previous`,
    spec('web'),
  );
  assert.deepEqual(noPrevious, {
    status: 400,
    body: { message: `service ${web.ID} does not have a previous spec` },
  });
  const scaled = spec('web', { Mode: { Replicated: { Replicas: 7 } } });
  await call('POST', `/services/web/update?version=${web.Version.Index}`, scaled);
  const updated = services().get(web.ID);
  assert.ok(updated);
  const before = Date.now();
  // The CLI sends the current spec along; it is not what the service becomes.
  const response = await call(
    'POST',
    `/services/web/update?version=${updated.Version.Index}&rollback=previous`,
    scaled,
  );
  assert.deepEqual(response, { status: 200, body: { Warnings: [] } });
  const rolledBack = services().get(web.ID);
  assert.deepEqual(rolledBack?.Spec, spec('web'));
  assert.deepEqual(rolledBack?.PreviousSpec, scaled);
  // Tasks still at the first spec are up to date again, and are left running.
  assert.deepEqual(rolledBack?.SpecVersion, { Index: 1 });
  assert.deepEqual(rolledBack?.PreviousSpecVersion, updated.SpecVersion);
  assert.equal(rolledBack?.UpdateStatus?.State, 'rollback_started');
  assert.equal(rolledBack?.UpdateStatus?.Message, 'manually requested rollback');
  assert.ok(Date.parse(rolledBack?.UpdateStatus?.StartedAt ?? '') >= before - 1000);
});

test('delete removes the service and marks its tasks remove, in one transaction', async () => {
  const web = await create(spec('web'));
  const other = await create(spec('other'));
  seedTask(agent.store, { id: 't1', serviceId: web.ID, slot: 1 });
  seedTask(agent.store, { id: 't2', serviceId: web.ID, slot: 2, state: 'shutdown', desired: 'shutdown' });
  seedTask(agent.store, { id: 't3', serviceId: other.ID, slot: 1 });
  const events: string[] = [];
  const stop = agent.store.onChange((c) => events.push(`${c.collection}:${c.action}:${c.object.ID}`));
  const response = await call('DELETE', `/v1.41/services/${web.ID.slice(0, 8)}`);
  stop();
  assert.equal(response.status, 200);
  assert.equal(services().get(web.ID), undefined);
  const tasks = agent.store.collection<Task>('tasks');
  assert.equal(tasks.get('t1')?.DesiredState, 'remove');
  assert.equal(tasks.get('t2')?.DesiredState, 'remove');
  assert.equal(tasks.get('t3')?.DesiredState, 'running');
  assert.deepEqual(events.sort(), [`services:delete:${web.ID}`, 'tasks:update:t1', 'tasks:update:t2']);
  assert.equal((await call('DELETE', `/services/${web.ID}`)).status, 404);
});

test('GET /distribution/{image}/json explains that no registry is reachable', async () => {
  const response = await call('GET', '/v1.41/distribution/docker.io/library/nginx:latest/json');
  assert.deepEqual(response, {
    status: 501,
    body: { message: 'no registry is reachable from Shoal: use --no-resolve-image' },
  });
});
