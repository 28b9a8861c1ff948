import type Docker from 'dockerode';

/*
 * dockerode's ping/info/version accept `{ abortSignal }` at run time (lib/docker.js passes it to the request),
 * but its type declarations omit the parameter. These wrappers keep that cast in one place.
 */
type CallWithSignal = (this: Docker, options: { abortSignal: AbortSignal }) => Promise<unknown>;

function withSignal(
  docker: Docker,
  method: 'ping' | 'info' | 'version',
  signal: AbortSignal,
): Promise<unknown> {
  return (docker[method] as unknown as CallWithSignal).call(docker, { abortSignal: signal });
}

export function ping(docker: Docker, signal: AbortSignal): Promise<unknown> {
  return withSignal(docker, 'ping', signal);
}

export function info(docker: Docker, signal: AbortSignal): Promise<unknown> {
  return withSignal(docker, 'info', signal);
}

export function version(docker: Docker, signal: AbortSignal): Promise<unknown> {
  return withSignal(docker, 'version', signal);
}

/** The engine's event stream from `since` (whole seconds, inclusive); ends when `signal` aborts. */
export function events(
  docker: Docker,
  since: number | undefined,
  signal: AbortSignal,
): Promise<NodeJS.ReadableStream> {
  return docker.getEvents({ ...(since === undefined ? {} : { since }), abortSignal: signal });
}
