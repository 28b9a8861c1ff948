import * as http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxNodeStatus } from '../../../agent/sandbox/sandbox';
import { startAgentProcess, type AgentProcess } from '../../helpers/agent';
import { docker, sandboxNodes } from '../../helpers/sandbox';

/** Flags every test service gets so that stops, restarts and update monitoring stay short. */
export const FAST = [
  '--stop-grace-period',
  '1s',
  '--restart-delay',
  '1s',
  '--update-monitor',
  '1s',
  '--rollback-monitor',
  '1s',
];
export const WEB = 'shoal/web:latest';
export const CRASH = 'shoal/crash:latest';
export const SERVICE_LABEL = 'com.docker.swarm.service.id';
export const CLUSTER_LABEL = 'io.shoal.cluster.id';

/** A task as `GET /tasks` (what `docker service ps` reads) returns it; only the fields these tests use. */
export interface TaskView {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  CreatedAt: string;
  Spec: { ContainerSpec?: { Image?: string; Env?: string[] } };
  Status: {
    Timestamp: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string };
  };
}

export interface ServiceView {
  ID: string;
  Spec: {
    Name: string;
    Mode: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate: { ContainerSpec: { Image: string; Env?: string[] } };
  };
  UpdateStatus?: { State: string; Message?: string; StartedAt?: string; CompletedAt?: string };
  Version: { Index: number };
}

