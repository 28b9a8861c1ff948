import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Store, StoreChange } from '../store/store';
import { InvalidArgumentError, ShoalError, UnavailableError } from '../util/errors';
import type { Dispatcher, HttpMethod } from './dispatcher';
import type { LogMerger } from './logs/merger';
import type { TaskLogsDependencies } from './logs/task-logs';
import { parseLogSubscription, startLogSubscription, type LogMessage } from './ws-logs';
import { TooManyRequestsError, errorResponse } from './errors';
import { isPlainObject } from './filters';
import type { ApiLimits, ApiLog } from './options';
import { checkAccess, type ListenerPolicy } from './security';

export const WEBSOCKET_PATH = '/shoal/ws';

export const EVENT_TYPES = ['node', 'service', 'task', 'network'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const COLLECTION_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  nodes: 'node',
  services: 'service',
  tasks: 'task',
  networks: 'network',
};

/** Pushed to subscribers as `{"event": ApiEvent}`. */
export interface ApiEvent {
  type: EventType;
  action: 'create' | 'update' | 'delete';
  id: string;
  /** The object after the change; for a delete, as it was. */
  object: unknown;
  /**
   * The store index of the change: the object's new `Version.Index`, or for a delete the store's index when
   * it was committed. A client that loaded state at index N can ignore events at or below N.
   */
  index: number;
}

type MessageId = number | string;

/** The WebSocket protocol's replies: `{"id", "status", "body"}` for requests and subscriptions. */
interface Reply {
  id: MessageId | null;
  status: number;
  body?: unknown;
}

const REQUEST_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
const CLOSE_TOO_SLOW = 1013;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY_VIOLATION = 1008;
/** Log subscriptions one client may hold at once. */
const MAX_LOG_SUBSCRIPTIONS = 16;

interface Client {
  socket: WebSocket;
  /** The listener it connected through. */
  policy: ListenerPolicy;
  subscriptions: Set<EventType>;
  alive: boolean;
  requestsInFlight: number;
  /** Log subscriptions by the id of the message that started them. */
  logs: Map<MessageId, LogMerger>;
}

export interface WebSocketHubDependencies {
  dispatcher: Dispatcher;
  store: Store;
  limits: ApiLimits;
  standardHeaders: Record<string, string>;
  log: ApiLog;
  /** For log subscriptions; without it they are refused. */
  logs?: TaskLogsDependencies;
}

/**
 * The `/shoal/ws` endpoint: API requests as JSON messages (through the same dispatcher as HTTP) and store
 * change events for the types a client subscribed to.
 *
 *   → {"id": 1, "method": "GET", "path": "/nodes", "body"?: ...}   ← {"id": 1, "status": 200, "body": [...]}
 *   → {"id": 2, "subscribe": ["node", "task"]}                      ← {"id": 2, "status": 200, "body": {"subscribed": [...], "index": 42}}
 *   → {"id": 3, "unsubscribe": ["task"]}                            ← {"id": 3, "status": 200, "body": {"subscribed": [...], "index": 42}}
 *                                                                   ← {"event": {"type", "action", "id", "object", "index"}}
 *
 * Logs of a service or a task (Docker's options; `service`/`task` by ID, name or ID prefix):
 *   → {"id": 4, "logs": {"service": "web", "follow": true, "tail": 50, "timestamps"?, "since"?, "stdout"?, "stderr"?}}
 *                                                     ← {"id": 4, "status": 200, "body": {"logs": "started"}}
 *                                                     ← {"log": {"id": 4, "name": "web.1", "taskId", "serviceId", "nodeId", "stream", "line", "timestamp"?}}
 *                                                     ← {"logWarning": {"id": 4, "message"}}   (a follower's source failed)
 *                                                     ← {"logEnd": {"id": 4, "incomplete"?: [reasons]}}  (not following: all read)
 *   → {"id": 4, "unsubscribe": "logs"}                ← {"id": 4, "status": 200, "body": {"logs": "stopped"}}
 * A streamed response (`GET .../logs` as a request) is refused over the WebSocket: use the subscription.
 */
export class WebSocketHub {
  private readonly server: WebSocketServer;
  private readonly clients = new Set<Client>();
  private pendingUpgrades = 0;
  private closing = false;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly stopListening: () => void;

