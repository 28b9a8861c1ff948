import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { shoalHome } from '../util/home';
import { agentNodeId, type RouteContext } from './context';
import { Dispatcher } from './dispatcher';
import { createHttpApp } from './http-app';
import { DEFAULT_LIMITS, type ApiServerOptions } from './options';
import { distributionRoutes } from './routes/distribution';
import { logRoutes } from './routes/logs';
import { networkRoutes } from './routes/networks';
import { nodeRoutes } from './routes/nodes';
import { secretAndConfigRoutes } from './routes/secrets';
import { serviceRoutes } from './routes/services';
import { stackRoutes } from './routes/stacks';
import { systemRoutes } from './routes/system';
import { taskRoutes } from './routes/tasks';
import { allowedHostHeaders, assertSafeListenAddress, type ListenerPolicy } from './security';
import { loadOrCreateToken, rotateTokenFile } from './token';
import { listenOnUnixSocket } from './unix-socket';
import { standardHeaders } from './version';
import { WebSocketHub, type ApiEvent } from './websocket';

export interface TcpListenOptions {
  /** PEM file paths. Required beyond loopback. With `ca`, clients must also present a certificate it signed. */
  tls?: { cert: string; key: string; ca?: string };
  /** Host names accepted in the Host header besides 127.0.0.1, localhost and [::1] (e.g. the certificate's). */
  hostNames?: string[];
}

export interface ApiServer {
  /** Serves on a 0600 unix socket; requests need no token there. */
  listenUnix(socketPath: string): Promise<void>;
  /** Serves on TCP with the bearer token; resolves to the bound address (port 0 picks one). */
  listenTcp(host: string, port: number, options?: TcpListenOptions): Promise<{ host: string; port: number }>;
  /**
   * Writes a new token to the token file. Requests with the old one fail from now on, and WebSocket clients
   * that connected over TCP are closed (1008) to reconnect with the new one.
   */
  rotateToken(): void;
  /** Pushes an event that is not a store change to subscribed WebSocket clients. */
  publish(event: ApiEvent): void;
  /** Closes WebSocket clients (1001), then the listeners, and removes the socket file. */
  close(): Promise<void>;
  /** The agent's own node ID, as `/info` reports it. */
  readonly agentNodeId: string;
  /** Where the TCP bearer token lives (created on the first `listenTcp`). */
  readonly tokenFile: string;
}

interface Listener {
  server: http.Server;
  address: string;
  release?: () => void;
}

/**
 * The agent's API: Docker's Engine API subset (so `docker -H ...` works) plus Shoal's `/shoal/...` routes and
 * the `/shoal/ws` WebSocket, served by one express app on a unix socket and optionally TCP.
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { log, store, version } = options;
  const tokenFile = options.tokenFile ?? path.join(shoalHome(), 'agent.token');
  const listeners: Listener[] = [];
  const context: RouteContext = {
    nodes: options.nodes,
    store,
    version,
    agentNodeId: agentNodeId(store.clusterID),
    agentAddress: () => listeners.find((l) => l.address !== 'unix')?.address ?? '127.0.0.1',
    startedAt: new Date().toISOString(),
    log,
  };
  const dispatcher = new Dispatcher(
    [
      ...systemRoutes(context),
      ...nodeRoutes(context),
      ...serviceRoutes(context),
      ...taskRoutes(context),
      ...logRoutes(context),
      ...networkRoutes(context),
      ...stackRoutes(context),
      ...distributionRoutes(),
      ...secretAndConfigRoutes(),
    ],
    log,
  );
  const policies = new WeakMap<http.IncomingMessage, ListenerPolicy>();
  // A request without a recorded listener cannot happen; if it did, it would get the strictest answer.
  const unknownListener: ListenerPolicy = {
    transport: 'tcp',
    currentToken: () => undefined,
    allowedHosts: new Set(),
  };
  let token: string | undefined;
  const app = createHttpApp({
    dispatcher,
    policyOf: (request) => policies.get(request) ?? unknownListener,
    limits,
    version,
    log,
  });
  const hub = new WebSocketHub({
    dispatcher,
    store,
    limits,
    standardHeaders: standardHeaders(version),
    log,
    logs: { store, nodes: options.nodes, log },
  });
  let closed = false;

  function createServer(policy: ListenerPolicy, tls?: TcpListenOptions['tls']): http.Server {
    const serverOptions: http.ServerOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(2000, limits.headersTimeoutMs),
    };
    const handler: http.RequestListener = (request, response) => {
      policies.set(request, policy);
      app(request, response);
    };
    const server = tls
      ? https.createServer(
          {
            ...serverOptions,
            cert: fs.readFileSync(tls.cert),
            key: fs.readFileSync(tls.key),
            minVersion: 'TLSv1.2',
            ...(tls.ca ? { ca: fs.readFileSync(tls.ca), requestCert: true, rejectUnauthorized: true } : {}),
          },
          handler,
        )
      : http.createServer(serverOptions, handler);
    server.maxConnections = limits.maxConnections;
    server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) =>
      hub.handleUpgrade(request, socket, head, policy),
    );
    return server;
  }

  function assertOpen(): void {
    if (closed) throw new Error('the API server is closed');
  }

  return {
    agentNodeId: context.agentNodeId,
    tokenFile,

    async listenUnix(socketPath) {
      assertOpen();
      const server = createServer({ transport: 'unix' });
      const release = await listenOnUnixSocket(server, socketPath);
      listeners.push({ server, address: 'unix', release });
      log.info(`API listening on unix://${path.resolve(socketPath)}`);
    },

    async listenTcp(host, port, tcpOptions = {}) {
      assertOpen();
      assertSafeListenAddress(host, tcpOptions.tls !== undefined);
      token ??= loadOrCreateToken(tokenFile);
      const allowedHosts = new Set<string>();
      const server = createServer(
        { transport: 'tcp', currentToken: () => token, allowedHosts },
        tcpOptions.tls,
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = server.address() as AddressInfo;
      const wildcard = host === '0.0.0.0' || host === '::';
      for (const allowed of allowedHostHeaders(bound.port, [
        ...(wildcard ? [] : [host]),
        ...(tcpOptions.hostNames ?? []),
      ])) {
        allowedHosts.add(allowed);
      }
      listeners.push({ server, address: host });
      const scheme = tcpOptions.tls ? 'https' : 'tcp';
      log.info(`API listening on ${scheme}://${host}:${bound.port} (bearer token in ${tokenFile})`);
      return { host, port: bound.port };
    },

    rotateToken() {
      assertOpen();
      token = rotateTokenFile(tokenFile);
      hub.closeTokenClients();
      log.info(`API token rotated (new token in ${tokenFile})`);
    },

    publish: (event) => hub.publish(event),

    async close() {
      if (closed) return;
      closed = true;
      await hub.close();
      await Promise.all(
        listeners.map(
          ({ server, release }) =>
            new Promise<void>((resolve) => {
              server.close(() => {
                release?.();
                resolve();
              });
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