/** A container as one engine's own API lists it. */
export interface EngineContainer {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Labels: Record<string, string>;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** One HTTP request to a unix socket (the agent's or an engine's), JSON body if given. */
export function request(socket: string, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: socket,
        method,
        path,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function json<T>(socket: string, path: string): Promise<T> {
  const res = await request(socket, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what` and the last value. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  describe?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const detail = describe ? `\n${await describe().catch((e: unknown) => String(e))}` : '';
      throw new Error(`${what}: not within ${timeoutMs} ms${detail}`);
    }
    await sleep(200);
  }
}

/** The running agent plus a view of the sandbox's engines, for one test file. */
export class Harness {
  readonly engines: SandboxNodeStatus[];

  private constructor(public agent: AgentProcess) {
    this.engines = sandboxNodes();
  }

  static async start(): Promise<Harness> {
    return new Harness(await startAgentProcess());
  }

  /** Starts a new agent process on the same SHOAL_HOME (after the previous one ended). */
  async restartAgent(): Promise<void> {
    this.agent = await startAgentProcess();
  }

  /** The stock docker CLI against the agent. */
  cli(args: string[]): Promise<string> {
    return docker(this.agent.endpoint, args);
  }

  /** `docker service create -d --no-resolve-image` with the short timings; resolves with the service ID. */
  async create(name: string, args: string[], image = WEB, command: string[] = []): Promise<string> {
    const out = await this.cli([
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--name',
      name,
      ...FAST,
      ...args,
      image,
      ...command,
    ]);
    return out.trim();
  }

  async remove(...names: string[]): Promise<void> {
    const existing = new Set((await this.cli(['service', 'ls', '--format', '{{.Name}}'])).split('\n'));
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0) await this.cli(['service', 'rm', ...present]);
  }

  /** Removes the services and waits until none of their containers is left on any engine. */
  async removeAndWait(ids: Map<string, string>): Promise<void> {
    await this.remove(...ids.keys());
    const wanted = new Set(ids.values());
    await waitFor(
      'containers of removed services gone from the engines',
      async () => (await this.allEngineContainers()).every((c) => !wanted.has(c.Labels[SERVICE_LABEL] ?? '')),
      30_000,
    );
  }

  async service(name: string): Promise<ServiceView> {
    return json<ServiceView>(this.agent.socket, `/v1.41/services/${encodeURIComponent(name)}`);
  }

  async tasks(service: string): Promise<TaskView[]> {
    const filters = encodeURIComponent(JSON.stringify({ service: { [service]: true } }));
    return json<TaskView[]>(this.agent.socket, `/v1.41/tasks?filters=${filters}`);
  }

  /** Every task in the store, of every service. */
  async allTasks(): Promise<TaskView[]> {
    return json<TaskView[]>(this.agent.socket, '/v1.41/tasks');
  }

  /** Tasks desired and observed running. */
  async running(service: string): Promise<TaskView[]> {
    return (await this.tasks(service)).filter(
      (t) => t.DesiredState === 'running' && t.Status.State === 'running',
    );
  }

  /** Node ID → hostname, from the agent. */
  async hostnames(): Promise<Map<string, string>> {
    const nodes = await json<Array<{ ID: string; Description: { Hostname: string } }>>(
      this.agent.socket,
      '/v1.41/nodes',
    );
    return new Map(nodes.map((n) => [n.ID, n.Description.Hostname]));
  }

  engine(name: string): SandboxNodeStatus {
    const engine = this.engines.find((e) => e.name === name);
    if (!engine) throw new Error(`no sandbox node ${name}`);
    return engine;
  }

  /** Every Shoal task container on one engine, asked through that engine's own socket. */
  async engineContainers(name: string, all = true): Promise<EngineContainer[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [CLUSTER_LABEL] }));
    const socket = this.engine(name).endpoint.replace(/^unix:\/\//, '');
    return json<EngineContainer[]>(socket, `/v1.41/containers/json?all=${all ? 1 : 0}&filters=${filters}`);
  }

  async allEngineContainers(all = true): Promise<Array<EngineContainer & { node: string }>> {
    const lists = await Promise.all(
      this.engines.map(async (e) =>
        (await this.engineContainers(e.name, all)).map((c) => ({ ...c, node: e.name })),
      ),
    );
    return lists.flat();
  }

  /** Running containers of one service per engine (all of them, or the ones named), e.g. { node1: 4, ... }. */
  async runningPerEngine(serviceId: string, names?: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const e of this.engines) {
      if (names && !names.includes(e.name)) continue;
      const list = await this.engineContainers(e.name, false);
      counts[e.name] = list.filter((c) => c.Labels[SERVICE_LABEL] === serviceId).length;
    }
    return counts;
  }

  /** A one-line picture of a service's tasks for failure messages. */
  async describe(service: string): Promise<string> {
    const names = await this.hostnames();
    const tasks = await this.tasks(service);
    return tasks
      .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0) || a.CreatedAt.localeCompare(b.CreatedAt))
      .map(
        (t) =>
          `  slot ${t.Slot ?? '-'} ${t.ID.slice(0, 8)} ${names.get(t.NodeID ?? '') ?? t.NodeID ?? '-'} ` +
          `desired=${t.DesiredState} state=${t.Status.State}${t.Status.Err ? ` err=${t.Status.Err}` : ''}`,
      )
      .join('\n');
  }

  /** Waits until the service has exactly `count` running tasks and nothing else wants to run. */
  async converged(service: string, count: number, timeoutMs = 30_000): Promise<TaskView[]> {
    return waitFor(
      `${service}: ${count} running tasks`,
      async () => {
        const tasks = await this.tasks(service);
        const running = tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
        const settling = tasks.filter(
          (t) => (t.DesiredState === 'running' || t.DesiredState === 'ready') && t.Status.State !== 'running',
        );
        return running.length === count && settling.length === 0 ? running : undefined;
      },
      timeoutMs,
      () => this.describe(service),
    );
  }

  async updateState(service: string, states: string[], timeoutMs = 60_000): Promise<ServiceView> {
    return waitFor(
      `${service}: UpdateStatus in ${states.join('/')}`,
      async () => {
        const s = await this.service(service);
        return states.includes(s.UpdateStatus?.State ?? '') ? s : undefined;
      },
      timeoutMs,
      async () =>
        `${JSON.stringify((await this.service(service)).UpdateStatus)}\n${await this.describe(service)}`,
    );
  }

  /**
   * Slots with more than one running container on the engines (by the task's slot label), which must never
   * happen once a service has converged.
   */
  async doubleSlots(serviceId: string): Promise<string[]> {
    const seen = new Map<string, string[]>();
    for (const c of await this.allEngineContainers(false)) {
      if (c.Labels[SERVICE_LABEL] !== serviceId) continue;
      const slot = c.Labels['io.shoal.task.slot'] ?? c.Labels['com.docker.swarm.node.id'] ?? '?';
      seen.set(slot, [...(seen.get(slot) ?? []), `${c.node}:${c.Names[0] ?? c.Id}`]);
    }
    return [...seen]
      .filter(([, list]) => list.length > 1)
      .map(([slot, list]) => `slot ${slot}: ${list.join(', ')}`);
  }

  /** The environment of a container, from its engine. */
  async containerEnv(node: string, containerId: string): Promise<string[]> {
    const socket = this.engine(node).endpoint.replace(/^unix:\/\//, '');
    const inspected = await json<{ Config: { Env: string[] | null } }>(
      socket,
      `/v1.41/containers/${containerId}/json`,
    );
    return inspected.Config.Env ?? [];
  }

  /** Stops the agent (SIGTERM, then SIGKILL if it hangs), so a failed test never leaves it holding the run open. */
  async stop(): Promise<void> {
    const stopped = this.agent.stop();
    const timer = setTimeout(() => void this.agent.stop('SIGKILL'), 15_000);
    await stopped;
    clearTimeout(timer);
  }

  /** For `after`: runs the file's cleanup, and stops the agent whatever the cleanup threw. */
  async cleanup(steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } finally {
      await this.stop();
    }
  }
}

/** `KEY=VALUE` environment lines of a task spec, as a map. */
export function envOf(task: TaskView): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of task.Spec.ContainerSpec?.Env ?? []) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}
