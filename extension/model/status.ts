import type { Service, Task, TaskState } from './types';

export type ServiceMode = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export function serviceMode(service: Service): ServiceMode {
  const mode = service.Spec.Mode;
  if (mode?.Global) return 'global';
  if (mode?.ReplicatedJob) return 'replicated-job';
  if (mode?.GlobalJob) return 'global-job';
  return 'replicated';
}

/** A task's desired state that still counts: not retired by an update, scale-down or removal. */
export function isCurrentTask(task: Task): boolean {
  return task.DesiredState !== 'shutdown' && task.DesiredState !== 'remove';
}

const TERMINAL: ReadonlySet<TaskState> = new Set([
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

export interface ServiceCounts {
  running: number;
  desired: number;
  completed: number;
}

/** Running and desired tasks as `docker service ls` counts them (the agent's own rule, agent/api/swarm/service-view.ts). */
export function serviceCounts(service: Service, tasks: Iterable<Task>): ServiceCounts {
  const mode = service.Spec.Mode ?? {};
  const iteration = service.JobStatus?.JobIteration.Index;
  const isJob = mode.ReplicatedJob !== undefined || mode.GlobalJob !== undefined;
  let running = 0;
  let completed = 0;
  let desiredRunning = 0;
  let desiredRunningOrComplete = 0;
  for (const t of tasks) {
    if (isJob && iteration !== undefined && t.JobIteration?.Index !== iteration) continue;
    if (t.Status.State === 'running' && (t.DesiredState === 'running' || t.DesiredState === 'complete'))
      running++;
    if (t.Status.State === 'complete') completed++;
    if (t.DesiredState === 'running') desiredRunning++;
    if (t.DesiredState === 'running' || t.DesiredState === 'complete') desiredRunningOrComplete++;
  }
  let desired: number;
  if (mode.ReplicatedJob) {
    const total = mode.ReplicatedJob.TotalCompletions ?? 1;
    desired = Math.max(0, Math.min(mode.ReplicatedJob.MaxConcurrent ?? 1, total - completed));
  } else if (mode.GlobalJob) {
    desired = desiredRunningOrComplete;
  } else if (mode.Global) {
    desired = desiredRunning;
  } else {
    desired = mode.Replicated?.Replicas ?? 1;
  }
  return { running, desired, completed };
}

/** Whether an update or rollback is in progress, paused, or done; undefined with no UpdateStatus. */
export function updatePhase(service: Service): 'updating' | 'paused' | 'done' | undefined {
  const state = service.UpdateStatus?.State;
  if (state === undefined) return undefined;
  if (state === 'updating' || state === 'rollback_started') return 'updating';
  if (state === 'paused' || state === 'rollback_paused') return 'paused';
  return 'done';
}
