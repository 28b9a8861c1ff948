import * as http from 'node:http';
import type * as net from 'node:net';
import Docker from 'dockerode';
import type { EngineClient } from '../../../agent/cluster/types';

interface FakeContainer {
  tty: boolean;
  lines: Array<{ stream: 'stdout' | 'stderr'; text: string; timestamp: string }>;
}

/**
 * A Docker engine on a unix socket that knows only containers' logs: `GET /containers/{id}/json` and
 * `GET /containers/{id}/logs` (tail, timestamps, follow). Followers stay open until the client goes away, so
 * tests can check that the API closes them; `write` sends them more lines.
 */
export class FakeLogEngine {
  readonly requests: string[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly followers = new Set<{ id: string; response: http.ServerResponse; timestamps: boolean }>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: http.Server;

  constructor(readonly socketPath: string) {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.socketPath, resolve));
    return this;
  }

  container(id: string, lines: Array<[stream: 'stdout' | 'stderr', text: string]>, tty = false): void {
    this.containers.set(id, {
      tty,
      lines: lines.map(([stream, text], i) => ({ stream, text, timestamp: timestampOf(i) })),
    });
  }

  /** Appends a line to a container's log and sends it to its followers. */
  write(id: string, stream: 'stdout' | 'stderr', text: string): void {
    const container = this.containers.get(id);
    if (!container) throw new Error(`no container ${id}`);
    const line = { stream, text, timestamp: timestampOf(container.lines.length) };
    container.lines.push(line);
    for (const follower of this.followers) {
      if (follower.id === id) follower.response.write(encode(line, container.tty, follower.timestamps));
    }
  }

  followerCount(): number {
    return this.followers.size;
  }

  /** An engine client of the kind NodeManager.engine returns, talking to this engine. */
  client(nodeId: string): EngineClient {
    const docker = new Docker({ socketPath: this.socketPath });
    return {
      nodeId,
      call: (_what, fn) => fn(docker, new AbortController().signal),
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://engine');
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const match = /^\/(?:v[\d.]+\/)?containers\/([^/]+)\/(json|logs)$/.exec(url.pathname);
    const container = match ? this.containers.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!match || !container) {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ message: `No such container: ${match?.[1] ?? ''}` }));
      return;
    }
    if (match[2] === 'json') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ Id: match[1], Config: { Tty: container.tty } }));
      return;
    }
    const timestamps = url.searchParams.get('timestamps') === 'true';
    const tail = url.searchParams.get('tail');
    const lines =
      tail === null || tail === 'all'
        ? container.lines
        : container.lines.slice(-Number(tail) || container.lines.length);
    response.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
    for (const line of tail === '0' ? [] : lines) response.write(encode(line, container.tty, timestamps));
    if (url.searchParams.get('follow') !== 'true') {
      response.end();
      return;
    }
    const follower = { id: match[1] ?? '', response, timestamps };
    this.followers.add(follower);
    response.on('close', () => this.followers.delete(follower));
  }
}

function timestampOf(i: number): string {
  return `2025-01-01T00:00:${String(i).padStart(2, '0')}.000000000Z`;
}

function encode(
  line: { stream: string; text: string; timestamp: string },
  tty: boolean,
  timestamps: boolean,
): Buffer {
  const payload = Buffer.from(`${timestamps ? `${line.timestamp} ` : ''}${line.text}\n`);
  if (tty) return payload;
  const header = Buffer.alloc(8);
  header.writeUInt8(line.stream === 'stderr' ? 2 : 1, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
