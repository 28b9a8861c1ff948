import type Docker from 'dockerode';
import type { NodeEndpoint, NodeSpec, SwarmNode } from '../types/swarm';

/** What `shoal node add` and `POST /shoal/nodes` ask for. */
export interface AddNodeRequest {
  /** `unix:///path`, `tcp://host:port` (with `tls`), or `ssh://user@host[:port]`. */
  endpoint: string;
  labels?: Record<string, string>;
  /** PEM file paths for tcp:// with TLS client certificates. */
  tls?: { caCert: string; cert: string; key: string };
}

export interface NodeChange {
  action: 'create' | 'update' | 'delete';
  node: SwarmNode;
}

/**
 * A node as the cluster stores it. `DockerRootDir` tells two engines that share a daemon ID (cloned
 * key.json) apart from one engine reached through two endpoints.
 */
export interface StoredNode extends SwarmNode {
  ShoalEndpoint: NodeEndpoint & { DockerRootDir?: string };
}

/** One message of an engine's `GET /events` stream (Docker's own field names). */
export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope?: string;
  /** Seconds since the epoch, engine clock. */
  time: number;
  timeNano: number;
}

export type EngineEventListener = (nodeId: string, event: EngineEvent) => void;
/** Called after an engine's event stream was re-established: events may have been missed, so relist. */
export type EngineReconnectedListener = (nodeId: string) => void;

/**
 * The cluster's nodes: Docker engines the agent manages. The store holds them; this keeps their health
 * (heartbeats plus each engine's event stream) and hands out engine clients that have deadlines and
 * per-node concurrency limits.
 */
export interface NodeManager {
  list(): SwarmNode[];
  /** A full ID, an exact name (Spec.Name or Description.Hostname), or a unique ID prefix; else NotFoundError. */
  resolve(reference: string): SwarmNode;
  /** Connects, describes the engine (/info, /version), refuses an engine already in the cluster. */
  add(request: AddNodeRequest): Promise<SwarmNode>;
  /** Refused for a node that is not down unless `force` (Docker's rule for `docker node rm`). */
  remove(reference: string, options: { force: boolean }): Promise<void>;
  /** Replaces the node's spec (availability, labels, role, name) if `version` is current. */
  updateSpec(reference: string, version: number, spec: NodeSpec): SwarmNode;
  /** The engine client of a node; calls through it have a deadline and share the node's concurrency limit. */
  engine(nodeId: string): EngineClient;
  /** With no nodes stored and a sandbox up in `dir`, adds the sandbox's nodes; otherwise adds nothing. */
  adoptSandbox(dir?: string): Promise<SwarmNode[]>;
  /** Every event of every node's engine, in the order each engine sent them. Returns an unsubscribe function. */
  onEngineEvent(listener: EngineEventListener): () => void;
  onEngineReconnected(listener: EngineReconnectedListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A dockerode client wrapped so that no call hangs forever and one slow engine stalls nothing else. */
export interface EngineClient {
  readonly nodeId: string;
  /** Runs `fn` with the node's dockerode under the node's concurrency limit and the given deadline. */
  call<R>(
    what: string,
    fn: (docker: Docker, signal: AbortSignal) => Promise<R>,
    deadlineMs?: number,
  ): Promise<R>;
}
