import type { EngineClient } from '../cluster/types';
import type { ClusterNetwork } from '../types/swarm';
import { ConflictError } from '../util/errors';
import { asShoalError, engineJson, engineStatusOf } from './engine-request';
import { NETWORK_ID_LABEL, nodeNetworkName } from './node-network-name';

export interface NodeNetwork {
  /** The engine's network ID. */
  id: string;
  name: string;
  created: boolean;
}

interface EngineNetwork {
  Id: string;
  Name: string;
  Created: string;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown> | null;
}

const inFlight = new Map<string, Promise<NodeNetwork>>();

/**
 * Makes the node-local bridge network that stands for `network` on this engine. Idempotent, and safe when
 * called concurrently: calls in this process share one attempt, and if two creators still race (two agents, or
 * an engine that lets two same-named creates through), the duplicates are removed so one network is left.
 */
export function ensureNodeNetwork(engine: EngineClient, network: ClusterNetwork): Promise<NodeNetwork> {
  const key = `${engine.nodeId}\0${network.ID}`;
  const running = inFlight.get(key);
  if (running) return running;
  const attempt = ensureOnce(engine, network).finally(() => inFlight.delete(key));
  inFlight.set(key, attempt);
  return attempt;
}

async function ensureOnce(engine: EngineClient, network: ClusterNetwork): Promise<NodeNetwork> {
  const name = nodeNetworkName(network);
  const existing = await ours(engine, network);
  if (existing[0]) return { id: existing[0].Id, name, created: false };

  let createdId: string | undefined;
  try {
    ({ Id: createdId } = await engine.call('create network', (docker, signal) =>
      engineJson<{ Id: string }>(docker, signal, {
        method: 'POST',
        path: '/networks/create',
        body: createBody(network),
      }),
    ));
  } catch (error) {
    if (engineStatusOf(error) !== 409) throw asShoalError(`creating network ${name}`, error);
  }
  const [keep, ...duplicates] = await ours(engine, network);
  if (!keep) {
    throw new ConflictError(
      `network ${name} exists on node ${engine.nodeId} but was not made by Shoal for cluster network ` +
        `${network.ID}; rename or remove it`,
    );
  }
  await Promise.all(duplicates.map((d) => removeNetwork(engine, d.Id)));
  return { id: keep.Id, name, created: keep.Id === createdId };
}

function createBody(network: ClusterNetwork): object {
  const spec = network.Spec;
  const ipam = (spec.IPAM?.Config ?? []).filter((c) => c.Subnet);
  return {
    Name: nodeNetworkName(network),
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: spec.Internal ?? false,
    Attachable: true,
    Labels: { ...spec.Labels, [NETWORK_ID_LABEL]: network.ID },
    ...(ipam.length > 0 ? { IPAM: { Driver: 'default', Config: ipam } } : {}),
    ...(spec.Driver === 'bridge' && spec.Options ? { Options: spec.Options } : {}),
  };
}

/**
 * This cluster network's copies on the engine, oldest first (the one to keep): found by the ID label, and by
 * name too unless the name is unknown ('': the cluster network is gone from the store, see the task runner).
 */
async function ours(engine: EngineClient, network: ClusterNetwork): Promise<EngineNetwork[]> {
  const name = nodeNetworkName(network);
  const label = `${NETWORK_ID_LABEL}=${network.ID}`;
  const listed = await engine
    .call('list networks', (docker, signal) =>
      engineJson<EngineNetwork[]>(docker, signal, {
        method: 'GET',
        path: '/networks',
        query: { filters: name === '' ? { label: [label] } : { name: [name] } },
      }),
    )
    .catch((error: unknown) => {
      throw asShoalError(`listing networks ${name === '' ? `labelled ${label}` : `named ${name}`}`, error);
    });
  // The name filter matches substrings.
  return listed
    .filter((n) => (name === '' || n.Name === name) && n.Labels?.[NETWORK_ID_LABEL] === network.ID)
    .sort((a, b) => compareCreated(a.Created, b.Created) || a.Id.localeCompare(b.Id));
}

/** Orders RFC 3339 times with nanoseconds (the engine trims trailing zeros, so text order is wrong). */
function compareCreated(a: string, b: string): number {
  const diff = createdNanos(a) - createdNanos(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

function createdNanos(time: string): bigint {
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  const millis = Date.parse(time.replace(/\.\d+/, ''));
  if (Number.isNaN(millis)) return 0n;
  return BigInt(millis) * 1_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9) || '0');
}

/**
 * Removes this cluster network's copy from the engine unless a container still uses it. Resolves true when no
 * copy is left. A network of the same name not made for this cluster network is never touched.
 */
export async function removeNodeNetworkIfUnused(
  engine: EngineClient,
  network: ClusterNetwork,
): Promise<boolean> {
  let gone = true;
  for (const copy of await ours(engine, network)) {
    const detail = await engine
      .call('inspect network', (docker, signal) =>
        engineJson<EngineNetwork>(docker, signal, { method: 'GET', path: `/networks/${copy.Id}` }),
      )
      .catch((error: unknown) => {
        if (engineStatusOf(error) === 404) return undefined;
        throw asShoalError(`inspecting network ${copy.Name}`, error);
      });
    if (!detail) continue;
    if (Object.keys(detail.Containers ?? {}).length > 0) {
      gone = false;
      continue;
    }
    if (!(await removeNetwork(engine, copy.Id))) gone = false;
  }
  return gone;
}

/** True when removed or already gone; false when the engine says it is in use (a container joined meanwhile). */
async function removeNetwork(engine: EngineClient, id: string): Promise<boolean> {
  try {
    await engine.call('remove network', (docker, signal) =>
      engineJson(docker, signal, { method: 'DELETE', path: `/networks/${id}` }),
    );
    return true;
  } catch (error) {
    const status = engineStatusOf(error);
    if (status === 404) return true;
    if (status === 403 || status === 409) return false;
    throw asShoalError(`removing network ${id}`, error);
  }
}
