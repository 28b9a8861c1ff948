import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import type { ClusterNetwork } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from './harness';

let agent: TestAgent;
const call = (method: string, path: string, body?: unknown) =>
  requestAgent({ socketPath: agent.socketPath }, method, path, body);
const networks = () => agent.store.collection<ClusterNetwork>('networks');
const q = (filters: unknown) => encodeURIComponent(JSON.stringify(filters));
const message = (response: { body: unknown }) => (response.body as { message: string }).message;

/** What `docker network create -d overlay <name>` sends. */
function createBody(name: string, extra: Record<string, unknown> = {}) {
  return {
    Name: name,
    CheckDuplicate: true,
    Driver: 'overlay',
    Scope: '',
    IPAM: { Driver: 'default', Options: {}, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigOnly: false,
    ConfigFrom: null,
    Options: {},
    Labels: {},
    ...extra,
  };
}

async function create(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await call('POST', '/v1.41/networks/create', createBody(name, extra));
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const { Id, Warning } = response.body as { Id: string; Warning: string };
  assert.equal(Warning, '');
  return Id;
}

before(async () => {
  agent = await startTestAgent();
});
after(() => agent.close());

test('create stores a cluster network and inspect shows it in the Docker shape', async () => {
  const id = await create('front', {
    Labels: { 'com.docker.stack.namespace': 'app' },
    Attachable: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.20.0.0/24', Gateway: '10.20.0.1' }] },
  });
  const stored = networks().get(id);
  assert.equal(stored?.Spec.Name, 'front');
  assert.equal(stored?.Spec.Driver, 'overlay');
  for (const reference of [id, 'front', id.slice(0, 6)]) {
    const response = await call('GET', `/v1.41/networks/${reference}?scope=swarm`);
    assert.equal(response.status, 200, reference);
    assert.deepEqual(response.body, {
      Name: 'front',
      Id: id,
      Created: stored?.CreatedAt,
      Scope: 'swarm',
      Driver: 'overlay',
      EnableIPv4: true,
      EnableIPv6: false,
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.20.0.0/24', Gateway: '10.20.0.1' }] },
      Internal: false,
      Attachable: true,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: {},
      Options: {},
      Labels: { 'com.docker.stack.namespace': 'app' },
    });
  }
  const local = await call('GET', '/networks/front?scope=local');
  assert.deepEqual(local, { status: 404, body: { message: 'network front not found' } });
  const verbose = (await call('GET', '/networks/front?verbose=true')).body as { Services: unknown };
  assert.deepEqual(verbose.Services, {});
});

test('create refuses duplicates, other drivers, ingress and bad IPAM, storing nothing', async () => {
  await create('dup');
  const count = networks().list().length;
  const cases: Array<[unknown, number, RegExp]> = [
    [createBody('dup'), 409, /network with name dup already exists/],
    [
      createBody('b', { Driver: 'bridge' }),
      400,
      /driver "bridge" is not supported: .*only cluster networks .*-d overlay/,
    ],
    [createBody('h', { Driver: 'host' }), 400, /driver "host" is not supported/],
    [createBody('i', { Ingress: true }), 400, /ingress networks .* are not supported/],
    [createBody('bridge'), 403, /bridge is a pre-defined network and cannot be created/],
    [createBody('bad name'), 400, /invalid network name/],
    [
      createBody('s', { IPAM: { Config: [{ Subnet: '10.0.0.1/8' }] } }),
      400,
      /IPAM\.Config\[0\]\.Subnet "10\.0\.0\.1\/8"/,
    ],
    [
      createBody('g', { IPAM: { Config: [{ Subnet: '10.9.0.0/24', Gateway: '10.8.0.1' }] } }),
      400,
      /Gateway "10\.8\.0\.1" is not an address in 10\.9\.0\.0\/24/,
    ],
    [
      createBody('o', { IPAM: { Config: [{ Subnet: '10.20.0.128/25' }] } }),
      409,
      /overlaps with subnet 10\.20\.0\.0\/24 of network front/,
    ],
    [createBody('u', { Bogus: true }), 400, /unknown field "Bogus"/],
    [createBody('v6', { EnableIPv6: true }), 400, /IPv6/],
    [{ Driver: 'overlay' }, 400, /Name is required/],
  ];
  for (const [body, status, text] of cases) {
    const response = await call('POST', '/networks/create', body);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(message(response), text);
  }
  assert.equal(networks().list().length, count);
  // No driver at all means a cluster network too.
  await create('nodriver', { Driver: '' });
});

test('list shows only cluster networks, filtered by name, id, label, driver, scope, type, dangling', async () => {
  const back = await create('back', { Labels: { tier: 'back' } });
  const names = async (filters: unknown) => {
    const response = await call('GET', `/v1.41/networks?filters=${q(filters)}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body as Array<{ Name: string }>).map((n) => n.Name).sort();
  };
  const all = await names({});
  assert.ok(all.includes('back') && all.includes('front'));
  assert.ok(!all.includes('bridge'), "the engines' own networks are not the cluster's");
  assert.deepEqual(await names({ name: { ack: true } }), ['back']);
  assert.deepEqual(await names({ id: [back.slice(0, 7)] }), ['back']);
  assert.deepEqual(await names({ label: { 'tier=back': true } }), ['back']);
  assert.deepEqual(await names({ driver: { bridge: true } }), []);
  assert.deepEqual(await names({ driver: { overlay: true }, name: ['back'] }), ['back']);
  assert.deepEqual(await names({ scope: { local: true } }), []);
  assert.deepEqual(await names({ scope: { swarm: true }, name: ['back'] }), ['back']);
  assert.deepEqual(await names({ type: { builtin: true } }), []);
  assert.deepEqual(await names({ type: { custom: true }, name: ['back'] }), ['back']);
  assert.deepEqual(await names({ dangling: { true: true }, name: ['back'] }), ['back']);
  const bad = await call('GET', `/networks?filters=${q({ type: { odd: true } })}`);
  assert.equal(bad.status, 400);
  assert.match(message(bad), /invalid filter: 'type'='odd'/);
});

test('delete is refused while a service uses the network, then allowed', async () => {
  const id = await create('used');
  const service = await call('POST', '/services/create', {
    Name: 'svc',
    TaskTemplate: { ContainerSpec: { Image: 'x' }, Networks: [{ Target: 'used' }] },
  });
  assert.equal(service.status, 201, JSON.stringify(service.body));
  const filtered = await call('GET', `/networks?filters=${q({ dangling: { false: true } })}`);
  assert.deepEqual(
    (filtered.body as Array<{ Name: string }>).map((n) => n.Name),
    ['used'],
  );
  const refused = await call('DELETE', '/v1.41/networks/used');
  assert.deepEqual(refused, { status: 409, body: { message: 'network used is in use by service svc' } });
  assert.ok(networks().get(id));
  assert.equal((await call('DELETE', '/services/svc')).status, 200);
  const removed = await call('DELETE', `/networks/${id}`);
  assert.equal(removed.status, 204);
  assert.equal(networks().get(id), undefined);
  assert.equal((await call('DELETE', `/networks/${id}`)).status, 404);
});
