import Docker from 'dockerode';
import { status as sandboxStatus, sandboxDir as defaultSandboxDir } from '../sandbox/sandbox';
import type { Collection, Store } from '../store/store';
import type { NodeSpec, SwarmNode } from '../types/swarm';
import { ConflictError, InvalidArgumentError, NotFoundError, UnavailableError } from '../util/errors';
import { describeEngine } from './describe';
import { checkEndpointFree, checkNotDuplicate } from './duplicates';
import { resolveEndpoint, type EndpointContext, type TlsFiles } from './endpoint';
import { DEFAULT_CALL_DEADLINE_MS, DeadlineEngineClient } from './engine';
import { HealthMonitor } from './health';
import { DEFAULT_NODE_CONCURRENCY, Limiter } from './limiter';
import { newNodeId, nodeCollection, patchNode } from './node-store';
import { validateLabels, validateNodeSpec } from './node-spec';
import { resolveNode } from './resolve';
import type {
  AddNodeRequest,
  EngineClient,
  EngineEventListener,
  EngineReconnectedListener,
  NodeManager,
  StoredNode,
} from './types';

export const DEFAULT_CONNECT_DEADLINE_MS = 10_000;

export interface NodeManagerOptions {
  store: Store;
  /** The sandbox whose nodes may use plain TCP and which `adoptSandbox` adopts; default `$SHOAL_HOME/sandbox`. */
  sandboxDir?: string;
  /** Heartbeat period; default 5 s. A node is down after `missedHeartbeats` (default 3) failed pings. */
  heartbeatMs?: number;
  missedHeartbeats?: number;
  /** Default deadline of engine calls; default 10 s. */
  callDeadlineMs?: number;
  /** Deadline for a new engine to answer /info and /version in `add`; default 10 s. */
  connectDeadlineMs?: number;
  /** Engine calls in flight per node; default 8. */
  concurrencyPerNode?: number;
  /** ssh:// settings (known_hosts files, key directory); mostly for tests. */
  ssh?: Pick<EndpointContext, 'knownHostsFiles' | 'sshDir' | 'env'>;
  log?: (line: string) => void;
}

export function createNodeManager(options: NodeManagerOptions): ClusterNodeManager {
  return new ClusterNodeManager(options);
}

/** {@link NodeManager} over the store's `nodes` collection. Call `start()` to begin health checks. */
export class ClusterNodeManager implements NodeManager {
  readonly sandboxDir: string;
  private readonly store: Store;
  private readonly nodes: Collection<StoredNode>;
  private readonly health: HealthMonitor;
  private readonly clients = new Map<string, DeadlineEngineClient>();
  private readonly endpointContext: EndpointContext;
  private readonly callDeadlineMs: number;
  private readonly connectDeadlineMs: number;
  private readonly concurrencyPerNode: number;
  private readonly log: (line: string) => void;
  private running = false;

  constructor(options: NodeManagerOptions) {
    this.store = options.store;
    this.nodes = nodeCollection(options.store);
    this.sandboxDir = options.sandboxDir ?? defaultSandboxDir();
    this.log = options.log ?? (() => undefined);
    this.callDeadlineMs = options.callDeadlineMs ?? DEFAULT_CALL_DEADLINE_MS;
    this.connectDeadlineMs = options.connectDeadlineMs ?? DEFAULT_CONNECT_DEADLINE_MS;
    this.concurrencyPerNode = options.concurrencyPerNode ?? DEFAULT_NODE_CONCURRENCY;
    this.endpointContext = { ...options.ssh, sandboxDir: this.sandboxDir };
    this.health = new HealthMonitor(this.nodes, {
      heartbeatMs: options.heartbeatMs,
      missedHeartbeats: options.missedHeartbeats,
      log: this.log,
    });
  }

  /** Heartbeat period and count, as configured. */
  get heartbeat(): { periodMs: number; missed: number } {
    return { periodMs: this.health.heartbeatMs, missed: this.health.missedHeartbeats };
  }

  list(): SwarmNode[] {
    return this.nodes.list();
  }

  resolve(reference: string): SwarmNode {
    return resolveNode(this.nodes.list(), reference);
  }

