import { pipeline, type Readable } from 'node:stream';
import type { EngineClient } from '../cluster/types';
import { asShoalError, engineJson, engineStream } from './engine-request';
import { LogLineSplitter } from './log-lines';

export interface ContainerLogsOptions {
  /** Keep the stream open and pass new lines as they are written. */
  follow?: boolean;
  /** Only the last N lines (per the engine's log driver); all when absent. */
  tail?: number;
  /** Fill LogLine.timestamp with the engine's own time for each line. */
  timestamps?: boolean;
  /** Only lines since this time: seconds since the epoch (fractions allowed). */
  since?: number;
  /** Ends the stream (a follower's way to stop). */
  signal?: AbortSignal;
}

/**
 * A readable of LogLine objects (object mode) for one container: demultiplexed, split into lines, each marked
 * stdout or stderr, so the API can merge many tasks' logs Docker-style. Destroy it (or abort `signal`) to stop.
 */
export async function containerLogs(
  engine: EngineClient,
  containerId: string,
  options: ContainerLogsOptions = {},
): Promise<Readable> {
  const path = `/containers/${encodeURIComponent(containerId)}`;
  const where = `reading logs of container ${containerId}`;
  const { Config } = await engine
    .call('inspect container', (docker, signal) =>
      engineJson<{ Config: { Tty?: boolean } }>(docker, signal, { method: 'GET', path: `${path}/json` }),
    )
    .catch((error: unknown) => {
      throw asShoalError(where, error);
    });
  const body = await engine
    .call('container logs', (docker, signal) =>
      engineStream(docker, options.signal ? AbortSignal.any([signal, options.signal]) : signal, {
        method: 'GET',
        path: `${path}/logs`,
        query: {
          stdout: true,
          stderr: true,
          follow: options.follow ?? false,
          timestamps: options.timestamps ?? false,
          ...(options.tail !== undefined ? { tail: String(options.tail) } : {}),
          ...(options.since !== undefined ? { since: String(options.since) } : {}),
        },
      }),
    )
    .catch((error: unknown) => {
      throw asShoalError(where, error);
    });
  const lines = new LogLineSplitter({ multiplexed: !Config.Tty, timestamps: options.timestamps ?? false });
  // pipeline destroys the response when the consumer destroys `lines`, and the reverse on an engine error.
  pipeline(body, lines, () => undefined);
  return lines;
}
