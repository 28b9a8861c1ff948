import type { Store } from '../../store/store';
import type { PortConfig, Service, ServiceSpec } from '../../types/swarm';
import { InvalidArgumentError, NotFoundError } from '../../util/errors';
import { networksOf, resolveReference } from './resolve';

/**
 * `Endpoint` as Docker shows it: the spec, and the published ports (all host mode: Shoal has no routing mesh
 * to allocate ingress ports or virtual IPs).
 */
export function endpointOf(spec: ServiceSpec): Service['Endpoint'] {
  const endpointSpec = structuredClone(spec.EndpointSpec ?? {});
  const ports: PortConfig[] = (endpointSpec.Ports ?? [])
    .filter((port) => port.PublishMode === 'host')
    .map((port) => ({
      ...(port.Name ? { Name: port.Name } : {}),
      Protocol: port.Protocol ?? 'tcp',
      TargetPort: port.TargetPort,
      ...(port.PublishedPort !== undefined ? { PublishedPort: port.PublishedPort } : {}),
      PublishMode: 'host',
    }));
  return { Spec: endpointSpec, ...(ports.length > 0 ? { Ports: ports } : {}) };
}

/**
 * The spec with each `TaskTemplate.Networks[].Target` (a cluster network's ID, name or ID prefix, as Docker
 * accepts) replaced by the network's ID, which is what tasks and the dispatcher work from.
 */
export function withNetworkIDs(store: Store, spec: ServiceSpec): ServiceSpec {
  const attachments = spec.TaskTemplate.Networks;
  if (attachments === undefined || attachments.length === 0) return spec;
  const networks = networksOf(store).list();
  const seen = new Map<string, number>();
  const resolved = attachments.map((attachment, i) => {
    let id: string;
    try {
      id = resolveReference('network', networks, attachment.Target, (n) => n.Spec.Name).ID;
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(
          `TaskTemplate.Networks[${i}]: network ${attachment.Target} not found: create it first with ` +
            `docker network create -d overlay ${attachment.Target}`,
        );
      }
      throw error;
    }
    const other = seen.get(id);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `TaskTemplate.Networks[${i}]: network ${attachment.Target} is already attached by TaskTemplate.Networks[${other}]`,
      );
    }
    seen.set(id, i);
    return { ...attachment, Target: id };
  });
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, Networks: resolved } };
}

/** Swarm names are unique regardless of case (swarmkit's store indexes them lowercased). */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
