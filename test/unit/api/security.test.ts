import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requestAgent } from '../../../agent/api/client';
import { createApiServer } from '../../../agent/api/server';
import { assertSafeListenAddress, isLoopbackHost } from '../../../agent/api/security';
import { MemoryStore } from '../../../agent/store/memory';
import { FakeNodeManager } from './fake-node-manager';
import { rawRequest, startTestAgent, type TestAgent } from './harness';
import { closed, connect, open } from './ws-helpers';

let agent: TestAgent;
const tcp = () => ({ port: agent.port });
const host = () => `127.0.0.1:${agent.port}`;
const auth = () => ({ Authorization: `Bearer ${agent.token}`, Host: host() });

before(async () => {
  agent = await startTestAgent({ tcp: true });
  agent.nodes.seed({ hostname: 'web-1' });
});
after(async () => {
  // Item 8: the token is in no log line (all tests above have run and logged their refusals).
  assert.ok(agent.logs.length > 0);
  for (const line of agent.logs) assert.ok(!line.includes(agent.token), `token leaked into: ${line}`);
  await agent.close();
});

test('the token file is 0600 and holds 32 random bytes as hex', () => {
  const file = path.join(agent.dir, 'agent.token');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.match(agent.token, /^[0-9a-f]{64}$/);
});

test('with the token and a loopback Host, TCP requests succeed', async () => {
  const response = await requestAgent(
    { host: '127.0.0.1', port: agent.port, token: agent.token },
    'GET',
    '/v1.41/nodes',
  );
  assert.equal(response.status, 200);
  for (const name of [`localhost:${agent.port}`, `[::1]:${agent.port}`, `LOCALHOST:${agent.port}`]) {
    const r = await rawRequest(tcp(), { path: '/_ping', headers: { ...auth(), Host: name } });
    assert.equal(r.status, 200, name);
  }
});

test('no token → 401 and the NodeManager is never called', async () => {
  const callsBefore = agent.nodes.calls.length;
  const list = await rawRequest(tcp(), { path: '/nodes', headers: { Host: host() } });
  assert.equal(list.status, 401);
  assert.match((list.json() as { message: string }).message, /Authorization: Bearer/);
  const add = await rawRequest(tcp(), {
    method: 'POST',
    path: '/shoal/nodes',
    headers: { Host: host(), 'Content-Type': 'application/json' },
    body: '{"Endpoint":"tcp://evil:2375"}',
  });
  assert.equal(add.status, 401);
  const ping = await rawRequest(tcp(), { method: 'HEAD', path: '/_ping', headers: { Host: host() } });
  assert.equal(ping.status, 401, 'even the ping needs the token on TCP');
  assert.equal(agent.nodes.calls.length, callsBefore);
});

test('a wrong token, a wrong scheme or a token in the URL → 401', async () => {
  for (const authorization of [
    `Bearer ${'0'.repeat(64)}`,
    `Bearer ${agent.token.slice(0, 63)}`,
    `Bearer ${agent.token}x`,
    `Basic ${agent.token}`,
    agent.token,
    'Bearer',
  ]) {
    const r = await rawRequest(tcp(), {
      path: '/nodes',
      headers: { Host: host(), Authorization: authorization },
    });
    assert.equal(r.status, 401, authorization.slice(0, 10));
    assert.ok(!r.text.includes(agent.token));
  }
  const inUrl = await rawRequest(tcp(), { path: `/nodes?token=${agent.token}`, headers: { Host: host() } });
  assert.equal(inUrl.status, 401);
});

test('a foreign Host header (DNS rebinding) → 421, even with the token', async () => {
  for (const name of [
    `rebind.attacker.example:${agent.port}`,
    'rebind.attacker.example',
    `127.0.0.1:${agent.port + 1}`,
    '127.0.0.1',
  ]) {
    const r = await rawRequest(tcp(), { path: '/nodes', headers: { ...auth(), Host: name } });
    assert.equal(r.status, 421, name);
  }
});

