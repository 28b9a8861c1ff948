import type { Collection } from '../store/store';
import type { NodeState } from '../types/swarm';
import { describeEngine } from './describe';
import type { DeadlineEngineClient } from './engine';
import { ping } from './engine-calls';
import { EventFollower } from './event-stream';
import { patchNode } from './node-store';
import type { EngineEvent, EngineEventListener, EngineReconnectedListener, StoredNode } from './types';

/** swarmkit's dispatcher heartbeat period and grace multiplier (orchestration.md §2.8): down after about 15 s. */
export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_MISSED_HEARTBEATS = 3;
/** Each period is jittered by ±10% (swarmkit: ±500 ms on 5 s), so heartbeats to many engines spread out. */
const JITTER = 0.1;
/** A ping must be answered well within its period, or beats would overlap. */
const PING_DEADLINE_FRACTION = 0.8;
const MIN_RECONNECT_BACKOFF_MS = 200;
const MAX_RECONNECT_BACKOFF_MS = 30_000;

export interface HealthOptions {
  heartbeatMs?: number;
  /** Consecutive failed pings after which a node is `down`. */
  missedHeartbeats?: number;
  log?: (line: string) => void;
}

/**
 * Keeps each node's `Status` true: `/_ping` heartbeats decide ready/down, and each engine's event stream
 * is followed and handed to listeners. Status is written to the store only when it changes.
 */
export class HealthMonitor {
  readonly heartbeatMs: number;
  readonly missedHeartbeats: number;
  private readonly log: (line: string) => void;
  private readonly watched = new Map<string, NodeHealth>();
  private readonly eventListeners = new Set<EngineEventListener>();
  private readonly reconnectListeners = new Set<EngineReconnectedListener>();

  constructor(
    private readonly nodes: Collection<StoredNode>,
    options: HealthOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.missedHeartbeats = options.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
    if (!Number.isFinite(this.heartbeatMs) || this.heartbeatMs < 10) {
      throw new RangeError(`heartbeat period must be at least 10 ms, got ${this.heartbeatMs}`);
    }
    if (!Number.isInteger(this.missedHeartbeats) || this.missedHeartbeats < 1) {
      throw new RangeError(`missed heartbeats must be a whole number ≥ 1, got ${this.missedHeartbeats}`);
    }
    this.log = options.log ?? (() => undefined);
  }

  /** How long a dead engine can go unnoticed at most, jitter aside. */
  get gracePeriodMs(): number {
    return this.heartbeatMs * this.missedHeartbeats;
  }

  watch(client: DeadlineEngineClient): void {
    if (this.watched.has(client.nodeId)) return;
    const health = new NodeHealth(client, this.nodes, {
      heartbeatMs: this.heartbeatMs,
      missedHeartbeats: this.missedHeartbeats,
      log: this.log,
      emitEvent: (event) => {
        for (const listener of [...this.eventListeners]) this.safely(() => listener(client.nodeId, event));
      },
      emitReconnected: () => {
        for (const listener of [...this.reconnectListeners]) this.safely(() => listener(client.nodeId));
      },
    });
    this.watched.set(client.nodeId, health);
    health.start();
  }

  async unwatch(nodeId: string): Promise<void> {
    const health = this.watched.get(nodeId);
    this.watched.delete(nodeId);
    await health?.stop();
  }

  async stop(): Promise<void> {
    const all = [...this.watched.values()];
    this.watched.clear();
    await Promise.all(all.map((h) => h.stop()));
  }

  /** Pings one node now, outside its schedule; resolves when the result is recorded. */
  async checkNow(nodeId: string): Promise<void> {
    await this.watched.get(nodeId)?.checkNow();
  }

  onEngineEvent(listener: EngineEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onEngineReconnected(listener: EngineReconnectedListener): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log(`engine event listener failed: ${String(error)}`);
    }
  }
}

interface NodeHealthOptions {
  heartbeatMs: number;
  missedHeartbeats: number;
  log(line: string): void;
  emitEvent(event: EngineEvent): void;
  emitReconnected(): void;
}

/** One node: its heartbeat loop, its state as last written, and its event stream. */
class NodeHealth {
  private state: NodeState;
  private misses = 0;
  /** Whether the description was refreshed since the node was last seen coming up. */
  private described = false;
  private describing = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private readonly events: EventFollower;
  private readonly pingDeadlineMs: number;

