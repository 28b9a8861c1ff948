import type { Store } from '../../store/store';
import type { ClusterNetwork, Meta, Service, Task } from '../../types/swarm';
import { InvalidArgumentError, NotFoundError } from '../../util/errors';

/**
 * Docker's lookup of a path parameter (moby daemon/cluster/helpers.go): a full ID, then an exact name, then an
 * unambiguous ID prefix. `kind` words the errors as Docker does: "service web not found".
 */
export function resolveReference<T extends Meta>(
  kind: string,
  objects: readonly T[],
  reference: string,
  nameOf: (object: T) => string | undefined,
): T {
  const byId = objects.find((o) => o.ID === reference);
  if (byId) return byId;
  const named = objects.filter((o) => nameOf(o) === reference);
  if (named.length > 1) {
    throw new InvalidArgumentError(`${kind} ${reference} is ambiguous (${named.length} matches found)`);
  }
  if (named[0]) return named[0];
  const prefixed = objects.filter((o) => o.ID.startsWith(reference));
  if (prefixed.length > 1) {
    throw new InvalidArgumentError(`${kind} ${reference} is ambiguous (${prefixed.length} matches found)`);
  }
  if (prefixed[0]) return prefixed[0];
  throw new NotFoundError(`${kind} ${reference} not found`);
}

export const servicesOf = (store: Store) => store.collection<Service>('services');
export const tasksOf = (store: Store) => store.collection<Task>('tasks');
export const networksOf = (store: Store) => store.collection<ClusterNetwork>('networks');

export function resolveService(store: Store, reference: string): Service {
  return resolveReference('service', servicesOf(store).list(), reference, (s) => s.Spec.Name);
}

/** Tasks have no name of their own to look up by (Docker's are made up client-side). */
export function resolveTask(store: Store, reference: string): Task {
  return resolveReference('task', tasksOf(store).list(), reference, () => undefined);
}

export function resolveNetwork(store: Store, reference: string): ClusterNetwork {
  return resolveReference('network', networksOf(store).list(), reference, (n) => n.Spec.Name);
}
