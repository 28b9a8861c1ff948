import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeManager } from '../../../agent/cluster/types';
import { listTaskContainers, remove, type TaskContainer } from '../../../agent/executor';
import { engineJson } from '../../../agent/executor/engine-request';
import { newID, newTask } from '../../../agent/orchestrator/task-model';
import type { Collection, Store } from '../../../agent/store/store';
import type { ContainerSpec, Service, SwarmNode, Task } from '../../../agent/types/swarm';

export const WEB = 'shoal/web:latest';
export const SECOND = 1e9;

export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Plays orchestrator and scheduler: services and assigned tasks written straight into the store. */
export class Cluster {
  readonly services: Collection<Service>;
  readonly tasks: Collection<Task>;
  private slot = 0;

  constructor(
    readonly store: Store,
    readonly manager: NodeManager,
  ) {
    this.services = store.collection<Service>('services');
    this.tasks = store.collection<Task>('tasks');
  }

  node(hostname: string): SwarmNode {
    const node = this.manager.list().find((n) => n.Description.Hostname === hostname);
    if (!node) throw new Error(`no node ${hostname}`);
    return node;
  }

  addService(name: string, container: Partial<ContainerSpec> = {}): Service {
    const spec = {
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: WEB, StopGracePeriod: 2 * SECOND, ...container } },
      Mode: { Replicated: { Replicas: 1 } },
    };
    return this.services.create({ ID: newID(), Spec: spec, Endpoint: { Spec: {} } });
  }

  /** A task of `service` assigned to the node, as the scheduler leaves it. */
  addTask(service: Service, hostname: string, overrides: Partial<Task> = {}): Task {
    const task = newTask(service, { slot: ++this.slot, nodeId: this.node(hostname).ID });
    return this.tasks.create({
      ...task,
      Status: { Timestamp: new Date().toISOString(), State: 'assigned', Message: 'scheduled' },
      ...overrides,
    });
  }

  setDesired(taskId: string, desired: Task['DesiredState']): void {
    for (;;) {
      const task = this.tasks.get(taskId);
      if (!task) throw new Error(`task ${taskId} is gone`);
      try {
        this.tasks.update({ ...task, DesiredState: desired }, task.Version.Index);
        return;
      } catch {
        // the dispatcher wrote meanwhile; read again
      }
    }
  }

  /** Polls the store until the task satisfies `done` (undefined = the record is gone). */
  async waitForTask(
    taskId: string,
    done: (task: Task | undefined) => boolean,
    timeoutMs = 15_000,
  ): Promise<Task | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = this.tasks.get(taskId);
      if (done(task)) return task;
      if (Date.now() > deadline) {
        throw new Error(
          `task ${taskId} did not get there in ${timeoutMs} ms; last: ${JSON.stringify(task?.Status)}`,
        );
      }
      await sleep(50);
    }
  }

  waitForState(
    taskId: string,
    state: Task['Status']['State'],
    timeoutMs?: number,
  ): Promise<Task | undefined> {
    return this.waitForTask(taskId, (t) => t?.Status.State === state, timeoutMs);
  }

  async containersOf(hostname: string, taskId?: string, clusterID?: string): Promise<TaskContainer[]> {
    const listed = await listTaskContainers(this.manager.engine(this.node(hostname).ID), clusterID);
    return taskId === undefined ? listed : listed.filter((c) => c.labels.taskId === taskId);
  }

  async containerState(hostname: string, containerId: string): Promise<string | undefined> {
    try {
      const inspected = await this.manager.engine(this.node(hostname).ID).call('inspect', (docker, signal) =>
        engineJson<{ State: { Status: string } }>(docker, signal, {
          method: 'GET',
          path: `/containers/${containerId}/json`,
        }),
      );
      return inspected.State.Status;
    } catch {
      return undefined;
    }
  }

  /** Removes every Shoal container (any cluster) on the ready nodes. */
  async removeAllContainers(): Promise<void> {
    await Promise.all(
      this.manager
        .list()
        .filter((n) => n.Status.State === 'ready')
        .map(async (n) => {
          const engine = this.manager.engine(n.ID);
          const listed = await listTaskContainers(engine).catch(() => []);
          await Promise.all(listed.map((c) => remove(engine, c.containerId).catch(() => undefined)));
        }),
    );
  }
}
