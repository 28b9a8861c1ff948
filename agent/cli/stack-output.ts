import type { ComposeDiagnostic } from '../compose/types';
import { modeName } from '../orchestrator/spec/defaults';
import type {
  FieldChange,
  PlannedService,
  StackDeployResult,
  StackPlan,
  StackSummary,
} from '../stacks/types';
import type { PortConfig, Service, SwarmNode, Task } from '../types/swarm';
import { table } from './table';

/** What `shoal stack` prints; pure functions of the agent's answers, so that they are tested on their own. */

/** `file:line:column: warning: message`, as compilers print them (and VS Code's problem matchers read them). */
export function formatDiagnostic(d: ComposeDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** `shoal stack deploy`: one line per step, in the docker CLI's words. */
export function deployLines(result: StackDeployResult): string[] {
  const lines = result.networks.filter((n) => n.action === 'create').map((n) => `Creating network ${n.name}`);
  for (const service of result.services) {
    if (service.action === 'create') lines.push(`Creating service ${service.name}`);
    else if (service.action === 'update')
      lines.push(`Updating service ${service.name} (${fieldList(service)})`);
    else if (service.action === 'unchanged') lines.push(`Service ${service.name} is unchanged`);
  }
  for (const service of result.services) {
    if (service.action === 'remove') lines.push(`Removing service ${service.name}`);
  }
  return lines;
}

/** `(3 fields: TaskTemplate.ContainerSpec.Image, ...)`. */
function fieldList(service: PlannedService): string {
  const paths = (service.changes ?? []).map((c) => c.path);
  return `${paths.length} field${paths.length === 1 ? '' : 's'}: ${paths.join(', ')}`;
}

/** `shoal stack diff`: the plan, each update with its fields before and after. */
export function planText(plan: StackPlan): string {
  const lines: string[] = [];
  for (const network of plan.networks) {
    const what = { create: 'create', exists: 'exists', external: 'external, exists' }[network.action];
    lines.push(`${network.action === 'create' ? '+' : ' '} network ${network.name} (${what})`);
  }
  for (const service of plan.services) {
    const mark = { create: '+', update: '~', unchanged: ' ', remove: '-' }[service.action];
    const what = service.action === 'update' ? fieldList(service) : service.action;
    lines.push(`${mark} service ${service.name} (${what})`);
    for (const change of service.changes ?? []) lines.push(`    ${changeText(change)}`);
  }
  const counts = (['create', 'update', 'unchanged', 'remove'] as const).map(
    (action) => `${plan.services.filter((s) => s.action === action).length} to ${action}`,
  );
  lines.push(`Stack ${plan.stack}: ${counts.join(', ').replace('to unchanged', 'unchanged')}`);
  return lines.join('\n') + '\n';
}

function changeText(change: FieldChange): string {
  const show = (value: unknown) => (value === undefined ? '(not set)' : JSON.stringify(value));
  return `${change.path}: ${show(change.before)} -> ${show(change.after)}`;
}

/** `shoal stack ls`, as `docker stack ls`. */
export function stacksTable(stacks: readonly StackSummary[]): string {
  return table([['NAME', 'SERVICES'], ...stacks.map((s) => [s.name, String(s.services)])]);
}

/** `shoal stack services`, as `docker stack services`. */
export function servicesTable(services: readonly Service[]): string {
  const rows = services.map((s) => {
    const status = s.ServiceStatus;
    const replicas = status ? `${status.RunningTasks}/${status.DesiredTasks}` : '';
    return [
      s.ID.slice(0, 12),
      s.Spec.Name,
      modeName(s.Spec),
      replicas,
      s.Spec.TaskTemplate.ContainerSpec.Image,
      portsText(s.Endpoint?.Ports ?? []),
    ];
  });
  return table([['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'], ...rows]);
}

function portsText(ports: readonly PortConfig[]): string {
  return ports.map((p) => `*:${p.PublishedPort ?? ''}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`).join(', ');
}

/**
 * `shoal stack ps`, as `docker stack ps`: per service and slot, the newest task first and the ones it replaced
 * below it as ` \_ name`.
 */
export function tasksTable(
  tasks: readonly Task[],
  services: readonly Service[],
  nodes: readonly SwarmNode[],
  now = Date.now(),
): string {
  const serviceNames = new Map(services.map((s) => [s.ID, s.Spec.Name]));
  const hostnames = new Map(nodes.map((n) => [n.ID, n.Description.Hostname]));
  const slotOf = (t: Task) => (t.Slot !== undefined && t.Slot > 0 ? String(t.Slot) : (t.NodeID ?? ''));
  const nameOf = (t: Task) => `${serviceNames.get(t.ServiceID) ?? t.ServiceID}.${slotOf(t)}`;
  const sorted = [...tasks].sort(
    (a, b) =>
      nameOf(a).localeCompare(nameOf(b), undefined, { numeric: true }) ||
      b.Status.Timestamp.localeCompare(a.Status.Timestamp),
  );
  const rows = sorted.map((t, i) => {
    const replaced = i > 0 && nameOf(sorted[i - 1]!) === nameOf(t);
    return [
      t.ID.slice(0, 12),
      replaced ? ` \\_ ${nameOf(t)}` : nameOf(t),
      t.Spec.ContainerSpec?.Image ?? '',
      hostnames.get(t.NodeID ?? '') ?? t.NodeID ?? '',
      capitalized(t.DesiredState),
      `${capitalized(t.Status.State)} ${ago(t.Status.Timestamp, now)}`,
      t.Status.Err ? `"${t.Status.Err}"` : '',
      portsText(t.Status.PortStatus?.Ports ?? []),
    ];
  });
  return table([
    ['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS'],
    ...rows,
  ]);
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `5 seconds ago`, `3 minutes ago`, as the docker CLI words it. */
export function ago(timestamp: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return '';
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (seconds < 1) return 'less than a second ago';
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.floor(seconds / 60), 'minute');
  if (seconds < 48 * 3600) return unit(Math.floor(seconds / 3600), 'hour');
  return unit(Math.floor(seconds / 86400), 'day');
}
