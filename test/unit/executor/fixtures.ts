import type {
  ClusterNetwork,
  Service,
  ServiceSpec,
  SwarmNode,
  Task,
  TaskSpec,
} from '../../../agent/types/swarm';

const META = { Version: { Index: 1 }, CreatedAt: '2026-01-01T00:00:00Z', UpdatedAt: '2026-01-01T00:00:00Z' };

export function node(id = 'node1id', hostname = 'node1'): SwarmNode {
  return {
    ID: id,
    ...META,
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: {
      Hostname: hostname,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 2e9, MemoryBytes: 2 ** 30 },
      Engine: { EngineVersion: '20.10.24', Labels: {}, Plugins: [] },
    },
    Status: { State: 'ready', Addr: '10.231.0.11' },
    ShoalEndpoint: { URL: 'unix:///tmp/docker.sock' },
  };
}

export function service(
  spec: Partial<ServiceSpec> & { TaskTemplate?: TaskSpec } = {},
  id = 'svc1id',
): Service {
  const full: ServiceSpec = {
    Name: 'web',
    TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
    ...spec,
  };
  return { ID: id, ...META, Spec: full, Endpoint: { Spec: full.EndpointSpec ?? {} } };
}

/** A replicated task (slot 1) of `svc` on `onNode`; pass `slot: undefined` for a global one. */
export function task(svc: Service, onNode: SwarmNode, overrides: Partial<Task> = {}): Task {
  return {
    ID: 'task1id',
    ...META,
    Spec: structuredClone(svc.Spec.TaskTemplate),
    ServiceID: svc.ID,
    Slot: 1,
    NodeID: onNode.ID,
    Status: { Timestamp: META.CreatedAt, State: 'assigned', Message: 'scheduled' },
    DesiredState: 'running',
    SpecVersion: { Index: 7 },
    ...overrides,
  };
}

export function clusterNetwork(name = 'backend', id = 'net1id'): ClusterNetwork {
  return { ID: id, ...META, Spec: { Name: name, Driver: 'overlay' } };
}
