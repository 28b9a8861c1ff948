import type { EventType } from '../agent/protocol';

export const INSPECT_SCHEME = 'shoal';

const API_PATHS: Readonly<Record<EventType, (id: string) => string>> = {
  node: (id) => `/nodes/${encodeURIComponent(id)}`,
  service: (id) => `/services/${encodeURIComponent(id)}?insertDefaults=true`,
  task: (id) => `/tasks/${encodeURIComponent(id)}`,
  network: (id) => `/networks/${encodeURIComponent(id)}?verbose=true`,
};

/** The document path for an object: `/service/<id>/<name>.json` (the name only makes the tab readable). */
export function inspectPath(type: EventType, id: string, name: string): string {
  const safeName = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80) || 'object';
  return `/${type}/${encodeURIComponent(id)}/${safeName}.json`;
}

export function parseInspectPath(path: string): { type: EventType; id: string } | undefined {
  const match = /^\/(node|service|task|network)\/([^/]+)\/[^/]+\.json$/.exec(path);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  try {
    return { type: match[1] as EventType, id: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}

/** What to ask the agent for: Docker's own inspect view of the object. */
export function inspectApiPath(type: EventType, id: string): string {
  return API_PATHS[type](id);
}
