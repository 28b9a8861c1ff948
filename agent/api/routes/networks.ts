import { NotFoundError } from '../../util/errors';
import { parseBoolParam } from '../bodies';
import type { RouteContext } from '../context';
import { pathParam, type Route } from '../dispatcher';
import { parseFilters } from '../filters';
import { parseNetworkCreate } from '../swarm/network-body';
import { NETWORK_FILTERS, networkFilter, networkView, verboseNetworkView } from '../swarm/network-view';
import { createNetwork, removeNetwork } from '../swarm/networks';
import { networksOf, resolveNetwork } from '../swarm/resolve';

/**
 * Docker's network endpoints over Shoal's cluster networks only: the engines' own bridge, host and none
 * networks are theirs, not the cluster's, and are not listed.
 */
export function networkRoutes({ store, nodes }: RouteContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/networks/create',
      handle: (request) => {
        const network = createNetwork(store, parseNetworkCreate(request.body));
        return { status: 201, body: { Id: network.ID, Warning: '' } };
      },
    },
    {
      method: 'GET',
      path: '/networks',
      handle: (request) => {
        const matches = networkFilter(store, parseFilters(request.query.get('filters'), NETWORK_FILTERS));
        return { status: 200, body: networksOf(store).list().filter(matches).map(networkView) };
      },
    },
    {
      method: 'GET',
      path: '/networks/:id',
      handle: (request) => {
        const reference = pathParam(request, 'id');
        // Every cluster network is swarm-scoped; asking for another scope finds nothing, as in Docker.
        const scope = request.query.get('scope') ?? '';
        if (scope !== '' && scope !== 'swarm') throw new NotFoundError(`network ${reference} not found`);
        const network = resolveNetwork(store, reference);
        const body = parseBoolParam(request.query, 'verbose')
          ? verboseNetworkView(store, nodes, network)
          : networkView(network);
        return { status: 200, body };
      },
    },
    {
      method: 'DELETE',
      path: '/networks/:id',
      handle: (request) => {
        removeNetwork(store, pathParam(request, 'id'));
        return { status: 204 };
      },
    },
  ];
}
