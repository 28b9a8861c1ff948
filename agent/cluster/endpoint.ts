import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { status as sandboxStatus, type SandboxNodeStatus } from '../sandbox/sandbox';
import { ForbiddenError, InvalidArgumentError } from '../util/errors';
import { defaultKnownHostsFiles, findHostKeys, hostKeyVerifier, knownHostsName } from './known-hosts';

/*
 * A node endpoint is where the agent reaches an engine, and the engine API is root on its host
 * (security-and-faults.md §3a). So: local unix sockets, TCP only with mutual TLS verified against the
 * given CA, ssh only to hosts whose key is in known_hosts. Plain TCP only inside the sandbox's private bridge.
 */

export type EndpointScheme = 'unix' | 'tcp' | 'ssh';

/** PEM file paths, as `AddNodeRequest.tls` names them. */
export interface TlsFiles {
  caCert: string;
  cert: string;
  key: string;
}

export interface ParsedEndpoint {
  scheme: EndpointScheme;
  /** The canonical form, which two endpoints of the same engine share (used to refuse adding it twice). */
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
  user?: string;
}

export interface EndpointContext {
  /** The sandbox whose nodes may be reached over plain TCP; none means plain TCP is always refused. */
  sandboxDir?: string;
  /** known_hosts files for ssh://; defaults to ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHostsFiles?: string[];
  /** Where ssh:// looks for a private key when no ssh agent is running; defaults to ~/.ssh. */
  sshDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedEndpoint {
  parsed: ParsedEndpoint;
  /** `Status.Addr`: the sandbox address for a sandbox node, the host for tcp/ssh, else 127.0.0.1. */
  addr: string;
  /** Options for `new Docker(...)`. */
  options: Docker.DockerOptions;
}

const SCHEMES = 'unix:///path, tcp://host:port (with TLS client certificates) or ssh://user@host[:port]';
const MAX_ENDPOINT_LENGTH = 1024;
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
const DEFAULT_TLS_PORT = 2376;
const DEFAULT_PLAIN_PORT = 2375;
const DEFAULT_SSH_PORT = 22;
const SSH_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export const PLAIN_TCP_REFUSED =
  'plain TCP gives root on the engine to anyone on the network; use TLS client certificates or ssh://';

/** Syntax only: no files read, no policy applied. `tls` decides the default TCP port (2376 vs 2375). */
export function parseEndpoint(raw: unknown, options: { tls: boolean } = { tls: true }): ParsedEndpoint {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new InvalidArgumentError(`endpoint is required: ${SCHEMES}`);
  }
  if (raw.length > MAX_ENDPOINT_LENGTH) {
    throw new InvalidArgumentError(`endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters`);
  }
  if (/[\s\p{Cc}]/u.test(raw)) {
    throw new InvalidArgumentError(
      `endpoint ${JSON.stringify(raw)} contains whitespace or control characters`,
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'unix':
      return parseUnix(raw);
    case 'tcp':
      return parseTcp(raw, options.tls);
    case 'ssh':
      return parseSsh(raw);
    case 'http':
    case 'https':
      throw new InvalidArgumentError(
        `endpoint ${JSON.stringify(raw)}: write tcp://host:port, as docker -H does`,
      );
    default:
      throw new InvalidArgumentError(`endpoint ${JSON.stringify(raw)} is not one of ${SCHEMES}`);
  }
}

function parseUnix(raw: string): ParsedEndpoint {
  const socket = raw.slice('unix://'.length);
  if (!socket.startsWith('/')) {
    throw new InvalidArgumentError(
      `endpoint ${JSON.stringify(raw)}: a unix socket needs an absolute path (unix:///path/to/docker.sock)`,
    );
  }
  const normalized = canonicalPath(socket);
  if (Buffer.byteLength(normalized) > MAX_SOCKET_PATH_BYTES) {
    throw new InvalidArgumentError(
      `endpoint ${JSON.stringify(raw)}: socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes`,
    );
  }
  return { scheme: 'unix', url: `unix://${normalized}`, socketPath: normalized };
}

/** Symlinks resolved, so /var/run/docker.sock and /run/docker.sock are one engine. */
function canonicalPath(p: string): string {
  const normalized = path.posix.normalize(p);
  try {
    return fs.realpathSync(normalized);
  } catch {
    return normalized;
  }
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new InvalidArgumentError(`endpoint ${JSON.stringify(raw)} is not a valid URL (${SCHEMES})`);
  }
}

