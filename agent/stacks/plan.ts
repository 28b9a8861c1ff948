import { networksOf, resolveReference, servicesOf } from '../api/swarm/resolve';
import { sameName } from '../api/swarm/service-records';
import { STACK_NAMESPACE_LABEL, type ComposeDiagnostic, type ConvertedStack } from '../compose/types';
import type { StackNetwork } from '../compose/types';
import type { Store } from '../store/store';
import type { ClusterNetwork, Service, ServiceSpec } from '../types/swarm';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../util/errors';
import { specChanges } from './compare';
import { stackOf, stackServices } from './members';
import type { PlannedNetwork, PlannedService, StackPlan } from './types';

export interface PlanOptions {
  /** Remove the stack's services that are not in the file. Without it they are left alone and not listed. */
  prune?: boolean;
  /** The loader's warnings, passed through to the plan. */
  warnings?: ComposeDiagnostic[];
}

/** One service's step, with what the applier needs beside the plan's summary. */
export interface ServiceStep {
  planned: PlannedService;
  /** For create and update: the spec to send, as the service routes take it. */
  spec?: ServiceSpec;
  /** For update, unchanged and remove: the service as stored when planned. */
  current?: Service;
}

export interface NetworkStep {
  planned: PlannedNetwork;
  network: StackNetwork;
}

export interface StackChanges {
  plan: StackPlan;
  services: ServiceStep[];
  networks: NetworkStep[];
}

/** What deploying the stack would do, and nothing done. */
export function planStack(store: Store, stack: ConvertedStack, options: PlanOptions = {}): StackPlan {
  return stackChanges(store, stack, options).plan;
}

/**
 * The plan with its working detail. Services of the stack are those labelled with its namespace; each service
 * in the file is created, updated (with the fields that differ) or left unchanged, compared as the service
 * routes store specs (see compare.ts). Objects of the same name outside the stack are conflicts, and an
 * external network that does not exist is an error: both are found here, before anything is applied.
 */
export function stackChanges(store: Store, stack: ConvertedStack, options: PlanOptions = {}): StackChanges {
  const networks = planNetworks(store, stack);
  const existingNetworks = networksOf(store).list();
  const current = new Map(stackServices(store, stack.name).map((s) => [s.Spec.Name.toLowerCase(), s]));
  const others = servicesOf(store)
    .list()
    .filter((s) => stackOf(s.Spec.Labels) !== stack.name);

  const services: ServiceStep[] = stack.services.map((converted) => {
    const existing = current.get(converted.name.toLowerCase());
    if (!existing) {
      const clash = others.find((s) => sameName(s.Spec.Name, converted.name));
      if (clash)
        throw new ConflictError(notInStack('service', clash.Spec.Name, stack.name, clash.Spec.Labels));
      return {
        planned: { name: converted.name, key: converted.key, action: 'create' },
        spec: desiredSpec(stack.name, converted.spec),
      };
    }
    const spec = desiredSpec(stack.name, converted.spec, existing);
    const changes = specChanges(existing.Spec, withNetworkTargets(spec, existingNetworks));
    const planned: PlannedService = {
      name: existing.Spec.Name,
      key: converted.key,
      action: changes.length > 0 ? 'update' : 'unchanged',
      id: existing.ID,
    };
    if (changes.length > 0) planned.changes = changes;
    return { planned, spec, current: existing };
  });

  if (options.prune) {
    const inFile = new Set(stack.services.map((s) => s.name.toLowerCase()));
    const removed = [...current.values()]
      .filter((s) => !inFile.has(s.Spec.Name.toLowerCase()))
      .sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name));
    for (const service of removed) {
      services.push({
        planned: { name: service.Spec.Name, action: 'remove', id: service.ID },
        current: service,
      });
    }
  }

  return {
    plan: {
      stack: stack.name,
      services: services.map((s) => s.planned),
      networks: networks.map((n) => n.planned),
      warnings: options.warnings ?? [],
    },
    services,
    networks,
  };
}

function planNetworks(store: Store, stack: ConvertedStack): NetworkStep[] {
  const existing = networksOf(store).list();
  return stack.networks.map((network) => {
    const planned = (action: PlannedNetwork['action']): NetworkStep => ({
      planned: { name: network.name, key: network.key, action },
      network,
    });
    if (network.external) {
      if (!findNetwork(existing, network.name)) {
        throw new InvalidArgumentError(
          `network "${network.name}" is declared as external, but could not be found: create it first ` +
            `(docker network create -d overlay ${network.name}), or drop "external" to let the stack create it`,
        );
      }
      return planned('external');
    }
    const same = existing.find((n) => n.Spec.Name === network.name);
    if (!same) return planned('create');
    if (stackOf(same.Spec.Labels) !== stack.name) {
      throw new ConflictError(notInStack('network', network.name, stack.name, same.Spec.Labels));
    }
    return planned('exists');
  });
}

/** The spec to send: the stack's label always on it, and (as `docker stack deploy`) the current ForceUpdate. */
function desiredSpec(stack: string, converted: ServiceSpec, existing?: Service): ServiceSpec {
  const spec = structuredClone(converted);
  spec.Labels = { ...spec.Labels, [STACK_NAMESPACE_LABEL]: stack };
  const force = existing?.Spec.TaskTemplate.ForceUpdate;
  if (force !== undefined) spec.TaskTemplate.ForceUpdate = force;
  else delete spec.TaskTemplate.ForceUpdate;
  return spec;
}

/**
 * Network targets as the route stores them (IDs), where the network exists; one still to be created keeps its
 * name, which differs from any stored ID, as it should.
 */
function withNetworkTargets(spec: ServiceSpec, networks: readonly ClusterNetwork[]): ServiceSpec {
  const attachments = spec.TaskTemplate.Networks;
  if (!attachments || attachments.length === 0) return spec;
  const resolved = attachments.map((a) => ({
    ...a,
    Target: findNetwork(networks, a.Target)?.ID ?? a.Target,
  }));
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, Networks: resolved } };
}

/** As Docker finds a network: ID, name, then unique ID prefix. */
function findNetwork(networks: readonly ClusterNetwork[], reference: string): ClusterNetwork | undefined {
  try {
    return resolveReference('network', networks, reference, (n) => n.Spec.Name);
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof InvalidArgumentError) return undefined;
    throw error;
  }
}

function notInStack(
  kind: 'service' | 'network',
  name: string,
  stack: string,
  labels: Readonly<Record<string, string>> | undefined,
): string {
  const owner = stackOf(labels);
  const whose = owner === undefined ? 'it belongs to no stack' : `it belongs to stack ${owner}`;
  return `${kind} ${name} exists and is not part of stack ${stack} (${whose}): remove or rename it first`;
}
