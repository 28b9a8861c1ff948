import type { Readable } from 'node:stream';
import { InvalidArgumentError, NotFoundError } from '../util/errors';
import { errorResponse } from './errors';
import type { ApiLog } from './options';
import { splitVersionPrefix } from './version';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** One API call, whether it came over HTTP or as a WebSocket message. */
export interface ApiRequest {
  method: string;
  /** The route path: no `/v1.xx` prefix, no query. */
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The version the client asked for (its path prefix), else the current one. */
  apiVersion: string;
}

export interface ApiResponse {
  status: number;
  /** Sent as JSON. With neither `body` nor `text` the response is empty. */
  body?: unknown;
  /** Sent as text/plain (only `/_ping` does). */
  text?: string;
  headers?: Record<string, string>;
  /**
   * A body written as it is produced (logs), with `headers` giving its Content-Type. The transport destroys it
   * when the client goes away, which is how a follower's engine streams get closed.
   */
  stream?: Readable;
}

export interface Route {
  method: HttpMethod;
  /**
   * Segments; `:name` captures one segment into `params.name`, and one `:name+` captures one or more
   * (joined with `/`), for image names such as `/distribution/library/nginx:latest/json`.
   */
  path: string;
  handle(request: ApiRequest): ApiResponse | Promise<ApiResponse>;
}

/** What a transport hands over: the raw request line's method and URL, and the parsed body. */
export interface RawApiRequest {
  method: string;
  url: string;
  body: unknown;
}

/**
 * Routes API calls to their handlers. HTTP (through express) and the WebSocket both call {@link dispatch},
 * so both answer identically, errors included.
 */
export class Dispatcher {
  private readonly routes: Array<{ route: Route; segments: string[] }>;

  constructor(
    routes: Route[],
    private readonly log: ApiLog,
  ) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  async dispatch(raw: RawApiRequest): Promise<ApiResponse> {
    try {
      return await this.route(raw);
    } catch (error) {
      return errorResponse(error, this.log);
    }
  }

  private async route(raw: RawApiRequest): Promise<ApiResponse> {
    const queryStart = raw.url.indexOf('?');
    const rawPath = queryStart < 0 ? raw.url : raw.url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : raw.url.slice(queryStart + 1));
    const { apiVersion, path } = splitVersionPrefix(rawPath);
    const segments = decodeSegments(path);
    const method = raw.method.toUpperCase();
    // HEAD is served by the GET route unless a route defines HEAD itself; transports drop the body.
    const candidates = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const wanted of candidates) {
      for (const { route, segments: pattern } of this.routes) {
        if (route.method !== wanted) continue;
        const params = matchSegments(pattern, segments);
        if (params) return route.handle({ method, path, params, query, body: raw.body, apiVersion });
      }
    }
    throw new NotFoundError('page not found');
  }
}

/** A path parameter the route pattern guarantees. */
export function pathParam(request: ApiRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route has no parameter "${name}"`);
  return value;
}

function decodeSegments(path: string): string[] {
  if (!path.startsWith('/')) throw new NotFoundError('page not found');
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new InvalidArgumentError(`invalid path encoding: ${JSON.stringify(path)}`);
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  const greedy = pattern.findIndex((p) => p.startsWith(':') && p.endsWith('+'));
  if (greedy >= 0) {
    const extra = segments.length - pattern.length;
    if (extra < 0) return undefined;
    const joined = segments.slice(greedy, greedy + extra + 1);
    if (joined.some((segment) => segment === '')) return undefined;
    const params = matchSegments(
      [...pattern.slice(0, greedy), ...pattern.slice(greedy + 1)],
      [...segments.slice(0, greedy), ...segments.slice(greedy + extra + 1)],
    );
    if (params) params[(pattern[greedy] ?? '').slice(1, -1)] = joined.join('/');
    return params;
  }
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, expected] of pattern.entries()) {
    const actual = segments[i] ?? '';
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      params[expected.slice(1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
