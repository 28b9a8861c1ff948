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
