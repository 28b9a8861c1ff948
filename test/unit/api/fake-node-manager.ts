import { randomBytes } from 'node:crypto';
import type { AddNodeRequest, EngineClient, NodeManager } from '../../../agent/cluster/types';
import type { Store } from '../../../agent/store/store';
import type { NodeSpec, NodeState, SwarmNode } from '../../../agent/types/swarm';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../../agent/util/errors';

export interface SeedNode {
  hostname: string;
  state?: NodeState;
  role?: 'worker' | 'manager';
  labels?: Record<string, string>;
  engineLabels?: Record<string, string>;
  id?: string;
}

/** A NodeManager over the store's "nodes" collection that records which methods were called. */
export class FakeNodeManager implements NodeManager {
  readonly calls: string[] = [];

  constructor(private readonly store: Store) {}

  private get collection() {
    return this.store.collection<SwarmNode>('nodes');
  }

  seed(seed: SeedNode): SwarmNode {
    return this.collection.create({
      ID: seed.id ?? randomBytes(16).toString('hex').slice(0, 25),
      Spec: { Labels: seed.labels ?? {}, Role: seed.role ?? 'worker', Availability: 'active' },
      Description: {
        Hostname: seed.hostname,
        Platform: { Architecture: 'x86_64', OS: 'linux' },
        Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 1024 ** 3 },
        Engine: { EngineVersion: '28.2.2', Labels: seed.engineLabels ?? {}, Plugins: [] },
      },
      Status: { State: seed.state ?? 'ready', Addr: '10.0.0.1' },
      ShoalEndpoint: { URL: `unix:///run/${seed.hostname}.sock` },
    });
  }

  list(): SwarmNode[] {
    this.calls.push('list');
    return this.collection.list();
  }

  resolve(reference: string): SwarmNode {
    this.calls.push('resolve');
    return this.find(reference);
  }

  async add(request: AddNodeRequest): Promise<SwarmNode> {
    this.calls.push('add');
    const hostname = request.endpoint.replace(/^[a-z]+:\/\//, '').replace(/[^a-z0-9-]/gi, '-');
    const node = this.seed({ hostname, labels: request.labels ?? {} });
    return node;
  }

  async remove(reference: string, options: { force: boolean }): Promise<void> {
    this.calls.push('remove');
    const node = this.find(reference);
    if (node.Status.State !== 'down' && !options.force) {
      throw new ConflictError(`node ${node.ID} is not down and can't be removed`);
    }
    this.collection.delete(node.ID);
  }

  updateSpec(reference: string, version: number, spec: NodeSpec): SwarmNode {
    this.calls.push('updateSpec');
    const node = this.find(reference);
    return this.collection.update({ ...node, Spec: spec }, version);
  }

  /** Engine clients by node ID, for the tests that need one (logs); other nodes have none. */
  readonly engines = new Map<string, EngineClient>();

  engine(nodeId: string): EngineClient {
    const engine = this.engines.get(nodeId);
    if (!engine) throw new Error(`the fake has no engine for node ${nodeId}`);
    return engine;
  }

  async adoptSandbox(): Promise<SwarmNode[]> {
    return [];
  }

  onEngineEvent(): () => void {
    return () => {};
  }

  onEngineReconnected(): () => void {
    return () => {};
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private find(reference: string): SwarmNode {
    const nodes = this.collection.list();
    const exact = nodes.find((n) => n.ID === reference);
    if (exact) return exact;
    const named = nodes.filter((n) => n.Spec.Name === reference || n.Description.Hostname === reference);
    if (named.length === 1 && named[0]) return named[0];
    const prefixed = nodes.filter((n) => n.ID.startsWith(reference));
    if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
    if (prefixed.length > 1) throw new InvalidArgumentError(`node ${reference} is ambiguous`);
    throw new NotFoundError(`node ${reference} not found`);
  }
}
