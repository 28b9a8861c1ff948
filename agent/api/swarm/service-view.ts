import { modeName, normalizedMode, withDefaults, type ModeName } from '../../orchestrator/spec/defaults';
import type { Service, Task } from '../../types/swarm';
import { InvalidArgumentError } from '../../util/errors';
import { matchesAllLabels, matchesAnyPrefix, type FilterArgs } from '../filters';

export const SERVICE_FILTERS = ['id', 'name', 'label', 'mode'] as const;
const MODES: readonly ModeName[] = ['replicated', 'global', 'replicated-job', 'global-job'];

/** Docker's service filters: `id` and `name` are prefixes, every `label` must hold, `mode` is one of the four. */
export function serviceFilter(filters: FilterArgs): (service: Service) => boolean {
  const modes = filters.get('mode') ?? [];
  for (const mode of modes) {
    if (!MODES.includes(mode as ModeName)) throw new InvalidArgumentError(`Invalid filter: 'mode'='${mode}'`);
  }
  return (service) =>
    matchesAnyPrefix(service.ID, filters.get('id')) &&
    matchesAnyPrefix(service.Spec.Name, filters.get('name')) &&
    matchesAllLabels(service.Spec.Labels ?? {}, filters.get('label')) &&
    (modes.length === 0 || modes.includes(modeName(service.Spec)));
}

/**
 * `ServiceStatus` for `status=true` (what `docker service ls` shows as REPLICAS), counted as swarmkit's
 * ListServiceStatuses does. `tasks` are the service's own.
 */
export function serviceStatus(
  service: Service,
  tasks: readonly Task[],
): NonNullable<Service['ServiceStatus']> {
  const mode = normalizedMode(service.Spec);
  const iteration = service.JobStatus?.JobIteration.Index;
  const current =
    mode.ReplicatedJob || mode.GlobalJob
      ? tasks.filter((t) => iteration === undefined || t.JobIteration?.Index === iteration)
      : tasks;
  const running = current.filter(
    (t) => t.Status.State === 'running' && (t.DesiredState === 'running' || t.DesiredState === 'complete'),
  ).length;
  const completed = current.filter((t) => t.Status.State === 'complete').length;
  let desired: number;
  if (mode.Replicated) {
    desired = mode.Replicated.Replicas ?? 1;
  } else if (mode.ReplicatedJob) {
    const total = mode.ReplicatedJob.TotalCompletions ?? 1;
    desired = Math.max(0, Math.min(mode.ReplicatedJob.MaxConcurrent ?? 1, total - completed));
  } else if (mode.GlobalJob) {
    desired = current.filter((t) => t.DesiredState === 'complete' || t.DesiredState === 'running').length;
  } else {
    desired = current.filter((t) => t.DesiredState === 'running').length;
  }
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed };
}

/** `insertDefaults=true`: the specs with every default spelled out, as `docker service inspect` shows them. */
export function withInsertedDefaults(service: Service): Service {
  return {
    ...service,
    Spec: withDefaults(service.Spec),
    ...(service.PreviousSpec ? { PreviousSpec: withDefaults(service.PreviousSpec) } : {}),
  };
}
