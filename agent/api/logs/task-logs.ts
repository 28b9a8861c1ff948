import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import type { NodeManager } from '../../cluster/types';
import { containerLogs } from '../../executor';
import type { Store } from '../../store/store';
import type { Task } from '../../types/swarm';
import type { ApiLog } from '../options';
import { servicesOf, tasksOf } from '../swarm/resolve';
import { STREAM_TYPE, formatLine, frame } from './framing';
import { LogMerger, type LogItem, type LogSource, type OpenContainerLogs } from './merger';
import type { LogOptions } from './options';

export interface TaskLogsDependencies {
  store: Store;
  nodes: NodeManager;
  log: ApiLog;
  /** Defaults to the executor's `containerLogs` on the node's engine. */
  openLogs?: OpenContainerLogs;
}

/** Whose logs: every task of a service, or one task. */
export type LogSelector = { serviceId: string } | { taskId: string };

/**
 * The merged log lines of the selected tasks that have a container. Following, it also picks up tasks that
 * get a container later (new replicas, restarts), from the store, until destroyed.
 */
export function openTaskLogs(
  deps: TaskLogsDependencies,
  selector: LogSelector,
  options: Omit<LogOptions, 'details'>,
): LogMerger {
  const openLogs: OpenContainerLogs =
    deps.openLogs ??
    ((nodeId, containerId, logOptions) => containerLogs(deps.nodes.engine(nodeId), containerId, logOptions));
  const merger = new LogMerger(openLogs, {
    ...options,
    onFailure: (reason) => deps.log.warn(`logs: ${reason}`),
  });
  const selects = (task: Task) =>
    'serviceId' in selector ? task.ServiceID === selector.serviceId : task.ID === selector.taskId;
  for (const task of tasksOf(deps.store).list()) {
    const source = selects(task) ? logSourceOf(task) : undefined;
    if (source) merger.add(source);
  }
  if (!options.follow) {
    merger.seal();
    return merger;
  }
  const stopWatching = deps.store.onChange(
    (change) => {
      if (change.collection !== 'tasks' || change.action === 'delete') return;
      const task = change.object as Task;
      const source = selects(task) ? logSourceOf(task) : undefined;
      // A container that appears while following is read from its start.
      if (source) merger.add(source, { fromStart: true });
    },
    { readonly: true },
  );
  merger.onClose(stopWatching);
  return merger;
}

function logSourceOf(task: Task): LogSource | undefined {
  const containerId = task.Status.ContainerStatus?.ContainerID;
  if (!containerId || !task.NodeID) return undefined;
  return { containerId, nodeId: task.NodeID, serviceId: task.ServiceID, taskId: task.ID };
}

/**
 * Whether Docker would send these logs raw: a TTY service's output has no stream to tell apart, so moby
 * writes it unframed and the CLI copies it as is.
 */
export function isTtyService(store: Store, serviceId: string): boolean {
  return servicesOf(store).get(serviceId)?.Spec.TaskTemplate.ContainerSpec.TTY === true;
}

/**
 * The HTTP body: Docker's multiplexed stream (or raw text for TTY services), each line with the details
 * prefix when asked. What could not be read ends a finite stream as a system-error frame, as swarm does.
 */
export function encodeLogStream(
  merger: LogMerger,
  format: { details: boolean; timestamps: boolean; multiplexed: boolean },
): Readable {
  const encoder = new Transform({
    writableObjectMode: true,
    transform(item: LogItem, _encoding: BufferEncoding, done: TransformCallback) {
      if (item.kind === 'line') {
        const payload = formatLine(item, format);
        done(null, format.multiplexed ? frame(STREAM_TYPE[item.stream], payload) : payload);
        return;
      }
      const message = Buffer.from(
        'Error grabbing logs: warning: incomplete log stream. some logs could not be retrieved for the ' +
          `following reasons: ${item.reasons.join('; ')}\n`,
      );
      done(null, format.multiplexed ? frame(STREAM_TYPE.systemerr, message) : message);
    },
  });
  // pipeline destroys the merger (and so the engine streams) when the transport destroys the encoder.
  pipeline(merger, encoder, () => undefined);
  return encoder;
}