test('any Origin header → 403, even with the token', async () => {
  for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${agent.port}`]) {
    const r = await rawRequest(tcp(), { path: '/nodes', headers: { ...auth(), Origin: origin } });
    assert.equal(r.status, 403, origin);
  }
});

test('text/plain and form POSTs (CSRF simple requests) are refused before the NodeManager', async () => {
  const callsBefore = agent.nodes.calls.length;
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; b=x']) {
    const r = await rawRequest(tcp(), {
      method: 'POST',
      path: '/shoal/nodes',
      headers: { ...auth(), 'Content-Type': contentType },
      body: '{"Endpoint":"unix:///run/x.sock"}',
    });
    assert.equal(r.status, 415, contentType);
  }
  const untyped = await rawRequest(tcp(), {
    method: 'POST',
    path: '/shoal/nodes',
    headers: auth(),
    body: '{"Endpoint":"unix:///run/x.sock"}',
  });
  assert.equal(untyped.status, 415);
  assert.equal(agent.nodes.calls.length, callsBefore);
});

test('CORS/PNA preflights get no Access-Control-Allow-* headers', async () => {
  for (const headers of [
    {
      Host: host(),
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Private-Network': 'true',
    },
    { ...auth(), 'Access-Control-Request-Method': 'POST' },
  ]) {
    const r = await rawRequest(tcp(), { method: 'OPTIONS', path: '/shoal/nodes', headers });
    assert.ok(r.status >= 400);
    for (const name of Object.keys(r.headers)) assert.ok(!name.startsWith('access-control-'), name);
  }
});

test('WebSocket upgrades: Origin → 403, no token → 401, foreign Host → 421, before any connection', async () => {
  const url = `ws://127.0.0.1:${agent.port}/shoal/ws`;
  const withOrigin = await connect(url, { headers: auth(), origin: 'https://evil.example' });
  assert.ok('status' in withOrigin && withOrigin.status === 403);
  const noToken = await connect(url);
  assert.ok('status' in noToken && noToken.status === 401);
  const rebound = await connect(url, { headers: { ...auth(), Host: `rebind.example:${agent.port}` } });
  assert.ok('status' in rebound && rebound.status === 421);
  const wrongPath = await connect(`ws://127.0.0.1:${agent.port}/other`, { headers: auth() });
  assert.ok('status' in wrongPath && wrongPath.status === 404);
  const good = await connect(url, { headers: { Authorization: `Bearer ${agent.token}` } });
  assert.ok('socket' in good);
  good.socket.close();
});

test('non-loopback listen addresses need TLS', async () => {
  assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('::1') && isLoopbackHost('localhost'));
  assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('10.0.0.5') && !isLoopbackHost('::'));
  for (const address of ['0.0.0.0', '::', '10.0.0.5']) {
    assert.throws(() => assertSafeListenAddress(address, false), /refusing to listen on .* without TLS/);
  }
  await assert.rejects(agent.server.listenTcp('0.0.0.0', 0), /without TLS/);
});

test('with TLS a non-loopback listener is allowed and still needs the token', async (t) => {
  const dir = fs.mkdtempSync(path.join(agent.dir, 'tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]),
      { stdio: 'ignore' },
    );
  } catch {
    t.skip('openssl is not available');
    return;
  }
  const store = new MemoryStore();
  const server = createApiServer({
    nodes: new FakeNodeManager(store),
    store,
    version: 't',
    log: { info() {}, warn() {}, error() {} },
    tokenFile: path.join(dir, 'agent.token'),
  });
  try {
    const { port } = await server.listenTcp('0.0.0.0', 0, { tls: { cert, key } });
    const token = fs.readFileSync(path.join(dir, 'agent.token'), 'utf8').trim();
    const target = { host: '127.0.0.1', port, tls: { ca: cert } };
    assert.equal((await requestAgent({ ...target, token }, 'GET', '/nodes')).status, 200);
    assert.equal((await requestAgent({ ...target, token: 'f'.repeat(64) }, 'GET', '/nodes')).status, 401);
  } finally {
    await server.close();
  }
});

test('rotating the token invalidates the old one and closes TCP WebSockets (not unix ones)', async () => {
  const rotating = await startTestAgent({ tcp: true });
  try {
    const oldToken = rotating.token;
    const tcpSocket = await open(`ws://127.0.0.1:${rotating.port}/shoal/ws`, {
      headers: { Authorization: `Bearer ${oldToken}` },
    });
    const unixSocket = await open(`ws+unix://${rotating.socketPath}:/shoal/ws`);
    const tcpClosed = closed(tcpSocket);
    rotating.server.rotateToken();
    const newToken = fs.readFileSync(path.join(rotating.dir, 'agent.token'), 'utf8').trim();
    assert.match(newToken, /^[0-9a-f]{64}$/);
    assert.notEqual(newToken, oldToken);
    assert.equal(fs.statSync(path.join(rotating.dir, 'agent.token')).mode & 0o777, 0o600);
    assert.equal((await tcpClosed).code, 1008);
    assert.equal(unixSocket.readyState, unixSocket.OPEN);
    const target = { host: '127.0.0.1', port: rotating.port };
    assert.equal((await requestAgent({ ...target, token: oldToken }, 'GET', '/nodes')).status, 401);
    assert.equal((await requestAgent({ ...target, token: newToken }, 'GET', '/nodes')).status, 200);
    for (const line of rotating.logs) assert.ok(!line.includes(oldToken) && !line.includes(newToken));
    unixSocket.close();
  } finally {
    await rotating.close();
  }
});
