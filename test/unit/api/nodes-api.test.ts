import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import type { SwarmNode } from '../../../agent/types/swarm';
import { rawRequest, startTestAgent, type TestAgent } from './harness';

let agent: TestAgent;
let web: SwarmNode;
const call = (method: string, path: string, body?: unknown) =>
  requestAgent({ socketPath: agent.socketPath }, method, path, body);

before(async () => {
  agent = await startTestAgent({ limits: { maxBodyBytes: 64 * 1024 } });
  web = agent.nodes.seed({ id: 'aaa111bbb222ccc333ddd444e', hostname: 'web-1', engineLabels: { zone: 'a' } });
  agent.nodes.seed({ id: 'aaa999bbb222ccc333ddd444e', hostname: 'web-2' });
  agent.nodes.seed({ id: 'fff111bbb222ccc333ddd444e', hostname: 'db-1', state: 'down' });
});
after(() => agent.close());

test('HEAD and GET /_ping answer with the headers the docker CLI negotiates from', async () => {
  for (const method of ['HEAD', 'GET']) {
    const response = await rawRequest(agent, { method, path: '/_ping' });
    assert.equal(response.status, 200);
    assert.equal(response.text, method === 'GET' ? 'OK' : '');
    assert.equal(response.headers['api-version'], '1.41');
    assert.equal(response.headers['ostype'], 'linux');
    assert.equal(response.headers['docker-experimental'], 'false');
    assert.equal(response.headers['swarm'], 'active/manager');
    assert.match(String(response.headers['cache-control']), /no-cache/);
    assert.equal(response.headers['server'], 'Shoal/0.1.0-test');
  }
});

test('every response, errors included, carries Api-Version and Server', async () => {
  for (const path of ['/version', '/nodes/nope', '/no/such/route', '/v1.41/info']) {
    const response = await rawRequest(agent, { path });
    assert.equal(response.headers['api-version'], '1.41', path);
    assert.equal(response.headers['server'], 'Shoal/0.1.0-test', path);
    assert.equal(response.headers['content-type'], 'application/json', path);
  }
});

test('/version and /info have the Docker shapes', async () => {
  const version = (await call('GET', '/v1.41/version')).body as Record<string, unknown>;
  assert.equal(version.ApiVersion, '1.41');
  assert.equal(version.MinAPIVersion, '1.24');
  assert.equal(version.Version, '0.1.0-test');
  assert.equal((version.Components as Array<{ Name: string }>)[0]?.Name, 'Shoal');
  const info = (await call('GET', '/info')).body as {
    NCPU: number;
    OperatingSystem: string;
    Swarm: {
      NodeID: string;
      ControlAvailable: boolean;
      Nodes: number;
      Managers: number;
      Cluster: { ID: string };
    };
  };
  assert.equal(info.OperatingSystem, 'Shoal');
  assert.equal(info.NCPU, 6, 'summed over the three nodes');
  assert.equal(info.Swarm.ControlAvailable, true);
  assert.equal(info.Swarm.Nodes, 3);
  assert.equal(info.Swarm.Managers, 1);
  assert.equal(info.Swarm.Cluster.ID, agent.store.clusterID);
  assert.equal(info.Swarm.NodeID, agent.server.agentNodeId);
  assert.ok(!agent.nodes.list().some((n) => n.ID === info.Swarm.NodeID), 'the agent is not an engine node');
});

test('GET /nodes with filters in both encodings', async () => {
  const current = await call('GET', `/v1.41/nodes?filters=${encodeURIComponent('{"name":{"web":true}}')}`);
  const legacy = await call('GET', `/nodes?filters=${encodeURIComponent('{"name":["web"]}')}`);
  assert.equal(current.status, 200);
  assert.deepEqual(current.body, legacy.body);
  assert.deepEqual(
    (current.body as SwarmNode[]).map((n) => n.Description.Hostname),
    ['web-1', 'web-2'],
  );
  const unknown = await call('GET', `/nodes?filters=${encodeURIComponent('{"colour":{"red":true}}')}`);
  assert.deepEqual(unknown, { status: 400, body: { message: "invalid filter 'colour'" } });
});

test('GET /nodes/{ref} by ID, name and unique prefix; ManagerStatus absent for workers', async () => {
  for (const reference of [web.ID, 'web-1', 'aaa1']) {
    const response = await call('GET', `/nodes/${reference}`);
    assert.equal(response.status, 200, reference);
    const node = response.body as SwarmNode & { ManagerStatus?: unknown };
    assert.equal(node.ID, web.ID);
    assert.ok(!('ManagerStatus' in node));
    assert.equal(node.ShoalEndpoint.URL, 'unix:///run/web-1.sock');
  }
  assert.equal((await call('GET', '/nodes/zzz')).status, 404);
});

