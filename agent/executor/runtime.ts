import type { EngineClient } from '../cluster/types';
import { ConflictError } from '../util/errors';
import type { ContainerConfig, NetworkConnection } from './container-config';
import { asShoalError, engineJson, engineStatusOf } from './engine-request';
import { LABEL, parseTaskLabels, type TaskLabels } from './labels';
import {
  observedFromInspect,
  observedFromListing,
  type InspectedContainer,
  type ListedContainer,
  type ObservedStatus,
} from './status';

/** Starting can take seconds on a busy engine (network setup, port binding); the default 10 s is tight. */
const START_DEADLINE_MS = 30_000;
/** What `stop` allows beyond the grace period for the engine to kill and reap the process. */
const STOP_MARGIN_MS = 15_000;

export interface StartedContainer {
  containerId: string;
  /** True when the container already existed for this task (a repeated create) and was taken over. */
  adopted: boolean;
}

/**
 * Creates the task's container and starts it. Safe to repeat: the name is deterministic, so a second create gets
 * 409 and the existing container is adopted if it is this task's. An adopted container that has already run
 * (exited or dead) is not started again: a task runs once, and its status tells the caller how it ended.
 */
export async function createAndStart(
  engine: EngineClient,
  config: ContainerConfig,
): Promise<StartedContainer> {
  const created = await createOrAdopt(engine, config);
  await connectLaterNetworks(engine, created.containerId, created.missingNetworks);
  if (created.needsStart) await start(engine, created.containerId, config.name);
  return { containerId: created.containerId, adopted: created.adopted };
}

interface CreatedOrAdopted extends StartedContainer {
  needsStart: boolean;
  missingNetworks: NetworkConnection[];
}

async function createOrAdopt(engine: EngineClient, config: ContainerConfig): Promise<CreatedOrAdopted> {
  try {
    const { Id } = await engine.call('create container', (docker, signal) =>
      engineJson<{ Id: string }>(docker, signal, {
        method: 'POST',
        path: '/containers/create',
        query: { name: config.name },
        body: config.body,
      }),
    );
    return { containerId: Id, adopted: false, needsStart: true, missingNetworks: config.laterNetworks };
  } catch (error) {
    if (engineStatusOf(error) !== 409) throw asShoalError(`creating container ${config.name}`, error);
  }
  const existing = await inspect(engine, config.name);
  const owner = parseTaskLabels(existing.Config?.Labels ?? undefined);
  if (owner?.taskId !== config.taskId) {
    throw new ConflictError(
      `container name ${config.name} is already in use by container ${existing.Id.slice(0, 12)}, ` +
        `which is not a container of task ${config.taskId}`,
    );
  }
  const joined = new Set(Object.keys(existing.NetworkSettings?.Networks ?? {}));
  return {
    containerId: existing.Id,
    adopted: true,
    needsStart: existing.State.Status === 'created' && !existing.State.Error,
    missingNetworks: config.laterNetworks.filter((n) => !joined.has(n.network)),
  };
}

async function connectLaterNetworks(
  engine: EngineClient,
  containerId: string,
  networks: NetworkConnection[],
): Promise<void> {
  for (const { network, aliases } of networks) {
    await engine
      .call('connect network', (docker, signal) =>
        engineJson(docker, signal, {
          method: 'POST',
          path: `/networks/${encodeURIComponent(network)}/connect`,
          body: { Container: containerId, EndpointConfig: { Aliases: aliases } },
        }),
      )
      .catch((error: unknown) => {
        throw asShoalError(`connecting container ${containerId.slice(0, 12)} to network ${network}`, error);
      });
  }
}

async function start(engine: EngineClient, containerId: string, name: string): Promise<void> {
  await engine
    .call(
      'start container',
      (docker, signal) =>
        engineJson(docker, signal, {
          method: 'POST',
          path: `/containers/${containerId}/start`,
          alsoOk: [304],
        }),
      START_DEADLINE_MS,
    )
    .catch((error: unknown) => {
      throw asShoalError(`starting container ${name}`, error);
    });
}

/** Stops with SIGTERM (or the container's StopSignal), then SIGKILL after the grace. Gone or stopped is fine. */
export async function stop(engine: EngineClient, containerId: string, graceSeconds: number): Promise<void> {
  const grace = Math.max(0, Math.ceil(graceSeconds));
  try {
    await engine.call(
      'stop container',
      (docker, signal) =>
        engineJson(docker, signal, {
          method: 'POST',
          path: `/containers/${encodeURIComponent(containerId)}/stop`,
          query: { t: grace },
          alsoOk: [304],
        }),
      grace * 1000 + STOP_MARGIN_MS,
    );
  } catch (error) {
    if (engineStatusOf(error) === 404) return;
    throw asShoalError(`stopping container ${containerId}`, error);
  }
}

/** Force-removes the container and its anonymous volumes, as swarm does. Already gone, or going, is fine. */
export async function remove(engine: EngineClient, containerId: string): Promise<void> {
  try {
    await engine.call('remove container', (docker, signal) =>
      engineJson(docker, signal, {
        method: 'DELETE',
        path: `/containers/${encodeURIComponent(containerId)}`,
        query: { force: true, v: true },
      }),
    );
  } catch (error) {
    const status = engineStatusOf(error);
    // 409: "removal of container ... is already in progress".
    if (status === 404 || status === 409) return;
    throw asShoalError(`removing container ${containerId}`, error);
  }
}

/** The container's state read as a task status. NotFoundError when the container is gone. */
export async function inspectStatus(engine: EngineClient, containerId: string): Promise<ObservedStatus> {
  return observedFromInspect(await inspect(engine, containerId));
}

interface InspectedWithNetworks extends InspectedContainer {
  NetworkSettings?: InspectedContainer['NetworkSettings'] & { Networks?: Record<string, unknown> | null };
}

async function inspect(engine: EngineClient, nameOrId: string): Promise<InspectedWithNetworks> {
  try {
    return await engine.call('inspect container', (docker, signal) =>
      engineJson<InspectedWithNetworks>(docker, signal, {
        method: 'GET',
        path: `/containers/${encodeURIComponent(nameOrId)}/json`,
      }),
    );
  } catch (error) {
    throw asShoalError(`inspecting container ${nameOrId}`, error);
  }
}

export interface TaskContainer {
  containerId: string;
  name: string;
  labels: TaskLabels;
  /** Made by another Shoal cluster (another agent's store): report it, never touch it. */
  foreign: boolean;
  status: ObservedStatus;
}

/**
 * Every Shoal task container on the engine, running or not, with its task and observed status. With a cluster
 * ID, containers of other clusters are included but flagged `foreign`.
 */
export async function listTaskContainers(engine: EngineClient, clusterID?: string): Promise<TaskContainer[]> {
  const listed = await engine
    .call('list task containers', (docker, signal) =>
      engineJson<ListedContainer[]>(docker, signal, {
        method: 'GET',
        path: '/containers/json',
        query: { all: true, filters: { label: [LABEL.taskId, LABEL.clusterId] } },
      }),
    )
    .catch((error: unknown) => {
      throw asShoalError('listing task containers', error);
    });
  const result: TaskContainer[] = [];
  for (const container of listed) {
    const labels = parseTaskLabels(container.Labels ?? undefined);
    if (!labels) continue;
    result.push({
      containerId: container.Id,
      name: (container.Names?.[0] ?? '').replace(/^\//, ''),
      labels,
      foreign: clusterID !== undefined && labels.clusterId !== clusterID,
      status: observedFromListing(container),
    });
  }
  return result;
}
