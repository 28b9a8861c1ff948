import { formatPath, type Path } from '../positions';
import type { Origins } from './context';

const FIELD_PATH = /[A-Z][A-Za-z]*(?:\.[A-Z][A-Za-z]*|\[\d+\]|\["[^"]*"\])*/g;

export interface LocatedField {
  /** The spec field named in the message, as written there (`TaskTemplate.ContainerSpec.Mounts[0].Source`). */
  field: string;
  /** The longest prefix of it whose origin is known. */
  known: string;
  composePath: Path;
}

/**
 * An agent refusal, told at the compose path it is about, without the spec field the agent named:
 * `TaskTemplate.ContainerSpec.Mounts[0].Source "/x" is refused: ...` at `services.web.volumes[0]` becomes
 * `services.web.volumes[0]: not accepted by the Shoal agent: "/x" is refused: ...`.
 */
export function refusalMessage(
  at: Path,
  message: string,
  located: LocatedField | undefined,
  origins: Origins,
): string {
  const head = `${formatPath(at)}: not accepted by the Shoal agent: `;
  const rest =
    located && message.startsWith(located.field)
      ? message.slice(located.field.length).replace(/^:?\s*/, '')
      : message;
  // Other spec fields the message names (`already used by EndpointSpec.Ports[0]`), as compose paths.
  return (
    head +
    rest.replace(FIELD_PATH, (field) => {
      const path = /[.[]/.test(field) ? origins.get(field) : undefined;
      return path ? formatPath(path) : field;
    })
  );
}

/**
 * Finds the spec field an agent error message names (`TaskTemplate.ContainerSpec.Mounts[0].Source "..." is
 * refused`) and the compose path it came from, trying ever shorter prefixes of the field.
 */
export function locateField(message: string, origins: Origins): LocatedField | undefined {
  for (const match of message.matchAll(FIELD_PATH)) {
    const field = match[0];
    for (let known = field; known !== ''; known = parentField(known)) {
      const composePath = origins.get(known);
      if (!composePath) continue;
      // A map entry the origins do not list (`Labels["a.b"]`) is the same key under the compose path.
      const entry = /^\["([^"]*)"\]/.exec(field.slice(known.length));
      return {
        field,
        known,
        composePath: entry?.[1] !== undefined ? [...composePath, entry[1]] : composePath,
      };
    }
  }
  return undefined;
}

function parentField(field: string): string {
  if (field.endsWith('"]')) return field.slice(0, field.lastIndexOf('["'));
  const cut = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
  return cut <= 0 ? '' : field.slice(0, cut);
}

/** Reads `a.b[2].c` from an object. */
export function getField(root: unknown, field: string): unknown {
  let current: unknown = root;
  for (const part of splitField(field)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * Removes field `a.b[2].c` from an object (a list entry is spliced out), so the rest of a spec can be checked
 * again. Returns false when there is nothing to remove.
 */
export function removeField(root: unknown, field: string): boolean {
  const parts = splitField(field);
  const last = parts.pop();
  if (last === undefined) return false;
  const parent = getField(root, joinField(parts));
  if (parent === null || typeof parent !== 'object') return false;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (last >= parent.length) return false;
    parent.splice(last, 1);
    return true;
  }
  const record = parent as Record<string | number, unknown>;
  if (!(last in record)) return false;
  delete record[last];
  return true;
}

function splitField(field: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

function joinField(parts: Array<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
