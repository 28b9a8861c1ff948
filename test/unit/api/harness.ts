import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApiServer, type ApiServer } from '../../../agent/api/server';
import type { ApiLimits, ApiLog } from '../../../agent/api/options';
import { MemoryStore } from '../../../agent/store/memory';
import { FakeNodeManager } from './fake-node-manager';

export interface TestAgent {
  server: ApiServer;
  store: MemoryStore;
  nodes: FakeNodeManager;
  dir: string;
  socketPath: string;
  /** Set when started with `tcp: true`. */
  port: number;
  token: string;
  /** Every log line, for checking that the token never appears. */
  logs: string[];
  close(): Promise<void>;
}

export async function startTestAgent(
  options: { tcp?: boolean; limits?: Partial<ApiLimits> } = {},
): Promise<TestAgent> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-api-'));
  const logs: string[] = [];
  const log: ApiLog = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const store = new MemoryStore();
  const nodes = new FakeNodeManager(store);
  const tokenFile = path.join(dir, 'agent.token');
  const server = createApiServer({
    nodes,
    store,
    version: '0.1.0-test',
    log,
    tokenFile,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const socketPath = path.join(dir, 'agent.sock');
  await server.listenUnix(socketPath);
  let port = 0;
  let token = '';
  if (options.tcp) {
    port = (await server.listenTcp('127.0.0.1', 0)).port;
    token = fs.readFileSync(tokenFile, 'utf8').trim();
  }
  return {
    server,
    store,
    nodes,
    dir,
    socketPath,
    port,
    token,
    logs,
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

/** A plain HTTP request with exactly the given headers (node adds Host unless one is given). */
export function rawRequest(
  target: { socketPath: string } | { port: number },
  options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        ...('socketPath' in target
          ? { socketPath: target.socketPath }
          : { host: '127.0.0.1', port: target.port }),
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
