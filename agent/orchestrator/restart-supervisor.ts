import type { RestartPolicy, Service, Task } from '../types/swarm';
import { DEFAULT_RESTART_POLICY, modeName } from './spec/defaults';
import { slotKey } from './task-model';

/** Longest a crash loop waits between two attempts. */
export const MAX_BACKOFF_MS = 5 * 60_000;
/** A task that ran this long before failing resets the backoff: it was not crash-looping. */
export const HEALTHY_RUN_MS = 60_000;
/** With a 0 delay, the first retry still waits this long, then doubles. */
const MIN_BACKOFF_BASE_MS = 100;

interface SlotHistory {
  specVersion: number;
  /** When each restart of this slot happened (ms). */
  restarts: number[];
  /** Failures in a row without a healthy run in between. */
  consecutiveFailures: number;
}

/**
 * Decides whether a finished task is replaced and when its replacement may start: Swarm's restart policy
 * (condition, max attempts within a window, delay) plus exponential backoff for a crash loop, so an image
 * that exits at once never hammers its engine. History is per slot (or per node for global services),
 * reset when the spec version changes, and kept in memory as in swarmkit.
 */
export class RestartSupervisor {
  private readonly history = new Map<string, SlotHistory>();

  shouldRestart(service: Service, task: Task, now = Date.now()): boolean {
    const policy = effectivePolicy(service);
    const isJob = modeName(service.Spec).endsWith('job');
    const completed = task.Status.State === 'complete';
    if (policy.Condition === 'none') return false;
    if ((policy.Condition === 'on-failure' || isJob) && completed) return false;
    if (!policy.MaxAttempts) return true;
    const history = this.slotHistory(service, task);
    const windowStart = policy.Window ? now - policy.Window / 1e6 : -Infinity;
    return history.restarts.filter((t) => t >= windowStart).length < policy.MaxAttempts;
  }

  /**
   * Records a restart of the task's slot and returns how long the replacement must wait to start:
   * the policy's delay, or, once a slot keeps failing within a minute of its last restart, an exponential
   * backoff (100 ms doubling, capped at 5 minutes) when that is longer than the policy's delay.
   */
  recordRestart(service: Service, task: Task, now = Date.now()): number {
    const policy = effectivePolicy(service);
    const history = this.slotHistory(service, task);
    const last = history.restarts[history.restarts.length - 1];
    const failed = task.Status.State !== 'complete';
    const looping =
      failed && last !== undefined && now - last < HEALTHY_RUN_MS + backoffMs(history.consecutiveFailures);
    history.consecutiveFailures = looping ? history.consecutiveFailures + 1 : failed ? 1 : 0;
    history.restarts.push(now);
    if (history.restarts.length > 100) history.restarts.splice(0, history.restarts.length - 100);
    return Math.max((policy.Delay ?? 0) / 1e6, backoffMs(history.consecutiveFailures));
  }

  forgetService(serviceId: string): void {
    for (const key of this.history.keys()) if (key.startsWith(`${serviceId}/`)) this.history.delete(key);
  }

  private slotHistory(service: Service, task: Task): SlotHistory {
    const key = `${service.ID}/${slotKey(task)}`;
    const version = task.SpecVersion?.Index ?? 0;
    let history = this.history.get(key);
    if (!history || history.specVersion !== version) {
      history = {
        specVersion: version,
        restarts: [],
        consecutiveFailures: history?.consecutiveFailures ?? 0,
      };
      this.history.set(key, history);
    }
    return history;
  }
}

export function effectivePolicy(
  service: Service,
): Required<Pick<RestartPolicy, 'Condition'>> & RestartPolicy {
  return { ...DEFAULT_RESTART_POLICY, ...service.Spec.TaskTemplate.RestartPolicy };
}

/** 0 for a first failure, then 100 ms doubling per failure in a row, capped. */
export function backoffMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 1) return 0;
  return Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_BASE_MS * 2 ** (consecutiveFailures - 1));
}
