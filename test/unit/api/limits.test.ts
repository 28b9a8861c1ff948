import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { rawRequest, startTestAgent } from './harness';

function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  socket.resume(); // EOF is only seen by a socket that reads.
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('a client that never finishes its headers is cut off (slowloris)', async () => {
  const agent = await startTestAgent({ limits: { headersTimeoutMs: 200, requestTimeoutMs: 1000 } });
  try {
    const socket = net.connect(agent.socketPath);
    socket.on('error', () => {});
    socket.write('GET /nodes HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    assert.ok(await closedWithin(socket, 3000), 'the server closed the slow connection');
    assert.equal((await rawRequest(agent, { path: '/_ping' })).status, 200, 'others are still served');
  } finally {
    await agent.close();
  }
});

test('connections beyond maxConnections are closed on accept', async () => {
  const agent = await startTestAgent({ limits: { maxConnections: 2 } });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = net.connect(agent.socketPath);
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      sockets.push(s);
    }
    const extra = net.connect(agent.socketPath);
    extra.on('error', () => {});
    sockets.push(extra);
    assert.ok(await closedWithin(extra, 2000), 'the third connection was dropped');
  } finally {
    for (const s of sockets) s.destroy();
    await agent.close();
  }
});
