import type { PortConfig, Service, SwarmNode, Task, UpdateState } from '../model/types';

export function formatCpus(nanoCpus: number): string {
  const cpus = nanoCpus / 1e9;
  const text = Number.isInteger(cpus) ? String(cpus) : cpus.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
  return `${text} CPU${cpus === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text =
    unit === 0 || value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[unit] ?? 'B'}`;
}

/** `8080:80/tcp` (host mode: `8080:80/tcp host`), or `80/tcp` when nothing is published. */
export function formatPort(port: PortConfig): string {
  const protocol = port.Protocol ?? 'tcp';
  const published =
    port.PublishedPort !== undefined && port.PublishedPort > 0 ? `${port.PublishedPort}:` : '';
  const mode = port.PublishMode === 'host' ? ' host' : '';
  return `${published}${port.TargetPort}/${protocol}${mode}`;
}

export function servicePorts(service: Service): PortConfig[] {
  return service.Endpoint?.Ports ?? service.Spec.EndpointSpec?.Ports ?? [];
}

export function nodeName(node: SwarmNode): string {
  return node.Description.Hostname || node.Spec.Name || node.ID.slice(0, 12);
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** `web.3` as `docker service ps` shows it; global tasks are named after their node. */
export function taskLabel(
  serviceName: string,
  task: Task,
  nodeNameOf: (id: string) => string | undefined,
): string {
  if (task.Slot !== undefined && task.Slot > 0) return `${serviceName}.${task.Slot}`;
  if (task.NodeID) return `${serviceName}.${nodeNameOf(task.NodeID) ?? shortId(task.NodeID)}`;
  return `${serviceName}.${shortId(task.ID)}`;
}

export const UPDATE_STATE_TEXT: Readonly<Record<UpdateState, string>> = {
  updating: 'updating',
  paused: 'update paused',
  completed: 'updated',
  rollback_started: 'rolling back',
  rollback_paused: 'rollback paused',
  rollback_completed: 'rolled back',
};

/** The image without a digest, which only makes descriptions long. */
export function shortImage(image: string): string {
  const at = image.indexOf('@');
  return at < 0 ? image : image.slice(0, at);
}

/** Markdown text with the characters that markdown would interpret escaped. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

const collator = new Intl.Collator(undefined, { numeric: true });

/** Natural order (`node2` before `node10`), with one shared collator: localeCompare builds one per call. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}
