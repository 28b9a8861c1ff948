/**
 * What the Nodes, Services and Networks trees show, computed from the cluster model without VS Code:
 * labels, descriptions, tooltips (markdown), icons, contextValues. `views/tree-provider.ts` turns these into
 * vscode.TreeItems. IDs hold identity only (kind and object ID), so selection and expansion survive updates.
 */
import type { ClusterModel } from '../model/cluster-model';
import { isCurrentTask, serviceCounts, serviceMode, updatePhase } from '../model/status';
import { groupServices, networkStackNameOf, servicesOfStack } from '../stacks/stack-grouping';
import type { Network, Service, SwarmNode, Task, TaskState } from '../model/types';
import {
  UPDATE_STATE_TEXT,
  compareNames,
  formatBytes,
  formatCpus,
  formatPort,
  md,
  nodeName,
  servicePorts,
  shortId,
  shortImage,
  taskLabel,
} from './format';

/** A codicon (with an optional theme colour id) or an SVG file in `media/`. */
export type IconSpec = { codicon: string; color?: string } | { media: string };

export type ItemRef =
  | { type: 'node'; id: string }
  | { type: 'stack'; name: string }
  | { type: 'service'; id: string }
  | { type: 'task'; id: string }
  | { type: 'network'; id: string }
  | { type: 'message' };

export interface TreeEntry {
  id: string;
  ref: ItemRef;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  contextValue: string;
  icon?: IconSpec;
  collapsible: boolean;
  command?: { command: string; title: string };
}

// ---------------------------------------------------------------------------------------------------------
// Nodes

export function nodeContextValue(node: SwarmNode): string {
  return `node.${node.Status.State}.${node.Spec.Availability}`;
}

export function nodeIcon(node: SwarmNode): IconSpec {
  if (node.Status.State === 'down') return { codicon: 'vm-outline', color: 'charts.red' };
  if (node.Status.State !== 'ready') return { codicon: 'question', color: 'charts.yellow' };
  switch (node.Spec.Availability) {
    case 'active':
      return { codicon: 'vm-running', color: 'charts.green' };
    case 'pause':
      return { codicon: 'debug-pause', color: 'charts.yellow' };
    case 'drain':
      return { codicon: 'arrow-circle-down', color: 'charts.orange' };
  }
}

function labelLines(title: string, labels: Record<string, string> | undefined): string[] {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => compareNames(a, b));
  if (entries.length === 0) return [];
  return [`**${title}**`, '', ...entries.map(([k, v]) => `- \`${k}\`${v === '' ? '' : ` = \`${v}\``}`), ''];
}

export function nodeEntry(node: SwarmNode, taskCount: number): TreeEntry {
  const resources = node.Description.Resources;
  const parts: string[] = [];
  if (node.Status.State !== 'ready') parts.push(node.Status.State);
  if (node.Spec.Availability !== 'active') parts.push(node.Spec.Availability);
  parts.push(node.Spec.Role);
  parts.push(formatCpus(resources.NanoCPUs), formatBytes(resources.MemoryBytes));
  parts.push(`${taskCount} task${taskCount === 1 ? '' : 's'}`);
  const tooltip = [
    `**${md(nodeName(node))}** \u2014 ${node.Status.State}, ${node.Spec.Availability}, ${node.Spec.Role}`,
    '',
    ...(node.Status.Message ? [`${md(node.Status.Message)}`, ''] : []),
    `- ID: \`${node.ID}\``,
    `- Address: \`${node.Status.Addr || '-'}\``,
    `- Engine: \`${node.ShoalEndpoint?.URL ?? '-'}\` (Docker ${md(node.Description.Engine.EngineVersion || '?')})`,
    `- Platform: ${md(`${node.Description.Platform.OS}/${node.Description.Platform.Architecture}`)}`,
    `- Resources: ${formatCpus(resources.NanoCPUs)}, ${formatBytes(resources.MemoryBytes)}`,
    '',
    ...labelLines('Node labels', node.Spec.Labels),
    ...labelLines('Engine labels', node.Description.Engine.Labels),
  ].join('\n');
  return {
    id: `node:${node.ID}`,
    ref: { type: 'node', id: node.ID },
    label: nodeName(node),
    description: parts.join(' \u00b7 '),
    tooltip: tooltip.trimEnd(),
    contextValue: nodeContextValue(node),
    icon: nodeIcon(node),
    collapsible: taskCount > 0,
  };
}

