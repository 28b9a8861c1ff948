import { ConflictError } from '../util/errors';
import type { StoredNode } from './types';

export interface EngineIdentity {
  /** Canonical endpoint URL. */
  url: string;
  engineId: string;
  hostname: string;
  dockerRootDir: string;
}

/**
 * Refuses an engine that is already a node: the same endpoint, or the same daemon seen through another
 * endpoint (daemon ID, hostname and data root all equal). A shared daemon ID alone is only a warning:
 * engines cloned from one image share key.json, and so their ID, while being different engines.
 */
export function checkNotDuplicate(
  nodes: readonly StoredNode[],
  candidate: EngineIdentity,
): { warning?: string } {
  checkEndpointFree(nodes, candidate.url);
  const sameId = nodes.filter((n) => n.ShoalEndpoint.EngineID === candidate.engineId);
  const sameDaemon = sameId.find(
    (n) =>
      n.Description.Hostname === candidate.hostname &&
      n.ShoalEndpoint.DockerRootDir === candidate.dockerRootDir,
  );
  if (sameDaemon) {
    throw new ConflictError(
      `the engine at ${candidate.url} is already node ${sameDaemon.ID} (${sameDaemon.Description.Hostname}), ` +
        `reached through ${sameDaemon.ShoalEndpoint.URL}: same engine ID, hostname and data root`,
    );
  }
  const [other] = sameId;
  if (other) {
    return {
      warning:
        `the engine at ${candidate.url} reports the same engine ID (${candidate.engineId}) as node ${other.ID} ` +
        `(${other.Description.Hostname}); adding it as a separate node (cloned key.json?)`,
    };
  }
  return {};
}

/** The cheap half of {@link checkNotDuplicate}, before connecting: no node uses this (canonical) endpoint. */
export function checkEndpointFree(nodes: readonly StoredNode[], url: string): void {
  const sameEndpoint = nodes.find((n) => n.ShoalEndpoint.URL === url);
  if (sameEndpoint) {
    throw new ConflictError(
      `node ${sameEndpoint.ID} (${sameEndpoint.Description.Hostname}) already uses the endpoint ${url}`,
    );
  }
}
