import { normalizedSpec } from '../api/swarm/service-mutations';
import { isPlainObject } from '../api/filters';
import { withDefaults } from '../orchestrator/spec/defaults';
import { sameJson } from '../orchestrator/task-model';
import type { ServiceSpec } from '../types/swarm';
import type { FieldChange } from './types';

/**
 * Compares service specs like for like, so that deploying an unchanged file finds nothing to do. Both sides go
 * through the route's own normalization ({@link normalizedSpec}), then every default is spelled out
 * ({@link withDefaults}, what `docker service inspect` shows) and Go's zero values are dropped: an absent field,
 * `null`, `""`, `false`, `0`, `{}` and `[]` all mean "not set" to the Engine, and a spec stored by
 * `docker stack deploy` spells them differently from one stored by `shoal stack deploy`.
 * Zeros are dropped only once the defaults are in: `UpdateConfig.Parallelism: 0` (all at once) is not the
 * absent default 1.
 */
export function comparableSpec(spec: ServiceSpec): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(normalizedSpec(spec))) as ServiceSpec;
  const unset = withoutUnset(withPortDefaults(json), false) ?? {};
  const defaulted = withDefaults(unset as ServiceSpec);
  const comparable = withoutUnset(defaulted, true);
  return isPlainObject(comparable) ? comparable : {};
}

/** A port's protocol is tcp and its mode ingress unless set (the docker CLI leaves `Protocol` out for tcp). */
function withPortDefaults(spec: ServiceSpec): ServiceSpec {
  const ports = spec.EndpointSpec?.Ports;
  if (!ports) return spec;
  const defaulted = ports.map((p) => ({
    ...p,
    Protocol: p.Protocol || 'tcp',
    PublishMode: p.PublishMode || 'ingress',
  }));
  return { ...spec, EndpointSpec: { ...spec.EndpointSpec, Ports: defaulted } };
}

/** The fields that differ, as dotted paths to leaves of the spec; lists are compared, and reported, whole. */
export function specChanges(current: ServiceSpec, desired: ServiceSpec): FieldChange[] {
  const changes: FieldChange[] = [];
  collectChanges(comparableSpec(current), comparableSpec(desired), '', changes);
  return changes;
}

function collectChanges(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (sameJson(before, after)) return;
  // Objects are compared field by field, also against nothing (a block added or removed); lists whole.
  if ((isPlainObject(before) || before === undefined) && (isPlainObject(after) || after === undefined)) {
    const b: Record<string, unknown> = isPlainObject(before) ? before : {};
    const a: Record<string, unknown> = isPlainObject(after) ? after : {};
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    for (const key of keys) collectChanges(b[key], a[key], childPath(path, key), out);
    return;
  }
  const change: FieldChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

/** `TaskTemplate.ContainerSpec.Image`; keys that are not plain words in brackets: `Labels["a.b"]`. */
function childPath(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function withoutUnset(value: unknown, dropZero: boolean): unknown {
  if (value === null || value === undefined || value === '' || value === false) return undefined;
  if (dropZero && value === 0) return undefined;
  if (Array.isArray(value)) {
    // Elements keep their places: only what is inside an object element is dropped.
    const items = value.map((item: unknown) =>
      isPlainObject(item) ? (withoutUnset(item, dropZero) ?? {}) : item,
    );
    return items.length === 0 ? undefined : items;
  }
  if (isPlainObject(value)) {
    const kept: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = withoutUnset(child, dropZero);
      if (pruned !== undefined) kept[key] = pruned;
    }
    return Object.keys(kept).length === 0 ? undefined : kept;
  }
  return value;
}
