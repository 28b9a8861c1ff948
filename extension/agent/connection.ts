import type { ClusterModel } from '../model/cluster-model';
import type { Service, SwarmNode, Task } from '../model/types';
import { Emitter, type Disposable, type Event } from '../util/emitter';
import { realTimers, type Timers } from '../util/debouncer';
import { Backoff } from './backoff';
import { AgentClient, type ClientOptions } from './client';
import { AgentUnavailableError, EVENT_TYPES, type ApiEvent, type UnavailableReason } from './protocol';

export type ConnectionState =
  | { kind: 'connecting'; endpoint: string; attempt: number }
  | { kind: 'connected'; endpoint: string; agentVersion: string }
  | {
      kind: 'reconnecting';
      endpoint: string;
      message: string;
      reason: UnavailableReason;
      retryInMs: number;
      attempt: number;
    }
  /** Not retrying: the setting is wrong or the token was refused; a settings change or a new token restarts. */
  | {
      kind: 'disconnected';
      endpoint: string;
      message: string;
      reason: UnavailableReason | 'config' | 'stopped';
    };

/** Where to connect, resolved anew at every attempt (settings and token may have changed). */
export interface ConnectTarget extends ClientOptions {
  /** For messages: `unix:///...` or `127.0.0.1:PORT`. */
  description: string;
}

export interface ConnectionOptions {
  model: ClusterModel;
  /** Throws with a message for the user when the settings do not make an endpoint. */
  target(): Promise<ConnectTarget>;
  backoff?: Backoff;
  timers?: Timers;
  log?(message: string): void;
  /** How a client is made; tests replace it. */
  connect?(options: ClientOptions): Promise<AgentClient>;
}

/**
 * Keeps one connection to the agent: connects, subscribes to events, loads the initial state into the model,
 * feeds it events, and reconnects with backoff when the connection goes. Each connection attempt has a new
 * generation; the model ignores events of any other, so a dying connection's late events change nothing.
 */
export class AgentConnection implements Disposable {
  private generation = 0;
  private current: AgentClient | undefined;
  private retryHandle: unknown;
  private retryArmed = false;
  private stateValue: ConnectionState = {
    kind: 'disconnected',
    endpoint: '',
    message: 'not started',
    reason: 'stopped',
  };
  private disposed = false;
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly onDidChangeStateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState: Event<ConnectionState> = this.onDidChangeStateEmitter.event;

