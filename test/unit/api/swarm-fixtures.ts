import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../../../agent/store/store';
import type { ClusterNetwork, Service, Task, TaskSpec, TaskState } from '../../../agent/types/swarm';

export interface SeedTask {
  id: string;
  serviceId: string;
  slot?: number;
  nodeId?: string;
  state?: TaskState;
  desired?: TaskState;
  specVersion?: number;
  containerId?: string;
  labels?: Record<string, string>;
  /** The task's template; by default its service's current one. */
  spec?: TaskSpec;
}

/** A task record as the orchestrator and dispatcher would have left it. */
export function seedTask(store: Store, seed: SeedTask): Task {
  const service = store.collection<Service>('services').get(seed.serviceId);
  return store.collection<Task>('tasks').create({
    ID: seed.id,
    Labels: seed.labels ?? {},
    Spec:
      seed.spec ?? (service ? structuredClone(service.Spec.TaskTemplate) : { ContainerSpec: { Image: 'x' } }),
    ServiceID: seed.serviceId,
    ...(seed.slot !== undefined ? { Slot: seed.slot } : {}),
    ...(seed.nodeId !== undefined ? { NodeID: seed.nodeId } : {}),
    Status: {
      Timestamp: new Date().toISOString(),
      State: seed.state ?? 'running',
      Message: 'started',
      ...(seed.containerId ? { ContainerStatus: { ContainerID: seed.containerId } } : {}),
    },
    DesiredState: seed.desired ?? 'running',
    SpecVersion: { Index: seed.specVersion ?? 1 },
  });
}

export function seedNetwork(store: Store, id: string, name: string): ClusterNetwork {
  return store.collection<ClusterNetwork>('networks').create({
    ID: id,
    Spec: { Name: name, Driver: 'overlay', Labels: {} },
  });
}

/** The `docker service create` bodies the docker CLI 28 sends (test/fixtures/docker-cli). */
export function cliCreateBodies(): Array<{ command: string; body: Record<string, unknown> }> {
  const file = path.join(__dirname, '../../fixtures/docker-cli/service-create.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{
    command: string;
    body: Record<string, unknown>;
  }>;
}
