import { newID } from '../../orchestrator/task-model';
import type { Store } from '../../store/store';
import type { ClusterNetwork, NetworkSpec, Service } from '../../types/swarm';
import { ConflictError } from '../../util/errors';
import { ipv4NetworksOverlap, parseIpv4Cidr } from './ipv4';
import { networksOf, resolveNetwork, servicesOf } from './resolve';

/** Stores a new cluster network; a name in use, or a subnet overlapping another network's, is a 409. */
export function createNetwork(store: Store, spec: NetworkSpec): ClusterNetwork {
  return store.transaction(() => {
    const networks = networksOf(store);
    const existing = networks.list();
    if (existing.some((n) => n.Spec.Name === spec.Name)) {
      throw new ConflictError(`network with name ${spec.Name} already exists`);
    }
    for (const subnet of subnetsOf(spec)) {
      for (const other of existing) {
        const clash = subnetsOf(other.Spec).find((s) => ipv4NetworksOverlap(s.network, subnet.network));
        if (clash) {
          throw new ConflictError(
            `subnet ${subnet.cidr} overlaps with subnet ${clash.cidr} of network ${other.Spec.Name}`,
          );
        }
      }
    }
    return networks.create({ ID: newID(), Spec: spec });
  });
}

/** Deletes a cluster network no service uses (409 naming the services otherwise). */
export function removeNetwork(store: Store, reference: string): void {
  store.transaction(() => {
    const network = resolveNetwork(store, reference);
    const users = servicesUsing(store, network.ID).map((s) => s.Spec.Name);
    if (users.length > 0) {
      throw new ConflictError(
        `network ${network.Spec.Name} is in use by service${users.length > 1 ? 's' : ''} ${users.join(', ')}`,
      );
    }
    networksOf(store).delete(network.ID);
  });
}

/** Services whose tasks attach to the network (targets are stored as network IDs). */
export function servicesUsing(store: Store, networkId: string): Service[] {
  return servicesOf(store)
    .list()
    .filter((s) => (s.Spec.TaskTemplate.Networks ?? []).some((n) => n.Target === networkId));
}

function subnetsOf(spec: NetworkSpec) {
  return (spec.IPAM?.Config ?? []).flatMap((config) => {
    const network = config.Subnet ? parseIpv4Cidr(config.Subnet) : undefined;
    return network && config.Subnet ? [{ cidr: config.Subnet, network }] : [];
  });
}
