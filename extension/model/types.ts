import type { Service, SwarmNode, Task } from '../../agent/types/swarm';

export type { Service, SwarmNode, Task };
export type {
  NodeAvailability,
  NodeState,
  PortConfig,
  ServiceSpec,
  TaskState,
  UpdateState,
} from '../../agent/types/swarm';

/**
 * A cluster network as the extension keeps it. The list endpoint answers with Docker's network view
 * (`Id`, `Name`, `IPAM`) and events carry the stored object (`ID`, `Spec`), so both become this.
 */
export interface Network {
  ID: string;
  Name: string;
  Driver: string;
  Scope: string;
  Subnets: string[];
  Labels: Record<string, string>;
  Internal: boolean;
  Attachable: boolean;
  CreatedAt: string;
  /** The store index of the last change seen (0 when the list did not say). */
  Version: { Index: number };
}

export type ModelObject = SwarmNode | Service | Task | Network;

/** Everything the initial fetch returns. */
export interface Snapshot {
  nodes: SwarmNode[];
  services: Service[];
  tasks: Task[];
  networks: unknown[];
  /** The store index the event subscription started at. */
  index: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

function subnetsOf(ipam: unknown): string[] {
  if (!isRecord(ipam) || !Array.isArray(ipam.Config)) return [];
  return ipam.Config.flatMap((c: unknown) => (isRecord(c) && typeof c.Subnet === 'string' ? [c.Subnet] : []));
}

/** Either network shape (Docker's view or the stored object) as a {@link Network}; undefined if neither. */
export function normalizeNetwork(raw: unknown, fallbackIndex = 0): Network | undefined {
  if (!isRecord(raw)) return undefined;
  const version =
    isRecord(raw.Version) && typeof raw.Version.Index === 'number' ? raw.Version.Index : fallbackIndex;
  if (isRecord(raw.Spec) && typeof raw.ID === 'string') {
    const spec = raw.Spec;
    return {
      ID: raw.ID,
      Name: typeof spec.Name === 'string' ? spec.Name : raw.ID,
      Driver: typeof spec.Driver === 'string' && spec.Driver !== '' ? spec.Driver : 'overlay',
      Scope: 'swarm',
      Subnets: subnetsOf(spec.IPAM),
      Labels: stringRecord(spec.Labels),
      Internal: spec.Internal === true,
      Attachable: spec.Attachable === true,
      CreatedAt: typeof raw.CreatedAt === 'string' ? raw.CreatedAt : '',
      Version: { Index: version },
    };
  }
  if (typeof raw.Id === 'string' && typeof raw.Name === 'string') {
    return {
      ID: raw.Id,
      Name: raw.Name,
      Driver: typeof raw.Driver === 'string' ? raw.Driver : 'overlay',
      Scope: typeof raw.Scope === 'string' ? raw.Scope : 'swarm',
      Subnets: subnetsOf(raw.IPAM),
      Labels: stringRecord(raw.Labels),
      Internal: raw.Internal === true,
      Attachable: raw.Attachable === true,
      CreatedAt: typeof raw.Created === 'string' ? raw.Created : '',
      Version: { Index: version },
    };
  }
  return undefined;
}
