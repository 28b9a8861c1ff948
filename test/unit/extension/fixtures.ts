import type { ApiEvent, EventType } from '../../../extension/agent/protocol';
import { ClusterModel } from '../../../extension/model/cluster-model';
import type { Snapshot } from '../../../extension/model/types';
import type {
  ClusterNetwork,
  NodeAvailability,
  NodeState,
  Service,
  ServiceMode,
  SwarmNode,
  Task,
  TaskState,
} from '../../../agent/types/swarm';

const T0 = '2025-01-01T00:00:00.000Z';

export function node(
  id: string,
  hostname: string,
  options: {
    state?: NodeState;
    availability?: NodeAvailability;
    role?: 'worker' | 'manager';
    labels?: Record<string, string>;
    index?: number;
  } = {},
): SwarmNode {
  return {
    ID: id,
    Version: { Index: options.index ?? 1 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: {
      Labels: options.labels ?? {},
      Role: options.role ?? 'worker',
      Availability: options.availability ?? 'active',
    },
    Description: {
      Hostname: hostname,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 4e9, MemoryBytes: 8 * 1024 ** 3 },
      Engine: { EngineVersion: '28.2.2', Labels: { engine: 'yes' }, Plugins: [] },
    },
    Status: { State: options.state ?? 'ready', Addr: '10.0.0.1' },
    ShoalEndpoint: { URL: `unix:///run/${hostname}.sock` },
  };
}

export function service(
  id: string,
  name: string,
  options: {
    mode?: ServiceMode;
    image?: string;
    index?: number;
    ports?: Array<{ TargetPort: number; PublishedPort?: number }>;
    update?: Service['UpdateStatus'];
    previous?: boolean;
    networks?: string[];
  } = {},
): Service {
  const spec: Service['Spec'] = {
    Name: name,
    TaskTemplate: {
      ContainerSpec: { Image: options.image ?? 'shoal/web:latest' },
      ...(options.networks ? { Networks: options.networks.map((Target) => ({ Target })) } : {}),
    },
    Mode: options.mode ?? { Replicated: { Replicas: 2 } },
    ...(options.ports
      ? {
          EndpointSpec: {
            Ports: options.ports.map((p) => ({
              ...p,
              Protocol: 'tcp' as const,
              PublishMode: 'host' as const,
            })),
          },
        }
      : {}),
  };
  return {
    ID: id,
    Version: { Index: options.index ?? 1 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: spec,
    ...(options.previous ? { PreviousSpec: structuredClone(spec) } : {}),
    Endpoint: {
      Spec: spec.EndpointSpec ?? {},
      ...(spec.EndpointSpec?.Ports ? { Ports: spec.EndpointSpec.Ports } : {}),
    },
    ...(options.update ? { UpdateStatus: options.update } : {}),
  };
}

export function task(
  id: string,
  serviceId: string,
  options: {
    slot?: number;
    node?: string;
    state?: TaskState;
    desired?: TaskState;
    err?: string;
    index?: number;
    timestamp?: string;
    message?: string;
  } = {},
): Task {
  return {
    ID: id,
    Version: { Index: options.index ?? 1 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: { ContainerSpec: { Image: 'shoal/web:latest' } },
    ServiceID: serviceId,
    ...(options.slot !== undefined ? { Slot: options.slot } : {}),
    ...(options.node !== undefined ? { NodeID: options.node } : {}),
    Status: {
      Timestamp: options.timestamp ?? T0,
      State: options.state ?? 'running',
      Message: options.message ?? 'started',
      ...(options.err ? { Err: options.err } : {}),
    },
    DesiredState: options.desired ?? 'running',
  };
}

export function storedNetwork(id: string, name: string, index = 1, subnet?: string): ClusterNetwork {
  return {
    ID: id,
    Version: { Index: index },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: {
      Name: name,
      Driver: 'overlay',
      Labels: {},
      ...(subnet ? { IPAM: { Config: [{ Subnet: subnet }] } } : {}),
    },
  };
}

export function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return { nodes: [], services: [], tasks: [], networks: [], index: 1, ...parts };
}

export function loadedModel(parts: Partial<Snapshot> = {}, generation = 1): ClusterModel {
  const model = new ClusterModel();
  model.reset(snapshot(parts), generation);
  return model;
}

export function event(
  type: EventType,
  action: ApiEvent['action'],
  object: { ID: string; Version: { Index: number } },
  index = object.Version.Index,
): ApiEvent {
  return { type, action, id: object.ID, object, index };
}
