import { WebSocket } from 'ws';
import { Emitter, type Disposable, type Event } from '../util/emitter';
import {
  AgentRequestError,
  AgentUnavailableError,
  errorMessageOf,
  parseIncoming,
  type ApiEvent,
  type EventType,
  type LogLine,
  type LogOptions,
  type MessageId,
  type Reply,
} from './protocol';

export interface ClientOptions {
  /** `ws+unix:///path:/shoal/ws` or `ws://127.0.0.1:PORT/shoal/ws`. */
  url: string;
  /** The bearer token, for TCP. Never logged. */
  token?: string;
  /** How long the handshake may take. */
  connectTimeoutMs?: number;
  /** How long a request may wait for its reply. */
  requestTimeoutMs?: number;
}

export interface LogSubscriptionHandlers {
  onLine(line: LogLine): void;
  onWarning?(message: string): void;
  /** Not following and all read, or the connection closed (`closed` true). */
  onEnd?(result: { incomplete: string[]; closed: boolean }): void;
}

export interface LogSubscription extends Disposable {
  /** Resolves once the agent accepted the subscription (rejects with its reason otherwise). */
  readonly started: Promise<void>;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One WebSocket connection to the agent: requests with replies matched by id, the event subscription, and
 * log subscriptions. Knows nothing about VS Code. A closed client stays closed; reconnecting is
 * {@link ../agent/connection}'s job, with a new client.
 */
export class AgentClient implements Disposable {
  private nextId = 1;
  private readonly pending = new Map<MessageId, Pending>();
  private readonly logs = new Map<MessageId, LogSubscriptionHandlers>();
  private readonly onEventEmitter = new Emitter<ApiEvent>();
  private readonly onCloseEmitter = new Emitter<{ code: number; reason: string }>();
  private closed = false;

  /** Store change events of the subscribed types. */
  readonly onEvent: Event<ApiEvent> = this.onEventEmitter.event;
  /** Fires once, when the connection is gone (whoever closed it). */
  readonly onClose: Event<{ code: number; reason: string }> = this.onCloseEmitter.event;

