import { networksOf, servicesOf } from '../api/swarm/resolve';
import { STACK_NAMESPACE_LABEL } from '../compose/types';
import type { Store } from '../store/store';
import type { ClusterNetwork, Service } from '../types/swarm';

/**
 * What belongs to a stack. Docker has no stack object and neither does Shoal: a stack is the services and
 * networks carrying the label `com.docker.stack.namespace=<stack>`, whoever created them (`shoal stack deploy`
 * or `docker stack deploy`).
 */
export function stackOf(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  return labels?.[STACK_NAMESPACE_LABEL];
}

export function stackServices(store: Store, stack: string): Service[] {
  return servicesOf(store)
    .list()
    .filter((s) => stackOf(s.Spec.Labels) === stack);
}

export function stackNetworks(store: Store, stack: string): ClusterNetwork[] {
  return networksOf(store)
    .list()
    .filter((n) => stackOf(n.Spec.Labels) === stack);
}
