import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadlineEngineClient } from './engine';
import { events } from './engine-calls';
import type { EngineEvent } from './types';

export interface EventFollowerOptions {
  client: DeadlineEngineClient;
  /** Deadline for the subscription to be answered (headers), not for the stream. */
  subscribeDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  onEvent(event: EngineEvent): void;
  /** The stream is (re)established: events from here on are delivered, earlier ones may have been missed. */
  onSubscribed(): void;
  /** An established stream ended or failed (not called for failed attempts to subscribe, nor for restart()). */
  onStreamEnded(error: unknown): void;
  log(line: string): void;
}

/** A stream that lived this long counts as healthy: the next reconnect starts from the shortest backoff. */
const HEALTHY_STREAM_MS = 1_000;

/**
 * Follows one engine's `GET /events`. After the stream drops it reconnects with exponential backoff and
 * resumes with `since` = the last event's second, so the engine replays what was missed from its buffer;
 * replayed events already delivered are dropped.
 */
export class EventFollower {
  private readonly stopController = new AbortController();
  private streamController: AbortController | undefined;
  private loopDone: Promise<void> | undefined;
  private attempt = 0;
  private restartRequested = false;
  private wake: AbortController | undefined;
  /** Whether the current attempt got as far as an open stream. */
  private subscribed = false;
  private lastTimeNano = 0;
  /** Raw lines of the events at `lastTimeNano`: `since` has second granularity and is inclusive. */
  private seenAtLastTime = new Set<string>();

  constructor(private readonly options: EventFollowerOptions) {}

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Drops the current stream (or cuts a backoff short) and subscribes again at once. */
  restart(): void {
    this.restartRequested = true;
    this.attempt = 0;
    this.streamController?.abort();
    this.wake?.abort();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.streamController?.abort();
    await this.loopDone;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.restartRequested = false;
      this.subscribed = false;
      const started = Date.now();
      let endedBecause: unknown = new Error('the event stream ended');
      try {
        await this.followOnce();
      } catch (error) {
        endedBecause = error;
      }
      if (this.stopped) break;
      if (this.restartRequested) continue;
      if (this.subscribed) this.options.onStreamEnded(endedBecause);
      if (Date.now() - started >= HEALTHY_STREAM_MS) this.attempt = 0;
      const delay = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.attempt);
      this.attempt = Math.min(this.attempt + 1, 30);
      const wake = new AbortController();
      this.wake = wake;
      try {
        await sleep(delay, undefined, { signal: AbortSignal.any([this.stopController.signal, wake.signal]) });
      } catch {
        // Stopped (the loop ends) or restarted (subscribe now).
      }
      this.wake = undefined;
    }
  }

  private async followOnce(): Promise<void> {
    const controller = new AbortController();
    this.streamController = controller;
    const resumeFrom = this.lastTimeNano;
    const since = resumeFrom > 0 ? Math.floor(resumeFrom / 1e9) : undefined;
    const stream = await this.options.client.probe(
      'GET /events',
      (docker, signal) => events(docker, since, AbortSignal.any([signal, controller.signal])),
      this.options.subscribeDeadlineMs,
    );
    if (controller.signal.aborted) {
      destroy(stream);
      return;
    }
    this.subscribed = true;
    this.safely(() => this.options.onSubscribed());
    let replaying = resumeFrom > 0;
    const decoder = new StringDecoder('utf8');
    let buffered = '';
    for await (const chunk of stream) {
      buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        const event = line === '' ? undefined : parseEvent(line);
        if (!event) continue;
        // Replayed events come first and in order; once past the resume point, everything is new.
        if (replaying && this.alreadyDelivered(event, line, resumeFrom)) continue;
        replaying = false;
        this.remember(event, line);
        this.safely(() => this.options.onEvent(event));
      }
    }
  }

  private alreadyDelivered(event: EngineEvent, line: string, resumeFrom: number): boolean {
    if (event.timeNano < resumeFrom) return true;
    return event.timeNano === resumeFrom && this.seenAtLastTime.has(line);
  }

  private remember(event: EngineEvent, line: string): void {
    if (event.timeNano !== this.lastTimeNano) {
      this.lastTimeNano = event.timeNano;
      this.seenAtLastTime = new Set();
    }
    this.seenAtLastTime.add(line);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.log(`${this.options.client.label}: event listener failed: ${String(error)}`);
    }
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as Partial<{ destroy(): void }>).destroy?.();
}

/** One line of the stream; anything that is not an event object is skipped. */
export function parseEvent(line: string): EngineEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  if (typeof e.Type !== 'string' || typeof e.Action !== 'string' || typeof e.time !== 'number')
    return undefined;
  const actor = typeof e.Actor === 'object' && e.Actor !== null ? (e.Actor as Record<string, unknown>) : {};
  const attributes: Record<string, string> = {};
  if (typeof actor.Attributes === 'object' && actor.Attributes !== null) {
    for (const [k, v] of Object.entries(actor.Attributes)) if (typeof v === 'string') attributes[k] = v;
  }
  const event: EngineEvent = {
    Type: e.Type,
    Action: e.Action,
    Actor: { ID: typeof actor.ID === 'string' ? actor.ID : '', Attributes: attributes },
    time: e.time,
    timeNano: typeof e.timeNano === 'number' ? e.timeNano : e.time * 1e9,
  };
  if (typeof e.scope === 'string') event.scope = e.scope;
  return event;
}
