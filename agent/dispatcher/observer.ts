import type { EngineEvent } from '../cluster/types';
import { parseTaskLabels } from '../executor';
import type { Task } from '../types/swarm';
import type { ForeignContainer } from './adoption';
import type { TaskHints } from './task-runner';

/** What an engine event means for the dispatcher. */
export type EventVerdict =
  | { kind: 'ignore' }
  /** Look at the task again (its container changed state), with what the event tells. */
  | { kind: 'task'; taskId: string; hints: TaskHints }
  | { kind: 'foreign'; report: ForeignContainer };

/** Container actions after which the task's status may differ. `health_status` arrives as "health_status: healthy". */
const STATE_CHANGING = new Set(['die', 'destroy', 'health_status', 'oom', 'pause', 'unpause']);

/**
 * Reads one engine event (container labels are in Actor.Attributes). Containers of our tasks that changed state
 * send their task back to the state machine; a container with Shoal labels that we did not make is reported when
 * it is created, and never touched.
 */
export function readEngineEvent(
  nodeId: string,
  event: EngineEvent,
  clusterID: string,
  taskOf: (taskId: string) => Task | undefined,
): EventVerdict {
  if (event.Type !== 'container') return { kind: 'ignore' };
  const labels = parseTaskLabels(event.Actor.Attributes);
  if (!labels) return { kind: 'ignore' };
  const action = event.Action.split(':')[0]?.trim() ?? '';
  const foreign = (reason: ForeignContainer['reason']): EventVerdict =>
    action === 'create'
      ? {
          kind: 'foreign',
          report: {
            nodeId,
            containerId: event.Actor.ID,
            name: event.Actor.Attributes.name ?? '',
            labels,
            reason,
          },
        }
      : { kind: 'ignore' };

  if (labels.clusterId !== clusterID) return foreign('other-cluster');
  const task = taskOf(labels.taskId);
  if (!task) return foreign('unknown-task');
  if (task.NodeID !== nodeId) return foreign('other-node');
  if (!STATE_CHANGING.has(action)) return { kind: 'ignore' };

  const hints: TaskHints = {};
  if (action === 'die') {
    const exitCode = Number(event.Actor.Attributes.exitCode);
    if (Number.isInteger(exitCode)) hints.exitCode = exitCode;
  }
  return { kind: 'task', taskId: task.ID, hints };
}
