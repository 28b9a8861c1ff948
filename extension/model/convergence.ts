import type { ClusterModel } from './cluster-model';
import { isCurrentTask, serviceCounts, serviceMode } from './status';
import type { Task } from './types';

export type Goal =
  /** Created or scaled: wait for running == desired. */
  | { kind: 'converge' }
  /** Updated or rolled back: wait for the UpdateStatus to finish (or, with none, for running == desired). */
  | { kind: 'update' }
  /** Removed: wait until the service and its running tasks are gone. */
  | { kind: 'remove' };

export type Outcome =
  | { kind: 'converged'; running: number; desired: number }
  | { kind: 'update-completed'; state: string; message: string }
  | { kind: 'update-paused'; state: string; message: string }
  | { kind: 'removed' }
  | { kind: 'vanished' }
  | { kind: 'cancelled'; progress: string };

export interface WatchOptions {
  model: ClusterModel;
  /** Service ID, or its name while the ID is not known yet (create). */
  service: string;
  goal: Goal;
  /**
   * The service's Version.Index when the request was sent: states at or below it are from before the change
   * and do not count (an old `completed` update status must not end the wait at once).
   */
  baselineVersion: number;
  signal?: AbortSignal;
  onProgress?(text: string): void;
}

/**
 * Waits for a service to reach a goal by watching the model's changes: nothing is polled. Resolves with how
 * it ended; never rejects.
 */
export function watchConvergence(options: WatchOptions): Promise<Outcome> {
  const { model, goal, signal } = options;
  return new Promise<Outcome>((resolve) => {
    let lastProgress = '';
    let done = false;
    const subscriptions = [model.onDidChange(() => check()), model.onDidReset(() => check())];
    const finish = (outcome: Outcome) => {
      if (done) return;
      done = true;
      for (const s of subscriptions) s.dispose();
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'cancelled', progress: lastProgress });
    signal?.addEventListener('abort', onAbort);
    const progress = (text: string) => {
      if (text === lastProgress) return;
      lastProgress = text;
      options.onProgress?.(text);
    };

    function check(): void {
      if (done || !model.isLoaded) return;
      const outcome = evaluate(model, options.service, goal, options.baselineVersion);
      if ('progress' in outcome) progress(outcome.progress);
      else finish(outcome);
    }

    if (signal?.aborted) onAbort();
    else check();
  });
}

/** One look at the model: the outcome if the goal is reached, else a line saying where things stand. */
export function evaluate(
  model: ClusterModel,
  reference: string,
  goal: Goal,
  baselineVersion: number,
): Exclude<Outcome, { kind: 'cancelled' }> | { progress: string } {
  const service = model.findService(reference);
  if (goal.kind === 'remove') {
    if (service) return { progress: 'removing the service' };
    const left = [...model.tasks.values()].filter(
      (t) => t.ServiceID === reference && t.Status.State === 'running',
    ).length;
    return left === 0
      ? { kind: 'removed' }
      : { progress: `${left} task${left === 1 ? '' : 's'} still running` };
  }
  if (!service) return baselineVersion > 0 ? { kind: 'vanished' } : { progress: 'waiting for the service' };
  if (service.Version.Index <= baselineVersion) return { progress: 'waiting for the agent' };
  const tasks = [...model.tasksOfService(service.ID)];
  const counts = serviceCounts(service, tasks);
  const status = service.UpdateStatus;
  if (goal.kind === 'update' && status) {
    if (status.State === 'completed' || status.State === 'rollback_completed') {
      if (counts.running >= counts.desired) {
        return { kind: 'update-completed', state: status.State, message: status.Message };
      }
    } else if (status.State === 'paused' || status.State === 'rollback_paused') {
      return { kind: 'update-paused', state: status.State, message: status.Message };
    }
    return {
      progress: `${status.State.replace('_', ' ')}: ${counts.running}/${counts.desired} running${problem(tasks)}`,
    };
  }
  const mode = serviceMode(service);
  if (
    counts.running === counts.desired &&
    (mode !== 'global' || counts.desired > 0 || model.nodes.size === 0)
  ) {
    if (allCurrentRunning(tasks))
      return { kind: 'converged', running: counts.running, desired: counts.desired };
  }
  return { progress: `${counts.running}/${counts.desired} running${problem(tasks)}` };
}

/** True when no current task is still on its way up or down. */
function allCurrentRunning(tasks: Task[]): boolean {
  return tasks.every(
    (t) => !isCurrentTask(t) || t.Status.State === 'running' || t.Status.State === 'complete',
  );
}

/** The newest error or pending reason among the tasks, to show why it is taking long. */
function problem(tasks: Task[]): string {
  let newest: Task | undefined;
  for (const task of tasks) {
    const interesting = task.Status.Err !== undefined && task.Status.Err !== '';
    const pending = task.Status.State === 'pending' && isCurrentTask(task) && task.Status.Message !== '';
    if (!interesting && !pending) continue;
    if (!newest || newest.Status.Timestamp < task.Status.Timestamp) newest = task;
  }
  if (!newest) return '';
  return ` \u2014 ${newest.Status.Err || newest.Status.Message}`;
}

/** One sentence for the notification. */
export function describeOutcome(serviceName: string, outcome: Outcome): string {
  switch (outcome.kind) {
    case 'converged':
      return `${serviceName}: ${outcome.running}/${outcome.desired} tasks running.`;
    case 'update-completed':
      return `${serviceName}: ${outcome.state === 'rollback_completed' ? 'rollback' : 'update'} completed${outcome.message ? ` (${outcome.message})` : ''}.`;
    case 'update-paused':
      return `${serviceName}: ${outcome.state === 'rollback_paused' ? 'rollback' : 'update'} paused: ${outcome.message || 'no reason given'}.`;
    case 'removed':
      return `${serviceName} removed.`;
    case 'vanished':
      return `${serviceName} was removed while waiting for it.`;
    case 'cancelled':
      return `Stopped watching ${serviceName}${outcome.progress ? ` (${outcome.progress})` : ''}; the agent keeps converging it.`;
  }
}
