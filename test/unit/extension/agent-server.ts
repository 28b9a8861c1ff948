import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApiServer, type ApiServer } from '../../../agent/api/server';
import type { ApiLog } from '../../../agent/api/options';
import { MemoryStore } from '../../../agent/store/memory';
import { FakeNodeManager } from '../api/fake-node-manager';

/** The real agent API over a MemoryStore, on a unix socket of our choosing (so it can come back at the same path). */
export interface RealAgent {
  server: ApiServer;
  store: MemoryStore;
  nodes: FakeNodeManager;
  socketPath: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const quiet: ApiLog = { info: () => {}, warn: () => {}, error: () => {} };

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-ext-'));
}

export async function startRealAgent(
  dir: string,
  options: { tcp?: boolean; store?: MemoryStore } = {},
): Promise<RealAgent> {
  const store = options.store ?? new MemoryStore();
  const nodes = new FakeNodeManager(store);
  const tokenFile = path.join(dir, 'agent.token');
  const server = createApiServer({ nodes, store, version: '0.1.0-test', log: quiet, tokenFile });
  const socketPath = path.join(dir, 'agent.sock');
  await server.listenUnix(socketPath);
  let port = 0;
  let token = '';
  if (options.tcp) {
    port = (await server.listenTcp('127.0.0.1', 0)).port;
    token = fs.readFileSync(tokenFile, 'utf8').trim();
  }
  return { server, store, nodes, socketPath, port, token, close: () => server.close() };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
