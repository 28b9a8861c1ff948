import type { SwarmNode } from '../../types/swarm';
import { InvalidArgumentError } from '../../util/errors';
import { parseAddNodeRequest, parseBoolParam, parseNodeSpec, parseVersionParam } from '../bodies';
import type { RouteContext } from '../context';
import { pathParam, type ApiRequest, type Route } from '../dispatcher';
import {
  matchesAllLabels,
  matchesAnyExact,
  matchesAnyPrefix,
  parseFilters,
  type FilterArgs,
} from '../filters';

const NODE_FILTERS = ['id', 'name', 'role', 'membership', 'label', 'node.label'] as const;

/** Docker's node endpoints, plus Shoal's own `/shoal/nodes` for adding an engine to the cluster. */
export function nodeRoutes({ nodes }: RouteContext): Route[] {
  const list = (request: ApiRequest) => {
    const filters = parseFilters(request.query.get('filters'), NODE_FILTERS);
    return { status: 200, body: nodes.list().filter(nodeFilter(filters)) };
  };
  return [
    { method: 'GET', path: '/nodes', handle: list },
    {
      method: 'GET',
      path: '/nodes/:id',
      handle: (request) => ({ status: 200, body: nodes.resolve(pathParam(request, 'id')) }),
    },
    {
      method: 'POST',
      path: '/nodes/:id/update',
      handle: (request) => {
        const version = parseVersionParam(request.query, 'node');
        const spec = parseNodeSpec(request.body);
        nodes.updateSpec(pathParam(request, 'id'), version, spec);
        return { status: 200 };
      },
    },
    {
      method: 'DELETE',
      path: '/nodes/:id',
      handle: async (request) => {
        await nodes.remove(pathParam(request, 'id'), { force: parseBoolParam(request.query, 'force') });
        return { status: 200 };
      },
    },
    { method: 'GET', path: '/shoal/nodes', handle: list },
    {
      method: 'POST',
      path: '/shoal/nodes',
      handle: async (request) => ({ status: 201, body: await nodes.add(parseAddNodeRequest(request.body)) }),
    },
  ];
}

/**
 * Docker's node filters: `id` and `name` match prefixes (name: of Spec.Name or the hostname), `role` and
 * `membership` match exactly, `label` (engine labels) and `node.label` (the node's own) must all hold.
 * Shoal nodes are always `accepted`: there is no join handshake to be pending in.
 */
export function nodeFilter(filters: FilterArgs): (node: SwarmNode) => boolean {
  for (const role of filters.get('role') ?? []) {
    if (role !== 'manager' && role !== 'worker')
      throw new InvalidArgumentError(`Invalid role filter: '${role}'`);
  }
  for (const membership of filters.get('membership') ?? []) {
    if (membership !== 'accepted' && membership !== 'pending') {
      throw new InvalidArgumentError(`Invalid membership filter: '${membership}'`);
    }
  }
  return (node) =>
    matchesAnyPrefix(node.ID, filters.get('id')) &&
    (matchesAnyPrefix(node.Spec.Name ?? '', filters.get('name')) ||
      matchesAnyPrefix(node.Description.Hostname, filters.get('name'))) &&
    matchesAnyExact(node.Spec.Role, filters.get('role')) &&
    matchesAnyExact('accepted', filters.get('membership')) &&
    matchesAllLabels(node.Description.Engine.Labels, filters.get('label')) &&
    matchesAllLabels(node.Spec.Labels, filters.get('node.label'));
}
