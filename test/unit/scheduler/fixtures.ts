import { ClusterState, type NodeInfo } from '../../../agent/scheduler/cluster-state';
import type { Filter, FilterContext } from '../../../agent/scheduler/filter';
import type { PendingTask, SchedulerNode, TaskRequest } from '../../../agent/scheduler/types';

export const GB = 2 ** 30;
export const CPU = 1e9;

export function makeNode(id: string, overrides: Partial<SchedulerNode> = {}): SchedulerNode {
  return {
    id,
    hostname: `${id}.example`,
    role: 'worker',
    platform: { os: 'linux', arch: 'x86_64' },
    labels: {},
    engineLabels: {},
    state: 'ready',
    availability: 'active',
    ip: '10.0.0.1',
    resources: { nanoCPUs: 4 * CPU, memoryBytes: 8 * GB },
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<TaskRequest> = {}): TaskRequest {
  return {
    serviceId: 'svc',
    specVersion: 1,
    constraints: [],
    preferences: [],
    maxReplicasPerNode: 0,
    reservations: { nanoCPUs: 0, memoryBytes: 0 },
    hostPorts: [],
    affinities: [],
    ...overrides,
  };
}

/** `count` tasks `<prefix>0..` sharing one request. */
export function makeTasks(count: number, overrides: Partial<TaskRequest> = {}, prefix = 't'): PendingTask[] {
  const request = makeRequest(overrides);
  return Array.from({ length: count }, (_, i) => ({ ...request, taskId: `${prefix}${i}` }));
}

export function infoOf(cluster: ClusterState, nodeId: string): NodeInfo {
  const info = cluster.nodeInfo(nodeId);
  if (!info) throw new Error(`no node ${nodeId}`);
  return info;
}

/** A one-node cluster and its info, for filter tests. */
export function single(node: SchedulerNode): { cluster: ClusterState; info: NodeInfo } {
  const cluster = new ClusterState([node]);
  return { cluster, info: infoOf(cluster, node.id) };
}

export function context(cluster: ClusterState, soft = true): FilterContext {
  return { soft, cluster, now: 1_000_000 };
}

/** Node ID → tasks of a service placed there. */
export function countByNode(assignments: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const nodeId of assignments.values()) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  return counts;
}

/** What a filter says about a node; a filter that does not apply keeps every node. */
export function keeps(
  filter: Filter,
  request: TaskRequest,
  cluster: ClusterState,
  nodeId: string,
  soft = true,
): boolean {
  const check = filter.prepare(request, context(cluster, soft));
  return check === undefined ? true : check(infoOf(cluster, nodeId));
}
