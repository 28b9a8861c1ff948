import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Backoff } from '../../../extension/agent/backoff';
import { AgentConnection, type ConnectionState } from '../../../extension/agent/connection';
import { webSocketUrl } from '../../../extension/agent/endpoint';
import { ClusterModel } from '../../../extension/model/cluster-model';
import { watchConvergence } from '../../../extension/model/convergence';
import { seedTask } from '../api/swarm-fixtures';
import { startRealAgent, tempDir, waitFor } from './agent-server';

function connectionTo(
  socketPath: string,
  model: ClusterModel,
  extra: { token?: string; port?: number } = {},
) {
  const states: ConnectionState[] = [];
  const connection = new AgentConnection({
    model,
    backoff: new Backoff({ initialMs: 20, maxMs: 100, factor: 2, jitter: 0 }),
    target: async () =>
      extra.port
        ? {
            url: webSocketUrl({ kind: 'tcp', host: '127.0.0.1', port: extra.port }),
            description: 'tcp',
            ...(extra.token ? { token: extra.token } : {}),
          }
        : { url: webSocketUrl({ kind: 'unix', socketPath }), description: socketPath },
  });
  connection.onDidChangeState((s) => states.push(s));
  return { connection, states };
}

test('connects, loads the cluster, follows events, and reloads after the agent comes back', async () => {
  const dir = tempDir();
  let agent = await startRealAgent(dir);
  agent.nodes.seed({ hostname: 'node1', id: 'n1' });
  const model = new ClusterModel();
  const { connection, states } = connectionTo(agent.socketPath, model);
  try {
    connection.restart();
    await waitFor(() => connection.state.kind === 'connected', 'connected');
    assert.equal(model.isLoaded, true);
    assert.equal(model.nodes.get('n1')?.Description.Hostname, 'node1');
    const firstGeneration = model.generation;

    // Events flow into the model.
    agent.nodes.seed({ hostname: 'node2', id: 'n2' });
    await waitFor(() => model.nodes.has('n2'), 'the node event');
    const created = await connection.request<{ ID: string }>('POST', '/services/create', {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
      Mode: { Replicated: { Replicas: 1 } },
    });
    await waitFor(() => model.services.has(created.ID), 'the service event');

    // Convergence is watched from events: the task becomes running, the watch ends.
    const watching = watchConvergence({
      model,
      service: created.ID,
      goal: { kind: 'converge' },
      baselineVersion: 0,
    });
    seedTask(agent.store, { id: 't1', serviceId: created.ID, slot: 1, nodeId: 'n1', state: 'running' });
    assert.deepEqual(await watching, { kind: 'converged', running: 1, desired: 1 });

    // The agent goes away: the model is cleared, the state says so, and it retries.
    await agent.close();
    await waitFor(() => connection.state.kind === 'reconnecting', 'reconnecting');
    assert.equal(model.isLoaded, false);
    assert.equal(model.nodes.size, 0);

    // A new agent (another store) at the same socket: a new generation with its own state.
    agent = await startRealAgent(dir);
    agent.nodes.seed({ hostname: 'other', id: 'n9' });
    await waitFor(() => connection.state.kind === 'connected', 'reconnected');
    assert.deepEqual([...model.nodes.keys()], ['n9']);
    assert.ok(model.generation > firstGeneration);
    assert.ok(states.some((s) => s.kind === 'connecting'));
  } finally {
    connection.dispose();
    await agent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no agent yet: not-running, retried with backoff until one starts', async () => {
  const dir = tempDir();
  const model = new ClusterModel();
  const { connection } = connectionTo(path.join(dir, 'agent.sock'), model);
  try {
    connection.restart();
    await waitFor(() => connection.state.kind === 'reconnecting', 'reconnecting');
    const state = connection.state;
    assert.equal(state.kind === 'reconnecting' && state.reason, 'not-running');
    await assert.rejects(connection.request('GET', '/nodes'), /not connected to the Shoal agent/);
    const agent = await startRealAgent(dir);
    try {
      await waitFor(() => connection.state.kind === 'connected', 'connected once the agent runs');
      assert.equal(model.isLoaded, true);
    } finally {
      connection.dispose();
      await agent.close();
    }
  } finally {
    connection.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a refused token stops retrying; a wrong setting is a config error', async () => {
  const dir = tempDir();
  const agent = await startRealAgent(dir, { tcp: true });
  const model = new ClusterModel();
  const { connection } = connectionTo('', model, { port: agent.port, token: 'wrong' });
  try {
    connection.restart();
    assert.equal((connection.state as ConnectionState).kind, 'connecting');
    await waitFor(() => connection.state.kind === 'disconnected', 'disconnected');
    const state = connection.state;
    assert.equal(state.kind === 'disconnected' && state.reason, 'unauthorized');
    const good = connectionTo('', new ClusterModel(), { port: agent.port, token: agent.token });
    good.connection.restart();
    await waitFor(() => good.connection.state.kind === 'connected', 'connected with the token');
    good.connection.dispose();

    const broken = new AgentConnection({
      model: new ClusterModel(),
      target: async () => {
        throw new Error('"x" is not an agent endpoint');
      },
    });
    broken.restart();
    const brokenState = (): ConnectionState => broken.state;
    await waitFor(() => {
      const s = brokenState();
      return s.kind === 'disconnected' && s.reason === 'config';
    }, 'config error');
    assert.match(
      brokenState().kind === 'disconnected' ? JSON.stringify(brokenState()) : '',
      /is not an agent endpoint/,
    );
    broken.dispose();
  } finally {
    connection.dispose();
    await agent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
