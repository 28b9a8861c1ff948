import { randomBytes } from 'node:crypto';
import type { PortConfig, Service, Task, TaskState } from '../types/swarm';
import { TASK_STATES } from '../types/swarm';

/** Swarm's numeric order of task states; a task's observed state only ever moves forward. */
const ORDER = new Map<TaskState, number>(TASK_STATES.map((s, i) => [s, i]));

export function stateIndex(state: TaskState): number {
  return ORDER.get(state) ?? 0;
}

export function isAfter(a: TaskState, b: TaskState): boolean {
  return stateIndex(a) > stateIndex(b);
}

/** Observed states past `running`: the task's container is done, for good. */
export function isTerminal(state: TaskState): boolean {
  return isAfter(state, 'running');
}

/** A task that counts towards its service: desired to run and not finished. */
export function isRunnable(task: Task): boolean {
  return task.DesiredState === 'running' && !isTerminal(task.Status.State);
}

/** Swarm IDs: 25 lowercase alphanumerics. */
export function newID(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const bytes = randomBytes(25);
  let id = '';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

/** `<service>.<slot>.<task id>` for replicated tasks, `<service>.<node id>.<task id>` for global ones. */
export function taskName(serviceName: string, task: Pick<Task, 'ID' | 'Slot' | 'NodeID'>): string {
  const middle = task.Slot !== undefined && task.Slot > 0 ? String(task.Slot) : (task.NodeID ?? '');
  return `${serviceName}.${middle}.${task.ID}`;
}

/** A new task of the service's current spec, desired running, observed `new`. */
export function newTask(
  service: Service,
  placement: { slot?: number; nodeId?: string },
  now = new Date(),
): Omit<Task, 'Version' | 'CreatedAt' | 'UpdatedAt'> {
  const task: Omit<Task, 'Version' | 'CreatedAt' | 'UpdatedAt'> = {
    ID: newID(),
    Labels: {},
    Spec: structuredClone(service.Spec.TaskTemplate),
    ServiceID: service.ID,
    Status: { Timestamp: now.toISOString(), State: 'new', Message: 'created' },
    DesiredState: 'running',
    SpecVersion: { Index: specVersionOf(service) },
    Endpoint: { Spec: structuredClone(service.Spec.EndpointSpec ?? {}) },
  };
  if (placement.slot !== undefined) task.Slot = placement.slot;
  if (placement.nodeId !== undefined) task.NodeID = placement.nodeId;
  return task;
}

/** The spec version a service's tasks should be at. */
export function specVersionOf(service: Service): number {
  return service.SpecVersion?.Index ?? service.Version.Index;
}

/**
 * A task that no longer matches its service (swarmkit's IsTaskDirty, which the docker CLI's `_up-to-date`
 * filter also uses): same spec version → clean; otherwise dirty when its task spec or published ports differ.
 * So scaling (a new spec version, same template) leaves running tasks alone.
 */
export function isDirty(task: Task, service: Service): boolean {
  if ((task.SpecVersion?.Index ?? -1) === specVersionOf(service)) return false;
  if (!sameJson(task.Spec, service.Spec.TaskTemplate)) return true;
  return !sameJson(
    comparablePorts(task.Endpoint?.Spec?.Ports),
    comparablePorts(service.Spec.EndpointSpec?.Ports),
  );
}

/**
 * Ports with Docker's defaults spelled out: swarmkit's protobuf makes an absent protocol `tcp` and an absent
 * mode `ingress`, so a spec that writes them and one that leaves them out are the same ports there too.
 */
function comparablePorts(ports: readonly PortConfig[] | undefined): PortConfig[] {
  return (ports ?? []).map((port) => ({
    ...port,
    Protocol: port.Protocol ?? 'tcp',
    PublishMode: port.PublishMode ?? 'ingress',
  }));
}

/** Structural equality of JSON values, ignoring key order and absent-vs-undefined. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The key of a task's slot: its slot number for replicated services, its node for global ones. */
export function slotKey(task: Pick<Task, 'Slot' | 'NodeID'>): string {
  return task.Slot !== undefined && task.Slot > 0 ? `slot:${task.Slot}` : `node:${task.NodeID ?? ''}`;
}
