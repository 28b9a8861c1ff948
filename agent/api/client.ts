import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

/** How to reach the agent: its unix socket (no token), or TCP with the token from its token file. */
export type AgentTarget =
  { socketPath: string } | { host: string; port: number; token: string; tls?: { ca?: string } };

export interface AgentResponse {
  status: number;
  /** Parsed JSON, the text of a text response, or undefined when empty. */
  body: unknown;
}

export interface RequestOptions {
  timeoutMs?: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Fails to reach the agent at all (as opposed to an error status, which is a normal response). */
export class AgentUnreachableError extends Error {}

/** One call to the agent's API; for example `requestAgent(target, 'GET', '/nodes')`. */
export function requestAgent(
  target: AgentTarget,
  method: string,
  path: string,
  body?: unknown,
  { timeoutMs = 30_000 }: RequestOptions = {},
): Promise<AgentResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {};
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  let requestOptions: https.RequestOptions;
  let transport: typeof http | typeof https = http;
  if ('socketPath' in target) {
    requestOptions = { socketPath: target.socketPath };
  } else {
    headers.Authorization = `Bearer ${target.token}`;
    requestOptions = { host: target.host, port: target.port };
    if (target.tls) {
      transport = https;
      if (target.tls.ca) requestOptions.ca = fs.readFileSync(target.tls.ca);
    }
  }
  return new Promise((resolve, reject) => {
    const request = transport.request(
      { ...requestOptions, method, path, headers, timeout: timeoutMs, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy(
              new AgentUnreachableError(`the agent's response is larger than ${MAX_RESPONSE_BYTES} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = (response.headers['content-type'] ?? '').startsWith('application/json');
          try {
            resolve({
              status: response.statusCode ?? 0,
              body: text === '' ? undefined : isJson ? JSON.parse(text) : text,
            });
          } catch (error) {
            reject(new AgentUnreachableError(`the agent sent invalid JSON: ${(error as Error).message}`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new AgentUnreachableError(`no answer from the agent within ${timeoutMs} ms`)),
    );
    request.on('error', (error) => {
      if (error instanceof AgentUnreachableError) return reject(error);
      reject(
        new AgentUnreachableError(`cannot reach the agent at ${describeTarget(target)}: ${error.message}`),
      );
    });
    request.end(payload);
  });
}

/** The Docker-style `message` of an error response, else a generic description. */
export function responseErrorMessage(response: AgentResponse): string {
  const { body } = response;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return `the agent answered ${response.status}`;
}

/** For messages: never includes the token. */
export function describeTarget(target: AgentTarget): string {
  return 'socketPath' in target ? `unix://${target.socketPath}` : `tcp://${target.host}:${target.port}`;
}
