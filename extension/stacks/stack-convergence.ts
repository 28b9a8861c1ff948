import type { StackDeployResult } from '../../agent/stacks/types';
import type { ClusterModel } from '../model/cluster-model';
import { describeOutcome, watchConvergence, type Goal, type Outcome } from '../model/convergence';

/**
 * After a deploy: which services to follow to what goal, followed together through the model's events (the
 * extension's convergence watcher; nothing is polled), and one sentence for how it ended.
 */

export interface StackWatchTarget {
  /** The service's name, for messages. */
  name: string;
  /** ID (or name while the ID is unknown). */
  service: string;
  goal: Goal;
  baselineVersion: number;
}

/**
 * Targets for every created, updated or removed service. `versionsBefore` holds each service's
 * Version.Index (by ID) as the model had it just before the deploy was sent, so an old state never counts.
 */
export function watchTargets(
  result: StackDeployResult,
  versionsBefore: ReadonlyMap<string, number>,
): StackWatchTarget[] {
  const targets: StackWatchTarget[] = [];
  for (const planned of result.services) {
    const id = result.serviceIds[planned.name] ?? planned.id;
    switch (planned.action) {
      case 'create':
        targets.push({
          name: planned.name,
          service: id ?? planned.name,
          goal: { kind: 'converge' },
          baselineVersion: 0,
        });
        break;
      case 'update': {
        // A new task template rolls the tasks (an update status follows); a new replica count only scales.
        const rolls = (planned.changes ?? []).some((c) => c.path.startsWith('TaskTemplate'));
        const service = id ?? planned.name;
        targets.push({
          name: planned.name,
          service,
          goal: rolls ? { kind: 'update' } : { kind: 'converge' },
          baselineVersion: (id !== undefined ? versionsBefore.get(id) : undefined) ?? 0,
        });
        break;
      }
      case 'remove':
        if (planned.id !== undefined) {
          targets.push({
            name: planned.name,
            service: planned.id,
            goal: { kind: 'remove' },
            baselineVersion: versionsBefore.get(planned.id) ?? 0,
          });
        }
        break;
      case 'unchanged':
        break;
    }
  }
  return targets;
}

/** The Version.Index of every service the model holds, by ID. */
export function serviceVersions(model: ClusterModel): Map<string, number> {
  return new Map([...model.services.values()].map((s) => [s.ID, s.Version.Index]));
}

export interface StackOutcome {
  target: StackWatchTarget;
  outcome: Outcome;
}

/** Follows every target at once; `onProgress` gets one line on the whole stack. Never rejects. */
export async function watchStack(
  model: ClusterModel,
  targets: readonly StackWatchTarget[],
  options: { signal?: AbortSignal; onProgress?(text: string): void } = {},
): Promise<StackOutcome[]> {
  const latest = new Map<string, string>();
  const finished = new Set<string>();
  const report = () => {
    const pending = targets.find((t) => !finished.has(t.name));
    if (!pending) return;
    const detail = latest.get(pending.name);
    options.onProgress?.(
      `${finished.size}/${targets.length} done \u00b7 ${pending.name}${detail ? `: ${detail}` : ''}`,
    );
  };
  report();
  return Promise.all(
    targets.map(async (target) => {
      const outcome = await watchConvergence({
        model,
        service: target.service,
        goal: target.goal,
        baselineVersion: target.baselineVersion,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (text) => {
          latest.set(target.name, text);
          report();
        },
      });
      finished.add(target.name);
      report();
      return { target, outcome };
    }),
  );
}

/** How a deploy ended: one line, and whether it deserves a warning. */
export function describeStackOutcome(
  stack: string,
  outcomes: readonly StackOutcome[],
): { text: string; warning: boolean } {
  if (outcomes.length === 0) return { text: `Stack ${stack} deployed.`, warning: false };
  const cancelled = outcomes.filter((o) => o.outcome.kind === 'cancelled');
  if (cancelled.length > 0) {
    const waiting = cancelled.map((o) => o.target.name).join(', ');
    return {
      text: `Stopped watching stack ${stack} (still converging: ${waiting}); the agent keeps converging it.`,
      warning: false,
    };
  }
  const bad = outcomes.filter((o) => o.outcome.kind === 'update-paused' || o.outcome.kind === 'vanished');
  if (bad.length > 0) {
    return {
      text: `Stack ${stack} deployed, but ${bad.map((o) => describeOutcome(o.target.name, o.outcome)).join(' ')}`,
      warning: true,
    };
  }
  const count = (kind: Goal['kind']) => outcomes.filter((o) => o.target.goal.kind === kind).length;
  const removed = count('remove');
  const converged = outcomes.length - removed;
  const parts: string[] = [];
  if (converged > 0) parts.push(`${converged} service${converged === 1 ? '' : 's'} converged`);
  if (removed > 0) parts.push(`${removed} removed`);
  return { text: `Stack ${stack} deployed: ${parts.join(', ')}.`, warning: false };
}
