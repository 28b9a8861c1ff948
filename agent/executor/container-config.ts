import { InvalidArgumentError } from '../util/errors';
import type {
  ClusterNetwork,
  ContainerSpec,
  HealthConfig,
  Mount,
  PortConfig,
  Service,
  SwarmNode,
  Task,
} from '../types/swarm';
import { isReservedLabel, taskLabels } from './labels';
import { nodeNetworkName } from './node-network-name';
import { expandTemplate, type TemplateContext } from './template';

/** Swarm's default when a spec has no StopGracePeriod (swarmkit api/defaults). */
export const DEFAULT_STOP_GRACE_SECONDS = 10;

/** The `POST /containers/create` body for the fields Shoal sets (the Engine API's own names). */
export interface ContainerCreateBody {
  Image: string;
  Labels: Record<string, string>;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  Hostname?: string;
  WorkingDir?: string;
  User?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  StopSignal?: string;
  StopTimeout: number;
  Healthcheck?: HealthConfig;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig: ContainerHostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointConfig> };
}

export interface ContainerHostConfig {
  RestartPolicy: { Name: 'no' };
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort: string }>>;
  Mounts?: Mount[];
  GroupAdd?: string[];
  ReadonlyRootfs?: boolean;
  ExtraHosts?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  Init?: boolean;
  Sysctls?: Record<string, string>;
  CapAdd?: string[];
  CapDrop?: string[];
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  OomScoreAdj?: number;
  NanoCpus?: number;
  Memory?: number;
  MemoryReservation?: number;
  PidsLimit?: number;
  LogConfig?: { Type: string; Config: Record<string, string> };
  Isolation?: string;
}

export interface EndpointConfig {
  Aliases: string[];
}

/** A network to join after create: the engine takes only one in the create call. */
export interface NetworkConnection {
  network: string;
  aliases: string[];
}

export interface ContainerConfig {
  /** `<service name>.<slot or node id>.<task id>`: a second create of the same task gets 409, not a twin. */
  name: string;
  taskId: string;
  body: ContainerCreateBody;
  /** Networks after the first, to connect before start. */
  laterNetworks: NetworkConnection[];
  /** What `stop` should wait before SIGKILL (also the container's own StopTimeout). */
  stopGraceSeconds: number;
}

export interface ContainerConfigInput {
  task: Task;
  service: Service;
  node: SwarmNode;
  clusterID: string;
  /** The cluster networks the task joins, in attachment order (resolved from the task's Spec.Networks). */
  networks: ClusterNetwork[];
}

