import * as os from 'node:os';
import * as path from 'node:path';

/** Where the agent listens, from the `shoal.agent.endpoint` setting. */
export type AgentEndpoint =
  { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number };

export const WEBSOCKET_PATH = '/shoal/ws';

/** `$SHOAL_HOME`, or `~/.shoal`, as the agent computes it. */
export function shoalHome(env: NodeJS.ProcessEnv = process.env, homedir: string = os.homedir()): string {
  const fromEnv = env.SHOAL_HOME;
  return path.resolve(fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : path.join(homedir, '.shoal'));
}

export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env, homedir?: string): string {
  return path.join(shoalHome(env, homedir), 'agent.sock');
}

/**
 * Parses the setting: empty means the default unix socket; `unix:///path`, an absolute path or `~/path` is a
 * unix socket; `HOST:PORT` or `tcp://HOST:PORT` is TCP (loopback only: the token travels in clear text).
 * Throws an Error whose message says what is wrong with the value.
 */
export function parseEndpoint(
  value: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  homedir: string = os.homedir(),
): AgentEndpoint {
  const raw = (value ?? '').trim();
  if (raw === '') return { kind: 'unix', socketPath: defaultSocketPath(env, homedir) };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`"${raw}": a unix:// endpoint needs an absolute path`);
    return { kind: 'unix', socketPath };
  }
  if (raw.startsWith('/')) return { kind: 'unix', socketPath: raw };
  if (raw === '~' || raw.startsWith('~/'))
    return { kind: 'unix', socketPath: path.join(homedir, raw.slice(1)) };
  const hostPort = raw.startsWith('tcp://') ? raw.slice('tcp://'.length) : raw;
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(hostPort);
  if (!match || match[1] === undefined || match[2] === undefined) {
    throw new Error(`"${raw}" is not an agent endpoint: use a unix socket path or 127.0.0.1:PORT`);
  }
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new Error(`"${raw}": port ${port} is out of range (1-65535)`);
  const host = match[1];
  if (!isLoopback(host)) {
    throw new Error(`"${raw}": only a loopback address (127.0.0.1, localhost, [::1]) is supported over TCP`);
  }
  return { kind: 'tcp', host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The WebSocket URL for `ws`: `ws+unix://` for a socket path, `ws://` for TCP. */
export function webSocketUrl(endpoint: AgentEndpoint): string {
  return endpoint.kind === 'unix'
    ? `ws+unix://${endpoint.socketPath}:${WEBSOCKET_PATH}`
    : `ws://${endpoint.host}:${endpoint.port}${WEBSOCKET_PATH}`;
}

/** For messages and the status bar. */
export function describeEndpoint(endpoint: AgentEndpoint): string {
  return endpoint.kind === 'unix' ? `unix://${endpoint.socketPath}` : `${endpoint.host}:${endpoint.port}`;
}