  constructor(
    private readonly client: DeadlineEngineClient,
    private readonly nodes: Collection<StoredNode>,
    private readonly options: NodeHealthOptions,
  ) {
    this.state = nodes.get(client.nodeId)?.Status.State ?? 'unknown';
    this.pingDeadlineMs = Math.max(1, Math.floor(options.heartbeatMs * PING_DEADLINE_FRACTION));
    this.events = new EventFollower({
      client,
      subscribeDeadlineMs: this.pingDeadlineMs,
      minBackoffMs: Math.min(MIN_RECONNECT_BACKOFF_MS, options.heartbeatMs),
      maxBackoffMs: Math.min(MAX_RECONNECT_BACKOFF_MS, options.heartbeatMs * 2),
      onEvent: options.emitEvent,
      onSubscribed: () => {
        options.emitReconnected();
        // The engine answers again: no need to wait for the next beat to call it ready.
        if (this.state !== 'ready') void this.beat();
      },
      // A dropped stream is often the first sign of a dead engine: beat now rather than at the next period.
      onStreamEnded: () => void this.beat(),
      log: options.log,
    });
  }

  start(): void {
    this.events.start();
    void this.beat();
  }

  /** A ping or describe still in flight is not awaited: its deadline ends it, and its result is dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.events.stop();
  }

  /** One ping, shared with any already in flight, so two triggers never count as two missed beats. */
  checkNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight ??= this.check().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * One heartbeat, then the next one a (jittered) period later. An early beat (the event stream dropped)
   * restarts the schedule, so the misses that follow it still come a period apart: a dead engine is down
   * (missedHeartbeats - 1) to missedHeartbeats periods after its last answer, as with swarmkit's grace.
   */
  private async beat(): Promise<void> {
    clearTimeout(this.timer);
    await this.checkNow();
    if (this.stopped) return;
    clearTimeout(this.timer);
    const jittered = this.options.heartbeatMs * (1 - JITTER + 2 * JITTER * Math.random());
    this.timer = setTimeout(() => void this.beat(), jittered);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    let failure: unknown;
    try {
      await this.client.probe('GET /_ping', (docker, signal) => ping(docker, signal), this.pingDeadlineMs);
    } catch (error) {
      failure = error;
    }
    if (this.stopped) return;
    try {
      if (failure === undefined) this.answered();
      else this.missed(failure);
    } catch (error) {
      this.options.log(`${this.client.label}: recording its health failed: ${String(error)}`);
    }
  }

  private answered(): void {
    this.misses = 0;
    if (this.state !== 'ready') {
      const wasDown = this.state === 'down';
      patchNode(this.nodes, this.client.nodeId, (node) => {
        node.Status = { State: 'ready', Addr: node.Status.Addr };
        return node;
      });
      this.options.log(`${this.client.label}: ready`);
      this.state = 'ready';
      // After a hang the old stream may be silent but open: subscribe again, resuming where it stopped.
      if (wasDown) this.events.restart();
    }
    if (!this.described) void this.refreshDescription();
  }

  /**
   * The engine may have been upgraded, resized or relabelled while it was away. Runs beside the heartbeats,
   * never in their way: an engine that answers pings but hangs on /info must still be found down.
   */
  private async refreshDescription(): Promise<void> {
    if (this.describing) return;
    this.describing = true;
    try {
      const facts = await describeEngine(this.client);
      if (this.stopped || this.state !== 'ready') return;
      patchNode(this.nodes, this.client.nodeId, (node) => {
        node.Description = facts.description;
        if (node.ShoalEndpoint.EngineID !== undefined && node.ShoalEndpoint.EngineID !== facts.engineId) {
          this.options.log(
            `${this.client.label}: engine ID changed to ${facts.engineId} (engine reinstalled?)`,
          );
        }
        node.ShoalEndpoint = {
          ...node.ShoalEndpoint,
          EngineID: facts.engineId,
          DockerRootDir: facts.dockerRootDir,
        };
        return node;
      });
      this.described = true;
    } catch (error) {
      this.options.log(`${this.client.label}: answers pings but describing it failed: ${String(error)}`);
    } finally {
      this.describing = false;
    }
  }

  private missed(failure: unknown): void {
    this.misses++;
    if (this.misses < this.options.missedHeartbeats || this.state === 'down') return;
    const message = failure instanceof Error ? failure.message : String(failure);
    // The store's Message belongs to the node already; drop the client's "node x (id): " prefix.
    const reason = message.startsWith(`${this.client.label}: `)
      ? message.slice(this.client.label.length + 2)
      : message;
    patchNode(this.nodes, this.client.nodeId, (node) => {
      node.Status = { State: 'down', Message: `heartbeat failure: ${reason}`, Addr: node.Status.Addr };
      return node;
    });
    this.options.log(`${this.client.label}: down after ${this.misses} missed heartbeats (${reason})`);
    this.state = 'down';
    this.described = false;
  }
}