export function containerConfig(input: ContainerConfigInput): ContainerConfig {
  const { task, service, node, clusterID } = input;
  checkIdentity(input);
  const spec = task.Spec.ContainerSpec;
  const slot = task.Slot !== undefined && task.Slot > 0 ? task.Slot : undefined;
  const name = `${service.Spec.Name}.${slot ?? node.ID}.${task.ID}`;
  const template: TemplateContext = {
    service: { id: service.ID, name: service.Spec.Name, labels: service.Spec.Labels ?? {} },
    node: {
      id: node.ID,
      hostname: node.Description.Hostname,
      os: node.Description.Platform.OS,
      architecture: node.Description.Platform.Architecture,
    },
    task: { id: task.ID, name, slot: slot === undefined ? '' : String(slot) },
  };
  const expand = (text: string, where: string): string => expandTemplate(text, template, where);

  const labels: Record<string, string> = {
    ...userLabels(spec.Labels),
    ...userLabels(task.Labels),
    ...taskLabels({
      taskId: task.ID,
      taskName: name,
      serviceId: service.ID,
      serviceName: service.Spec.Name,
      nodeId: node.ID,
      clusterId: clusterID,
      ...(slot === undefined ? {} : { slot }),
      ...(task.SpecVersion ? { specVersion: task.SpecVersion.Index } : {}),
      ...(task.JobIteration ? { jobIteration: task.JobIteration.Index } : {}),
    }),
  };
  const stopGraceSeconds = stopTimeoutSeconds(spec.StopGracePeriod);
  const ports = hostModePorts(service.Spec.EndpointSpec?.Ports);
  const attachments = networkAttachments(input);
  const [first, ...later] = attachments;

  const body: ContainerCreateBody = {
    Image: spec.Image,
    Labels: labels,
    ...commandLine(spec),
    ...(spec.Env ? { Env: spec.Env.map((e, i) => expand(e, `ContainerSpec.Env[${i}]`)) } : {}),
    ...(spec.Hostname ? { Hostname: expand(spec.Hostname, 'ContainerSpec.Hostname') } : {}),
    ...(spec.Dir ? { WorkingDir: spec.Dir } : {}),
    ...(spec.User ? { User: spec.User } : {}),
    ...(spec.TTY !== undefined ? { Tty: spec.TTY } : {}),
    ...(spec.OpenStdin !== undefined ? { OpenStdin: spec.OpenStdin } : {}),
    ...(spec.StopSignal ? { StopSignal: spec.StopSignal } : {}),
    StopTimeout: stopGraceSeconds,
    ...(spec.Healthcheck ? { Healthcheck: healthcheck(spec.Healthcheck) } : {}),
    ...(ports.exposed ? { ExposedPorts: ports.exposed } : {}),
    HostConfig: {
      // The orchestrator restarts tasks (as new tasks); an engine restart would hide failures from it.
      RestartPolicy: { Name: 'no' },
      ...(first ? { NetworkMode: first.network } : {}),
      ...(ports.bindings ? { PortBindings: ports.bindings } : {}),
      ...(spec.Mounts?.length ? { Mounts: spec.Mounts.map((m, i) => mount(m, expand, i)) } : {}),
      ...(spec.Groups?.length ? { GroupAdd: spec.Groups } : {}),
      ...(spec.ReadOnly !== undefined ? { ReadonlyRootfs: spec.ReadOnly } : {}),
      ...(spec.Hosts?.length ? { ExtraHosts: extraHosts(spec.Hosts) } : {}),
      ...dns(spec),
      ...(typeof spec.Init === 'boolean' ? { Init: spec.Init } : {}),
      ...(spec.Sysctls ? { Sysctls: spec.Sysctls } : {}),
      ...(spec.CapabilityAdd?.length ? { CapAdd: spec.CapabilityAdd } : {}),
      ...(spec.CapabilityDrop?.length ? { CapDrop: spec.CapabilityDrop } : {}),
      ...(spec.Ulimits?.length ? { Ulimits: spec.Ulimits } : {}),
      ...(spec.OomScoreAdj !== undefined ? { OomScoreAdj: spec.OomScoreAdj } : {}),
      ...resources(task),
      ...(task.Spec.LogDriver?.Name
        ? { LogConfig: { Type: task.Spec.LogDriver.Name, Config: task.Spec.LogDriver.Options ?? {} } }
        : {}),
      ...(spec.Isolation ? { Isolation: spec.Isolation } : {}),
    },
    ...(first
      ? { NetworkingConfig: { EndpointsConfig: { [first.network]: { Aliases: first.aliases } } } }
      : {}),
  };
  return { name, taskId: task.ID, body, laterNetworks: later, stopGraceSeconds };
}

function checkIdentity({ task, service, node, clusterID }: ContainerConfigInput): void {
  const problems: string[] = [];
  if (!task.ID) problems.push('the task has no ID');
  if (!clusterID) problems.push('no cluster ID was given');
  if (task.ServiceID !== service.ID)
    problems.push(`it belongs to service ${task.ServiceID}, not ${service.ID}`);
  if (task.NodeID !== node.ID)
    problems.push(`it is assigned to node ${task.NodeID ?? '(none)'}, not ${node.ID}`);
  if (!task.Spec.ContainerSpec?.Image) problems.push('its ContainerSpec has no Image');
  if (problems.length > 0) {
    throw new InvalidArgumentError(`cannot make a container for task ${task.ID}: ${problems.join('; ')}`);
  }
}

function userLabels(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([key]) => !isReservedLabel(key)));
}

/** Swarm's rule: Command replaces the image's entrypoint and Args become its arguments. */
function commandLine(spec: ContainerSpec): { Entrypoint?: string[]; Cmd?: string[] } {
  if (spec.Command?.length) return { Entrypoint: spec.Command, Cmd: spec.Args ?? [] };
  if (spec.Args?.length) return { Cmd: spec.Args };
  return {};
}

/** StopGracePeriod is nanoseconds; the engine takes whole seconds, so round up rather than cut the grace. */
export function stopTimeoutSeconds(stopGracePeriodNs: number | undefined): number {
  if (stopGracePeriodNs === undefined) return DEFAULT_STOP_GRACE_SECONDS;
  return Math.max(0, Math.ceil(stopGracePeriodNs / 1e9));
}

