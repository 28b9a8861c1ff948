import { Orchestrator } from '../../../agent/orchestrator/orchestrator';
import { newID } from '../../../agent/orchestrator/task-model';
import { SchedulingLoop } from '../../../agent/scheduler/loop';
import { MemoryStore } from '../../../agent/store/memory';
import type { Service, ServiceSpec, SwarmNode, Task, TaskState } from '../../../agent/types/swarm';
import { createLogger } from '../../../agent/util/log';

/**
 * The orchestrator and the scheduling loop over a MemoryStore, with a simulated dispatcher that plays the
 * engines: assigned tasks desired running become running after `startMs` (or fail when their image is in
 * `failingImages`); tasks desired shutdown/remove stop. Pure logic only; real engines are tested elsewhere.
 */
export class Simulation {
  readonly store = new MemoryStore();
  readonly log = createLogger('test', () => undefined);
  readonly orchestrator = new Orchestrator({ store: this.store, log: this.log, debounceMs: 1 });
  readonly scheduler = new SchedulingLoop({ store: this.store, log: this.log, debounceMs: 1 });
  readonly failingImages = new Set<string>();
  startMs = 5;
  private stopped = false;
  private unsubscribe: () => void;

  constructor(nodeCount: number) {
    for (let i = 1; i <= nodeCount; i++) this.addNode(`node${i}`);
    this.unsubscribe = this.store.onChange((c) => {
      if (c.collection === 'tasks' && c.action !== 'delete') this.dispatch((c.object as Task).ID);
      // A node that answers again is relisted, as the real dispatcher does on reconnect.
      if (
        c.collection === 'nodes' &&
        c.action === 'update' &&
        (c.object as SwarmNode).Status.State === 'ready'
      ) {
        for (const t of this.tasks()) if (t.NodeID === c.object.ID) this.dispatch(t.ID);
      }
    });
    this.scheduler.start();
    this.orchestrator.start();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.orchestrator.stop();
    this.scheduler.stop();
  }

  addNode(hostname: string, labels: Record<string, string> = {}): SwarmNode {
    return this.store.collection<SwarmNode>('nodes').create({
      ID: `id-${hostname}`,
      Spec: { Labels: labels, Role: 'worker', Availability: 'active' },
      Description: {
        Hostname: hostname,
        Platform: { OS: 'linux', Architecture: 'x86_64' },
        Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 2 ** 30 },
        Engine: { EngineVersion: '20.10', Labels: {}, Plugins: [] },
      },
      Status: { State: 'ready', Addr: '10.0.0.1' },
      ShoalEndpoint: { URL: `unix:///${hostname}.sock` },
    });
  }

  setNode(hostname: string, change: (n: SwarmNode) => void): void {
    const nodes = this.store.collection<SwarmNode>('nodes');
    const node = nodes.get(`id-${hostname}`);
    if (!node) throw new Error(`no node ${hostname}`);
    change(node);
    nodes.update(node, node.Version.Index);
  }

  createService(spec: ServiceSpec): Service {
    return this.store.collection<Service>('services').create({
      ID: newID(),
      Spec: spec,
      SpecVersion: { Index: this.store.currentIndex + 1 },
      Endpoint: { Spec: spec.EndpointSpec ?? {} },
    });
  }

  updateService(id: string, change: (spec: ServiceSpec) => void): Service {
    const services = this.store.collection<Service>('services');
    const service = services.get(id);
    if (!service) throw new Error('no service');
    const spec = structuredClone(service.Spec);
    change(spec);
    const next: Service = {
      ...service,
      PreviousSpec: service.Spec,
      PreviousSpecVersion: service.SpecVersion ?? { Index: service.Version.Index },
      Spec: spec,
      SpecVersion: { Index: this.store.currentIndex + 1 },
    };
    delete next.UpdateStatus;
    return services.update(next, service.Version.Index);
  }

  service(id: string): Service {
    const s = this.store.collection<Service>('services').get(id);
    if (!s) throw new Error('no service');
    return s;
  }

  tasks(serviceId?: string): Task[] {
    return this.store
      .collection<Task>('tasks')
      .list()
      .filter((t) => serviceId === undefined || t.ServiceID === serviceId);
  }

  running(serviceId: string): Task[] {
    return this.tasks(serviceId).filter((t) => t.Status.State === 'running' && t.DesiredState === 'running');
  }

  perNode(serviceId: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const t of this.running(serviceId)) counts[t.NodeID ?? '?'] = (counts[t.NodeID ?? '?'] ?? 0) + 1;
    return counts;
  }

  async until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The simulated engine side: moves one task towards its desired state. */
  private dispatch(taskId: string): void {
    setTimeout(() => {
      if (this.stopped) return;
      const tasks = this.store.collection<Task>('tasks');
      const task = tasks.get(taskId);
      if (!task || !task.NodeID) return;
      const node = this.store.collection<SwarmNode>('nodes').get(task.NodeID);
      if (!node || node.Status.State === 'down') return;
      const state = task.Status.State;
      let next: TaskState | undefined;
      if (task.DesiredState === 'remove') {
        tasks.delete(task.ID);
        return;
      }
      if (
        task.DesiredState === 'shutdown' &&
        (state === 'running' || state === 'assigned' || state === 'starting')
      ) {
        next = 'shutdown';
      } else if (task.DesiredState === 'running' && state === 'assigned') {
        next = this.failingImages.has(task.Spec.ContainerSpec.Image) ? 'failed' : 'running';
      }
      if (!next) return;
      tasks.update(
        {
          ...task,
          Status: {
            Timestamp: new Date().toISOString(),
            State: next,
            Message: next,
            ...(next === 'failed' ? { Err: 'task: non-zero exit (1)' } : {}),
          },
        },
        task.Version.Index,
      );
    }, this.startMs);
  }
}

export function webSpec(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { Name: name, TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } }, ...extra };
}