function byName<T>(name: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareNames(name(a), name(b));
}

export function nodeRoots(model: ClusterModel): TreeEntry[] {
  return [...model.nodes.values()]
    .sort(byName(nodeName))
    .map((node) => nodeEntry(node, countCurrent(model.tasksOfNode(node.ID))));
}

function countCurrent(tasks: Iterable<Task>): number {
  let n = 0;
  for (const task of tasks) if (isCurrentTask(task)) n++;
  return n;
}

/** A node's current tasks, by service name then slot. */
export function nodeChildren(model: ClusterModel, nodeId: string): TreeEntry[] {
  const tasks = [...model.tasksOfNode(nodeId)].filter(isCurrentTask);
  const serviceName = (task: Task) =>
    model.services.get(task.ServiceID)?.Spec.Name ?? shortId(task.ServiceID);
  tasks.sort((a, b) => compareNames(serviceName(a), serviceName(b)) || (a.Slot ?? 0) - (b.Slot ?? 0));
  return tasks.map((task) => taskEntry(model, task, 'node'));
}

// ---------------------------------------------------------------------------------------------------------
// Services

export function serviceContextValue(service: Service): string {
  let value = `service.${serviceMode(service)}`;
  const phase = updatePhase(service);
  if (phase === 'updating') value += '.updating';
  else if (phase === 'paused') value += '.paused';
  if (service.PreviousSpec) value += '.previous';
  return value;
}

export function serviceIcon(service: Service, running: number, desired: number): IconSpec {
  const phase = updatePhase(service);
  if (phase === 'updating') return { codicon: 'sync~spin', color: 'charts.blue' };
  if (phase === 'paused') return { codicon: 'debug-pause', color: 'charts.orange' };
  if (desired > 0 && running === 0) return { codicon: 'layers', color: 'charts.red' };
  if (running < desired) return { codicon: 'layers', color: 'charts.yellow' };
  return { codicon: 'layers-active', color: 'charts.green' };
}

