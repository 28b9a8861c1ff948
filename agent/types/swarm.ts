/**
 * Docker Engine API object shapes for the swarm subset Shoal serves (API 1.41+).
 * Field names are Docker's own (PascalCase) because these objects go over the wire unchanged.
 */

export interface ObjectVersion {
  Index: number;
}

/** What every stored object carries. */
export interface Meta {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
}

export type NodeRole = 'worker' | 'manager';
export type NodeAvailability = 'active' | 'pause' | 'drain';
export type NodeState = 'unknown' | 'down' | 'ready' | 'disconnected';

export interface NodeSpec {
  Name?: string;
  Labels: Record<string, string>;
  Role: NodeRole;
  Availability: NodeAvailability;
}

export interface Platform {
  Architecture: string;
  OS: string;
}

export interface Resources {
  NanoCPUs: number;
  MemoryBytes: number;
}

export interface EngineDescription {
  EngineVersion: string;
  Labels: Record<string, string>;
  Plugins: Array<{ Type: string; Name: string }>;
}

export interface NodeDescription {
  Hostname: string;
  Platform: Platform;
  Resources: Resources;
  Engine: EngineDescription;
}

export interface NodeStatus {
  State: NodeState;
  Message?: string;
  /** The engine's address as seen from the agent (host part of its endpoint). */
  Addr: string;
}

/**
 * How the agent reaches a node's engine. Shoal's own field: the Docker API has no notion of it,
 * and the stock CLI ignores it.
 */
export interface NodeEndpoint {
  /** `unix:///path`, `tcp://host:port` or `ssh://user@host[:port]`. */
  URL: string;
  /** PEM file paths for `tcp://` with TLS; required outside the sandbox. */
  TLS?: { CACert: string; Cert: string; Key: string };
  /** The engine's own ID from /info, used to refuse adding one engine twice. */
  EngineID?: string;
}

export interface SwarmNode extends Meta {
  Spec: NodeSpec;
  Description: NodeDescription;
  Status: NodeStatus;
  ShoalEndpoint: NodeEndpoint;
}

// ---------------------------------------------------------------------------------------------
// Services, tasks and networks (ServiceSpec as in the Engine API; durations are nanoseconds).

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface DNSConfig {
  Nameservers?: string[];
  Search?: string[];
  Options?: string[];
}

export interface ContainerSpec {
  Image: string;
  Labels?: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Groups?: string[];
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  StopSignal?: string;
  StopGracePeriod?: number;
  Healthcheck?: HealthConfig;
  Hosts?: string[];
  DNSConfig?: DNSConfig;
  Init?: boolean | null;
  Sysctls?: Record<string, string>;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  OomScoreAdj?: number;
  Isolation?: string;
}

export interface ResourceSpec {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
}

export interface ResourceRequirements {
  Limits?: ResourceSpec;
  Reservations?: ResourceSpec;
}

export type RestartCondition = 'none' | 'on-failure' | 'any';

export interface RestartPolicy {
  Condition?: RestartCondition;
  Delay?: number;
  MaxAttempts?: number;
  Window?: number;
}

export interface Placement {
  Constraints?: string[];
  Preferences?: Array<{ Spread: { SpreadDescriptor: string } }>;
  MaxReplicas?: number;
  Platforms?: Array<{ Architecture?: string; OS?: string }>;
}

export interface NetworkAttachmentConfig {
  Target: string;
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
}

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: ResourceRequirements;
  RestartPolicy?: RestartPolicy;
  Placement?: Placement;
  Networks?: NetworkAttachmentConfig[];
  LogDriver?: { Name: string; Options?: Record<string, string> };
  ForceUpdate?: number;
  Runtime?: string;
}

export interface ServiceMode {
  Replicated?: { Replicas?: number };
  Global?: Record<string, never>;
  ReplicatedJob?: { MaxConcurrent?: number; TotalCompletions?: number };
  GlobalJob?: Record<string, never>;
}

export type FailureAction = 'pause' | 'continue' | 'rollback';
export type UpdateOrder = 'stop-first' | 'start-first';

export interface UpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: FailureAction;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: UpdateOrder;
}

export interface PortConfig {
  Name?: string;
  Protocol?: 'tcp' | 'udp' | 'sctp';
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

export interface EndpointSpec {
  Mode?: 'vip' | 'dnsrr';
  Ports?: PortConfig[];
}

export interface ServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: TaskSpec;
  Mode?: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: EndpointSpec;
}

export type UpdateState =
  'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

export interface UpdateStatus {
  State: UpdateState;
  StartedAt?: string;
  CompletedAt?: string;
  Message: string;
}

export interface Service extends Meta {
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  /**
   * Which spec the tasks should run (swarmkit's SpecVersion): a new number at every spec change (create,
   * update), swapped with PreviousSpecVersion on rollback, so tasks still at the previous spec count as
   * up to date after a rollback. Tasks carry the SpecVersion they were made from; a task whose
   * SpecVersion differs from its service's is dirty.
   */
  SpecVersion?: ObjectVersion;
  PreviousSpecVersion?: ObjectVersion;
  Endpoint: {
    Spec: EndpointSpec;
    Ports?: PortConfig[];
    VirtualIPs?: Array<{ NetworkID: string; Addr: string }>;
  };
  UpdateStatus?: UpdateStatus;
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks: number };
  JobStatus?: { JobIteration: ObjectVersion; LastExecution?: string };
}

/** Swarm's task states, in lifecycle order; a task never moves backwards. */
export const TASK_STATES = [
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface TaskStatus {
  Timestamp: string;
  State: TaskState;
  Message: string;
  Err?: string;
  ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode?: number };
  PortStatus?: { Ports?: PortConfig[] };
}

export interface Task extends Meta {
  Name?: string;
  Labels?: Record<string, string>;
  Spec: TaskSpec;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  Status: TaskStatus;
  DesiredState: TaskState;
  /** The service spec version this task was made from (Docker shows it as `Version` of the spec). */
  SpecVersion?: ObjectVersion;
  /** The endpoint spec the task was made with (swarmkit keeps it on tasks): a port change makes tasks dirty. */
  Endpoint?: { Spec: EndpointSpec };
  NetworksAttachments?: Array<{ Network: { ID: string; Spec: { Name: string } }; Addresses: string[] }>;
  JobIteration?: ObjectVersion;
  /**
   * Shoal: a task created with DesiredState `ready` is set running by the orchestrator once this time has
   * passed (restart delay with backoff) and the task named by `StartAfterStopOf` has stopped (stop-first updates).
   * Kept in the store so that a restarted agent honours them.
   */
  StartAfter?: string;
  StartAfterStopOf?: string;
}

export interface NetworkSpec {
  Name: string;
  Driver: string;
  Labels?: Record<string, string>;
  Attachable?: boolean;
  Internal?: boolean;
  IPAM?: {
    Driver?: string;
    Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }>;
    Options?: Record<string, string>;
  };
  Options?: Record<string, string>;
}

export interface ClusterNetwork extends Meta {
  Spec: NetworkSpec;
}