  constructor(private readonly options: ConnectionOptions) {
    this.backoff = options.backoff ?? new Backoff();
    this.timers = options.timers ?? realTimers;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The connected client, if any. */
  get client(): AgentClient | undefined {
    return this.stateValue.kind === 'connected' ? this.current : undefined;
  }

  /** A request on the current connection; rejects at once with the reason when there is none. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const client = this.client;
    if (!client) return Promise.reject(new AgentUnavailableError(this.describeUnavailable(), 'closed'));
    return client.request<T>(method, path, body);
  }

  /** (Re)connects now: drops the current connection and any pending retry. */
  restart(): void {
    if (this.disposed) return;
    this.backoff.reset();
    this.teardown();
    void this.attempt();
  }

  /** Retries now if waiting for a retry or given up; does nothing while connected or connecting. */
  reconnectNow(): void {
    if (this.stateValue.kind === 'reconnecting' || this.stateValue.kind === 'disconnected') this.restart();
  }

  stop(message = 'stopped'): void {
    this.teardown();
    this.setState({ kind: 'disconnected', endpoint: this.endpointText(), message, reason: 'stopped' });
  }

  dispose(): void {
    if (this.disposed) return;
    this.teardown();
    this.disposed = true;
    this.onDidChangeStateEmitter.dispose();
  }

  private describeUnavailable(): string {
    const state = this.stateValue;
    switch (state.kind) {
      case 'connecting':
        return 'still connecting to the Shoal agent';
      case 'reconnecting':
      case 'disconnected':
        return `not connected to the Shoal agent: ${state.message}`;
      case 'connected':
        return 'not connected to the Shoal agent';
    }
  }

  private endpointText(): string {
    return this.stateValue.endpoint;
  }

  /** Forgets the current connection (a new generation) and cancels a scheduled retry. */
  private teardown(): void {
    this.generation++;
    if (this.retryArmed) this.timers.clearTimeout(this.retryHandle);
    this.retryArmed = false;
    const client = this.current;
    this.current = undefined;
    client?.dispose();
    if (this.options.model.isLoaded) this.options.model.clear(this.generation);
  }

  private async attempt(): Promise<void> {
    const generation = ++this.generation;
    const attempt = this.backoff.attempts + 1;
    // At once, so the views say "connecting" while the settings and the token are read.
    this.setState({ kind: 'connecting', endpoint: this.endpointText(), attempt });
    let target: ConnectTarget;
    try {
      target = await this.options.target();
    } catch (error) {
      if (generation !== this.generation) return;
      this.setState({ kind: 'disconnected', endpoint: '', message: messageOf(error), reason: 'config' });
      return;
    }
    if (generation !== this.generation) return;
    if (target.description !== this.endpointText()) {
      this.setState({ kind: 'connecting', endpoint: target.description, attempt });
    }
    let client: AgentClient | undefined;
    try {
      client = await (this.options.connect ?? AgentClient.connect)(target);
      if (generation !== this.generation) {
        client.dispose();
        return;
      }
      this.current = client;
      const agentVersion = await this.load(client, generation);
      if (generation !== this.generation) return;
      this.backoff.reset();
      this.options.log?.(`connected to the agent ${agentVersion} at ${target.description}`);
      this.setState({ kind: 'connected', endpoint: target.description, agentVersion });
    } catch (error) {
      if (generation !== this.generation) return;
      if (this.current === client) this.current = undefined;
      client?.dispose();
      this.failed(target.description, error);
    }
  }

  /**
   * Subscribes first, then fetches: events that arrive during the fetch are kept and applied after the
   * snapshot, where the model drops those the snapshot already contains.
   */
  private async load(client: AgentClient, generation: number): Promise<string> {
    const { model } = this.options;
    let buffer: ApiEvent[] | undefined = [];
    client.onEvent((event) => {
      if (buffer) buffer.push(event);
      else model.apply(event, generation);
    });
    client.onClose(({ reason }) => {
      if (generation !== this.generation) return;
      this.current = undefined;
      this.failed(
        this.endpointText(),
        new AgentUnavailableError(
          `the connection to the agent closed${reason ? `: ${reason}` : ''}`,
          'closed',
        ),
      );
    });
    const index = await client.subscribe(EVENT_TYPES);
    const [version, nodes, services, tasks, networks] = await Promise.all([
      client.request<{ Version?: unknown }>('GET', '/version'),
      client.request<SwarmNode[]>('GET', '/nodes'),
      client.request<Service[]>('GET', '/services'),
      client.request<Task[]>('GET', '/tasks'),
      client.request<unknown[]>('GET', '/networks'),
    ]);
    if (generation !== this.generation) return '';
    model.reset(
      {
        nodes: arrayOf(nodes),
        services: arrayOf(services),
        tasks: arrayOf(tasks),
        networks: arrayOf(networks),
        index,
      },
      generation,
    );
    const buffered = buffer;
    buffer = undefined;
    for (const event of buffered) model.apply(event, generation);
    return typeof version?.Version === 'string' ? version.Version : 'unknown';
  }

  private failed(endpoint: string, error: unknown): void {
    // A new generation at once: whatever the dead connection still delivers is ignored.
    this.generation++;
    if (this.options.model.isLoaded) this.options.model.clear(this.generation);
    const message = messageOf(error);
    const reason: UnavailableReason = error instanceof AgentUnavailableError ? error.reason : 'unreachable';
    if (reason === 'unauthorized') {
      this.options.log?.(`the agent at ${endpoint} refused the token: not retrying until a new token is set`);
      this.setState({ kind: 'disconnected', endpoint, message, reason });
      return;
    }
    const retryInMs = this.backoff.next();
    this.options.log?.(`agent at ${endpoint}: ${message}; retrying in ${(retryInMs / 1000).toFixed(1)} s`);
    this.setState({
      kind: 'reconnecting',
      endpoint,
      message,
      reason,
      retryInMs,
      attempt: this.backoff.attempts,
    });
    const generation = this.generation;
    this.retryArmed = true;
    this.retryHandle = this.timers.setTimeout(() => {
      this.retryArmed = false;
      if (generation === this.generation && !this.disposed) void this.attempt();
    }, retryInMs);
  }

  private setState(state: ConnectionState): void {
    this.stateValue = state;
    this.onDidChangeStateEmitter.fire(state);
  }
}

function arrayOf<T>(value: T[] | unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
