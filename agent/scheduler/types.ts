/**
 * The scheduler's own view of nodes and tasks. It is deliberately independent of the store and of
 * Docker's wire shapes: the orchestrator translates into these, the scheduler never does I/O.
 */

export type SchedulerNodeRole = 'worker' | 'manager';
export type SchedulerNodeState = 'ready' | 'down' | 'unknown' | 'disconnected';
export type SchedulerNodeAvailability = 'active' | 'pause' | 'drain';

export interface Resources {
  nanoCPUs: number;
  memoryBytes: number;
}

export interface SchedulerNode {
  id: string;
  hostname: string;
  role: SchedulerNodeRole;
  platform: { os: string; arch: string };
  /** Node labels (`docker node update --label-add`), matched by `node.labels.<k>`. */
  labels: Readonly<Record<string, string>>;
  /** Daemon `--label`s, matched by `engine.labels.<k>`. */
  engineLabels: Readonly<Record<string, string>>;
  state: SchedulerNodeState;
  availability: SchedulerNodeAvailability;
  /** The node's address, matched by `node.ip`. */
  ip?: string;
  /** What the node has in total; reservations of its tasks are subtracted from this. */
  resources: Resources;
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** A host-mode published port: only one task per node can hold a port+protocol. */
export interface HostPort {
  port: number;
  protocol: PortProtocol;
}

/** `spread` over `node.labels.<k>` or `engine.labels.<k>`; any other descriptor is ignored (swarm mode). */
export interface SpreadPreference {
  spread: string;
}

/** An os/arch the task's image supports; an empty or missing field matches anything. */
export interface PlatformRequirement {
  os?: string;
  arch?: string;
}

/** What a task needs from a node. Tasks of one service and spec version must carry identical requests. */
export interface TaskRequest {
  serviceId: string;
  /** Lets `service==<name>` affinities find this service's tasks; optional. */
  serviceName?: string;
  /** Tasks sharing serviceId+specVersion are placed as one batch; without it each task is its own batch. */
  specVersion?: number;
  /** `key==value`, `key!=value`, soft `key==~value` / `key!=~value` (see expression.ts). */
  constraints: readonly string[];
  preferences: readonly SpreadPreference[];
  /** 0 means unlimited. */
  maxReplicasPerNode: number;
  reservations: Resources;
  hostPorts: readonly HostPort[];
  /** `service==web`, `service!=db`, soft with `==~` / `!=~` (see filters/affinity.ts). */
  affinities: readonly string[];
  platforms?: readonly PlatformRequirement[];
}

/** A task waiting for a node. `nodeId` is set for global-service tasks: only that node is checked. */
export interface PendingTask extends TaskRequest {
  taskId: string;
  nodeId?: string;
}

/** What the bookkeeping remembers about a task that holds (or will hold) a place on a node. */
export interface TaskAssignment {
  taskId: string;
  serviceId: string;
  serviceName?: string;
  reservations: Resources;
  hostPorts: readonly HostPort[];
}