function parseTcp(raw: string, tls: boolean): ParsedEndpoint {
  const url = parseUrl(raw);
  if (url.username || url.password) {
    throw new InvalidArgumentError(`endpoint ${JSON.stringify(raw)}: tcp:// takes no user or password`);
  }
  rejectPathAndQuery(raw, url);
  const host = validHost(raw, url.hostname);
  const port = validPort(raw, url.port, tls ? DEFAULT_TLS_PORT : DEFAULT_PLAIN_PORT);
  return { scheme: 'tcp', url: `tcp://${hostForUrl(host)}:${port}`, host, port };
}

function parseSsh(raw: string): ParsedEndpoint {
  const url = parseUrl(raw);
  if (url.password) {
    throw new InvalidArgumentError(
      `endpoint ${JSON.stringify(raw)}: passwords are not accepted in ssh:// endpoints; use an ssh agent or key`,
    );
  }
  const user = decodeURIComponent(url.username);
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(user) || user.length > 32) {
    throw new InvalidArgumentError(
      `endpoint ${JSON.stringify(raw)}: ssh:// needs a valid user name (ssh://user@host[:port])`,
    );
  }
  rejectPathAndQuery(raw, url);
  const host = validHost(raw, url.hostname);
  const port = validPort(raw, url.port, DEFAULT_SSH_PORT);
  return { scheme: 'ssh', url: `ssh://${user}@${hostForUrl(host)}:${port}`, host, port, user };
}

function rejectPathAndQuery(raw: string, url: URL): void {
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError(`endpoint ${JSON.stringify(raw)}: no path, query or fragment allowed`);
  }
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A DNS name or IP address, lower-cased, IPv6 without brackets. */
function validHost(raw: string, hostname: string): string {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host) !== 0 || DNS_NAME.test(host)) return host;
  throw new InvalidArgumentError(
    `endpoint ${JSON.stringify(raw)}: ${JSON.stringify(hostname)} is not a valid host`,
  );
}

function validPort(raw: string, port: string, fallback: number): number {
  if (port === '') return fallback;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InvalidArgumentError(`endpoint ${JSON.stringify(raw)}: port must be 1 to 65535`);
  }
  return n;
}

function hostForUrl(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

/**
 * Parses and applies policy: reads and checks TLS files, the sandbox exception for plain TCP, ssh host keys.
 * The result carries everything `new Docker()` needs; no connection is made.
 */
export function resolveEndpoint(
  endpoint: { url: string; tls?: TlsFiles },
  context: EndpointContext = {},
): ResolvedEndpoint {
  // Requests arrive as JSON: `tls: null` means none, anything else that is not an object is malformed.
  const tls: unknown = endpoint.tls ?? undefined;
  if (tls !== undefined && (typeof tls !== 'object' || Array.isArray(tls))) {
    throw new InvalidArgumentError('tls must be an object with caCert, cert and key file paths');
  }
  const parsed = parseEndpoint(endpoint.url, { tls: tls !== undefined });
  if (tls !== undefined && parsed.scheme !== 'tcp') {
    throw new InvalidArgumentError(`tls applies only to tcp:// endpoints, not ${parsed.scheme}://`);
  }
  // Explicit undefined for every connection field: dockerode fills missing ones from DOCKER_HOST.
  const base: Docker.DockerOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
  };
  switch (parsed.scheme) {
    case 'unix': {
      const sandboxNode = sandboxNodes(context.sandboxDir).find(
        (n) => n.endpoint.startsWith('unix://') && canonicalPath(n.endpoint.slice(7)) === parsed.socketPath,
      );
      return {
        parsed,
        addr: sandboxNode?.address ?? '127.0.0.1',
        options: { ...base, socketPath: parsed.socketPath },
      };
    }
    case 'tcp': {
      const host = parsed.host ?? '';
      if (endpoint.tls == null) {
        if (!sandboxNodes(context.sandboxDir).some((n) => n.address === host)) {
          throw new ForbiddenError(`refusing ${parsed.url}: ${PLAIN_TCP_REFUSED}`);
        }
        return { parsed, addr: host, options: { ...base, host, port: parsed.port, protocol: 'http' } };
      }
      const pem = readTlsFiles(endpoint.tls);
      // https with a CA: node verifies the chain against that CA only and the host against the SANs.
      return { parsed, addr: host, options: { ...base, host, port: parsed.port, protocol: 'https', ...pem } };
    }
    case 'ssh':
      return { parsed, addr: parsed.host ?? '', options: { ...base, ...sshOptions(parsed, context) } };
  }
}