  constructor(private readonly deps: WebSocketHubDependencies) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxWebSocketPayloadBytes,
      clientTracking: false,
      perMessageDeflate: false,
    });
    this.pingTimer = setInterval(() => this.pingClients(), deps.limits.webSocketPingIntervalMs);
    this.pingTimer.unref();
    this.stopListening = deps.store.onChange((change) => this.onStoreChange(change), { readonly: true });
  }

  /** Handles an HTTP upgrade on any listener; refuses it (before any WebSocket exists) when not allowed. */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer, policy: ListenerPolicy): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    try {
      if (path !== WEBSOCKET_PATH) throw new ShoalError('page not found', 404);
      checkAccess(policy, request.headers);
      if (this.closing) throw new UnavailableError('the agent is shutting down');
      if (this.clients.size + this.pendingUpgrades >= this.deps.limits.maxWebSocketClients) {
        throw new UnavailableError('too many WebSocket clients');
      }
    } catch (error) {
      const { status, body } = errorResponse(error, this.deps.log);
      this.deps.log.warn(`refused WebSocket upgrade on ${policy.transport}: ${body.message}`);
      this.refuseUpgrade(socket, status, body);
      return;
    }
    // Counted until accepted, or until the socket closes (handleUpgrade answers a malformed handshake
    // itself and then never calls back).
    this.pendingUpgrades++;
    let pending = true;
    const settle = () => {
      if (pending) this.pendingUpgrades--;
      pending = false;
    };
    socket.once('close', settle);
    this.server.handleUpgrade(request, socket, head, (ws) => {
      settle();
      this.accept(ws, policy);
    });
  }

  /** Sends an event to the clients subscribed to its type. */
  publish(event: ApiEvent): void {
    let data: string | undefined;
    for (const client of this.clients) {
      if (!client.subscriptions.has(event.type)) continue;
      data ??= JSON.stringify({ event });
      this.send(client, data);
    }
  }

  /** Closes the clients that connected through TCP, whose token was just rotated (1008). */
  closeTokenClients(): void {
    for (const client of this.clients) {
      if (client.policy.transport === 'tcp') client.socket.close(CLOSE_POLICY_VIOLATION, 'token rotated');
    }
  }

  /** Says goodbye to every client (1001), and drops those that do not close within `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    this.stopListening();
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.socket.readyState === WebSocket.CLOSED) return resolve();
          client.socket.once('close', () => resolve());
          client.socket.close(CLOSE_GOING_AWAY, 'agent shutting down');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, policy: ListenerPolicy): void {
    const client: Client = {
      socket,
      policy,
      subscriptions: new Set(),
      alive: true,
      requestsInFlight: 0,
      logs: new Map(),
    };
    this.clients.add(client);
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (data, isBinary) => void this.onMessage(client, data, isBinary));
    socket.on('error', (error) => this.deps.log.warn(`WebSocket client error: ${error.message}`));
    socket.on('close', () => {
      this.clients.delete(client);
      for (const merger of client.logs.values()) merger.destroy();
      client.logs.clear();
    });
  }

  private async onMessage(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    let id: MessageId | null = null;
    try {
      if (isBinary) throw new InvalidArgumentError('binary messages are not supported: send JSON text');
      const parsed = decodeJson(data);
      id = messageIdOf(parsed);
      const message = parseMessage(parsed);
      if (message.kind === 'request') {
        if (client.requestsInFlight >= this.deps.limits.maxWebSocketRequestsInFlight) {
          throw new TooManyRequestsError(
            `more than ${this.deps.limits.maxWebSocketRequestsInFlight} requests in flight`,
          );
        }
        client.requestsInFlight++;
        try {
          const response = await this.deps.dispatcher.dispatch({
            method: message.method,
            url: message.path,
            body: message.body,
          });
          if (response.stream) {
            response.stream.destroy();
            throw new InvalidArgumentError(
              'streamed responses are not sent over the WebSocket: subscribe with {"id", "logs": {...}} instead',
            );
          }
          const body = response.text ?? response.body;
          this.reply(client, { id, status: response.status, ...(body === undefined ? {} : { body }) });
        } finally {
          client.requestsInFlight--;
        }
        return;
      }
      if (message.kind === 'logs' || message.kind === 'unsubscribe-logs') {
        this.reply(client, { id, status: 200, body: this.onLogsMessage(client, message) });
        return;
      }
      for (const type of message.types) {
        if (message.kind === 'subscribe') client.subscriptions.add(type);
        else client.subscriptions.delete(type);
      }
      this.reply(client, {
        id,
        status: 200,
        body: { subscribed: [...client.subscriptions], index: this.deps.store.currentIndex },
      });
    } catch (error) {
      const { status, body } = errorResponse(error, this.deps.log);
      this.reply(client, { id, status, body });
    }
  }

  private onLogsMessage(
    client: Client,
    message: Extract<Message, { kind: 'logs' | 'unsubscribe-logs' }>,
  ): { logs: 'started' | 'stopped' } {
    const running = client.logs.get(message.id);
    if (message.kind === 'unsubscribe-logs') {
      if (!running)
        throw new InvalidArgumentError(`no log subscription with id ${JSON.stringify(message.id)}`);
      running.destroy();
      client.logs.delete(message.id);
      return { logs: 'stopped' };
    }
    const deps = this.deps.logs;
    if (!deps) throw new ShoalError('log subscriptions are not available', 501);
    if (running)
      throw new InvalidArgumentError(`a log subscription with id ${JSON.stringify(message.id)} is running`);
    if (client.logs.size >= MAX_LOG_SUBSCRIPTIONS) {
      throw new TooManyRequestsError(`more than ${MAX_LOG_SUBSCRIPTIONS} log subscriptions`);
    }
    const request = parseLogSubscription(deps, message.request);
    const merger = startLogSubscription(deps, message.id, request, (m) => this.sendLog(client, merger, m));
    client.logs.set(message.id, merger);
    merger.once('close', () => {
      if (client.logs.get(message.id) === merger) client.logs.delete(message.id);
    });
    return { logs: 'started' };
  }

  /**
   * Log lines can outpace a client, so instead of dropping it (as for events) the subscription pauses while
   * the socket has much unsent, and resumes once it drained.
   */
  private sendLog(client: Client, merger: LogMerger, message: LogMessage): void {
    this.send(client, JSON.stringify(message));
    const { socket } = client;
    const highWater = this.deps.limits.maxWebSocketBufferedBytes / 4;
    if (socket.bufferedAmount <= highWater || merger.isPaused()) return;
    merger.pause();
    const timer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN || merger.destroyed) clearInterval(timer);
      else if (socket.bufferedAmount <= highWater / 2) {
        clearInterval(timer);
        merger.resume();
      }
    }, 20);
    timer.unref();
  }

  private reply(client: Client, reply: Reply): void {
    this.send(client, JSON.stringify(reply));
  }

  /** Sends unless the client has fallen too far behind, in which case it is dropped instead of buffered. */
  private send(client: Client, data: string): void {
    const { socket } = client;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount + data.length > this.deps.limits.maxWebSocketBufferedBytes) {
      this.deps.log.warn('dropping a WebSocket client that does not keep up with its messages');
      socket.close(CLOSE_TOO_SLOW, 'client too slow');
      return;
    }
    socket.send(data);
  }

  private onStoreChange(change: StoreChange): void {
    const type = COLLECTION_EVENT_TYPES[change.collection];
    if (type === undefined) return;
    const index = change.action === 'delete' ? this.deps.store.currentIndex : change.object.Version.Index;
    this.publish({ type, action: change.action, id: change.object.ID, object: change.object, index });
  }

  private pingClients(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.deps.log.warn('dropping a WebSocket client that did not answer a ping');
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  private refuseUpgrade(socket: Duplex, status: number, body: { message: string }): void {
    const payload = JSON.stringify(body);
    const headers = {
      ...this.deps.standardHeaders,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(payload)),
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${payload}`);
  }
}

type Message =
  | { kind: 'request'; id: MessageId; method: HttpMethod; path: string; body: unknown }
  | { kind: 'subscribe' | 'unsubscribe'; id: MessageId; types: EventType[] }
  | { kind: 'logs'; id: MessageId; request: unknown }
  | { kind: 'unsubscribe-logs'; id: MessageId };

function decodeJson(data: RawData): unknown {
  try {
    return JSON.parse(rawDataToString(data));
  } catch (error) {
    throw new InvalidArgumentError(`invalid JSON message: ${(error as Error).message}`);
  }
}

/** The id to answer with, as soon as there is one, so even a refused message's reply can be matched. */
function messageIdOf(parsed: unknown): MessageId | null {
  if (!isPlainObject(parsed)) return null;
  return typeof parsed.id === 'number' || typeof parsed.id === 'string' ? parsed.id : null;
}

function parseMessage(parsed: unknown): Message {
  if (!isPlainObject(parsed)) throw new InvalidArgumentError('a message must be a JSON object');
  const { id } = parsed;
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new InvalidArgumentError('a message needs an "id" (a number or a string)');
  }
  if ('logs' in parsed) {
    rejectUnknownKeys(parsed, ['id', 'logs']);
    return { kind: 'logs', id, request: parsed.logs };
  }
  if (parsed.unsubscribe === 'logs') {
    rejectUnknownKeys(parsed, ['id', 'unsubscribe']);
    return { kind: 'unsubscribe-logs', id };
  }
  for (const kind of ['subscribe', 'unsubscribe'] as const) {
    if (!(kind in parsed)) continue;
    rejectUnknownKeys(parsed, ['id', kind]);
    return { kind, id, types: parseEventTypes(parsed[kind], kind) };
  }
  rejectUnknownKeys(parsed, ['id', 'method', 'path', 'body']);
  const { method, path } = parsed;
  if (typeof method !== 'string' || !REQUEST_METHODS.includes(method.toUpperCase() as HttpMethod)) {
    throw new InvalidArgumentError(`"method" must be one of ${REQUEST_METHODS.join(', ')}`);
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new InvalidArgumentError('"path" must be a string starting with "/"');
  }
  return { kind: 'request', id, method: method.toUpperCase() as HttpMethod, path, body: parsed.body };
}

function parseEventTypes(value: unknown, field: string): EventType[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError(`"${field}" must be a non-empty array of ${EVENT_TYPES.join(', ')}`);
  }
  for (const type of value) {
    if (!EVENT_TYPES.includes(type as EventType)) {
      throw new InvalidArgumentError(
        `unknown event type ${JSON.stringify(type)}: expected ${EVENT_TYPES.join(', ')}`,
      );
    }
  }
  return value as EventType[];
}

function rejectUnknownKeys(message: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(message)) {
    if (!known.includes(key))
      throw new InvalidArgumentError(`unknown field ${JSON.stringify(key)} in message`);
  }
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
