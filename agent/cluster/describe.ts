import type { NodeDescription } from '../types/swarm';
import { UnavailableError } from '../util/errors';
import { info, version } from './engine-calls';
import type { EngineClient } from './types';

/** What the agent learns about an engine from `/info` and `/version`. */
export interface EngineFacts {
  description: NodeDescription;
  /** The daemon's own ID (`/info` ID). Not unique: engines with a cloned key.json share it. */
  engineId: string;
  dockerRootDir: string;
}

export async function describeEngine(client: EngineClient, deadlineMs?: number): Promise<EngineFacts> {
  const [infoBody, versionBody] = await Promise.all([
    client.call('GET /info', (docker, signal) => info(docker, signal), deadlineMs),
    client.call('GET /version', (docker, signal) => version(docker, signal), deadlineMs),
  ]);
  return engineFacts(infoBody, versionBody);
}

type Json = Record<string, unknown>;

/**
 * Builds the node description the way swarmkit's executor does (`Describe`): Architecture and OS as the
 * engine reports them (`x86_64`, `aarch64`, `linux`), so `docker node inspect` shows Docker's own values.
 */
export function engineFacts(infoBody: unknown, versionBody: unknown): EngineFacts {
  const i = asObject(infoBody, '/info');
  const v = asObject(versionBody, '/version');
  const engineId = stringField(i, 'ID', '/info');
  const hostname = stringField(i, 'Name', '/info');
  return {
    engineId,
    dockerRootDir: optionalString(i.DockerRootDir),
    description: {
      Hostname: hostname,
      Platform: {
        Architecture: optionalString(i.Architecture) || optionalString(v.Arch),
        OS: optionalString(i.OSType) || optionalString(v.Os),
      },
      Resources: {
        NanoCPUs: optionalNumber(i.NCPU) * 1e9,
        MemoryBytes: optionalNumber(i.MemTotal),
      },
      Engine: {
        EngineVersion: optionalString(v.Version) || optionalString(i.ServerVersion),
        Labels: engineLabels(i.Labels),
        Plugins: plugins(i.Plugins),
      },
    },
  };
}

/** `/info` Labels is a `["key=value", ...]` list; a label without `=` has an empty value. */
export function engineLabels(labels: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(labels)) return out;
  for (const label of labels) {
    if (typeof label !== 'string' || label === '') continue;
    const eq = label.indexOf('=');
    if (eq === -1) out[label] = '';
    else out[label.slice(0, eq)] = label.slice(eq + 1);
  }
  return out;
}

const PLUGIN_TYPES = ['Volume', 'Network', 'Authorization', 'Log'] as const;

/** Sorted by type then name, as swarmkit's Describe does. */
function plugins(raw: unknown): Array<{ Type: string; Name: string }> {
  const byType = typeof raw === 'object' && raw !== null ? (raw as Json) : {};
  const out = new Map<string, { Type: string; Name: string }>();
  for (const type of PLUGIN_TYPES) {
    const names = byType[type];
    if (!Array.isArray(names)) continue;
    for (const name of names) {
      if (typeof name === 'string') out.set(`${type}\0${name}`, { Type: type, Name: name });
    }
  }
  return [...out.values()].sort((a, b) => a.Type.localeCompare(b.Type) || a.Name.localeCompare(b.Name));
}

function asObject(body: unknown, what: string): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new UnavailableError(`the engine answered ${what} with something that is not a JSON object`);
  }
  return body as Json;
}

function stringField(o: Json, key: string, what: string): string {
  const value = o[key];
  if (typeof value !== 'string' || value === '') {
    throw new UnavailableError(`the engine's ${what} has no ${key}`);
  }
  return value;
}

function optionalString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
