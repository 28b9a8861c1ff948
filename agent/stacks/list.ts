import { tasksOf } from '../api/swarm/resolve';
import { serviceStatus } from '../api/swarm/service-view';
import { taskView } from '../api/swarm/task-view';
import type { Store } from '../store/store';
import type { Service, Task } from '../types/swarm';
import { NotFoundError } from '../util/errors';
import { stackOf, stackServices } from './members';
import { servicesOf } from '../api/swarm/resolve';
import type { StackSummary } from './types';

/** Every stack that has services, by name, as `docker stack ls` counts them. */
export function listStacks(store: Store): StackSummary[] {
  const counts = new Map<string, number>();
  for (const service of servicesOf(store).list()) {
    const stack = stackOf(service.Spec.Labels);
    if (stack !== undefined) counts.set(stack, (counts.get(stack) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, services]) => ({ name, services, orchestrator: 'Swarm' }));
}

/** The stack's services in Docker's shape with `ServiceStatus` (running/desired), by name; 404 when none. */
export function listStackServices(store: Store, stack: string): Service[] {
  const services = existingServices(store, stack);
  const tasks = tasksOf(store).list();
  return services.map((service) => ({
    ...service,
    ServiceStatus: serviceStatus(
      service,
      tasks.filter((t) => t.ServiceID === service.ID),
    ),
  }));
}

/** The tasks of the stack's services (history included, as `docker stack ps`), in Docker's shape. */
export function listStackTasks(store: Store, stack: string): Task[] {
  const ids = new Set(existingServices(store, stack).map((s) => s.ID));
  return tasksOf(store)
    .list()
    .filter((t) => ids.has(t.ServiceID))
    .map(taskView);
}

function existingServices(store: Store, stack: string): Service[] {
  const services = stackServices(store, stack).sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name));
  if (services.length === 0) throw new NotFoundError(`nothing found in stack: ${stack}`);
  return services;
}
