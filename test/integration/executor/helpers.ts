import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import type { EngineClient } from '../../../agent/cluster/types';
import { containerConfig, type ContainerConfig } from '../../../agent/executor/container-config';
import { engineJson } from '../../../agent/executor/engine-request';
import { inspectStatus, remove } from '../../../agent/executor/runtime';
import type { ObservedStatus } from '../../../agent/executor/status';
import type { ClusterNetwork, ServiceSpec, SwarmNode } from '../../../agent/types/swarm';
import { sandboxNodes } from '../../helpers/sandbox';
import {
  node as nodeFixture,
  service as serviceFixture,
  task as taskFixture,
} from '../../unit/executor/fixtures';

export const WEB = 'shoal/web:latest';

/** A sandbox node as the executor sees it: an engine client and the stored node it stands for. */
export interface TestNode {
  engine: EngineClient;
  docker: Docker;
  node: SwarmNode;
  address: string;
  endpoint: string;
}

/** The trivial EngineClient: a deadline per call, no concurrency limit. */
export function engineClient(nodeId: string, docker: Docker): EngineClient {
  return {
    nodeId,
    async call(what, fn, deadlineMs = 10_000) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error(`${nodeId}: ${what} timed out`)), deadlineMs);
      try {
        return await fn(docker, controller.signal);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export function testNodes(): TestNode[] {
  return sandboxNodes().map((n) => {
    const docker = new Docker({ socketPath: n.endpoint.replace(/^unix:\/\//, '') });
    const node = nodeFixture(`${n.name}-id`, n.name);
    node.Status.Addr = n.address;
    return { engine: engineClient(node.ID, docker), docker, node, address: n.address, endpoint: n.endpoint };
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

let taskCounter = 0;

/** The container config of a fresh task of a one-off service on `on`. */
export function configFor(
  on: TestNode,
  clusterID: string,
  spec: Partial<ServiceSpec> & { Name: string },
  options: { networks?: ClusterNetwork[]; slot?: number } = {},
): ContainerConfig {
  const svc = serviceFixture({ TaskTemplate: { ContainerSpec: { Image: WEB } }, ...spec }, uniqueId('svc'));
  taskCounter++;
  const t = taskFixture(svc, on.node, {
    ID: uniqueId(`task${taskCounter}x`),
    Slot: options.slot ?? taskCounter,
  });
  return containerConfig({
    task: t,
    service: svc,
    node: on.node,
    clusterID,
    networks: options.networks ?? [],
  });
}

/** Polls the container's status until `done` says so; fails with the last status seen. */
export async function waitForStatus(
  on: TestNode,
  containerId: string,
  done: (s: ObservedStatus) => boolean,
  timeoutMs = 15_000,
): Promise<ObservedStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ObservedStatus | undefined;
  while (Date.now() < deadline) {
    last = await inspectStatus(on.engine, containerId);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `container ${containerId} did not reach the expected status; last: ${JSON.stringify(last)}`,
  );
}

/** Removes every container of the test cluster on every node. */
export async function removeClusterContainers(nodes: TestNode[], clusterIDs: string[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      const listed = await n.engine.call('list', (docker, signal) =>
        engineJson<Array<{ Id: string; Labels: Record<string, string> }>>(docker, signal, {
          method: 'GET',
          path: '/containers/json',
          query: { all: true, filters: { label: ['io.shoal.cluster.id'] } },
        }),
      );
      const ours = listed.filter((c) => clusterIDs.includes(c.Labels['io.shoal.cluster.id'] ?? ''));
      await Promise.all(ours.map((c) => remove(n.engine, c.Id)));
    }),
  );
}