export function serviceEntry(service: Service, tasks: Iterable<Task>): TreeEntry {
  const mode = serviceMode(service);
  const counts = serviceCounts(service, tasks);
  const image = service.Spec.TaskTemplate.ContainerSpec.Image;
  const ports = servicePorts(service).map(formatPort);
  const status = service.UpdateStatus;
  const parts = [`${mode} ${counts.running}/${counts.desired}`, shortImage(image)];
  if (ports.length > 0) parts.push(ports.join(', '));
  if (status && status.State !== 'completed') parts.push(UPDATE_STATE_TEXT[status.State] ?? status.State);
  const update = service.Spec.UpdateConfig;
  const tooltip = [
    `**${md(service.Spec.Name)}** \u2014 ${mode}, ${counts.running}/${counts.desired} running`,
    '',
    `- ID: \`${service.ID}\``,
    `- Image: \`${image}\``,
    ...(ports.length > 0 ? [`- Ports: ${ports.map((p) => `\`${p}\``).join(', ')}`] : []),
    ...((service.Spec.TaskTemplate.Placement?.Constraints ?? []).length > 0
      ? [
          `- Constraints: ${(service.Spec.TaskTemplate.Placement?.Constraints ?? []).map((c) => `\`${c}\``).join(', ')}`,
        ]
      : []),
    ...(update
      ? [
          `- Update: parallelism ${update.Parallelism ?? 1}, ${update.Order ?? 'stop-first'}, on failure ${update.FailureAction ?? 'pause'}`,
        ]
      : []),
    ...(status
      ? [
          '',
          `Update: **${UPDATE_STATE_TEXT[status.State] ?? status.State}**${status.Message ? ` \u2014 ${md(status.Message)}` : ''}`,
        ]
      : []),
    '',
    ...labelLines('Labels', service.Spec.Labels),
  ].join('\n');
  return {
    id: `service:${service.ID}`,
    ref: { type: 'service', id: service.ID },
    label: service.Spec.Name,
    description: parts.join(' \u00b7 '),
    tooltip: tooltip.trimEnd(),
    contextValue: serviceContextValue(service),
    icon: serviceIcon(service, counts.running, counts.desired),
    collapsible: true,
  };
}

/** The Services view's top level: a group per stack (by name), then the services of no stack (by name). */
export function serviceRoots(model: ClusterModel): TreeEntry[] {
  const { stacks, loose } = groupServices(model.services.values());
  return [
    ...[...stacks.entries()].map(([name, services]) => stackEntry(model, name, services)),
    ...loose.map((service) => serviceEntry(service, model.tasksOfService(service.ID))),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Stacks (services labelled com.docker.stack.namespace)

export function stackIcon(running: number, desired: number): IconSpec {
  if (desired > 0 && running === 0) return { codicon: 'package', color: 'charts.red' };
  if (running < desired) return { codicon: 'package', color: 'charts.yellow' };
  return { codicon: 'package', color: 'charts.green' };
}

export function stackEntry(model: ClusterModel, name: string, services: readonly Service[]): TreeEntry {
  let running = 0;
  let desired = 0;
  const lines: string[] = [];
  for (const service of services) {
    const counts = serviceCounts(service, model.tasksOfService(service.ID));
    running += counts.running;
    desired += counts.desired;
    lines.push(`- ${md(service.Spec.Name)}: ${serviceMode(service)} ${counts.running}/${counts.desired}`);
  }
  const networks = [...model.networks.values()]
    .filter((n) => networkStackNameOf(n) === name)
    .map((n) => n.Name)
    .sort(compareNames);
  const count = `${services.length} service${services.length === 1 ? '' : 's'}`;
  const tooltip = [
    `**${md(name)}** \u2014 stack, ${count}, ${running}/${desired} tasks running`,
    '',
    ...lines,
    ...(networks.length > 0 ? ['', `Networks: ${networks.map((n) => `\`${n}\``).join(', ')}`] : []),
  ].join('\n');
  return {
    id: `stack:${name}`,
    ref: { type: 'stack', name },
    label: name,
    description: `${count} \u00b7 ${running}/${desired} running`,
    tooltip,
    contextValue: 'stack',
    icon: stackIcon(running, desired),
    collapsible: true,
  };
}

/** A stack's services, as at the top level (same IDs: a service is in at most one stack). */
export function stackChildren(model: ClusterModel, name: string): TreeEntry[] {
  return servicesOfStack(model.services.values(), name).map((service) =>
    serviceEntry(service, model.tasksOfService(service.ID)),
  );
}

/**
 * A service's current tasks by slot (global: by node), then for each slot whose latest retired task failed,
 * that task, so the error that made it restart stays visible.
 */
export function serviceChildren(model: ClusterModel, serviceId: string): TreeEntry[] {
  const current: Task[] = [];
  const lastFailure = new Map<string, Task>();
  for (const task of model.tasksOfService(serviceId)) {
    if (isCurrentTask(task)) {
      current.push(task);
      continue;
    }
    if (task.Status.State !== 'failed' && task.Status.State !== 'rejected') continue;
    const key = task.Slot !== undefined && task.Slot > 0 ? `s${task.Slot}` : `n${task.NodeID ?? ''}`;
    const seen = lastFailure.get(key);
    if (!seen || seen.Status.Timestamp < task.Status.Timestamp) lastFailure.set(key, task);
  }
  const nodeLabel = (t: Task) => {
    const node = t.NodeID ? model.nodes.get(t.NodeID) : undefined;
    return node ? nodeName(node) : '';
  };
  const order = (a: Task, b: Task) =>
    (a.Slot ?? 0) - (b.Slot ?? 0) || compareNames(nodeLabel(a), nodeLabel(b)) || compareNames(a.ID, b.ID);
  current.sort(order);
  const history = [...lastFailure.values()].sort(order);
  return [...current, ...history].map((task) => taskEntry(model, task, 'service'));
}

// ---------------------------------------------------------------------------------------------------------
// Tasks

const TASK_ICONS: Readonly<Record<TaskState, IconSpec>> = {
  new: { codicon: 'circle-outline', color: 'charts.yellow' },
  pending: { codicon: 'clock', color: 'charts.yellow' },
  assigned: { codicon: 'circle-outline', color: 'charts.yellow' },
  accepted: { codicon: 'circle-outline', color: 'charts.yellow' },
  preparing: { codicon: 'cloud-download', color: 'charts.yellow' },
  ready: { codicon: 'circle-outline', color: 'charts.yellow' },
  starting: { codicon: 'loading~spin', color: 'charts.yellow' },
  running: { codicon: 'circle-filled', color: 'charts.green' },
  complete: { codicon: 'pass', color: 'charts.green' },
  shutdown: { codicon: 'circle-slash', color: 'disabledForeground' },
  failed: { codicon: 'error', color: 'charts.red' },
  rejected: { codicon: 'error', color: 'charts.red' },
  remove: { codicon: 'trash', color: 'disabledForeground' },
  orphaned: { codicon: 'question', color: 'charts.orange' },
};

export function taskContextValue(task: Task): string {
  return `task.${task.Status.State}`;
}

export function taskIcon(task: Task): IconSpec {
  return TASK_ICONS[task.Status.State] ?? { codicon: 'circle-outline' };
}

/** A task under its service (`under: 'service'`: shows the node) or under its node (shows the service). */
export function taskEntry(model: ClusterModel, task: Task, under: 'service' | 'node'): TreeEntry {
  const service = model.services.get(task.ServiceID);
  const serviceName = service?.Spec.Name ?? shortId(task.ServiceID);
  const nodeNameOf = (id: string) => {
    const node = model.nodes.get(id);
    return node ? nodeName(node) : undefined;
  };
  const node = task.NodeID ? (nodeNameOf(task.NodeID) ?? shortId(task.NodeID)) : undefined;
  const state = task.Status.State;
  const retired = !isCurrentTask(task);
  const parts: string[] = [
    state === task.DesiredState || retired ? state : `${state} \u2192 ${task.DesiredState}`,
  ];
  if (under === 'service') parts.push(node ?? 'no node');
  else parts.push(shortImage(task.Spec.ContainerSpec.Image));
  const error = task.Status.Err;
  if (error) parts.push(error);
  else if (state === 'pending' && task.Status.Message) parts.push(task.Status.Message);
  const label = taskLabel(serviceName, task, nodeNameOf);
  const container = task.Status.ContainerStatus;
  const tooltip = [
    `**${md(label)}** \u2014 ${state} (desired ${task.DesiredState})`,
    '',
    ...(error ? [`Error: ${md(error)}`, ''] : []),
    `- Task: \`${task.ID}\``,
    `- Service: ${md(serviceName)}`,
    `- Node: ${md(node ?? 'not assigned')}`,
    `- Image: \`${task.Spec.ContainerSpec.Image}\``,
    ...(task.Status.Message ? [`- Message: ${md(task.Status.Message)}`] : []),
    `- Since: ${md(task.Status.Timestamp)}`,
    ...(container?.ContainerID ? [`- Container: \`${shortId(container.ContainerID)}\``] : []),
    ...(container?.ExitCode !== undefined && isTerminalExit(state)
      ? [`- Exit code: ${container.ExitCode}`]
      : []),
  ].join('\n');
  return {
    id: `task:${task.ID}`,
    ref: { type: 'task', id: task.ID },
    label: retired ? `\u21b3 ${label}` : label,
    description: parts.join(' \u00b7 '),
    tooltip,
    contextValue: taskContextValue(task),
    icon: taskIcon(task),
    collapsible: false,
  };
}

