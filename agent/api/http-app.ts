import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { InvalidArgumentError, ShoalError } from '../util/errors';
import type { ApiResponse, Dispatcher } from './dispatcher';
import { PayloadTooLargeError, errorResponse } from './errors';
import type { ApiLimits, ApiLog } from './options';
import { checkAccess, checkContentType, type ListenerPolicy } from './security';
import { standardHeaders } from './version';

export interface HttpAppDependencies {
  dispatcher: Dispatcher;
  /** The policy of the listener a request arrived on. */
  policyOf(request: IncomingMessage): ListenerPolicy;
  limits: ApiLimits;
  version: string;
  log: ApiLog;
}

/**
 * The HTTP side of the API: access checks, Docker's headers, a size-capped JSON body parser, then the shared
 * {@link Dispatcher}. Errors of every stage come out Docker-shaped: `{"message": ...}`.
 */
export function createHttpApp({ dispatcher, policyOf, limits, version, log }: HttpAppDependencies) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const headers = standardHeaders(version);

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set(headers);
    const policy = policyOf(req);
    try {
      checkAccess(policy, req.headers);
      checkContentType(req.method, req.headers);
    } catch (error) {
      if (error instanceof ShoalError) {
        log.warn(`refused ${req.method} ${pathOnly(req.url)} on ${policy.transport}: ${error.message}`);
      }
      next(error);
      return;
    }
    next();
  });

  app.use(express.json({ limit: limits.maxBodyBytes, type: 'application/json', inflate: false }));

  app.use(async (req: Request, res: Response) => {
    const response = await dispatcher.dispatch({ method: req.method, url: req.url, body: req.body });
    sendApiResponse(res, response);
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = errorResponse(translateBodyParserError(error, limits), log);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status);
    sendJson(res, body);
  });

  return app;
}

export function sendApiResponse(res: Response, response: ApiResponse): void {
  res.status(response.status);
  if (response.headers) res.set(response.headers);
  if (response.stream) {
    sendStream(res, response.stream);
  } else if (response.text !== undefined) {
    res.type('text/plain; charset=utf-8').send(response.text);
  } else if (response.body !== undefined) {
    sendJson(res, response.body);
  } else {
    res.end();
  }
}

/**
 * Streams until the body ends or the client goes away; either way the body is destroyed so that what feeds it
 * (engine log streams) is released. An error after the headers went out can only cut the connection.
 */
function sendStream(res: Response, body: Readable): void {
  res.flushHeaders();
  body.on('error', () => res.destroy());
  res.on('close', () => body.destroy());
  body.pipe(res);
}

/**
 * Exactly `application/json`, as Docker sends it: the docker CLI decodes an error body only when the
 * Content-Type is that string, so express's `; charset=utf-8` would make it print the raw JSON.
 * `setHeader` and a Buffer keep express from appending the charset.
 */
function sendJson(res: Response, body: unknown): void {
  res.setHeader('Content-Type', 'application/json');
  res.send(Buffer.from(`${JSON.stringify(body)}\n`));
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  message?: unknown;
}

/** body-parser's errors (http-errors objects) as the API's own. */
function translateBodyParserError(error: unknown, limits: ApiLimits): unknown {
  if (error instanceof ShoalError || typeof error !== 'object' || error === null) return error;
  const e = error as BodyParserError;
  if (e.type === 'entity.too.large') return new PayloadTooLargeError(limits.maxBodyBytes);
  if (e.type === 'entity.parse.failed')
    return new InvalidArgumentError(`invalid JSON body: ${String(e.message)}`);
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return new ShoalError(String(e.message), e.status);
  }
  return error;
}

function pathOnly(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart < 0 ? url : url.slice(0, queryStart);
}
