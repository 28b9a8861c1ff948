import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
// Each test file runs in its own process: its temporary directories go when it exits.
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory for sockets, short enough for sun_path; removed when the test process exits. */
export function tempDir(prefix = 'shoal-cl-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A unix socket that accepts connections and never answers: the "hung engine". Counts open connections. */
export async function hungEngine(socketPath: string): Promise<{
  socketPath: string;
  openConnections(): number;
  close(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Read and drop the request; reading is also what notices the client closing.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    openConnections: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FakeEngineOptions {
  id?: string;
  name?: string;
  dockerRootDir?: string;
  /** Extra `/info` fields. */
  info?: Record<string, unknown>;
}

/**
 * A minimal Docker engine API on a unix socket: `/_ping`, `/info`, `/version`, `/events` (streamed, with
 * `since` replay from what was pushed). `hang` makes it accept requests and never answer.
 */
export class FakeEngine {
  hang = false;
  /** Routes (like `/info`) that hang while the others answer. */
  readonly hangOn = new Set<string>();
  readonly requests: string[] = [];
  private readonly server: http.Server;
  private readonly streams = new Set<http.ServerResponse>();
  private readonly sent: Array<{ timeNano: number; line: string }> = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly socketPath: string,
    private readonly options: FakeEngineOptions,
  ) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(socketPath: string, options: FakeEngineOptions = {}): Promise<FakeEngine> {
    const engine = new FakeEngine(socketPath, options);
    await engine.listen();
    return engine;
  }

  get endpoint(): string {
    return `unix://${this.socketPath}`;
  }

  async listen(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve) => this.server.listen(this.socketPath, resolve));
  }

  /** Stops answering: closes the listener and every connection, event streams included. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.streams.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sends an event to open `/events` streams and keeps it for `since` replays. */
  emit(action: string, id: string, timeNano = Date.now() * 1e6): void {
    const event = {
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: { name: id } },
      scope: 'local',
      time: Math.floor(timeNano / 1e9),
      timeNano,
    };
    const line = JSON.stringify(event) + '\n';
    this.sent.push({ timeNano, line });
    for (const res of this.streams) res.write(line);
  }

  /** Ends open event streams cleanly (as a restarting daemon does). */
  endStreams(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  openStreams(): number {
    return this.streams.size;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://engine');
    const route = url.pathname.replace(/^\/v[0-9.]+/, '');
    this.requests.push(`${req.method ?? ''} ${route}${url.search}`);
    if (this.hang || this.hangOn.has(route)) return;
    const json = (body: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (route) {
      case '/_ping':
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': '1.41' });
        res.end('OK');
        return;
      case '/info':
        json({
          ID: this.options.id ?? 'AAAA:BBBB',
          Name: this.options.name ?? 'fake',
          DockerRootDir: this.options.dockerRootDir ?? '/var/lib/docker',
          OSType: 'linux',
          Architecture: 'x86_64',
          NCPU: 2,
          MemTotal: 2_000_000_000,
          ServerVersion: '20.10.24',
          Labels: ['zone=a'],
          Plugins: { Volume: ['local'], Network: ['bridge', 'host'], Log: ['json-file'] },
          ...this.options.info,
        });
        return;
      case '/version':
        json({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' });
        return;
      case '/events': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        const since = url.searchParams.get('since');
        if (since !== null) {
          const from = Number(since) * 1e9;
          for (const e of this.sent) if (e.timeNano >= from) res.write(e.line);
        }
        this.streams.add(res);
        res.on('close', () => this.streams.delete(res));
        return;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `page not found: ${route}` }));
    }
  }
}
