import { createHash } from 'node:crypto';
import type { NodeManager } from '../cluster/types';
import type { Store } from '../store/store';
import type { ApiLog } from './options';

/** What route handlers need from the agent. */
export interface RouteContext {
  nodes: NodeManager;
  store: Store;
  /** Shoal's version. */
  version: string;
  /** The agent's own swarm node ID (see {@link agentNodeId}). */
  agentNodeId: string;
  /** The address the agent is reached at, for `/info`'s `Swarm.NodeAddr`. */
  agentAddress(): string;
  log: ApiLog;
  /** When this server started; stands in for the cluster's timestamps until the store records them. */
  startedAt: string;
}

/**
 * The agent is the cluster's one manager but not one of its engine nodes, so its node ID matches no row of
 * `GET /nodes`: `docker node ls` then marks no row with `*`, and `docker node inspect self` says the node is
 * not found, which is true of the agent. Derived from the cluster ID so it is stable across restarts.
 */
export function agentNodeId(clusterID: string): string {
  return createHash('sha256').update(`shoal-agent:${clusterID}`).digest('hex').slice(0, 25);
}
