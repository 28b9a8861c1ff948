import type { TaskContainer } from '../../../agent/executor';
import type { ObservedStatus } from '../../../agent/executor/status';
import { MemoryStore } from '../../../agent/store/memory';
import type { Task, TaskState } from '../../../agent/types/swarm';

export const CLUSTER = 'cluster-a';

export function taskRecord(
  id: string,
  overrides: Partial<Task> = {},
): Omit<Task, 'Version' | 'CreatedAt' | 'UpdatedAt'> {
  return {
    ID: id,
    Spec: { ContainerSpec: { Image: 'shoal/web:latest' } },
    ServiceID: 'svc1',
    Slot: 1,
    NodeID: 'node1',
    Status: { Timestamp: '2026-01-01T00:00:00.000Z', State: 'assigned', Message: 'scheduled' },
    DesiredState: 'running',
    ...overrides,
  };
}

/** A stored task as a plain object (for pure functions that take tasks). */
export function storedTask(id: string, overrides: Partial<Task> = {}): Task {
  return { ...taskRecord(id, overrides), Version: { Index: 1 }, CreatedAt: '', UpdatedAt: '' };
}

export function withState(state: TaskState, containerId?: string): Pick<Task, 'Status'> {
  return {
    Status: {
      Timestamp: '2026-01-01T00:00:00.000Z',
      State: state,
      Message: state,
      ...(containerId ? { ContainerStatus: { ContainerID: containerId } } : {}),
    },
  };
}

export function container(
  containerId: string,
  taskId: string,
  status: Partial<ObservedStatus> = {},
  options: { clusterId?: string; name?: string; nodeId?: string } = {},
): TaskContainer {
  const taskName = `web.1.${taskId}`;
  return {
    containerId,
    name: options.name ?? taskName,
    labels: {
      taskId,
      taskName,
      serviceId: 'svc1',
      serviceName: 'web',
      nodeId: options.nodeId ?? 'node1',
      clusterId: options.clusterId ?? CLUSTER,
      slot: 1,
    },
    foreign: (options.clusterId ?? CLUSTER) !== CLUSTER,
    status: { state: 'running', message: 'started', containerId, ports: [], ...status },
  };
}

export function newStore(): MemoryStore {
  return new MemoryStore();
}
