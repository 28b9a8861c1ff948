/**
 * The agent's own cost of convergence, without engines: the orchestrator, the scheduling loop and the real
 * dispatcher over a SqliteStore (synchronous FULL, as the agent opens it), with fake engines that answer the
 * dispatcher's Engine API calls after a fixed latency. Runs the convergence bench's scenario (create 30
 * replicas, scale to 60, rolling update with parallelism 5, remove) and reports per step: wall time, this
 * process's CPU time, store transactions (outermost commits), orchestrator passes, and full task listings.
 * Repeatable on a shared machine where the engine-bound convergence bench is not.
 *   node --import tsx bench/pipeline.ts
 * SHOAL_BENCH_ROUNDS (default 5) sets the rounds, SHOAL_BENCH_ENGINE_MS (default 25) the engines' latency.
 */
import type Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineClient, NodeManager } from '../agent/cluster/types';
import { createDispatcher } from '../agent/dispatcher';
import { Orchestrator } from '../agent/orchestrator/orchestrator';
import { newID } from '../agent/orchestrator/task-model';
import { SchedulingLoop } from '../agent/scheduler/loop';
import { SqliteStore } from '../agent/store/sqlite';
import type { Store } from '../agent/store/store';
import type { Meta, Service, ServiceSpec, SwarmNode, Task } from '../agent/types/swarm';
import { createLogger } from '../agent/util/log';

const REPLICAS = 30;
const SCALED = 60;
const NODES = 3;
/** Mean latency of a fake engine call, ±50 % (create and start are two calls); SHOAL_BENCH_ENGINE_MS. */
const ENGINE_LATENCY_MS = Number(process.env.SHOAL_BENCH_ENGINE_MS ?? 25) || 25;

type Step = 'create' | 'scale' | 'update' | 'remove';
const STEPS: Step[] = ['create', 'scale', 'update', 'remove'];

interface Counters {
  transactions: number;
  passes: number;
  taskListings: number;
}

interface StepFigures extends Counters {
  wallMs: number;
  cpuMs: number;
}

// ---------------------------------------------------------------------------------------------------------
// Fake engines: just enough of the Engine API for the dispatcher's calls, answered after a latency

interface FakeContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: 'created' | 'running' | 'exited';
}

interface DialOptions {
  path: string;
  method: string;
  options: { _query: Record<string, unknown>; _body: Record<string, unknown> };
}