  async add(request: AddNodeRequest): Promise<SwarmNode> {
    if (typeof request !== 'object' || request === null) {
      throw new InvalidArgumentError('the request must be a JSON object with an endpoint');
    }
    const labels = validateLabels(request.labels, 'labels');
    const resolved = resolveEndpoint({ url: request.endpoint, tls: request.tls }, this.endpointContext);
    const url = resolved.parsed.url;
    checkEndpointFree(this.nodes.list(), url);

    const id = newNodeId();
    const probe = new DeadlineEngineClient({
      nodeId: id,
      label: url,
      docker: new Docker(resolved.options),
      limiter: new Limiter(this.concurrencyPerNode),
      deadlineMs: this.callDeadlineMs,
    });
    let facts;
    try {
      facts = await describeEngine(probe, this.connectDeadlineMs);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnavailableError(`cannot add node: ${reason.startsWith(url) ? '' : `${url}: `}${reason}`);
    }

    // Checked again now, atomically with the write: another add of this engine may have finished meanwhile.
    const { node, warning } = this.store.transaction(() => {
      const check = checkNotDuplicate(this.nodes.list(), {
        url,
        engineId: facts.engineId,
        hostname: facts.description.Hostname,
        dockerRootDir: facts.dockerRootDir,
      });
      const created = this.nodes.create({
        ID: id,
        Spec: { Labels: labels, Role: 'worker', Availability: 'active' },
        Description: facts.description,
        Status: { State: 'ready', Addr: resolved.addr },
        ShoalEndpoint: {
          URL: url,
          ...(request.tls ? { TLS: storedTls(request.tls) } : {}),
          EngineID: facts.engineId,
          DockerRootDir: facts.dockerRootDir,
        },
      });
      return { node: created, warning: check.warning };
    });
    if (warning) this.log(`warning: ${warning}`);
    this.log(`added node ${id} (${node.Description.Hostname}) at ${url}`);
    const client = probe.relabel(id, labelOf(node));
    this.clients.set(id, client);
    if (this.running) this.health.watch(client);
    return node;
  }

  async remove(reference: string, options: { force: boolean }): Promise<void> {
    const node = resolveNode(this.nodes.list(), reference);
    if (node.Status.State !== 'down' && !options.force) {
      throw new ConflictError(`node ${node.ID} is not down and can't be removed`);
    }
    await this.health.unwatch(node.ID);
    this.clients.delete(node.ID);
    try {
      this.nodes.delete(node.ID);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    this.log(`removed node ${node.ID} (${node.Description.Hostname})`);
  }

  updateSpec(reference: string, version: number, spec: NodeSpec): SwarmNode {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new InvalidArgumentError(`invalid node version ${JSON.stringify(version)}`);
    }
    const node = resolveNode(this.nodes.list(), reference);
    const validated = validateNodeSpec(spec, node.ID);
    return this.nodes.update({ ...node, Spec: validated }, version);
  }

  engine(nodeId: string): EngineClient {
    return this.clientOf(nodeId);
  }

  async adoptSandbox(dir: string = this.sandboxDir): Promise<SwarmNode[]> {
    if (this.nodes.list().length > 0) return [];
    const sandbox = sandboxStatus(dir);
    if (!sandbox.up) return [];
    const results = await Promise.allSettled(sandbox.nodes.map((n) => this.add({ endpoint: n.endpoint })));
    const failures = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${sandbox.nodes[i]?.name ?? '?'}: ${String(r.reason)}`] : [],
    );
    if (failures.length > 0) {
      throw new UnavailableError(`adopting the sandbox's nodes failed for ${failures.join('; ')}`);
    }
    const added = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    this.log(`adopted ${added.length} sandbox node(s) from ${dir}`);
    return added;
  }

  onEngineEvent(listener: EngineEventListener): () => void {
    return this.health.onEngineEvent(listener);
  }

  onEngineReconnected(listener: EngineReconnectedListener): () => void {
    return this.health.onEngineReconnected(listener);
  }

  /** Starts heartbeats and event streams for every stored node (and for nodes added later). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const node of this.nodes.list()) {
      let client: DeadlineEngineClient;
      try {
        client = this.clientOf(node.ID);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.log(reason);
        patchNode(this.nodes, node.ID, (n) => {
          n.Status = { State: 'down', Message: reason, Addr: n.Status.Addr };
          return n;
        });
        continue;
      }
      this.health.watch(client);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.health.stop();
  }

  /** Pings a node now instead of at its next heartbeat; resolves once the result is in the store. */
  async checkNow(nodeId: string): Promise<void> {
    await this.health.checkNow(nodeId);
  }

  private clientOf(nodeId: string): DeadlineEngineClient {
    const existing = this.clients.get(nodeId);
    if (existing) return existing;
    const node = this.nodes.get(nodeId);
    if (!node) throw new NotFoundError(`node ${nodeId} not found`);
    const tls = node.ShoalEndpoint.TLS;
    let options: Docker.DockerOptions;
    try {
      options = resolveEndpoint(
        {
          url: node.ShoalEndpoint.URL,
          ...(tls ? { tls: { caCert: tls.CACert, cert: tls.Cert, key: tls.Key } } : {}),
        },
        this.endpointContext,
      ).options;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnavailableError(`${labelOf(node)}: its endpoint cannot be used: ${reason}`);
    }
    const client = new DeadlineEngineClient({
      nodeId,
      label: labelOf(node),
      docker: new Docker(options),
      limiter: new Limiter(this.concurrencyPerNode),
      deadlineMs: this.callDeadlineMs,
    });
    this.clients.set(nodeId, client);
    return client;
  }
}

function labelOf(node: SwarmNode): string {
  return `node ${node.Description.Hostname} (${node.ID.slice(0, 12)})`;
}

function storedTls(tls: TlsFiles): { CACert: string; Cert: string; Key: string } {
  return { CACert: tls.caCert, Cert: tls.cert, Key: tls.key };
}
