import { isDeepStrictEqual } from 'node:util';
import { isTerminal, stateIndex } from '../orchestrator/task-model';
import { NotFoundError, OutOfSequenceError, type Collection } from '../store/store';
import type { PortConfig, Task, TaskState, TaskStatus } from '../types/swarm';

/** What the dispatcher observed about a task, to be merged into its stored Status. */
export interface StatusReport {
  state: TaskState;
  message: string;
  /** Replaces the stored Err; absent clears it (the task got past whatever went wrong). */
  err?: string;
  containerId?: string;
  exitCode?: number;
  pid?: number;
  ports?: PortConfig[];
}

export type WriteResult =
  | { written: true; task: Task }
  | { written: false; task: Task | undefined; reason: 'gone' | 'backwards' | 'final' | 'unchanged' };

/** Read-modify-write attempts before giving up on a task that others keep changing. */
const WRITE_ATTEMPTS = 10;

/**
 * The task's next Status after `report`, or why there is none. States only move forward; a task in a
 * terminal state (complete, shutdown, failed, rejected, ...) is final, as swarmkit's agent treats it. A report
 * of the same state may add detail (container ID, ports, Err) and keeps the Timestamp of when the state began.
 */
export function nextStatus(
  current: TaskStatus,
  report: StatusReport,
  now: Date,
): { status: TaskStatus } | { reason: 'backwards' | 'final' | 'unchanged' } {
  if (isTerminal(current.State)) return { reason: 'final' };
  const from = stateIndex(current.State);
  const to = stateIndex(report.state);
  if (to < from) return { reason: 'backwards' };

  const status: TaskStatus = {
    Timestamp: to === from ? current.Timestamp : now.toISOString(),
    State: report.state,
    Message: report.message,
  };
  if (report.err !== undefined) status.Err = report.err;
  const containerStatus = mergeContainerStatus(current.ContainerStatus, report);
  if (containerStatus) status.ContainerStatus = containerStatus;
  const ports = report.ports ?? current.PortStatus?.Ports;
  if (ports && ports.length > 0) status.PortStatus = { Ports: ports };
  if (to === from && isDeepStrictEqual(status, current)) return { reason: 'unchanged' };
  return { status };
}

function mergeContainerStatus(
  current: TaskStatus['ContainerStatus'],
  report: StatusReport,
): TaskStatus['ContainerStatus'] {
  const containerId = report.containerId ?? current?.ContainerID;
  const sameContainer = containerId === current?.ContainerID;
  const pid = report.pid ?? (sameContainer ? current?.PID : undefined);
  const exitCode = report.exitCode ?? (sameContainer ? current?.ExitCode : undefined);
  if (containerId === undefined && pid === undefined && exitCode === undefined) return undefined;
  return {
    ...(containerId !== undefined ? { ContainerID: containerId } : {}),
    ...(pid !== undefined ? { PID: pid } : {}),
    ...(exitCode !== undefined ? { ExitCode: exitCode } : {}),
  };
}

/**
 * Applies `report` to the stored task with a version check, re-reading and retrying when another writer (the
 * orchestrator changing DesiredState) got in between. Only `Status` is changed; everything else is kept as read.
 */
export function writeTaskStatus(
  tasks: Collection<Task>,
  taskId: string,
  report: StatusReport,
  now: () => Date = () => new Date(),
): WriteResult {
  for (let attempt = 1; ; attempt++) {
    const current = tasks.get(taskId);
    if (!current) return { written: false, task: undefined, reason: 'gone' };
    const next = nextStatus(current.Status, report, now());
    if ('reason' in next) return { written: false, task: current, reason: next.reason };
    try {
      return {
        written: true,
        task: tasks.update({ ...current, Status: next.status }, current.Version.Index),
      };
    } catch (error) {
      if (error instanceof NotFoundError) return { written: false, task: undefined, reason: 'gone' };
      if (!(error instanceof OutOfSequenceError) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}

/** Deletes the task record whatever its version, re-reading on conflict. True when it is gone. */
export function deleteTaskRecord(tasks: Collection<Task>, taskId: string): boolean {
  for (let attempt = 1; ; attempt++) {
    const current = tasks.get(taskId);
    if (!current) return true;
    try {
      tasks.delete(taskId, current.Version.Index);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return true;
      if (!(error instanceof OutOfSequenceError) || attempt >= WRITE_ATTEMPTS) throw error;
    }
  }
}
