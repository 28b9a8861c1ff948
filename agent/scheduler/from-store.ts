import type { Service, SwarmNode, Task } from '../types/swarm';
import type {
  HostPort,
  PendingTask,
  PortProtocol,
  SchedulerNode,
  TaskAssignment,
  TaskRequest,
} from './types';

/** The scheduler's view of a store node. */
export function schedulerNode(node: SwarmNode): SchedulerNode {
  const result: SchedulerNode = {
    id: node.ID,
    hostname: node.Description.Hostname,
    role: node.Spec.Role,
    platform: { os: node.Description.Platform.OS, arch: node.Description.Platform.Architecture },
    labels: node.Spec.Labels ?? {},
    engineLabels: node.Description.Engine.Labels ?? {},
    state: node.Status.State,
    availability: node.Spec.Availability,
    resources: {
      nanoCPUs: node.Description.Resources.NanoCPUs,
      memoryBytes: node.Description.Resources.MemoryBytes,
    },
  };
  if (node.Status.Addr) result.ip = node.Status.Addr;
  return result;
}

/**
 * Placement constraints whose key is `service` are affinities to other services' tasks
 * (`service==db`, `service!=web`, soft with `==~` / `!=~`); the others are node constraints.
 */
export function splitConstraints(constraints: readonly string[]): {
  constraints: string[];
  affinities: string[];
} {
  const nodeConstraints: string[] = [];
  const affinities: string[] = [];
  for (const c of constraints) {
    if (/^\s*service\s*(==|!=)/.test(c)) affinities.push(c.trim());
    else nodeConstraints.push(c);
  }
  return { constraints: nodeConstraints, affinities };
}

export function hostPorts(service: Service): HostPort[] {
  return (service.Spec.EndpointSpec?.Ports ?? [])
    .filter((p) => p.PublishMode === 'host' && (p.PublishedPort ?? 0) > 0)
    .map((p) => ({ port: p.PublishedPort ?? 0, protocol: (p.Protocol ?? 'tcp') as PortProtocol }));
}

/** What a task of this spec needs from a node. Built from the task's own spec (it may be older than the service's). */
export function taskRequest(service: Service, task: Task): TaskRequest {
  const placement = task.Spec.Placement ?? {};
  const split = splitConstraints(placement.Constraints ?? []);
  const reservations = task.Spec.Resources?.Reservations ?? {};
  const request: TaskRequest = {
    serviceId: service.ID,
    serviceName: service.Spec.Name,
    constraints: split.constraints,
    affinities: split.affinities,
    preferences: (placement.Preferences ?? []).map((p) => ({ spread: p.Spread.SpreadDescriptor })),
    maxReplicasPerNode: placement.MaxReplicas ?? 0,
    reservations: { nanoCPUs: reservations.NanoCPUs ?? 0, memoryBytes: reservations.MemoryBytes ?? 0 },
    hostPorts: hostPorts(service),
  };
  if (task.SpecVersion) request.specVersion = task.SpecVersion.Index;
  if (placement.Platforms && placement.Platforms.length > 0) {
    request.platforms = placement.Platforms.map((p) => ({
      ...(p.OS ? { os: p.OS } : {}),
      ...(p.Architecture ? { arch: p.Architecture } : {}),
    }));
  }
  return request;
}

export function pendingTask(service: Service, task: Task): PendingTask {
  const pending: PendingTask = { ...taskRequest(service, task), taskId: task.ID };
  if (task.NodeID) pending.nodeId = task.NodeID;
  return pending;
}

export function taskAssignment(service: Service | undefined, task: Task): TaskAssignment {
  const reservations = task.Spec.Resources?.Reservations ?? {};
  return {
    taskId: task.ID,
    serviceId: task.ServiceID,
    ...(service ? { serviceName: service.Spec.Name } : {}),
    reservations: { nanoCPUs: reservations.NanoCPUs ?? 0, memoryBytes: reservations.MemoryBytes ?? 0 },
    hostPorts: service ? hostPorts(service) : [],
  };
}
