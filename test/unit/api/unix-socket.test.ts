import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { listenOnUnixSocket } from '../../../agent/api/unix-socket';
import { rawRequest, startTestAgent } from './harness';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-sock-'));
}

test('the API socket is 0600 under any umask, and needs no token', async () => {
  const previous = process.umask(0);
  let agent;
  try {
    agent = await startTestAgent();
  } finally {
    process.umask(previous);
  }
  try {
    const stat = fs.lstatSync(agent.socketPath);
    assert.ok(stat.isSocket());
    assert.equal(stat.mode & 0o777, 0o600);
    assert.deepEqual(
      fs.readdirSync(agent.dir).filter((f) => f.startsWith('.shoal-api-')),
      [],
      'the private bind directory is gone',
    );
    assert.equal((await rawRequest(agent, { path: '/nodes' })).status, 200);
  } finally {
    await agent.close();
  }
  assert.ok(!fs.existsSync(agent.socketPath), 'close removes the socket file');
});

test('a stale socket from a dead agent is replaced', async () => {
  const dir = tempDir();
  const socketPath = path.join(dir, 'agent.sock');
  // A socket file nobody listens on: bind, then close without letting the server unlink it.
  const dead = net.createServer();
  await new Promise<void>((resolve) => dead.listen(socketPath, resolve));
  fs.linkSync(socketPath, `${socketPath}.keep`);
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  fs.renameSync(`${socketPath}.keep`, socketPath);
  assert.ok(fs.lstatSync(socketPath).isSocket());

  const server = http.createServer((_req, res) => res.end('fresh'));
  const release = await listenOnUnixSocket(server, socketPath);
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      http
        .get({ socketPath, path: '/' }, (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    assert.equal(answer, 'fresh');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a live agent on the socket is not displaced', async () => {
  const dir = tempDir();
  const socketPath = path.join(dir, 'agent.sock');
  const first = http.createServer();
  const release = await listenOnUnixSocket(first, socketPath);
  try {
    const second = http.createServer();
    await assert.rejects(listenOnUnixSocket(second, socketPath), /another process is listening/);
    assert.equal(second.listening, false);
    assert.ok(fs.lstatSync(socketPath).isSocket(), 'the live socket is still there');
  } finally {
    await new Promise<void>((resolve) => first.close(() => resolve()));
    release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a regular file at the socket path is not deleted', async () => {
  const dir = tempDir();
  const socketPath = path.join(dir, 'agent.sock');
  fs.writeFileSync(socketPath, 'precious');
  try {
    await assert.rejects(listenOnUnixSocket(http.createServer(), socketPath), /is not a socket/);
    assert.equal(fs.readFileSync(socketPath, 'utf8'), 'precious');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a socket path too long for sun_path is a clear error', async () => {
  const long = path.join(os.tmpdir(), 'x'.repeat(120), 'agent.sock');
  await assert.rejects(listenOnUnixSocket(http.createServer(), long), /longer than 107 bytes/);
});
