import type { AddNodeRequest } from '../cluster/types';
import type { NodeAvailability, NodeRole, NodeSpec } from '../types/swarm';
import { InvalidArgumentError } from '../util/errors';
import { isPlainObject } from './filters';

const MAX_LABELS = 256;
const MAX_LABEL_KEY_LENGTH = 512;
const MAX_LABEL_VALUE_LENGTH = 4096;
const MAX_NAME_LENGTH = 255;
const MAX_ENDPOINT_LENGTH = 1024;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

const NODE_ROLES: readonly NodeRole[] = ['worker', 'manager'];
const NODE_AVAILABILITIES: readonly NodeAvailability[] = ['active', 'pause', 'drain'];

/**
 * A NodeSpec body, checked strictly: Docker's decoder ignores unknown fields, but a typo such as
 * `"availability"` silently doing nothing is worse than a 400. The docker CLI sends only these four.
 */
export function parseNodeSpec(body: unknown): NodeSpec {
  const spec = expectObject(body, 'node spec');
  rejectUnknownFields(spec, ['Name', 'Labels', 'Role', 'Availability'], 'node spec');
  const role = spec.Role;
  if (!NODE_ROLES.includes(role as NodeRole)) {
    throw new InvalidArgumentError(`invalid Role: ${JSON.stringify(role ?? '')}: expected worker or manager`);
  }
  const availability = spec.Availability;
  if (!NODE_AVAILABILITIES.includes(availability as NodeAvailability)) {
    throw new InvalidArgumentError(
      `invalid Availability: ${JSON.stringify(availability ?? '')}: expected active, pause or drain`,
    );
  }
  const parsed: NodeSpec = {
    Labels: parseLabels(spec.Labels, 'Labels'),
    Role: role as NodeRole,
    Availability: availability as NodeAvailability,
  };
  if (spec.Name !== undefined) parsed.Name = parseName(spec.Name, 'Name');
  return parsed;
}

/** The body of `POST /shoal/nodes`: `{Endpoint, Labels?, TLS?: {CACert, Cert, Key}}`. */
export function parseAddNodeRequest(body: unknown): AddNodeRequest {
  const fields = expectObject(body, 'node request');
  rejectUnknownFields(fields, ['Endpoint', 'Labels', 'TLS'], 'node request');
  const endpoint = fields.Endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new InvalidArgumentError('Endpoint is required: unix:///path, tcp://host:port or ssh://user@host');
  }
  if (endpoint.length > MAX_ENDPOINT_LENGTH || CONTROL_CHARACTERS.test(endpoint)) {
    throw new InvalidArgumentError('invalid Endpoint: too long or contains control characters');
  }
  if (!/^(unix|tcp|ssh):\/\//.test(endpoint)) {
    throw new InvalidArgumentError(
      `invalid Endpoint ${JSON.stringify(endpoint)}: expected unix://, tcp:// or ssh://`,
    );
  }
  const request: AddNodeRequest = { endpoint };
  if (fields.Labels !== undefined) request.labels = parseLabels(fields.Labels, 'Labels');
  if (fields.TLS !== undefined) {
    const tls = expectObject(fields.TLS, 'TLS');
    rejectUnknownFields(tls, ['CACert', 'Cert', 'Key'], 'TLS');
    request.tls = {
      caCert: parseFilePath(tls.CACert, 'TLS.CACert'),
      cert: parseFilePath(tls.Cert, 'TLS.Cert'),
      key: parseFilePath(tls.Key, 'TLS.Key'),
    };
  }
  return request;
}

/** The `version` query parameter of an update: the `Version.Index` the client read. */
export function parseVersionParam(query: URLSearchParams, kind: string): number {
  const raw = query.get('version');
  if (raw === null || raw === '') {
    throw new InvalidArgumentError(`missing query parameter "version" (the ${kind}'s Version.Index)`);
  }
  const version = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(version)) {
    throw new InvalidArgumentError(`invalid ${kind} version '${raw}': expected a non-negative integer`);
  }
  return version;
}

/** Docker's `BoolValue`: anything but "", "0", "no", "false" and "none" is true. */
export function parseBoolParam(query: URLSearchParams, name: string): boolean {
  const raw = (query.get(name) ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(raw);
}

export function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidArgumentError(`invalid ${what}: expected a JSON object`);
  return value;
}

export function rejectUnknownFields(
  object: Record<string, unknown>,
  known: readonly string[],
  what: string,
): void {
  for (const field of Object.keys(object)) {
    if (!known.includes(field)) {
      throw new InvalidArgumentError(
        `unknown field ${JSON.stringify(field)} in ${what}; expected ${known.join(', ')}`,
      );
    }
  }
}

export function parseLabels(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const labels = expectObject(value, field);
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw new InvalidArgumentError(`${field}: more than ${MAX_LABELS} labels`);
  const parsed: Record<string, string> = {};
  for (const [key, labelValue] of entries) {
    if (key === '' || key.length > MAX_LABEL_KEY_LENGTH || CONTROL_CHARACTERS.test(key)) {
      throw new InvalidArgumentError(
        `${field}: invalid label key ${JSON.stringify(key.slice(0, 64))}: empty, too long or has control characters`,
      );
    }
    if (typeof labelValue !== 'string') {
      throw new InvalidArgumentError(`${field}: the value of label ${JSON.stringify(key)} must be a string`);
    }
    if (labelValue.length > MAX_LABEL_VALUE_LENGTH) {
      throw new InvalidArgumentError(
        `${field}: the value of label ${JSON.stringify(key)} is longer than ${MAX_LABEL_VALUE_LENGTH}`,
      );
    }
    parsed[key] = labelValue;
  }
  return parsed;
}

export function parseName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${field} must be a string`);
  if (value.length > MAX_NAME_LENGTH || CONTROL_CHARACTERS.test(value)) {
    throw new InvalidArgumentError(`invalid ${field}: too long or contains control characters`);
  }
  return value;
}

function parseFilePath(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || CONTROL_CHARACTERS.test(value)) {
    throw new InvalidArgumentError(`${field} must be an absolute file path`);
  }
  return value;
}
