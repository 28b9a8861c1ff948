import type { NodeManager } from '../../cluster/types';
import { taskName } from '../../orchestrator/task-model';
import type { Store } from '../../store/store';
import type { ClusterNetwork } from '../../types/swarm';
import { InvalidArgumentError } from '../../util/errors';
import { matchesAllLabels, matchesAnyExact, type FilterArgs } from '../filters';
import { tasksOf } from './resolve';
import { servicesUsing } from './networks';

export const NETWORK_FILTERS = ['name', 'id', 'label', 'driver', 'scope', 'type', 'dangling'] as const;

/** Docker's network JSON (`docker network ls/inspect` and `docker stack deploy` read it). */
export function networkView(network: ClusterNetwork) {
  const { Spec: spec } = network;
  return {
    Name: spec.Name,
    Id: network.ID,
    Created: network.CreatedAt,
    Scope: 'swarm',
    Driver: 'overlay',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: {
      Driver: spec.IPAM?.Driver || 'default',
      Options: spec.IPAM?.Options ?? null,
      Config: spec.IPAM?.Config ?? [],
    },
    Internal: spec.Internal ?? false,
    Attachable: spec.Attachable ?? false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: spec.Options ?? {},
    Labels: spec.Labels ?? {},
  };
}

/**
 * `verbose=true` adds `Services`: per service on the network, its tasks with their addresses on it, as
 * Docker's swarm networks show them (there are no virtual IPs: Shoal has no load balancer).
 */
export function verboseNetworkView(store: Store, nodes: NodeManager, network: ClusterNetwork) {
  const nodeAddresses = new Map(nodes.list().map((n) => [n.ID, n.Status.Addr]));
  const tasks = tasksOf(store).list();
  const services = Object.fromEntries(
    servicesUsing(store, network.ID).map((service) => [
      service.Spec.Name,
      {
        VIP: '',
        Ports: [],
        LocalLBIndex: 0,
        Tasks: tasks
          .filter((t) => t.ServiceID === service.ID && t.DesiredState === 'running' && t.NodeID)
          .map((t) => ({
            Name: taskName(service.Spec.Name, t),
            EndpointID: '',
            EndpointIP:
              t.NetworksAttachments?.find((a) => a.Network.ID === network.ID)?.Addresses[0]?.split('/')[0] ??
              '',
            Info: { 'Host IP': nodeAddresses.get(t.NodeID ?? '') ?? '' },
          })),
      },
    ]),
  );
  return { ...networkView(network), Services: services };
}

/**
 * Docker's network filters. `name` and `id` match substrings (Docker matches them as regular expressions, and
 * a plain name is a substring match there too), `driver` exactly; every network is `custom` and `swarm`.
 */
export function networkFilter(store: Store, filters: FilterArgs): (network: ClusterNetwork) => boolean {
  checkValues(filters, 'type', ['custom', 'builtin']);
  checkValues(filters, 'scope', ['swarm', 'global', 'local']);
  checkValues(filters, 'dangling', ['true', 'false', '1', '0']);
  const dangling = filters.get('dangling')?.[0];
  const contains = (value: string, wanted: readonly string[] | undefined) =>
    wanted === undefined || wanted.length === 0 || wanted.some((w) => value.includes(w));
  return (network) =>
    contains(network.Spec.Name, filters.get('name')) &&
    contains(network.ID, filters.get('id')) &&
    matchesAllLabels(network.Spec.Labels ?? {}, filters.get('label')) &&
    matchesAnyExact('overlay', filters.get('driver')) &&
    matchesAnyExact('custom', filters.get('type')) &&
    matchesAnyExact('swarm', filters.get('scope')) &&
    (dangling === undefined ||
      (servicesUsing(store, network.ID).length === 0) === (dangling === 'true' || dangling === '1'));
}

function checkValues(filters: FilterArgs, name: string, allowed: readonly string[]): void {
  for (const value of filters.get(name) ?? []) {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`invalid filter: '${name}'='${value}'`);
  }
}
