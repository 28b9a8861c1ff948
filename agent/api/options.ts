import type { NodeManager } from '../cluster/types';
import type { Store } from '../store/store';

/** Where the API server writes its lines. Nothing passed here ever contains the bearer token. */
export interface ApiLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Caps that keep one client from exhausting the agent (see security-and-faults §3e items 12-13). */
export interface ApiLimits {
  /** Largest JSON request body; larger → 413. */
  maxBodyBytes: number;
  /** Largest WebSocket message; larger → close 1009. */
  maxWebSocketPayloadBytes: number;
  /** Unsent bytes a WebSocket client may fall behind by before it is dropped (close 1013). */
  maxWebSocketBufferedBytes: number;
  /** Requests one WebSocket client may have in flight at once. */
  maxWebSocketRequestsInFlight: number;
  /** Open WebSocket clients over all listeners. */
  maxWebSocketClients: number;
  /** Open connections per listener; more are closed on accept. */
  maxConnections: number;
  /** Time allowed to receive a request's headers (slowloris). */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request. */
  requestTimeoutMs: number;
  /** Interval of WebSocket pings; a client that misses one pong is dropped. */
  webSocketPingIntervalMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxBodyBytes: 1024 * 1024,
  maxWebSocketPayloadBytes: 1024 * 1024,
  maxWebSocketBufferedBytes: 8 * 1024 * 1024,
  maxWebSocketRequestsInFlight: 32,
  maxWebSocketClients: 64,
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  webSocketPingIntervalMs: 30_000,
};

export interface ApiServerOptions {
  nodes: NodeManager;
  store: Store;
  /** Shoal's version, shown in `Server` headers, /version and /info. */
  version: string;
  log: ApiLog;
  /** The bearer token's file, created on first TCP listen; default `$SHOAL_HOME/agent.token`. */
  tokenFile?: string;
  limits?: Partial<ApiLimits>;
}
