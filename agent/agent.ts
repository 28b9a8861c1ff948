import * as fs from 'node:fs';
import * as path from 'node:path';
import { createApiServer, type ApiServer } from './api/server';
import { createNodeManager, type ClusterNodeManager } from './cluster';
import { createDispatcher } from './dispatcher';
import { Orchestrator } from './orchestrator/orchestrator';
import { SchedulingLoop } from './scheduler/loop';
import type { AgentConfig } from './config';
import { sandboxDir } from './sandbox/sandbox';
import { defaultRegistry, loadPlugins } from './scheduler';
import { openStore, StoreInUseError } from './store';
import type { Store } from './store/store';
import { TaskIndex } from './store/task-index';
import { InvalidArgumentError, UnavailableError } from './util/errors';
import type { Logger } from './util/log';

const FOREIGN_REASONS: Record<string, string> = {
  'other-cluster': 'belongs to another cluster',
  'unknown-task': 'matches no task of this cluster',
  'other-node': 'belongs to a task assigned to another node',
};

export interface AgentOptions {
  home: string;
  config: AgentConfig;
  /** Directory of the config file, for relative plugin paths. */
  configDir?: string;
  version: string;
  log: Logger;
}

export interface RunningAgent {
  socketPath: string;
  tcp?: { host: string; port: number };
  store: Store;
  nodes: ClusterNodeManager;
  api: ApiServer;
  stop(): Promise<void>;
}

/**
 * Starts the agent: the store (held exclusively), the cluster's nodes with their health, and the API.
 * On any failure, what was already started is stopped again.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { home, config, log } = options;
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse().splice(0)) {
      try {
        await cleanup();
      } catch (error) {
        log.warn(`while stopping: ${(error as Error).message}`);
      }
    }
  };
  try {
    const store = openAgentStore(home);
    cleanups.push(() => store.close());
    // The tasks by service and node, shared by the orchestrator and the API; made first so that it takes
    // each change before any other listener.
    TaskIndex.of(store);

    const plugins = config.scheduler?.plugins ?? [];
    if (plugins.length > 0) {
      const loaded = loadPlugins(plugins, { baseDir: options.configDir ?? process.cwd() });
      log.info(
        `scheduler plugins: filters [${loaded.filters.join(', ')}], strategies [${loaded.strategies.join(', ')}]`,
      );
    }
    if (config.scheduler?.strategy) defaultRegistry.requireStrategy(config.scheduler.strategy);

    const nodes = createNodeManager({
      store,
      sandboxDir: sandboxDir(),
      heartbeatMs: (config.heartbeatSeconds ?? 5) * 1000,
      log: (line) => log.child('cluster').info(line),
    });
    await nodes.start();
    cleanups.push(() => nodes.stop());
    if (nodes.list().length === 0) {
      const adopted = await nodes.adoptSandbox();
      if (adopted.length > 0) log.info(`adopted the sandbox's ${adopted.length} nodes`);
    }

    // Data flows one way: the API writes specs to the store; the orchestrator turns them into tasks; the
    // scheduler places them; the dispatcher runs them on the engines and writes back what it observes.
    const orchestrator = new Orchestrator({ store, log: log.child('orchestrator') });
    const scheduler = new SchedulingLoop({
      store,
      log: log.child('scheduler'),
      ...(config.scheduler?.strategy ? { strategy: config.scheduler.strategy } : {}),
    });
    const dispatcher = createDispatcher({ store, nodes, log: (line) => log.child('dispatcher').info(line) });
    dispatcher.onForeignContainer((c) =>
      log.warn(
        `container ${c.containerId.slice(0, 12)} (${c.name}) on node ${c.nodeId} carries Shoal labels but ` +
          `${FOREIGN_REASONS[c.reason]}: left alone`,
      ),
    );
    orchestrator.start();
    cleanups.push(() => orchestrator.stop());
    scheduler.start();
    cleanups.push(() => scheduler.stop());
    await dispatcher.start();
    cleanups.push(() => dispatcher.stop());

    const api = createApiServer({ nodes, store, version: options.version, log: log.child('api') });
    cleanups.push(() => api.close());
    const socketPath = path.join(home, 'agent.sock');
    await api.listenUnix(socketPath);
    let tcp: { host: string; port: number } | undefined;
    if (config.listen) {
      const { host, port } = parseListen(config.listen);
      tcp = await api.listenTcp(host, port, config.tls ? { tls: config.tls } : {});
    }
    return { socketPath, ...(tcp ? { tcp } : {}), store, nodes, api, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function openAgentStore(home: string): Store {
  try {
    return openStore(home);
  } catch (error) {
    if (error instanceof StoreInUseError) {
      throw new UnavailableError(
        `another Shoal agent${error.pid ? ` (pid ${error.pid})` : ''} is already running on ${home}; ` +
          `stop it first, or set SHOAL_HOME to run a second cluster`,
      );
    }
    throw error;
  }
}

/** "127.0.0.1:2377", "[::1]:2377" or "localhost:2377". */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new InvalidArgumentError(`listen address "${listen}" must be host:port, e.g. 127.0.0.1:2377`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}
