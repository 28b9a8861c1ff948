import type { NodeAvailability, NodeRole, NodeSpec } from '../types/swarm';
import { InvalidArgumentError } from '../util/errors';

export const MAX_LABELS = 128;
export const MAX_LABEL_KEY_LENGTH = 256;
export const MAX_LABEL_VALUE_LENGTH = 4096;
export const MAX_NODE_NAME_LENGTH = 128;

const AVAILABILITIES: readonly NodeAvailability[] = ['active', 'pause', 'drain'];

/** Control characters (C0, DEL, C1) and the Unicode separators and bidi overrides that fake line breaks or text order. */
const UNSAFE_CHARACTERS = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Labels from a request (`field` names them in errors): an object of non-empty keys and strings, sizes capped. */
export function validateLabels(labels: unknown, field: string): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidArgumentError(`${field} must be an object of string keys and values`);
  }
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) {
    throw new InvalidArgumentError(
      `${field} has ${entries.length} labels; at most ${MAX_LABELS} are allowed`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key === '') throw new InvalidArgumentError(`${field}: a label key must not be empty`);
    if (key.length > MAX_LABEL_KEY_LENGTH) {
      throw new InvalidArgumentError(
        `${field}: label key ${JSON.stringify(key.slice(0, 40))}… is longer than ${MAX_LABEL_KEY_LENGTH} characters`,
      );
    }
    if (UNSAFE_CHARACTERS.test(key)) {
      throw new InvalidArgumentError(
        `${field}: label key ${JSON.stringify(key)} contains control characters`,
      );
    }
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`${field}.${key} must be a string`);
    }
    if (value.length > MAX_LABEL_VALUE_LENGTH) {
      throw new InvalidArgumentError(`${field}.${key} is longer than ${MAX_LABEL_VALUE_LENGTH} characters`);
    }
    if (UNSAFE_CHARACTERS.test(value)) {
      throw new InvalidArgumentError(`${field}.${key} contains control characters`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * A full NodeSpec from `POST /nodes/{id}/update`. Role and Availability are required and case-insensitive,
 * as in Docker (`invalid Availability: "x"`). Promotion to manager is refused: the agent is the only manager.
 */
export function validateNodeSpec(spec: unknown, nodeId: string): NodeSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InvalidArgumentError('the node spec must be a JSON object');
  }
  const s = spec as Record<string, unknown>;
  const out: NodeSpec = {
    Labels: validateLabels(s.Labels, 'Labels'),
    Role: validateRole(s.Role, nodeId),
    Availability: validateAvailability(s.Availability),
  };
  const name = validateName(s.Name);
  if (name !== undefined) out.Name = name;
  return out;
}

function validateRole(role: unknown, nodeId: string): NodeRole {
  const value = typeof role === 'string' ? role.toLowerCase() : role;
  if (value === 'worker') return 'worker';
  if (value === 'manager') {
    throw new InvalidArgumentError(
      `node ${nodeId} cannot be promoted to manager: the Shoal agent is the cluster's only manager ` +
        `and every engine is a worker`,
    );
  }
  throw new InvalidArgumentError(`invalid Role: ${JSON.stringify(role ?? '')} (must be worker)`);
}

function validateAvailability(availability: unknown): NodeAvailability {
  const value = typeof availability === 'string' ? availability.toLowerCase() : undefined;
  const found = AVAILABILITIES.find((a) => a === value);
  if (found) return found;
  throw new InvalidArgumentError(
    `invalid Availability: ${JSON.stringify(availability ?? '')} (must be active, pause or drain)`,
  );
}

function validateName(name: unknown): string | undefined {
  if (name === undefined || name === null || name === '') return undefined;
  if (typeof name !== 'string') throw new InvalidArgumentError('Name must be a string');
  if (name.length > MAX_NODE_NAME_LENGTH) {
    throw new InvalidArgumentError(`Name is longer than ${MAX_NODE_NAME_LENGTH} characters`);
  }
  if (UNSAFE_CHARACTERS.test(name))
    throw new InvalidArgumentError(`Name ${JSON.stringify(name)} contains control characters`);
  return name;
}
