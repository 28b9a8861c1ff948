import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import { ConflictError, InvalidArgumentError, NotFoundError, ShoalError } from '../util/errors';

/**
 * Raw Engine API requests through dockerode's modem. dockerode's own helpers send every create option in the
 * query string too, cannot stream a save into a load with an abort signal, and return logs as a Buffer or a
 * stream depending on `follow`; going one level down keeps query, body and status handling in one place.
 */
export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | string[] | Record<string, string[]>>;
  body?: object;
  /** A request body streamed as application/x-tar (image load). */
  upload?: NodeJS.ReadableStream;
  /** HTTP statuses that count as success besides 2xx (e.g. 304 "already started"). */
  alsoOk?: number[];
}

/** An answer from the engine that is not a success. `status` is the engine's HTTP status. */
export class EngineRequestError extends ShoalError {
  constructor(
    message: string,
    readonly engineStatus: number,
  ) {
    super(message, engineStatus >= 500 ? 500 : engineStatus);
  }
}

/** The engine's HTTP status carried by an error from {@link engineJson} or {@link engineStream}, if any. */
export function engineStatusOf(error: unknown): number | undefined {
  if (error instanceof EngineRequestError) return error.engineStatus;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export async function engineJson<T>(docker: Docker, signal: AbortSignal, request: EngineRequest): Promise<T> {
  return (await dial(docker, signal, request, false)) as T;
}

/** The response body as a stream (image save, logs, pull progress). The caller must consume or destroy it. */
export async function engineStream(
  docker: Docker,
  signal: AbortSignal,
  request: EngineRequest,
): Promise<IncomingMessage> {
  return (await dial(docker, signal, request, true)) as IncomingMessage;
}

function dial(
  docker: Docker,
  signal: AbortSignal,
  request: EngineRequest,
  isStream: boolean,
): Promise<unknown> {
  const statusCodes: Record<number, boolean> = { 200: true, 201: true, 204: true };
  for (const status of request.alsoOk ?? []) statusCodes[status] = true;
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        // The modem appends the query only to a path that ends in '?'; `_body: {}` sends no body at all.
        path: `${request.path}?`,
        method: request.method,
        options: { _query: request.query ?? {}, _body: request.body ?? {} },
        ...(request.upload ? { file: request.upload, headers: { 'Content-Type': 'application/x-tar' } } : {}),
        isStream,
        statusCodes,
        abortSignal: signal,
      },
      (error, result) => {
        if (error) reject(translate(error));
        else resolve(result);
      },
    );
  });
}

/** The engine's own message (`{"message": ...}`) rather than the modem's "(HTTP code 409) unexpected - ...". */
function translate(error: Error): Error {
  const status = engineStatusOf(error);
  if (status === undefined) return error;
  const json = (error as { json?: unknown }).json;
  const engineMessage =
    json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string'
      ? (json as { message: string }).message
      : typeof json === 'string' && json.trim()
        ? json.trim()
        : streamCause(error.message);
  const result = new EngineRequestError(engineMessage, status);
  result.cause = error;
  return result;
}

/** For streamed requests the modem only has its own text: "(HTTP code 500) server error - <engine message> ". */
function streamCause(message: string): string {
  return /^\(HTTP code \d+\) [^-]*- ([\s\S]*?)\s*$/.exec(message)?.[1] || message;
}

/** An engine error as the ShoalError the API would answer with, naming what was being done. */
export function asShoalError(what: string, error: unknown): unknown {
  const status = engineStatusOf(error);
  if (status === undefined) return error;
  const message = `${what}: ${(error as Error).message}`;
  const mapped =
    status === 404
      ? new NotFoundError(message)
      : status === 409
        ? new ConflictError(message)
        : status === 400
          ? new InvalidArgumentError(message)
          : new EngineRequestError(message, status);
  mapped.cause = error;
  return mapped;
}
