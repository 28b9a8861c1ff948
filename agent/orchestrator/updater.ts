import type { Service, Task, UpdateConfig, UpdateState } from '../types/swarm';
import type { ReconcileContext } from './context';
import { DEFAULT_UPDATE_CONFIG } from './spec/defaults';
import { isDirtySlot, liveTasks, type Slot } from './slots';
import { isDirty, isTerminal, newTask, stateIndex } from './task-model';

/** How long a stop-first replacement waits for the old task to stop before starting anyway (swarmkit). */
export const OLD_TASK_TIMEOUT_MS = 60_000;

interface UpdateProgress {
  specVersion: number;
  /** Task ID → when it was first seen running (ms). */
  runningSince: Map<string, number>;
  /** Slots that finished their replacement, and when (a worker sleeps `Delay` after each). */
  finishedAt: Map<string, number>;
  failures: Set<string>;
  lastFinishedAt: number;
}

/**
 * Swarm's rolling update, driven by reconciles instead of goroutines: everything it needs to resume is in
 * the store (UpdateStatus, each task's SpecVersion), so an agent killed mid-update picks up where it was.
 * Slots are replaced `Parallelism` at a time (0 = all), each worker resting `Delay` after its slot; a new task
 * that ends before running, or within `Monitor` after, is a failure; past `MaxFailureRatio` the
 * `FailureAction` applies (pause, continue, or rollback to PreviousSpec).
 */
export class Updater {
  private readonly progress = new Map<string, UpdateProgress>();

  forgetService(serviceId: string): void {
    this.progress.delete(serviceId);
  }

