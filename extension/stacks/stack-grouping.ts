import { STACK_NAMESPACE_LABEL } from '../../agent/compose/types';
import type { Network, Service } from '../model/types';
import { compareNames } from '../views/format';

/** The stack a service (or network) belongs to: its `com.docker.stack.namespace` label, as Docker sets it. */
export function stackNameOf(service: Service): string | undefined {
  const name = service.Spec.Labels?.[STACK_NAMESPACE_LABEL];
  return name === undefined || name === '' ? undefined : name;
}

export function networkStackNameOf(network: Network): string | undefined {
  const name = network.Labels[STACK_NAMESPACE_LABEL];
  return name === undefined || name === '' ? undefined : name;
}

export interface GroupedServices {
  /** Stack name -> its services by name; stacks in name order. */
  stacks: Map<string, Service[]>;
  /** Services of no stack, by name. */
  loose: Service[];
}

export function groupServices(services: Iterable<Service>): GroupedServices {
  const stacks = new Map<string, Service[]>();
  const loose: Service[] = [];
  for (const service of services) {
    const stack = stackNameOf(service);
    if (stack === undefined) {
      loose.push(service);
      continue;
    }
    const list = stacks.get(stack);
    if (list) list.push(service);
    else stacks.set(stack, [service]);
  }
  const byName = (a: Service, b: Service) => compareNames(a.Spec.Name, b.Spec.Name);
  loose.sort(byName);
  const sorted = new Map([...stacks.entries()].sort(([a], [b]) => compareNames(a, b)));
  for (const list of sorted.values()) list.sort(byName);
  return { stacks: sorted, loose };
}

/** The services of one stack, by name. */
export function servicesOfStack(services: Iterable<Service>, stack: string): Service[] {
  return [...services]
    .filter((s) => stackNameOf(s) === stack)
    .sort((a, b) => compareNames(a.Spec.Name, b.Spec.Name));
}
