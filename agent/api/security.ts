import type { IncomingHttpHeaders } from 'node:http';
import * as net from 'node:net';
import { ForbiddenError } from '../util/errors';
import { MisdirectedRequestError, UnauthorizedError, UnsupportedMediaTypeError } from './errors';
import { bearerToken, tokensEqual } from './token';

/**
 * Who may use a listener. On the unix socket the file's 0600 mode is the access control, as for Docker's
 * own socket. On TCP anything on the host (and any web page through the browser) can connect, so requests
 * need the bearer token and a loopback Host header.
 */
export type ListenerPolicy =
  | { transport: 'unix' }
  | {
      transport: 'tcp';
      /** Read per request, so a rotated token takes effect at once (undefined: refuse everything). */
      currentToken(): string | undefined;
      allowedHosts: ReadonlySet<string>;
    };

/**
 * Throws the ShoalError a request (or WebSocket upgrade) must be refused with, if any. Browsers always send
 * `Origin` on cross-origin requests and WebSocket handshakes, and the docker CLI and the extension host never
 * do, so any `Origin` is refused on both transports (a unix socket may still be proxied to a port).
 */
export function checkAccess(policy: ListenerPolicy, headers: IncomingHttpHeaders): void {
  if (policy.transport === 'tcp') {
    const host = headers.host?.toLowerCase();
    if (host === undefined || !policy.allowedHosts.has(host)) throw new MisdirectedRequestError(headers.host);
  }
  if (headers.origin !== undefined) {
    throw new ForbiddenError('requests from web pages are not accepted (the request has an Origin header)');
  }
  if (policy.transport === 'tcp') {
    const presented = bearerToken(headers.authorization);
    if (presented === undefined) throw new UnauthorizedError();
    const expected = policy.currentToken();
    if (expected === undefined || !tokensEqual(presented, expected)) {
      throw new UnauthorizedError('unauthorized: invalid token');
    }
  }
}

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A mutating request with a body must say it is JSON: `text/plain`, form and multipart bodies are what a web
 * page can send cross-origin without a preflight ("simple requests", the CSRF vector). A bodyless POST is let
 * through whatever its type, because the docker CLI labels those `text/plain` itself; nothing is parsed from it.
 */
export function checkContentType(method: string, headers: IncomingHttpHeaders): void {
  if (!MUTATING_METHODS.has(method.toUpperCase()) || !hasBody(headers)) return;
  const mediaType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new UnsupportedMediaTypeError(headers['content-type']);
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/** The Host headers a TCP listener answers: loopback names with its port, plus `extraHostNames`. */
export function allowedHostHeaders(port: number, extraHostNames: readonly string[] = []): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...extraHostNames];
  return new Set(names.map((name) => `${net.isIPv6(name) ? `[${name}]` : name}:${port}`.toLowerCase()));
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./i.test(host);
}

/**
 * The agent API drives Docker engines, which is root on every node: plain HTTP beyond loopback would hand
 * that to the network (Docker's own daemon refuses to start so since v27).
 */
export function assertSafeListenAddress(host: string, tls: boolean): void {
  if (tls || isLoopbackHost(host)) return;
  throw new Error(
    `refusing to listen on ${host} without TLS: the agent API controls Docker engines (root-equivalent) ` +
      'and plain HTTP beyond loopback exposes it to the network; listen on 127.0.0.1 or configure a TLS ' +
      'certificate and key',
  );
}