  reconcile(ctx: ReconcileContext, slots: Map<string, Slot>): void {
    const { service } = ctx;
    const state = service.UpdateStatus?.State;
    const version = service.SpecVersion?.Index ?? service.Version.Index;
    let progress = this.progress.get(service.ID);
    if (!progress || progress.specVersion !== version) {
      progress = {
        specVersion: version,
        runningSince: new Map(),
        finishedAt: new Map(),
        failures: new Set(),
        lastFinishedAt: 0,
      };
      this.progress.set(service.ID, progress);
    }
    const rollingBack = state === 'rollback_started' || state === 'rollback_paused';
    const config: Required<UpdateConfig> = {
      ...DEFAULT_UPDATE_CONFIG,
      ...(rollingBack ? service.Spec.RollbackConfig : service.Spec.UpdateConfig),
    };
    const monitorMs = config.Monitor / 1e6;
    const delayMs = config.Delay / 1e6;

    // Watch the new tasks: when they run, and whether they end too early.
    for (const slot of slots.values()) {
      for (const task of slot.tasks) {
        if (isDirty(task, service)) continue;
        if (task.Status.State === 'running' && !progress.runningSince.has(task.ID)) {
          progress.runningSince.set(task.ID, Date.parse(task.Status.Timestamp) || ctx.now);
        }
        if (
          isTerminal(task.Status.State) &&
          task.DesiredState !== 'shutdown' &&
          task.DesiredState !== 'remove'
        ) {
          const since = progress.runningSince.get(task.ID);
          const early = since === undefined || Date.parse(task.Status.Timestamp) - since < monitorMs;
          if (early && (state === 'updating' || state === 'rollback_started')) progress.failures.add(task.ID);
        }
      }
    }
    if (state === 'paused' || state === 'rollback_paused') return;

    const dirty = [...slots.values()].filter((s) => isDirtySlot(s, service));
    const inFlight = [...slots.values()].filter((s) => this.inFlight(ctx, s, progress));
    const total = Math.max(1, [...slots.values()].filter((s) => liveTasks(s).length > 0).length);

    if (
      config.FailureAction !== 'continue' &&
      progress.failures.size > 0 &&
      progress.failures.size / total > config.MaxFailureRatio &&
      (state === 'updating' || state === 'rollback_started')
    ) {
      const failed = [...progress.failures][0] ?? '';
      if (config.FailureAction === 'rollback' && !rollingBack) {
        this.rollback(ctx, `update rolled back due to failure or early termination of task ${failed}`);
      } else {
        this.setStatus(
          ctx,
          rollingBack ? 'rollback_paused' : 'paused',
          `update paused due to failure or early termination of task ${failed}`,
        );
      }
      return;
    }

    if (dirty.length === 0 && inFlight.length === 0) {
      if (state === 'updating' || state === 'rollback_started') {
        // Keep watching the last batch for one monitor period (or Delay + 1 s when longer), as swarmkit does.
        const watch = delayMs >= monitorMs ? delayMs + 1000 : monitorMs;
        const until = progress.lastFinishedAt + watch;
        if (ctx.now < until) {
          ctx.wakeAt(until);
          return;
        }
        this.setStatus(
          ctx,
          state === 'updating' ? 'completed' : 'rollback_completed',
          state === 'updating' ? 'update completed' : 'rollback completed',
        );
      }
      return;
    }
    if (dirty.length > 0 && state !== 'updating' && state !== 'rollback_started') {
      this.setStatus(ctx, 'updating', 'update in progress');
    }

    // Workers: `Parallelism` of them (0 = as many as dirty slots); one is busy while its slot is in flight
    // and for `Delay` after its slot finished.
    const workers = config.Parallelism === 0 ? dirty.length + inFlight.length : config.Parallelism;
    let resting = 0;
    for (const at of progress.finishedAt.values()) {
      if (ctx.now < at + delayMs) {
        resting++;
        ctx.wakeAt(at + delayMs);
      }
    }
    let free = workers - inFlight.length - resting;
    const ordered = dirty.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || a.key.localeCompare(b.key));
    for (const slot of ordered) {
      if (free <= 0) break;
      if (inFlight.includes(slot)) continue;
      this.startSlot(ctx, slot, config.Order);
      free--;
    }
  }

  /**
   * A slot whose replacement is under way: it has a live task of the current spec that is not running yet,
   * or (start-first) a running new task beside old ones still to stop. Records when a slot finishes.
   */
  private inFlight(ctx: ReconcileContext, slot: Slot, progress: UpdateProgress): boolean {
    const live = liveTasks(slot);
    const fresh = live.filter((t) => !isDirty(t, ctx.service));
    const stale = live.filter((t) => isDirty(t, ctx.service));
    if (fresh.length === 0) return false;
    const running = fresh.find((t) => t.Status.State === 'running');
    // Not running yet (a stop-first replacement is released by the orchestrator once the old task stopped).
    if (!running) return true;
    for (const old of stale) ctx.writes.setDesired(old, 'shutdown');
    // Keep only one new task per slot (a restarted agent may find two).
    for (const extra of fresh) if (extra.ID !== running.ID) ctx.writes.setDesired(extra, 'shutdown');
    // A slot replaced by this update occupies its worker for `Delay` from now on.
    const startedAt = ctx.service.UpdateStatus?.StartedAt ?? '';
    const replacedNow = stale.length > 0 || (startedAt !== '' && running.CreatedAt >= startedAt);
    if (replacedNow && !progress.finishedAt.has(slot.key)) {
      progress.finishedAt.set(slot.key, ctx.now);
      progress.lastFinishedAt = ctx.now;
    }
    return false;
  }

  private startSlot(ctx: ReconcileContext, slot: Slot, order: 'stop-first' | 'start-first'): void {
    const old = liveTasks(slot);
    const placement = slot.slot !== undefined ? { slot: slot.slot } : { nodeId: slot.nodeId ?? '' };
    const replacement = newTask(ctx.service, placement, new Date(ctx.now));
    if (order === 'stop-first') {
      const running = old.find((t) => t.Status.State === 'running') ?? old[0];
      for (const task of old) ctx.writes.setDesired(task, 'shutdown');
      if (running) {
        replacement.DesiredState = 'ready';
        replacement.StartAfterStopOf = running.ID;
      }
    }
    ctx.writes.createTask(replacement);
  }

  private setStatus(ctx: ReconcileContext, state: UpdateState, message: string): void {
    const { service } = ctx;
    const now = new Date(ctx.now).toISOString();
    const starting = state === 'updating' || state === 'rollback_started';
    const done = state === 'completed' || state === 'rollback_completed';
    const next: Service = {
      ...service,
      UpdateStatus: {
        State: state,
        StartedAt: starting ? now : (service.UpdateStatus?.StartedAt ?? now),
        ...(done ? { CompletedAt: now } : {}),
        Message: message,
      },
    };
    ctx.writes.updateService(service, next);
  }

  /** Automatic rollback: the previous spec (and its version) come back; the updater then rolls slots back. */
  private rollback(ctx: ReconcileContext, message: string): void {
    const { service } = ctx;
    if (!service.PreviousSpec) {
      this.setStatus(ctx, 'paused', `${message}; no previous spec to roll back to`);
      return;
    }
    const now = new Date(ctx.now).toISOString();
    const next: Service = {
      ...service,
      Spec: service.PreviousSpec,
      UpdateStatus: { State: 'rollback_started', StartedAt: now, Message: message },
    };
    if (service.PreviousSpecVersion) next.SpecVersion = service.PreviousSpecVersion;
    delete next.PreviousSpec;
    delete next.PreviousSpecVersion;
    ctx.writes.updateService(service, next);
  }
}
/**
 * Stop-first: a replacement waits (desired `ready`, StartAfterStopOf) until the old task stopped, its node is gone,
 * or a minute passed; then it may run. Like swarmkit's DelayStart this does not depend on the update going on: a
 * paused, rolled back or superseded update still lets an already created replacement start.
 */
export function startWhenOldStopped(ctx: ReconcileContext, task: Task, tasks: readonly Task[]): void {
  if (task.DesiredState !== 'ready' || !task.StartAfterStopOf) return;
  const old = tasks.find((t) => t.ID === task.StartAfterStopOf);
  const oldNode = old?.NodeID ? ctx.nodes.get(old.NodeID) : undefined;
  const oldGone =
    !old ||
    isTerminal(old.Status.State) ||
    neverStarted(old) ||
    (old.NodeID !== undefined && (!oldNode || oldNode.Status.State === 'down'));
  const waitedMs = ctx.now - Date.parse(task.CreatedAt);
  if (oldGone || waitedMs >= OLD_TASK_TIMEOUT_MS) {
    ctx.writes.setDesired(task, 'running', { StartAfterStopOf: undefined });
  } else {
    ctx.wakeAt(Date.parse(task.CreatedAt) + OLD_TASK_TIMEOUT_MS);
  }
}

/** A task told to stop before its container was started has nothing to wait for. */
function neverStarted(task: Task): boolean {
  const stopping = task.DesiredState === 'shutdown' || task.DesiredState === 'remove';
  return stopping && stateIndex(task.Status.State) < stateIndex('starting');
}