function isTerminalExit(state: TaskState): boolean {
  return state === 'failed' || state === 'complete' || state === 'shutdown';
}

// ---------------------------------------------------------------------------------------------------------
// Networks

export function networkContextValue(network: Network): string {
  return `network.${network.Driver.replace(/[^a-z0-9-]/gi, '')}`;
}

/** Services whose tasks attach to the network (specs name networks by ID, or by name before resolution). */
export function servicesOnNetwork(model: ClusterModel, network: Network): Service[] {
  return [...model.services.values()]
    .filter((s) =>
      (s.Spec.TaskTemplate.Networks ?? []).some((n) => n.Target === network.ID || n.Target === network.Name),
    )
    .sort(byName((s: Service) => s.Spec.Name));
}

export function networkEntry(model: ClusterModel, network: Network): TreeEntry {
  const services = servicesOnNetwork(model, network);
  const parts = [network.Driver, network.Scope];
  if (network.Subnets.length > 0) parts.push(network.Subnets.join(', '));
  parts.push(`${services.length} service${services.length === 1 ? '' : 's'}`);
  const flags = [network.Internal ? 'internal' : '', network.Attachable ? 'attachable' : ''].filter(
    (f) => f !== '',
  );
  const tooltip = [
    `**${md(network.Name)}** \u2014 ${network.Driver}, ${network.Scope}${flags.length > 0 ? `, ${flags.join(', ')}` : ''}`,
    '',
    `- ID: \`${network.ID}\``,
    `- Subnets: ${network.Subnets.length > 0 ? network.Subnets.map((s) => `\`${s}\``).join(', ') : 'assigned by the engines'}`,
    `- Services: ${services.length > 0 ? services.map((s) => md(s.Spec.Name)).join(', ') : 'none'}`,
    ...(network.CreatedAt ? [`- Created: ${md(network.CreatedAt)}`] : []),
    '',
    ...labelLines('Labels', network.Labels),
  ].join('\n');
  return {
    id: `network:${network.ID}`,
    ref: { type: 'network', id: network.ID },
    label: network.Name,
    description: parts.join(' \u00b7 '),
    tooltip: tooltip.trimEnd(),
    contextValue: networkContextValue(network),
    icon: { codicon: 'type-hierarchy' },
    collapsible: services.length > 0,
  };
}

export function networkRoots(model: ClusterModel): TreeEntry[] {
  return [...model.networks.values()].sort(byName((n: Network) => n.Name)).map((n) => networkEntry(model, n));
}

/** The services attached to a network; IDs are scoped to the network so each appears once per parent. */
export function networkChildren(model: ClusterModel, networkId: string): TreeEntry[] {
  const network = model.networks.get(networkId);
  if (!network) return [];
  return servicesOnNetwork(model, network).map((service) => {
    const entry = serviceEntry(service, model.tasksOfService(service.ID));
    return { ...entry, id: `network:${networkId}/service:${service.ID}`, collapsible: false };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Whole trees (for the benchmark and the map)

/** Every item of the Services and Nodes trees, children included, as a full refresh with all expanded builds them. */
export function buildFullTrees(model: ClusterModel): {
  services: TreeEntry[];
  nodes: TreeEntry[];
  count: number;
} {
  const services = serviceRoots(model);
  const nodes = nodeRoots(model);
  let count = services.length + nodes.length;
  const countService = (entry: TreeEntry) => {
    if (entry.ref.type === 'service') count += serviceChildren(model, entry.ref.id).length;
  };
  for (const s of services) {
    countService(s);
    if (s.ref.type !== 'stack') continue;
    const members = stackChildren(model, s.ref.name);
    count += members.length;
    for (const member of members) countService(member);
  }
  for (const n of nodes) if (n.ref.type === 'node') count += nodeChildren(model, n.ref.id).length;
  return { services, nodes, count };
}