function healthcheck(h: HealthConfig): HealthConfig {
  const result: HealthConfig = {};
  if (h.Test) result.Test = h.Test;
  if (h.Interval !== undefined) result.Interval = h.Interval;
  if (h.Timeout !== undefined) result.Timeout = h.Timeout;
  if (h.Retries !== undefined) result.Retries = h.Retries;
  if (h.StartPeriod !== undefined) result.StartPeriod = h.StartPeriod;
  if (h.StartInterval !== undefined) result.StartInterval = h.StartInterval;
  return result;
}

interface PortMaps {
  exposed?: Record<string, Record<string, never>>;
  bindings?: Record<string, Array<{ HostPort: string }>>;
}

/** Host-mode published ports bind on the task's own node; PublishedPort 0 (or none) asks for an ephemeral one. */
function hostModePorts(ports: PortConfig[] | undefined): PortMaps {
  const host = (ports ?? []).filter((p) => p.PublishMode === 'host');
  if (host.length === 0) return {};
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, Array<{ HostPort: string }>> = {};
  for (const port of host) {
    const key = `${port.TargetPort}/${(port.Protocol ?? 'tcp').toLowerCase()}`;
    exposed[key] = {};
    const hostPort = port.PublishedPort ? String(port.PublishedPort) : '';
    (bindings[key] ??= []).push({ HostPort: hostPort });
  }
  return { exposed, bindings };
}

function mount(m: Mount, expand: (text: string, where: string) => string, i: number): Mount {
  const result: Mount = { Type: m.Type, Target: expand(m.Target, `ContainerSpec.Mounts[${i}].Target`) };
  if (m.Source) result.Source = expand(m.Source, `ContainerSpec.Mounts[${i}].Source`);
  if (m.ReadOnly !== undefined) result.ReadOnly = m.ReadOnly;
  if (m.BindOptions) result.BindOptions = { ...m.BindOptions };
  if (m.VolumeOptions) result.VolumeOptions = structuredClone(m.VolumeOptions);
  if (m.TmpfsOptions) result.TmpfsOptions = { ...m.TmpfsOptions };
  return result;
}

/** Swarm keeps /etc/hosts order ("IP name [alias...]"); the engine wants "name:IP", one per name. */
export function extraHosts(hosts: string[]): string[] {
  const result: string[] = [];
  for (const entry of hosts) {
    const [ip, ...names] = entry.trim().split(/\s+/);
    if (!ip) continue;
    for (const name of names) result.push(`${name}:${ip}`);
  }
  return result;
}

function dns(spec: ContainerSpec): Pick<ContainerHostConfig, 'Dns' | 'DnsSearch' | 'DnsOptions'> {
  const d = spec.DNSConfig;
  if (!d) return {};
  return {
    ...(d.Nameservers?.length ? { Dns: d.Nameservers } : {}),
    ...(d.Search?.length ? { DnsSearch: d.Search } : {}),
    ...(d.Options?.length ? { DnsOptions: d.Options } : {}),
  };
}

function resources(
  task: Task,
): Pick<ContainerHostConfig, 'NanoCpus' | 'Memory' | 'MemoryReservation' | 'PidsLimit'> {
  const limits = task.Spec.Resources?.Limits;
  const reservations = task.Spec.Resources?.Reservations;
  return {
    ...(limits?.NanoCPUs ? { NanoCpus: limits.NanoCPUs } : {}),
    ...(limits?.MemoryBytes ? { Memory: limits.MemoryBytes } : {}),
    ...(limits?.Pids ? { PidsLimit: limits.Pids } : {}),
    ...(reservations?.MemoryBytes ? { MemoryReservation: reservations.MemoryBytes } : {}),
  };
}

/** Each network with its DNS aliases: the service name (so tasks find each other by it) plus the spec's own. */
function networkAttachments({ task, service, networks }: ContainerConfigInput): NetworkConnection[] {
  const specs = task.Spec.Networks ?? [];
  return networks.map((network) => {
    const attachment = specs.find((a) => a.Target === network.ID || a.Target === network.Spec.Name);
    const aliases = [...new Set([service.Spec.Name, ...(attachment?.Aliases ?? [])])];
    return { network: nodeNetworkName(network), aliases };
  });
}
