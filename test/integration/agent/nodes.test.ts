import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startNode, stopNode } from '../../../agent/sandbox/sandbox';
import { shoalHome } from '../../../agent/util/home';
import { startAgentProcess, type AgentProcess } from '../../helpers/agent';
import { docker, sandboxNodes, shoal } from '../../helpers/sandbox';

let agent: AgentProcess;

before(async () => {
  agent = await startAgentProcess(['--listen', '127.0.0.1:0']);
});

after(async () => {
  await startNode('node2').catch(() => undefined);
  await agent?.stop();
});

interface NodeRow {
  ID: string;
  Hostname: string;
  Status: string;
  Availability: string;
}

async function nodeLs(): Promise<NodeRow[]> {
  const out = await docker(agent.endpoint, ['node', 'ls', '--format', '{{json .}}']);
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as NodeRow)
    .sort((a, b) => a.Hostname.localeCompare(b.Hostname));
}

async function waitForStatus(hostname: string, status: string, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    const row = (await nodeLs()).find((n) => n.Hostname === hostname);
    if (row?.Status === status) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${hostname} did not become ${status} within ${withinMs} ms`);
}

test('the stock docker CLI lists the sandbox as 3 Ready nodes', async () => {
  const rows = await nodeLs();
  assert.deepEqual(
    rows.map((r) => [r.Hostname, r.Status, r.Availability]),
    [
      ['node1', 'Ready', 'Active'],
      ['node2', 'Ready', 'Active'],
      ['node3', 'Ready', 'Active'],
    ],
  );
  assert.equal(new Set(rows.map((r) => r.ID)).size, 3);
  const info = await docker(agent.endpoint, [
    'info',
    '--format',
    '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Nodes}}',
  ]);
  assert.equal(info.trim(), 'active true 3');
});

test('shoal node ls shows the same nodes through the agent', async () => {
  const { code, stdout } = await shoal(['node', 'ls']);
  assert.equal(code, 0);
  for (const name of ['node1', 'node2', 'node3'])
    assert.match(stdout, new RegExp(`\\b${name}\\b.*\\bready\\b`));
});

test('drain and labels set with the docker CLI show in node inspect', async () => {
  await docker(agent.endpoint, ['node', 'update', '--availability', 'drain', 'node3']);
  await docker(agent.endpoint, [
    'node',
    'update',
    '--label-add',
    'zone=west',
    '--label-add',
    'disk=ssd',
    'node3',
  ]);
  const inspected = JSON.parse(await docker(agent.endpoint, ['node', 'inspect', 'node3'])) as Array<{
    Spec: { Availability: string; Labels: Record<string, string> };
  }>;
  assert.equal(inspected[0]?.Spec.Availability, 'drain');
  assert.deepEqual(inspected[0]?.Spec.Labels, { zone: 'west', disk: 'ssd' });
  await docker(agent.endpoint, ['node', 'update', '--availability', 'active', '--label-rm', 'disk', 'node3']);
  const again = JSON.parse(await docker(agent.endpoint, ['node', 'inspect', 'node3'])) as typeof inspected;
  assert.equal(again[0]?.Spec.Availability, 'active');
  assert.deepEqual(again[0]?.Spec.Labels, { zone: 'west' });
});

test('an update with a stale version is refused and changes nothing', async () => {
  const [node] = JSON.parse(await docker(agent.endpoint, ['node', 'inspect', 'node1'])) as Array<{
    ID: string;
    Version: { Index: number };
    Spec: Record<string, unknown>;
  }>;
  assert.ok(node);
  const fresh = await agentRequest('POST', `/v1.41/nodes/${node.ID}/update?version=${node.Version.Index}`, {
    ...node.Spec,
    Labels: { first: 'yes' },
  });
  assert.equal(fresh.status, 200);
  const stale = await agentRequest('POST', `/v1.41/nodes/${node.ID}/update?version=${node.Version.Index}`, {
    ...node.Spec,
    Labels: { second: 'no' },
  });
  assert.equal(stale.status, 409);
  assert.match(stale.body, /update out of sequence/);
  const [after] = JSON.parse(await docker(agent.endpoint, ['node', 'inspect', 'node1'])) as Array<{
    Spec: { Labels: Record<string, string> };
  }>;
  assert.deepEqual(after?.Spec.Labels, { first: 'yes' });
});

test('a stopped engine goes Down within 20 s and comes back Ready', async () => {
  await stopNode('node2');
  const downAfter = await waitForStatus('node2', 'Down', 20_000);
  const others = (await nodeLs()).filter((n) => n.Hostname !== 'node2').map((n) => n.Status);
  assert.deepEqual(others, ['Ready', 'Ready']);
  await startNode('node2');
  const readyAfter = await waitForStatus('node2', 'Ready', 20_000);
  console.log(`node2 down after ${downAfter} ms, ready again ${readyAfter} ms after its engine answered`);
});

test('node rm is refused for a live node unless forced; node add brings it back once', async () => {
  await assert.rejects(
    docker(agent.endpoint, ['node', 'rm', 'node2']),
    /node \S+ is not down and can't be removed/,
  );
  await docker(agent.endpoint, ['node', 'rm', '--force', 'node2']);
  assert.deepEqual(
    (await nodeLs()).map((n) => n.Hostname),
    ['node1', 'node3'],
  );
  const endpoint = sandboxNodes().find((n) => n.name === 'node2')!.endpoint;
  const added = await shoal(['node', 'add', endpoint, '--label', 'zone=east']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout.trim(), /^[0-9a-z]{25}$/);
  const twice = await shoal(['node', 'add', endpoint]);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /already/);
  const plain = await shoal(['node', 'add', 'tcp://127.0.0.1:2375']);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /plain TCP/);
  await waitForStatus('node2', 'Ready', 10_000);
  assert.equal((await nodeLs()).length, 3);
});

test('a second agent on the same SHOAL_HOME refuses to start', async () => {
  const second = await shoal(['agent']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another Shoal agent \(pid \d+\) is already running on /);
  // The first one is unharmed.
  assert.equal((await nodeLs()).length, 3);
});

test('the TCP listener refuses a missing token, a foreign Host and a browser Origin', async () => {
  assert.ok(agent.tcp);
  const token = fs.readFileSync(path.join(shoalHome(), 'agent.token'), 'utf8').trim();
  const { host, port } = agent.tcp;
  const get = (headers: http.OutgoingHttpHeaders) => tcpRequest(host, port, headers);
  assert.equal((await get({})).status, 401);
  assert.equal((await get({ Authorization: `Bearer ${token}` })).status, 200);
  assert.equal(
    (await get({ Authorization: `Bearer ${token}`, Host: `rebind.attacker.example:${port}` })).status,
    421,
  );
  assert.equal((await get({ Authorization: `Bearer ${token}`, Origin: 'https://evil.example' })).status, 403);
  assert.equal((fs.statSync(path.join(shoalHome(), 'agent.token')).mode & 0o777).toString(8), '600');
  assert.equal((fs.statSync(agent.socket).mode & 0o777).toString(8), '600');
  assert.doesNotMatch(agent.output(), new RegExp(token));

  // The docker CLI authenticates with the token through its config's HttpHeaders.
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-dockercfg-'));
  fs.writeFileSync(
    path.join(config, 'config.json'),
    JSON.stringify({ HttpHeaders: { Authorization: `Bearer ${token}` } }),
  );
  const out = await docker(`tcp://${host}:${port}`, ['node', 'ls', '-q'], { DOCKER_CONFIG: config });
  fs.rmSync(config, { recursive: true });
  assert.equal(out.trim().split('\n').length, 3);
});

function agentRequest(
  method: string,
  urlPath: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      {
        socketPath: agent.socket,
        method,
        path: urlPath,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function tcpRequest(
  host: string,
  port: number,
  headers: http.OutgoingHttpHeaders,
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: '/v1.41/nodes', headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}
