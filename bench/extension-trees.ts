// Tree building for the extension's Services and Nodes views: a model of 1,000 tasks over 30 nodes.
//   node --import tsx -e "require('./bench/extension-trees.ts').run()"
// A full refresh builds every root and every child (as if everything were expanded); a single-event update
// applies one task event and rebuilds what it touches (roots, the service's and the node's children).
// Figures are printed against a trivial reference measured in the same run; the target is < 100 ms per refresh.
import { ClusterModel } from '../extension/model/cluster-model';
import {
  buildFullTrees,
  nodeChildren,
  nodeRoots,
  serviceChildren,
  serviceRoots,
} from '../extension/views/tree-data';
import type { Service, SwarmNode, Task, TaskState } from '../agent/types/swarm';

const NODES = 30;
const SERVICES = 40;
const TASKS = 1000;
const TARGET_MS = 100;
const T0 = '2025-01-01T00:00:00.000Z';

function buildModel(): ClusterModel {
  const nodes: SwarmNode[] = Array.from({ length: NODES }, (_, i) => ({
    ID: `node-${i}`,
    Version: { Index: 1 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: {
      Labels: { zone: i % 2 ? 'west' : 'east' },
      Role: 'worker',
      Availability: i === 3 ? 'drain' : 'active',
    },
    Description: {
      Hostname: `node${i + 1}`,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 8e9, MemoryBytes: 16 * 1024 ** 3 },
      Engine: { EngineVersion: '28.2.2', Labels: {}, Plugins: [] },
    },
    Status: { State: i === 7 ? 'down' : 'ready', Addr: `10.0.0.${i + 1}` },
    ShoalEndpoint: { URL: `unix:///run/node${i}.sock` },
  }));
  const perService = TASKS / SERVICES;
  const services: Service[] = Array.from({ length: SERVICES }, (_, i) => ({
    ID: `svc-${i}`,
    Version: { Index: 2 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: {
      Name: `service-${i}`,
      TaskTemplate: { ContainerSpec: { Image: `registry.example.com/team/app-${i}:1.${i}`, Env: ['A=1'] } },
      Mode: { Replicated: { Replicas: perService } },
      EndpointSpec: {
        Ports: [{ TargetPort: 80, PublishedPort: 8000 + i, PublishMode: 'host', Protocol: 'tcp' }],
      },
    },
    Endpoint: { Spec: {} },
    ...(i % 5 === 0 ? { UpdateStatus: { State: 'updating' as const, Message: 'update in progress' } } : {}),
  }));
  const states: TaskState[] = ['running', 'running', 'running', 'running', 'starting', 'pending', 'failed'];
  const tasks: Task[] = Array.from({ length: TASKS }, (_, i) => ({
    ID: `task-${i}`,
    Version: { Index: 3 + i },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: { ContainerSpec: { Image: 'x' } },
    ServiceID: `svc-${i % SERVICES}`,
    Slot: Math.floor(i / SERVICES) + 1,
    NodeID: `node-${i % NODES}`,
    Status: {
      Timestamp: T0,
      State: states[i % states.length] ?? 'running',
      Message: 'm',
      ...(i % 7 === 6 ? { Err: 'exit 1' } : {}),
    },
    DesiredState: 'running',
  }));
  const model = new ClusterModel();
  model.reset({ nodes, services, tasks, networks: [], index: 3 + TASKS }, 1);
  return model;
}

/** The reference: a trivial job of similar shape (1,000 small objects built, then sorted by name). */
function reference(): number {
  const items = Array.from({ length: TASKS }, (_, i) => ({ id: `t${i}`, label: `service-${i % 40}.${i}` }));
  items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return items.length;
}

function time(fn: () => unknown, minMs = 300): number {
  for (let i = 0; i < 3; i++) fn();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || runs < 5) {
    fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return elapsed / runs;
}

export async function run(): Promise<void> {
  const model = buildModel();
  let index = 10_000;
  let counter = 0;
  const refMs = time(reference);
  const fullMs = time(() => buildFullTrees(model));
  const eventMs = time(() => {
    const id = `task-${counter++ % TASKS}`;
    const task = model.tasks.get(id);
    if (!task) throw new Error(`no ${id}`);
    const next: Task = {
      ...task,
      Version: { Index: ++index },
      Status: { ...task.Status, State: counter % 2 ? 'running' : 'starting' },
    };
    model.apply({ type: 'task', action: 'update', id, object: next, index }, 1);
    serviceRoots(model);
    nodeRoots(model);
    serviceChildren(model, next.ServiceID);
    if (next.NodeID) nodeChildren(model, next.NodeID);
  });
  const items = buildFullTrees(model).count;
  console.log(`extension trees: ${TASKS} tasks, ${SERVICES} services, ${NODES} nodes (${items} tree items)`);
  const row = (name: string, ms: number) =>
    `${name.padEnd(34)} ${ms.toFixed(3).padStart(9)} ms   ${(ms / refMs).toFixed(1).padStart(7)}x reference`;
  console.log(row('reference (1,000 objects, sorted)', refMs));
  console.log(row('full refresh (all expanded)', fullMs));
  console.log(row('one task event + affected rebuild', eventMs));
  console.log(`target: full refresh < ${TARGET_MS} ms: ${fullMs < TARGET_MS ? 'met' : 'NOT MET'}`);
}