  private constructor(
    private readonly socket: WebSocket,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(rawToString(data));
    });
    socket.on('close', (code, reason) => this.onClosed(code, reason.toString('utf8')));
    socket.on('error', () => {
      // 'close' follows and reports it.
    });
  }

  /** Opens a connection; rejects with an {@link AgentUnavailableError} that says why it could not. */
  static connect(options: ClientOptions): Promise<AgentClient> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined && options.token !== '') {
      headers.Authorization = `Bearer ${options.token}`;
    }
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(options.url, {
        headers,
        handshakeTimeout: options.connectTimeoutMs ?? 5000,
        perMessageDeflate: false,
        maxPayload: 64 * 1024 * 1024,
      });
      let settled = false;
      const fail = (error: AgentUnavailableError) => {
        if (settled) return;
        settled = true;
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(error);
      };
      socket.once('open', () => {
        if (settled) return;
        settled = true;
        socket.removeAllListeners();
        resolve(new AgentClient(socket, options.requestTimeoutMs ?? 30_000));
      });
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          const message = errorMessageOf(status, body);
          fail(
            new AgentUnavailableError(
              status === 401
                ? `the agent refused the token: ${message}`
                : `the agent refused the connection (${status}): ${message}`,
              status === 401 ? 'unauthorized' : 'refused',
            ),
          );
        });
        response.on('error', () =>
          fail(new AgentUnavailableError('the agent refused the connection', 'refused')),
        );
      });
      socket.once('error', (error: NodeJS.ErrnoException) => fail(describeConnectError(error)));
      socket.once('close', () =>
        fail(new AgentUnavailableError('the connection closed during the handshake')),
      );
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  /** An API request; resolves with the body of a 2xx reply, rejects with {@link AgentRequestError} otherwise. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.send({ method, path, ...(body === undefined ? {} : { body }) });
    if (reply.status >= 200 && reply.status < 300) return reply.body as T;
    throw new AgentRequestError(
      reply.status,
      errorMessageOf(reply.status, reply.body),
      method,
      path,
      reply.body,
    );
  }

  /** Subscribes to event types; resolves with the store index at which the subscription took effect. */
  async subscribe(types: readonly EventType[]): Promise<number> {
    const reply = await this.send({ subscribe: types });
    if (reply.status !== 200) {
      throw new AgentRequestError(reply.status, errorMessageOf(reply.status, reply.body), 'subscribe');
    }
    const body = reply.body as { index?: unknown } | undefined;
    return typeof body?.index === 'number' ? body.index : 0;
  }

  /** Streams logs of a service or task (by ID or name) until disposed, or until all read when not following. */
  logsOf(
    target: { service: string } | { task: string },
    options: LogOptions,
    handlers: LogSubscriptionHandlers,
  ): LogSubscription {
    const id = this.nextId++;
    this.logs.set(id, handlers);
    let active = true;
    const started = this.sendWithId(id, { logs: { ...target, ...options } }).then(
      (reply) => {
        if (reply.status !== 200) {
          this.logs.delete(id);
          active = false;
          throw new AgentRequestError(reply.status, errorMessageOf(reply.status, reply.body), 'logs');
        }
      },
      (error: unknown) => {
        this.logs.delete(id);
        active = false;
        throw error;
      },
    );
    started.catch(() => {});
    return {
      started,
      dispose: () => {
        if (!active) return;
        active = false;
        if (!this.logs.delete(id)) return;
        // The unsubscribe reuses the subscription's id, so it waits for the subscription's own reply.
        void started
          .then(
            () => (this.isOpen ? this.sendWithId(id, { unsubscribe: 'logs' }) : undefined),
            () => undefined,
          )
          .catch(() => {});
      },
    };
  }

  dispose(): void {
    if (this.closed) return;
    this.socket.close(1000, 'client closing');
    // Don't wait for the close handshake to release the callers.
    this.onClosed(1000, 'client closing');
    this.socket.terminate();
  }

  private send(message: Record<string, unknown>): Promise<Reply> {
    return this.sendWithId(this.nextId++, message);
  }

  private sendWithId(id: MessageId, message: Record<string, unknown>): Promise<Reply> {
    if (!this.isOpen)
      return Promise.reject(new AgentUnavailableError('not connected to the agent', 'closed'));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AgentUnavailableError(`the agent did not answer within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, ...message }), (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new AgentUnavailableError(`could not send to the agent: ${error.message}`, 'closed'));
      });
    });
  }

  private onMessage(text: string): void {
    const message = parseIncoming(text);
    if (!message) return;
    switch (message.kind) {
      case 'reply': {
        const pending = message.reply.id === null ? undefined : this.pending.get(message.reply.id);
        if (!pending || message.reply.id === null) return;
        this.pending.delete(message.reply.id);
        clearTimeout(pending.timer);
        pending.resolve(message.reply);
        return;
      }
      case 'event':
        this.onEventEmitter.fire(message.event);
        return;
      case 'log':
        this.logs.get(message.log.id)?.onLine(message.log);
        return;
      case 'logWarning':
        this.logs.get(message.id)?.onWarning?.(message.message);
        return;
      case 'logEnd': {
        const handlers = this.logs.get(message.id);
        this.logs.delete(message.id);
        handlers?.onEnd?.({ incomplete: message.incomplete, closed: false });
        return;
      }
    }
  }

  private onClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    const error = new AgentUnavailableError(
      `the connection to the agent closed${reason ? `: ${reason}` : ''}`,
      'closed',
    );
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    const logs = [...this.logs.values()];
    this.logs.clear();
    for (const handlers of logs) handlers.onEnd?.({ incomplete: [], closed: true });
    this.onCloseEmitter.fire({ code, reason });
    this.onEventEmitter.dispose();
    this.onCloseEmitter.dispose();
  }
}

function describeConnectError(error: NodeJS.ErrnoException): AgentUnavailableError {
  switch (error.code) {
    case 'ENOENT':
      return new AgentUnavailableError('no agent is running (its socket does not exist)', 'not-running');
    case 'ECONNREFUSED':
      return new AgentUnavailableError('no agent is running (connection refused)', 'not-running');
    case 'EACCES':
      return new AgentUnavailableError('permission denied on the agent socket', 'refused');
    default:
      return new AgentUnavailableError(`cannot reach the agent: ${error.message}`, 'unreachable');
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