/** The nodes listed in the sandbox's state (empty if there is no sandbox there). */
export function sandboxNodes(dir: string | undefined): SandboxNodeStatus[] {
  if (dir === undefined) return [];
  try {
    return sandboxStatus(dir).nodes;
  } catch {
    return [];
  }
}

function readTlsFiles(tls: TlsFiles): { ca: Buffer; cert: Buffer; key: Buffer } {
  const ca = readPemFile('tls.caCert', tls.caCert);
  const cert = readPemFile('tls.cert', tls.cert);
  const key = readPemFile('tls.key', tls.key);
  refuseSharedKeyFile('tls.key', tls.key);
  const caCert = parseCertificate('tls.caCert', tls.caCert, ca);
  const clientCert = parseCertificate('tls.cert', tls.cert, cert);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new InvalidArgumentError(`tls.key ${tls.key} is not an unencrypted PEM private key`);
  }
  if (!clientCert.checkPrivateKey(privateKey)) {
    throw new InvalidArgumentError(`tls.cert ${tls.cert} does not belong to tls.key ${tls.key}`);
  }
  for (const [field, file, c] of [
    ['tls.caCert', tls.caCert, caCert],
    ['tls.cert', tls.cert, clientCert],
  ] as const) {
    if (Date.parse(c.validTo) < Date.now()) {
      throw new InvalidArgumentError(`${field} ${file} expired on ${c.validTo}`);
    }
  }
  return { ca, cert, key };
}

function readPemFile(field: string, file: unknown): Buffer {
  if (typeof file !== 'string' || !path.isAbsolute(file)) {
    throw new InvalidArgumentError(`${field} must be an absolute path to a PEM file`);
  }
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidArgumentError(`${field} ${file} cannot be read (${code})`);
  }
}

function parseCertificate(field: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new InvalidArgumentError(`${field} ${file} is not a PEM certificate`);
  }
}

/** A client key is root on the engine: like ssh, refuse one that other users can read. */
function refuseSharedKeyFile(field: string, file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ForbiddenError(
      `${field} ${file} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `it gives root on the engine: chmod 600 it`,
    );
  }
}

function sshOptions(parsed: ParsedEndpoint, context: EndpointContext): Docker.DockerOptions {
  const host = parsed.host ?? '';
  const port = parsed.port ?? DEFAULT_SSH_PORT;
  const files = context.knownHostsFiles ?? defaultKnownHostsFiles();
  const keys = findHostKeys(files, host, port);
  if (keys.accepted.length === 0) {
    throw new ForbiddenError(
      `refusing ${parsed.url}: ${knownHostsName(host, port)} has no host key in ${files.join(' or ')}; ` +
        `connect once with ssh to check and record its key`,
    );
  }
  const env = context.env ?? process.env;
  const agent = env.SSH_AUTH_SOCK;
  const identity = agent ? undefined : findIdentity(context.sshDir ?? path.join(os.homedir(), '.ssh'));
  if (!agent && !identity) {
    throw new InvalidArgumentError(
      `ssh:// needs credentials: run an ssh agent (SSH_AUTH_SOCK) or create ~/.ssh/${SSH_IDENTITIES[0]}`,
    );
  }
  return {
    host,
    port,
    protocol: 'ssh',
    username: parsed.user,
    sshOptions: {
      hostVerifier: hostKeyVerifier(keys),
      ...(agent ? { agent } : { privateKey: identity }),
    },
  };
}

function findIdentity(sshDir: string): Buffer | undefined {
  for (const name of SSH_IDENTITIES) {
    const file = path.join(sshDir, name);
    if (!fs.existsSync(file)) continue;
    refuseSharedKeyFile('ssh key', file);
    return fs.readFileSync(file);
  }
  return undefined;
}