/** A fixed sequence in [0, 1), so that every run sees the same latencies. */
let seed = 1;
function jitter(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

class FakeEngine {
  private readonly containers = new Map<string, FakeContainer>();
  private next = 0;

  constructor(readonly nodeId: string) {}

  readonly docker = {
    modem: {
      dial: (options: DialOptions, callback: (error: Error | null, result?: unknown) => void): void => {
        setTimeout(
          () => {
            try {
              callback(null, this.answer(options));
            } catch (error) {
              callback(error as Error);
            }
          },
          ENGINE_LATENCY_MS * (0.5 + jitter()),
        );
      },
    },
  } as unknown as Docker;

  private answer({ path, method, options }: DialOptions): unknown {
    const route = `${method} ${path.replace(/\?$/, '')}`;
    if (/^GET \/images\/.+\/json$/.test(route)) return {};
    if (route === 'POST /containers/create') {
      const body = options._body as { Labels?: Record<string, string> };
      const id = `${this.nodeId}-${++this.next}`.padEnd(64, '0');
      const name = String(options._query.name);
      this.containers.set(id, { id, name, labels: body.Labels ?? {}, status: 'created' });
      return { Id: id };
    }
    if (route === 'GET /containers/json') {
      return [...this.containers.values()].map((c) => ({
        Id: c.id,
        Names: [`/${c.name}`],
        Labels: c.labels,
        State: c.status,
        Status: c.status === 'running' ? 'Up 1 second' : 'Exited (0) 1 second ago',
      }));
    }
    const match = /^(GET|POST|DELETE) \/containers\/([^/]+)(?:\/(\w+))?$/.exec(route);
    const container = match ? this.containers.get(decodeURIComponent(match[2] ?? '')) : undefined;
    if (!match || !container)
      throw Object.assign(new Error(`no such container (${route})`), { statusCode: 404 });
    const action = `${match[1]} ${match[3] ?? ''}`;
    if (action === 'POST start') container.status = 'running';
    else if (action === 'POST stop') container.status = 'exited';
    else if (action === 'DELETE ') this.containers.delete(container.id);
    else if (action === 'GET json') {
      return {
        Id: container.id,
        Name: `/${container.name}`,
        State: { Status: container.status, ExitCode: 0, Pid: container.status === 'running' ? 42 : 0 },
        Config: { Labels: container.labels },
        NetworkSettings: { Ports: {} },
      };
    } else throw new Error(`fake engine: ${route} not handled`);
    return {};
  }
}

function fakeNodeManager(store: Store, engines: Map<string, FakeEngine>): NodeManager {
  const unsupported = (): never => {
    throw new Error('not part of the bench');
  };
  return {
    list: () => store.collection<SwarmNode>('nodes').list(),
    resolve: unsupported,
    add: unsupported,
    remove: unsupported,
    updateSpec: unsupported,
    adoptSandbox: unsupported,
    engine: (nodeId): EngineClient => {
      const engine = engines.get(nodeId);
      if (!engine) throw new Error(`no engine for ${nodeId}`);
      return {
        nodeId,
        call: (_what, fn) => fn(engine.docker, new AbortController().signal),
      };
    },
    onEngineEvent: () => () => undefined,
    onEngineReconnected: () => () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Counting

/** Counts outermost transactions (single writes run as their own) and full listings of the tasks. */
function instrument(store: Store, counters: Counters): void {
  const transaction = store.transaction.bind(store);
  let depth = 0;
  store.transaction = <R>(fn: () => R): R => {
    if (depth === 0) counters.transactions++;
    depth++;
    try {
      return transaction(fn);
    } finally {
      depth--;
    }
  };
  const collection = store.collection.bind(store);
  store.collection = <T extends Meta>(name: string) => {
    const inner = collection<T>(name);
    if (name !== 'tasks') return inner;
    return {
      ...inner,
      list: () => {
        counters.taskListings++;
        return inner.list();
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// The scenario

function addNode(store: Store, i: number): void {
  store.collection<SwarmNode>('nodes').create({
    ID: `node${i}`,
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: {
      Hostname: `node${i}`,
      Platform: { OS: 'linux', Architecture: 'x86_64' },
      Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 2 ** 30 },
      Engine: { EngineVersion: '27.0', Labels: {}, Plugins: [] },
    },
    Status: { State: 'ready', Addr: `10.0.0.${i}` },
    ShoalEndpoint: { URL: `unix:///node${i}.sock` },
  });
}

function updateSpec(store: Store, id: string, change: (spec: ServiceSpec) => void): void {
  const services = store.collection<Service>('services');
  const service = services.get(id);
  if (!service) throw new Error('service gone');
  const spec = structuredClone(service.Spec);
  change(spec);
  const next: Service = {
    ...service,
    PreviousSpec: service.Spec,
    PreviousSpecVersion: service.SpecVersion ?? { Index: service.Version.Index },
    Spec: spec,
    SpecVersion: { Index: store.currentIndex + 1 },
  };
  delete next.UpdateStatus;
  services.update(next, service.Version.Index);
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function round(): Promise<Record<Step, StepFigures>> {
  seed = 1;
  const dir = mkdtempSync(join(tmpdir(), 'shoal-pipeline-'));
  const store = SqliteStore.open(join(dir, 'state.db'));
  const counters: Counters = { transactions: 0, passes: 0, taskListings: 0 };
  const log = createLogger('bench', () => undefined);
  const engines = new Map<string, FakeEngine>();
  for (let i = 1; i <= NODES; i++) {
    addNode(store, i);
    engines.set(`node${i}`, new FakeEngine(`node${i}`));
  }
  // Read before instrumenting: the bench's own polling is neither counted nor frequent.
  const rawTasks = store.collection<Task>('tasks');
  instrument(store, counters);
  const orchestrator = new Orchestrator({ store, log });
  const pass = orchestrator.pass.bind(orchestrator);
  orchestrator.pass = () => {
    counters.passes++;
    pass();
  };
  const scheduler = new SchedulingLoop({ store, log });
  const dispatcher = createDispatcher({ store, nodes: fakeNodeManager(store, engines), relistMs: 0 });
  orchestrator.start();
  scheduler.start();
  await dispatcher.start();

  const tasks = (): Task[] => rawTasks.list();
  const running = (count: number, check?: (t: Task) => boolean) => () => {
    const list = tasks().filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
    return list.length === count && (check === undefined || list.every(check));
  };
  const figures = {} as Record<Step, StepFigures>;
  const measure = async (step: Step, act: () => void, done: () => boolean): Promise<void> => {
    const before = { ...counters };
    const cpu = process.cpuUsage();
    const started = performance.now();
    act();
    await until(step, done);
    const usage = process.cpuUsage(cpu);
    figures[step] = {
      wallMs: performance.now() - started,
      cpuMs: (usage.user + usage.system) / 1000,
      transactions: counters.transactions - before.transactions,
      passes: counters.passes - before.passes,
      taskListings: counters.taskListings - before.taskListings,
    };
  };

  const id = newID();
  try {
    await measure(
      'create',
      () =>
        store.collection<Service>('services').create({
          ID: id,
          Spec: {
            Name: 'web',
            TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
            Mode: { Replicated: { Replicas: REPLICAS } },
            UpdateConfig: { Parallelism: 5, Monitor: 1e6 },
          },
          SpecVersion: { Index: 1 },
          Endpoint: { Spec: {} },
        }),
      running(REPLICAS),
    );
    await measure(
      'scale',
      () => updateSpec(store, id, (spec) => (spec.Mode = { Replicated: { Replicas: SCALED } })),
      running(SCALED),
    );
    await measure(
      'update',
      () =>
        updateSpec(store, id, (spec) => {
          spec.TaskTemplate.ContainerSpec.Env = ['X=1'];
        }),
      () =>
        store.collection<Service>('services').get(id)?.UpdateStatus?.State === 'completed' &&
        running(SCALED, (t) => (t.Spec.ContainerSpec.Env ?? []).includes('X=1'))(),
    );
    await measure(
      'remove',
      () => store.collection<Service>('services').delete(id),
      () => tasks().length === 0,
    );
  } finally {
    orchestrator.stop();
    scheduler.stop();
    await dispatcher.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function run(): Promise<void> {
  const rounds = Math.max(1, Number(process.env.SHOAL_BENCH_ROUNDS ?? 5) || 5);
  console.log(
    `pipeline: orchestrator + scheduler + dispatcher over SqliteStore, fake engines (${ENGINE_LATENCY_MS} ms a call), ` +
      `${NODES} nodes, ${rounds} round(s); medians [min-max]`,
  );
  const results: Array<Record<Step, StepFigures>> = [];
  for (let i = 0; i < rounds; i++) results.push(await round());
  const show = (step: Step, key: keyof StepFigures, digits = 0): string => {
    const values = results.map((r) => r[step][key]);
    const range = `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
    return `${median(values).toFixed(digits)} [${range}]`;
  };
  for (const step of STEPS) {
    console.log(
      `  ${step.padEnd(7)} wall ${show(step, 'wallMs')} ms, CPU ${show(step, 'cpuMs')} ms, ` +
        `transactions ${show(step, 'transactions')}, orchestrator passes ${show(step, 'passes')}, ` +
        `task listings ${show(step, 'taskListings')}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
