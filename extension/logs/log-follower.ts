import type { AgentConnection } from '../agent/connection';
import type { LogSubscription } from '../agent/client';
import type { LogLine } from '../agent/protocol';
import { Debouncer, realTimers, type Timers } from '../util/debouncer';
import type { Disposable } from '../util/emitter';

export type LogTarget = { service: string } | { task: string };

export interface LogSink {
  /** Lines to show, in order. */
  append(lines: string[]): void;
}

/** `web.1@node2 | the line`, as `docker service logs` prints it; stderr marked. */
export function formatLogLine(line: LogLine, nodeNameOf: (id: string) => string | undefined): string {
  const node = line.nodeId ? (nodeNameOf(line.nodeId) ?? line.nodeId.slice(0, 12)) : '';
  const source = node ? `${line.name}@${node}` : line.name;
  return `${source}${line.stream === 'stderr' ? ' (stderr)' : ''} | ${line.line.replace(/\r?\n$/, '')}`;
}

/** Seconds since the epoch just after `timestamp`, for `since` when resuming; undefined if unparseable. */
export function resumeSince(timestamp: string | undefined): number | undefined {
  if (!timestamp) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : (ms + 1) / 1000;
}

/**
 * Follows one service's or task's logs into a sink: lines are batched (50 ms), and when the connection drops
 * the follower resumes on the next connection from the last timestamp it saw.
 */
export class LogFollower implements Disposable {
  private subscription: LogSubscription | undefined;
  private lastTimestamp: string | undefined;
  private waitingForConnection: Disposable | undefined;
  private readonly batch: Debouncer<string>;
  private disposed = false;

  constructor(
    private readonly connection: AgentConnection,
    readonly target: LogTarget,
    private readonly sink: LogSink,
    private readonly nodeNameOf: (id: string) => string | undefined,
    private readonly options: { tail: number; timers?: Timers } = { tail: 200 },
  ) {
    this.batch = new Debouncer<string>(50, (lines) => this.sink.append(lines), options.timers ?? realTimers);
  }

  get following(): boolean {
    return !this.disposed;
  }

  start(): void {
    if (this.disposed) return;
    const client = this.connection.client;
    if (!client) {
      this.note('not connected to the agent: following starts when it is back');
      this.resumeWhenConnected();
      return;
    }
    const since = resumeSince(this.lastTimestamp);
    const subscription = client.logsOf(
      this.target,
      { follow: true, timestamps: true, ...(since !== undefined ? { since } : { tail: this.options.tail }) },
      {
        onLine: (line) => {
          if (line.timestamp) this.lastTimestamp = line.timestamp;
          this.batch.push(formatLogLine(line, this.nodeNameOf));
        },
        onWarning: (message) => this.note(`warning: ${message}`),
        onEnd: ({ closed, incomplete }) => {
          if (this.subscription !== subscription || this.disposed) return;
          this.subscription = undefined;
          if (closed) {
            this.note('the connection to the agent was lost: resuming when it is back');
            this.resumeWhenConnected();
          } else {
            this.note(
              `end of the logs${incomplete.length > 0 ? ` (incomplete: ${incomplete.join('; ')})` : ''}`,
            );
          }
        },
      },
    );
    this.subscription = subscription;
    subscription.started.catch((error: unknown) => {
      if (this.subscription !== subscription || this.disposed) return;
      this.subscription = undefined;
      this.note(`cannot follow the logs: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private resumeWhenConnected(): void {
    this.waitingForConnection?.dispose();
    this.waitingForConnection = this.connection.onDidChangeState((state) => {
      if (state.kind !== 'connected') return;
      this.waitingForConnection?.dispose();
      this.waitingForConnection = undefined;
      this.start();
    });
  }

  private note(text: string): void {
    this.batch.push(`[shoal] ${text}`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.batch.flushNow();
    this.disposed = true;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.waitingForConnection?.dispose();
    this.batch.dispose();
  }
}
