import type { ClusterNetwork } from '../types/swarm';

/** Marks a node-local network as the copy of a cluster network; its value is the cluster network's ID. */
export const NETWORK_ID_LABEL = 'io.shoal.network.id';

/** On each node a cluster network is a local bridge network of the same name, so `docker network ls` reads naturally. */
export function nodeNetworkName(network: ClusterNetwork): string {
  return network.Spec.Name;
}
