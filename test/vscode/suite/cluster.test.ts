// The extension's commands against a real 3-node sandbox and a real agent (brought up by
// scripts/test-vscode.sh as root), checked through the items the Nodes and Services trees hand to VS Code.
// Skipped when there is no sandbox (SHOAL_TEST_ENDPOINT unset).
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ShoalApi } from '../../../extension/api';
import type { Outcome } from '../../../extension/model/convergence';
import { isCurrentTask } from '../../../extension/model/status';
import {
  describe as describeState,
  iconId,
  NO_SANDBOX,
  row,
  rows,
  shoalApi,
  TEST_ENDPOINT,
  until,
} from './cluster-helpers';

const SERVICE = 'it-web';
const IMAGE = 'shoal/web:latest';

describe('Shoal against a 3-node sandbox and its agent', function () {
  this.timeout(90_000);
  let api: ShoalApi;

  const serviceId = (): string | undefined => api.model.findService(SERVICE)?.ID;
  const currentTasks = () => [...api.model.tasks.values()].filter((t) => isCurrentTask(t));
  const serviceTasks = () => currentTasks().filter((t) => t.ServiceID === serviceId());
  /** Labels of the service's tasks under each node in the Nodes tree, by node. */
  const tasksByNode = async (): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    for (const node of await rows(api, 'nodes')) {
      const children = await rows(api, 'nodes', node);
      out.set(
        node.label,
        children.map((c) => c.label).filter((l) => l.startsWith(`${SERVICE}.`)),
      );
    }
    return out;
  };

  before(async function () {
    if (TEST_ENDPOINT === undefined) {
      console.log(`  skipped: ${NO_SANDBOX}`);
      this.skip();
    }
    api = await shoalApi();
    await until(
      api,
      'the connection to the sandbox agent with three ready nodes',
      () =>
        api.connection.state.kind === 'connected' &&
        api.model.isLoaded &&
        [...api.model.nodes.values()].filter((n) => n.Status.State === 'ready').length === 3,
    );
    assert.equal(api.connection.state.endpoint, TEST_ENDPOINT, 'connected to another agent');
    assert.equal(serviceId(), undefined, `${SERVICE} exists before the test`);
  });

  after(async () => {
    if (api?.connection.state.kind !== 'connected') return;
    // Leave the sandbox as found for the UI tests: no service, every node active.
    const id = serviceId();
    if (id !== undefined) await api.connection.request('DELETE', `/services/${id}`).catch(() => undefined);
    for (const node of api.model.nodes.values()) {
      if (node.Spec.Availability === 'active') continue;
      await api.connection
        .request('POST', `/nodes/${node.ID}/update?version=${node.Version.Index}`, {
          ...node.Spec,
          Availability: 'active',
        })
        .catch(() => undefined);
    }
  });

  it('the Nodes tree shows the three nodes, ready and active, with no tasks', async () => {
    const nodes = await rows(api, 'nodes');
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['node1', 'node2', 'node3'],
    );
    for (const node of nodes) {
      assert.equal(node.contextValue, 'node.ready.active', node.label);
      assert.equal(iconId(node.item), 'vm-running', node.label);
      // ready and active are the normal case: the description shows role, resources and the task count.
      assert.match(node.description, /^(manager|worker) · [\d.]+ CPUs? · [\d.]+ [KMGT]iB · 0 tasks$/);
      assert.equal(node.item.collapsibleState, vscode.TreeItemCollapsibleState.None, node.label);
      assert.equal(node.item.id, `node:${node.entry.ref.type === 'node' ? node.entry.ref.id : ''}`);
    }
    const services = await rows(api, 'services');
    assert.deepEqual(
      services.map((s) => s.contextValue),
      ['message.empty'],
    );
  });

  it('Create Service with arguments converges, and its tasks appear under it in both trees', async () => {
    const outcome = await vscode.commands.executeCommand<Outcome | undefined>('shoal.service.create', {
      image: IMAGE,
      name: SERVICE,
      replicas: 3,
    });
    assert.deepEqual(outcome, { kind: 'converged', running: 3, desired: 3 }, describeState(api));

    const service = await row(api, 'services', SERVICE);
    assert.equal(service.description, `replicated 3/3 · ${IMAGE}`);
    assert.equal(service.contextValue, 'service.replicated');
    assert.equal(iconId(service.item), 'layers-active');
    assert.equal(service.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    const tasks = await rows(api, 'services', service);
    assert.deepEqual(
      tasks.map((t) => t.label),
      [`${SERVICE}.1`, `${SERVICE}.2`, `${SERVICE}.3`],
    );
    for (const task of tasks) {
      assert.equal(task.contextValue, 'task.running', task.label);
      assert.match(task.description, /^running · node[123]$/, task.label);
    }

    const byNode = await tasksByNode();
    assert.equal([...byNode.values()].flat().length, 3, JSON.stringify([...byNode]));
    // Spread: three tasks on three empty nodes, one each.
    for (const [node, labels] of byNode) assert.equal(labels.length, 1, `${node}: ${labels.join(', ')}`);
    for (const node of await rows(api, 'nodes')) {
      assert.match(node.description, / · 1 task$/, node.label);
      assert.equal(node.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, node.label);
    }
  });

  it('Scale from the service item to 5 changes running/desired in its item', async () => {
    const service = await row(api, 'services', SERVICE);
    const outcome = await vscode.commands.executeCommand<Outcome | undefined>(
      'shoal.service.scale',
      service.entry,
      5,
    );
    assert.deepEqual(outcome, { kind: 'converged', running: 5, desired: 5 }, describeState(api));
    const scaled = await row(api, 'services', SERVICE);
    assert.equal(scaled.description, `replicated 5/5 · ${IMAGE}`);
    assert.equal(scaled.item.id, service.item.id, 'the item keeps its identity across updates');
    const tasks = await rows(api, 'services', scaled);
    assert.deepEqual(
      tasks.map((t) => t.label),
      [1, 2, 3, 4, 5].map((slot) => `${SERVICE}.${slot}`),
    );
    assert.ok(tasks.every((t) => t.contextValue === 'task.running'));
    const byNode = await tasksByNode();
    assert.equal([...byNode.values()].flat().length, 5);
  });

  it("Drain on a node's item moves its tasks to the other nodes", async () => {
    const byNode = await tasksByNode();
    const [drained] = [...byNode].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    assert.ok(drained !== undefined && (byNode.get(drained)?.length ?? 0) > 0, 'no node has tasks');
    const node = await row(api, 'nodes', drained);
    const nodeId = node.entry.ref.type === 'node' ? node.entry.ref.id : '';

    await vscode.commands.executeCommand('shoal.node.drain', node.entry);
    await until(
      api,
      `${drained} drained and ${SERVICE} back at 5 running tasks elsewhere`,
      () =>
        api.model.nodes.get(nodeId)?.Spec.Availability === 'drain' &&
        serviceTasks().length === 5 &&
        serviceTasks().every((t) => t.NodeID !== nodeId && t.Status.State === 'running') &&
        !currentTasks().some((t) => t.NodeID === nodeId),
      60_000,
    );

    const after = await row(api, 'nodes', drained);
    assert.equal(after.contextValue, 'node.ready.drain');
    assert.equal(iconId(after.item), 'arrow-circle-down');
    assert.match(after.description, /^drain · .* · 0 tasks$/);
    assert.equal(after.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.deepEqual(await rows(api, 'nodes', after), []);
    const moved = await tasksByNode();
    assert.deepEqual(moved.get(drained), []);
    assert.equal([...moved.values()].flat().length, 5, JSON.stringify([...moved]));
    const service = await row(api, 'services', SERVICE);
    assert.equal(service.description, `replicated 5/5 · ${IMAGE}`);
    for (const task of await rows(api, 'services', service)) {
      assert.doesNotMatch(task.description, new RegExp(`· ${drained}$`), task.label);
    }

    await vscode.commands.executeCommand('shoal.node.activate', after.entry);
    await until(
      api,
      `${drained} active again`,
      () => api.model.nodes.get(nodeId)?.Spec.Availability === 'active',
    );
    assert.equal((await row(api, 'nodes', drained)).contextValue, 'node.ready.active');
  });

  it('Removing the service takes it and its tasks out of both trees', async () => {
    const id = serviceId();
    assert.ok(id !== undefined);
    // The command confirms with a modal dialog, which nothing can answer from here: the same request, sent
    // on the extension's own connection (the UI test removes through the dialog).
    await api.connection.request('DELETE', `/services/${encodeURIComponent(id)}`);
    await until(
      api,
      `${SERVICE} and its tasks gone`,
      () => serviceId() === undefined && !currentTasks().some((t) => t.ServiceID === id),
    );
    assert.deepEqual(
      (await rows(api, 'services')).map((s) => s.contextValue),
      ['message.empty'],
    );
    const byNode = await tasksByNode();
    assert.deepEqual([...byNode.values()].flat(), []);
    for (const node of await rows(api, 'nodes')) assert.match(node.description, / · 0 tasks$/, node.label);
  });
});