test('POST /nodes/{id}/update: current version applies, a stale one is 409 update out of sequence', async () => {
  const node = (await call('GET', '/nodes/web-1')).body as SwarmNode;
  const spec = { ...node.Spec, Availability: 'drain', Labels: { k: 'v' } };
  const updated = await call('POST', `/v1.41/nodes/${node.ID}/update?version=${node.Version.Index}`, spec);
  assert.equal(updated.status, 200);
  assert.equal(updated.body, undefined);
  const after = (await call('GET', `/nodes/${node.ID}`)).body as SwarmNode;
  assert.equal(after.Spec.Availability, 'drain');
  assert.deepEqual(after.Spec.Labels, { k: 'v' });
  const stale = await call('POST', `/nodes/${node.ID}/update?version=${node.Version.Index}`, spec);
  assert.deepEqual(stale, { status: 409, body: { message: 'update out of sequence' } });
});

test('update: missing or invalid version, unknown or invalid spec fields are 400s naming them', async () => {
  const spec = { Labels: {}, Role: 'worker', Availability: 'active' };
  const missing = await call('POST', `/nodes/web-2/update`, spec);
  assert.equal(missing.status, 400);
  assert.match(JSON.stringify(missing.body), /version/);
  const invalid = await call('POST', `/nodes/web-2/update?version=abc`, spec);
  assert.equal(invalid.status, 400);
  assert.match(JSON.stringify(invalid.body), /invalid node version 'abc'/);
  const unknown = await call('POST', `/nodes/web-2/update?version=1`, { ...spec, availability: 'drain' });
  assert.equal(unknown.status, 400);
  assert.match(JSON.stringify(unknown.body), /unknown field \\"availability\\" in node spec/);
  const role = await call('POST', `/nodes/web-2/update?version=1`, { ...spec, Role: 'boss' });
  assert.equal(role.status, 400);
  assert.match(JSON.stringify(role.body), /invalid Role/);
  const labels = await call('POST', `/nodes/web-2/update?version=1`, { ...spec, Labels: { a: 1 } });
  assert.equal(labels.status, 400);
  const notObject = await call('POST', `/nodes/web-2/update?version=1`, ['x']);
  assert.equal(notObject.status, 400);
});

test('a body over the limit is 413 Docker-shaped; invalid JSON is 400', async () => {
  const huge = JSON.stringify({
    Labels: { big: 'x'.repeat(70 * 1024) },
    Role: 'worker',
    Availability: 'active',
  });
  const tooLarge = await rawRequest(agent, {
    method: 'POST',
    path: '/nodes/web-2/update?version=1',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(huge) },
    body: huge,
  });
  assert.equal(tooLarge.status, 413);
  assert.deepEqual(tooLarge.json(), { message: 'request body too large: the limit is 65536 bytes' });
  const chunked = await rawRequest(agent, {
    method: 'POST',
    path: '/nodes/web-2/update?version=1',
    headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    body: huge,
  });
  assert.equal(chunked.status, 413);
  const broken = await rawRequest(agent, {
    method: 'POST',
    path: '/nodes/web-2/update?version=1',
    headers: { 'Content-Type': 'application/json' },
    body: '{"Labels":',
  });
  assert.equal(broken.status, 400);
  assert.match((broken.json() as { message: string }).message, /invalid JSON body/);
});

test('DELETE /nodes/{id} follows the NodeManager (force for a node that is not down)', async () => {
  const refused = await call('DELETE', '/nodes/web-2');
  assert.equal(refused.status, 409);
  assert.equal((await call('DELETE', '/v1.41/nodes/db-1')).status, 200);
  assert.equal((await call('DELETE', '/nodes/web-2?force=1')).status, 200);
  assert.equal((await call('GET', '/nodes/web-2')).status, 404);
});

test('POST /shoal/nodes adds a node (201); bad requests are refused before the NodeManager', async () => {
  const added = await call('POST', '/shoal/nodes', { Endpoint: 'unix:///run/x.sock', Labels: { a: 'b' } });
  assert.equal(added.status, 201);
  assert.deepEqual((added.body as SwarmNode).Spec.Labels, { a: 'b' });
  const listed = await call('GET', '/shoal/nodes');
  assert.ok((listed.body as SwarmNode[]).some((n) => n.ID === (added.body as SwarmNode).ID));
  const addsBefore = agent.nodes.calls.filter((c) => c === 'add').length;
  for (const body of [{}, { Endpoint: 'http://x' }, { Endpoint: 'tcp://h:2376', Tls: {} }, { Endpoint: 5 }]) {
    const response = await call('POST', '/shoal/nodes', body);
    assert.equal(response.status, 400, JSON.stringify(body));
  }
  assert.equal(agent.nodes.calls.filter((c) => c === 'add').length, addsBefore);
});

test('unknown routes are 404 page not found', async () => {
  assert.deepEqual(await call('GET', '/services/x/nope'), {
    status: 404,
    body: { message: 'page not found' },
  });
  assert.deepEqual(await call('PUT', '/nodes'), { status: 404, body: { message: 'page not found' } });
});
