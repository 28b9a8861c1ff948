import { taskName } from '../orchestrator/task-model';
import type { Task } from '../types/swarm';
import { InvalidArgumentError } from '../util/errors';
import { expectObject, rejectUnknownFields } from './bodies';
import type { LogItem, LogMerger } from './logs/merger';
import { parseSince, parseTail, type LogOptions } from './logs/options';
import { openTaskLogs, type LogSelector, type TaskLogsDependencies } from './logs/task-logs';
import { resolveService, resolveTask, servicesOf, tasksOf } from './swarm/resolve';

/** `{"logs": {...}}`: whose logs (a service or a task, by ID, name or prefix) and Docker's log options. */
export interface LogSubscriptionRequest {
  selector: LogSelector;
  options: Omit<LogOptions, 'details'>;
}

const FIELDS = ['service', 'task', 'follow', 'tail', 'since', 'timestamps', 'stdout', 'stderr'];

export function parseLogSubscription(deps: TaskLogsDependencies, value: unknown): LogSubscriptionRequest {
  const fields = expectObject(value, '"logs"');
  rejectUnknownFields(fields, FIELDS, '"logs"');
  const { service, task } = fields;
  if ((typeof service === 'string') === (typeof task === 'string')) {
    throw new InvalidArgumentError(
      '"logs" needs exactly one of "service" or "task" (an ID, name or ID prefix)',
    );
  }
  const selector: LogSelector =
    typeof service === 'string'
      ? { serviceId: resolveService(deps.store, service).ID }
      : { taskId: resolveTask(deps.store, String(task)).ID };
  const flag = (name: string, fallback: boolean) => {
    const v = fields[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new InvalidArgumentError(`"logs.${name}" must be true or false`);
    return v;
  };
  const options: LogSubscriptionRequest['options'] = {
    follow: flag('follow', false),
    timestamps: flag('timestamps', false),
    stdout: flag('stdout', true),
    stderr: flag('stderr', true),
  };
  if (!options.stdout && !options.stderr) {
    throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  }
  const tail = fields.tail === undefined ? undefined : parseTail(asTextOrNumber(fields.tail, 'tail'));
  if (tail !== undefined) options.tail = tail;
  const since = fields.since === undefined ? undefined : parseSince(asTextOrNumber(fields.since, 'since'));
  if (since !== undefined) options.since = since;
  return { selector, options };
}

/** The messages a log subscription sends besides its reply. */
export type LogMessage =
  | {
      log: {
        id: number | string;
        /** `<service>.<slot>` (or `<service>.<node id>` for global services), as `docker service ps` names it. */
        name: string;
        taskId: string;
        serviceId: string;
        nodeId: string;
        stream: 'stdout' | 'stderr';
        line: string;
        timestamp?: string;
      };
    }
  | { logWarning: { id: number | string; message: string } }
  | { logEnd: { id: number | string; incomplete?: string[] } };

/**
 * Starts a subscription: lines go out as `{"log": ...}`; a follower's failed sources as `{"logWarning": ...}`;
 * a finite stream ends with `{"logEnd": ...}`. Destroy the returned merger to stop.
 */
export function startLogSubscription(
  deps: TaskLogsDependencies,
  id: number | string,
  request: LogSubscriptionRequest,
  send: (message: LogMessage) => void,
): LogMerger {
  const merger = openTaskLogs(
    {
      ...deps,
      log: {
        ...deps.log,
        warn: (message) => {
          deps.log.warn(message);
          if (request.options.follow) send({ logWarning: { id, message } });
        },
      },
    },
    request.selector,
    request.options,
  );
  const names = new Map<string, string>();
  const nameOf = (taskId: string): string => {
    let name = names.get(taskId);
    if (name === undefined) {
      const task: Task | undefined = tasksOf(deps.store).get(taskId);
      const service = task ? servicesOf(deps.store).get(task.ServiceID) : undefined;
      name = task ? taskName(service?.Spec.Name ?? task.ServiceID, task).replace(/\.[^.]+$/, '') : taskId;
      names.set(taskId, name);
    }
    return name;
  };
  merger.on('data', (item: LogItem) => {
    if (item.kind === 'incomplete') {
      send({ logEnd: { id, incomplete: item.reasons } });
      return;
    }
    const { context } = item;
    send({
      log: {
        id,
        name: nameOf(context.taskId),
        taskId: context.taskId,
        serviceId: context.serviceId,
        nodeId: context.nodeId,
        stream: item.stream,
        line: item.line,
        ...(item.timestamp !== undefined ? { timestamp: item.timestamp } : {}),
      },
    });
  });
  let reportedEnd = false;
  merger.on('data', (item: LogItem) => (reportedEnd ||= item.kind === 'incomplete'));
  merger.on('end', () => {
    if (!reportedEnd) send({ logEnd: { id } });
  });
  merger.on('error', () => undefined);
  return merger;
}

function asTextOrNumber(value: unknown, field: string): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new InvalidArgumentError(`"logs.${field}" must be a number or a string`);
}
