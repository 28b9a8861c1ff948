import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { AgentClient } from '../../../extension/agent/client';
import { AgentRequestError, AgentUnavailableError, type ApiEvent } from '../../../extension/agent/protocol';
import { webSocketUrl } from '../../../extension/agent/endpoint';
import type { Service, SwarmNode } from '../../../agent/types/swarm';
import { startRealAgent, tempDir, waitFor, type RealAgent } from './agent-server';

let dir: string;
let agent: RealAgent;
const unixUrl = () => webSocketUrl({ kind: 'unix', socketPath: agent.socketPath });

before(async () => {
  dir = tempDir();
  agent = await startRealAgent(dir, { tcp: true });
  agent.nodes.seed({ hostname: 'node1' });
});
after(async () => {
  await agent.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('requests get their replies, matched by id, even when sent together', async () => {
  const client = await AgentClient.connect({ url: unixUrl() });
  const [nodes, version, services] = await Promise.all([
    client.request<SwarmNode[]>('GET', '/nodes'),
    client.request<{ Version: string }>('GET', '/version'),
    client.request<Service[]>('GET', '/services'),
  ]);
  assert.deepEqual(
    nodes.map((n) => n.Description.Hostname),
    ['node1'],
  );
  assert.equal(version.Version, '0.1.0-test');
  assert.deepEqual(services, []);
  client.dispose();
});

test('a refused request rejects with the agent message and status', async () => {
  const client = await AgentClient.connect({ url: unixUrl() });
  await assert.rejects(client.request('GET', '/services/nope'), (error: unknown) => {
    assert.ok(error instanceof AgentRequestError);
    assert.equal(error.status, 404);
    assert.match(error.message, /nope/);
    return true;
  });
  await assert.rejects(
    client.request('POST', '/services/create', {
      Name: 'bad name',
      TaskTemplate: { ContainerSpec: { Image: 'x' } },
    }),
    /Name "bad name" is invalid/,
  );
  client.dispose();
});

test('subscribed events arrive with their store index', async () => {
  const client = await AgentClient.connect({ url: unixUrl() });
  const events: ApiEvent[] = [];
  client.onEvent((e) => events.push(e));
  const index = await client.subscribe(['service', 'node']);
  assert.ok(index >= 1);
  const created = await client.request<{ ID: string }>('POST', '/services/create', {
    Name: 'web',
    TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
    Mode: { Replicated: { Replicas: 1 } },
  });
  await waitFor(() => events.some((e) => e.type === 'service' && e.id === created.ID), 'the service event');
  const event = events.find((e) => e.id === created.ID);
  assert.equal(event?.action, 'create');
  assert.ok((event?.index ?? 0) > index);
  await client.request('DELETE', `/services/${created.ID}`);
  await waitFor(() => events.some((e) => e.action === 'delete'), 'the delete event');
  client.dispose();
});

test('a log subscription for an unknown service is refused with the reason', async () => {
  const client = await AgentClient.connect({ url: unixUrl() });
  const subscription = client.logsOf({ service: 'nope' }, { follow: true }, { onLine: () => {} });
  await assert.rejects(subscription.started, /nope/);
  subscription.dispose();
  client.dispose();
});

test('TCP needs the bearer token; a wrong one is refused as unauthorized', async () => {
  const url = webSocketUrl({ kind: 'tcp', host: '127.0.0.1', port: agent.port });
  const client = await AgentClient.connect({ url, token: agent.token });
  assert.equal((await client.request<SwarmNode[]>('GET', '/nodes')).length, 1);
  client.dispose();
  await assert.rejects(AgentClient.connect({ url, token: 'wrong' }), (error: unknown) => {
    assert.ok(error instanceof AgentUnavailableError);
    assert.equal(error.reason, 'unauthorized');
    return true;
  });
});

test('no agent: the error says it is not running', async () => {
  await assert.rejects(
    AgentClient.connect({ url: webSocketUrl({ kind: 'unix', socketPath: `${dir}/none.sock` }) }),
    (error: unknown) => {
      assert.ok(error instanceof AgentUnavailableError);
      assert.equal(error.reason, 'not-running');
      return true;
    },
  );
});

test('pending requests fail when the connection closes, and onClose fires once', async () => {
  const client = await AgentClient.connect({ url: unixUrl() });
  let closes = 0;
  client.onClose(() => closes++);
  const pending = client.request('GET', '/nodes');
  client.dispose();
  await assert.rejects(pending, AgentUnavailableError);
  assert.equal(closes, 1);
  await assert.rejects(client.request('GET', '/nodes'), /not connected/);
});
