import type { PortConfig, TaskState } from '../types/swarm';

/** What the engine says about a container's state, from either inspect or a list entry. */
export interface ContainerStateView {
  /** The engine's State.Status: created, running, paused, restarting, removing, exited or dead. */
  status: string;
  exitCode?: number;
  /** State.Health.Status; absent when the container has no healthcheck. */
  health?: string;
  /** State.Error: why the engine could not start it. */
  error?: string;
  pid?: number;
}

export interface TaskStateReport {
  state: TaskState;
  /** Swarm's message for the state ("prepared", "starting", "started", "finished"). */
  message: string;
  err?: string;
  exitCode?: number;
}

export interface ObservedStatus extends TaskStateReport {
  containerId: string;
  pid?: number;
  /** Host-mode published ports as bound on the node (ephemeral ones resolved). */
  ports: PortConfig[];
}

/** Docker's texts, so `docker service ps --no-trunc` reads the same as with swarm mode. */
export const UNHEALTHY_ERR = 'dockerexec: unhealthy container';
export const exitErr = (code: number): string => `task: non-zero exit (${code})`;

/**
 * Swarm's reading of a container (moby daemon/cluster/executor/container/controller.go): a running container
 * with a healthcheck is RUNNING only once healthy, unhealthy is a failure, exit 0 completes the task. Stopping an
 * unhealthy container is the caller's job, as it is the swarm agent's.
 */
export function taskStateOf(view: ContainerStateView): TaskStateReport {
  const exitCode = view.exitCode ? { exitCode: view.exitCode } : {};
  switch (view.status) {
    case 'created':
      if (view.error) return { state: 'failed', message: 'starting', err: view.error, ...exitCode };
      return { state: 'ready', message: 'prepared' };
    case 'running':
    case 'paused':
      if (view.health === 'starting') return { state: 'starting', message: 'starting' };
      if (view.health === 'unhealthy') return { state: 'failed', message: 'started', err: UNHEALTHY_ERR };
      return { state: 'running', message: view.status === 'paused' ? 'paused' : 'started' };
    case 'restarting':
      return { state: 'starting', message: 'restarting' };
    case 'exited':
      if (!view.exitCode) return { state: 'complete', message: 'finished', exitCode: 0 };
      return { state: 'failed', message: 'started', err: exitErr(view.exitCode), exitCode: view.exitCode };
    case 'removing':
      return { state: 'shutdown', message: 'removing', ...exitCode };
    case 'dead':
      return { state: 'failed', message: 'started', err: view.error || 'container is dead', ...exitCode };
    default:
      return { state: 'failed', message: 'started', err: `unknown container status "${view.status}"` };
  }
}

/** The parts of `GET /containers/{id}/json` read here. */
export interface InspectedContainer {
  Id: string;
  Name?: string;
  State: {
    Status: string;
    ExitCode?: number;
    Error?: string;
    Pid?: number;
    Health?: { Status: string } | null;
  };
  Config?: { Labels?: Record<string, string> | null };
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  };
}

export function observedFromInspect(container: InspectedContainer): ObservedStatus {
  const s = container.State;
  const view: ContainerStateView = { status: s.Status };
  if (s.ExitCode !== undefined) view.exitCode = s.ExitCode;
  if (s.Health?.Status && s.Health.Status !== 'none') view.health = s.Health.Status;
  if (s.Error) view.error = s.Error;
  const observed: ObservedStatus = {
    ...taskStateOf(view),
    containerId: container.Id,
    ports: portsFromInspect(container.NetworkSettings?.Ports),
  };
  if (s.Pid) observed.pid = s.Pid;
  return observed;
}

function portsFromInspect(
  ports: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined,
): PortConfig[] {
  const result: PortConfig[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [target, protocol] = key.split('/');
    for (const binding of bindings ?? []) {
      if (binding.HostPort) result.push(portConfig(Number(target), Number(binding.HostPort), protocol));
    }
  }
  return uniquePorts(result);
}

/** The parts of a `GET /containers/json` entry read here. */
export interface ListedContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
  State: string;
  /** "Up 2 seconds (healthy)", "Exited (1) 3 seconds ago", ... */
  Status: string;
  Ports?: Array<{ PrivatePort: number; PublicPort?: number; Type: string }> | null;
}

/**
 * The same reading from a list entry, so a relist after a reconnect costs one call, not one per container. The
 * list has no State.Error, so a container that failed to start reads as 'ready' until inspected.
 */
export function observedFromListing(container: ListedContainer): ObservedStatus {
  const view: ContainerStateView = { status: container.State };
  const exit = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(container.Status);
  if (exit) view.exitCode = Number(exit[1]);
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(container.Status)?.[1];
  if (health) view.health = health === 'health: starting' ? 'starting' : health;
  const ports = (container.Ports ?? [])
    .filter((p) => p.PublicPort)
    .map((p) => portConfig(p.PrivatePort, p.PublicPort ?? 0, p.Type));
  return { ...taskStateOf(view), containerId: container.Id, ports: uniquePorts(ports) };
}

function portConfig(target: number, published: number, protocol: string | undefined): PortConfig {
  const p = protocol === 'udp' || protocol === 'sctp' ? protocol : 'tcp';
  return { Protocol: p, TargetPort: target, PublishedPort: published, PublishMode: 'host' };
}

/** The engine lists a binding once per address family (0.0.0.0 and ::); Swarm shows each port once. */
function uniquePorts(ports: PortConfig[]): PortConfig[] {
  const seen = new Map<string, PortConfig>();
  for (const p of ports) seen.set(`${p.TargetPort}/${p.Protocol}:${p.PublishedPort}`, p);
  return [...seen.values()];
}
