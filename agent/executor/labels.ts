/**
 * The labels every Shoal task container carries. The `com.docker.swarm.*` ones are what Docker's own executor
 * sets (so `docker ps --filter label=com.docker.swarm.service.name=web` works as with swarm mode); the
 * `io.shoal.*` ones are what the agent needs to adopt a container after a restart without its store.
 */
export const LABEL = {
  task: 'com.docker.swarm.task',
  taskId: 'com.docker.swarm.task.id',
  taskName: 'com.docker.swarm.task.name',
  serviceId: 'com.docker.swarm.service.id',
  serviceName: 'com.docker.swarm.service.name',
  nodeId: 'com.docker.swarm.node.id',
  clusterId: 'io.shoal.cluster.id',
  slot: 'io.shoal.task.slot',
  specVersion: 'io.shoal.spec.version',
  jobIteration: 'io.shoal.job.iteration',
} as const;

/** Label keys users may not set on a container: the engine-facing truth about a task is ours alone. */
export function isReservedLabel(key: string): boolean {
  return key.startsWith('io.shoal.') || (Object.values(LABEL) as string[]).includes(key);
}

export interface TaskLabels {
  taskId: string;
  taskName: string;
  serviceId: string;
  serviceName: string;
  nodeId: string;
  clusterId: string;
  /** Replicated tasks only; global tasks are identified by their node. */
  slot?: number;
  specVersion?: number;
  jobIteration?: number;
}

export function taskLabels(labels: TaskLabels): Record<string, string> {
  const result: Record<string, string> = {
    [LABEL.task]: '',
    [LABEL.taskId]: labels.taskId,
    [LABEL.taskName]: labels.taskName,
    [LABEL.serviceId]: labels.serviceId,
    [LABEL.serviceName]: labels.serviceName,
    [LABEL.nodeId]: labels.nodeId,
    [LABEL.clusterId]: labels.clusterId,
  };
  if (labels.slot !== undefined) result[LABEL.slot] = String(labels.slot);
  if (labels.specVersion !== undefined) result[LABEL.specVersion] = String(labels.specVersion);
  if (labels.jobIteration !== undefined) result[LABEL.jobIteration] = String(labels.jobIteration);
  return result;
}

/**
 * The task a container belongs to, or undefined when it is not a Shoal task container (no labels, a plain
 * swarm-mode task, or labels too damaged to trust).
 */
export function parseTaskLabels(labels: Record<string, string> | null | undefined): TaskLabels | undefined {
  if (!labels) return undefined;
  const required = {
    taskId: labels[LABEL.taskId],
    taskName: labels[LABEL.taskName],
    serviceId: labels[LABEL.serviceId],
    serviceName: labels[LABEL.serviceName],
    nodeId: labels[LABEL.nodeId],
    clusterId: labels[LABEL.clusterId],
  };
  for (const value of Object.values(required)) if (!value) return undefined;
  const parsed: TaskLabels = required as { [K in keyof typeof required]: string };
  for (const key of ['slot', 'specVersion', 'jobIteration'] as const) {
    const raw = labels[LABEL[key]];
    if (raw === undefined) continue;
    const value = wholeNumber(raw);
    if (value === undefined) return undefined;
    parsed[key] = value;
  }
  return parsed;
}

function wholeNumber(raw: string): number | undefined {
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
