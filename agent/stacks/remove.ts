import { removeNetwork, servicesUsing } from '../api/swarm/networks';
import { removeService } from '../api/swarm/service-mutations';
import type { Store } from '../store/store';
import { ConflictError, NotFoundError } from '../util/errors';
import { stackNetworks, stackOf, stackServices } from './members';
import type { StackRemoveResult } from './types';

/**
 * Removes a stack: its services (the dispatcher then stops and removes their containers), then the networks
 * the stack created (they carry its label; external networks never do). One transaction: a network another
 * stack's or a standalone service still uses is a conflict found before anything is removed.
 */
export function removeStack(store: Store, stack: string): StackRemoveResult {
  return store.transaction(() => {
    const services = stackServices(store, stack);
    const networks = stackNetworks(store, stack);
    if (services.length === 0 && networks.length === 0)
      throw new NotFoundError(`nothing found in stack: ${stack}`);
    for (const network of networks) {
      const users = servicesUsing(store, network.ID).filter((s) => stackOf(s.Spec.Labels) !== stack);
      if (users.length > 0) {
        throw new ConflictError(
          `network ${network.Spec.Name} of stack ${stack} is in use by ` +
            `${users.map((s) => `service ${s.Spec.Name}`).join(', ')}, outside the stack: remove ` +
            `${users.length > 1 ? 'them' : 'it'} first (nothing was removed)`,
        );
      }
    }
    for (const service of services) removeService(store, service.ID);
    for (const network of networks) removeNetwork(store, network.ID);
    return { services: services.map((s) => s.Spec.Name), networks: networks.map((n) => n.Spec.Name) };
  });
}
