/** Request bodies built from what the user answered; pure, so what gets sent is tested. */
import type { NodeAvailability, PortConfig, Service, ServiceSpec, SwarmNode } from '../model/types';
import type { UpdateConfig, UpdateOrder } from '../../agent/types/swarm';

export interface CreateServiceAnswers {
  image: string;
  name: string;
  mode: { kind: 'replicated'; replicas: number } | { kind: 'global' };
  ports: PortConfig[];
  env: string[];
  constraints: string[];
}

export function createServiceSpec(answers: CreateServiceAnswers): ServiceSpec {
  const spec: ServiceSpec = {
    Name: answers.name,
    Labels: {},
    TaskTemplate: {
      ContainerSpec: { Image: answers.image, ...(answers.env.length > 0 ? { Env: answers.env } : {}) },
      ...(answers.constraints.length > 0 ? { Placement: { Constraints: answers.constraints } } : {}),
    },
    Mode:
      answers.mode.kind === 'global' ? { Global: {} } : { Replicated: { Replicas: answers.mode.replicas } },
  };
  if (answers.ports.length > 0) spec.EndpointSpec = { Mode: 'vip', Ports: answers.ports };
  return spec;
}

export interface UpdateServiceAnswers {
  image?: string;
  /** Variables to set (KEY=VALUE) ... */
  envAdd?: string[];
  /** ... and names to remove. */
  envRemove?: string[];
  replicas?: number;
  parallelism?: number;
  order?: UpdateOrder;
}

/** The service's spec with the answers applied; `ForceUpdate` untouched, so an unchanged spec changes nothing. */
export function updatedServiceSpec(service: Service, answers: UpdateServiceAnswers): ServiceSpec {
  const spec = structuredClone(service.Spec);
  const container = spec.TaskTemplate.ContainerSpec;
  if (answers.image !== undefined) container.Image = answers.image;
  if (answers.envAdd !== undefined || answers.envRemove !== undefined) {
    const adding = new Map((answers.envAdd ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair]));
    const removing = new Set(answers.envRemove ?? []);
    const kept = (container.Env ?? []).filter((pair) => {
      const key = pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : pair;
      return !removing.has(key) && !adding.has(key);
    });
    container.Env = [...kept, ...adding.values()];
    if (container.Env.length === 0) delete container.Env;
  }
  if (answers.replicas !== undefined) {
    if (!spec.Mode?.Replicated && spec.Mode !== undefined)
      throw new Error('only replicated services have replicas');
    spec.Mode = { Replicated: { Replicas: answers.replicas } };
  }
  if (answers.parallelism !== undefined || answers.order !== undefined) {
    const update: UpdateConfig = { ...spec.UpdateConfig };
    if (answers.parallelism !== undefined) update.Parallelism = answers.parallelism;
    if (answers.order !== undefined) update.Order = answers.order;
    spec.UpdateConfig = update;
  }
  return spec;
}

export function scaledServiceSpec(service: Service, replicas: number): ServiceSpec {
  return updatedServiceSpec(service, { replicas });
}

export function serviceUpdatePath(service: Service, rollback = false): string {
  const id = encodeURIComponent(service.ID);
  return `/services/${id}/update?version=${service.Version.Index}${rollback ? '&rollback=previous' : ''}`;
}

export function nodeUpdatePath(node: SwarmNode): string {
  return `/nodes/${encodeURIComponent(node.ID)}/update?version=${node.Version.Index}`;
}

export function nodeSpecWithAvailability(node: SwarmNode, availability: NodeAvailability): SwarmNode['Spec'] {
  return { ...node.Spec, Labels: { ...node.Spec.Labels }, Availability: availability };
}

export function nodeSpecWithLabel(node: SwarmNode, key: string, value: string): SwarmNode['Spec'] {
  return { ...node.Spec, Labels: { ...node.Spec.Labels, [key]: value } };
}

export function nodeSpecWithoutLabel(node: SwarmNode, key: string): SwarmNode['Spec'] {
  const labels = { ...node.Spec.Labels };
  delete labels[key];
  return { ...node.Spec, Labels: labels };
}

export function networkCreateBody(
  name: string,
  subnet: string,
  attachable: boolean,
): Record<string, unknown> {
  return {
    Name: name,
    Driver: 'overlay',
    Attachable: attachable,
    ...(subnet.trim() !== '' ? { IPAM: { Driver: 'default', Config: [{ Subnet: subnet.trim() }] } } : {}),
  };
}
