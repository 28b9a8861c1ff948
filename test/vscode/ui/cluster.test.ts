// The packaged extension in a real VS Code 1.100 workbench (code-server + headless Chromium) against the
// 3-node sandbox and the agent that scripts/test-vscode.sh brings up as root: what a user sees and clicks.
// Each step leaves a screenshot in test-artifacts/vscode-ui/cluster-*.png. Skipped without a sandbox.
import * as assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { docker } from '../../helpers/sandbox';
import {
  NO_TEST_CLUSTER,
  openClusterWorkbench,
  screenshotOnFailure,
  testCluster,
  type UiSession,
} from './session';

const cluster = testCluster();
const SERVICE = 'ui-web';
const IMAGE = 'shoal/web:latest';
const NODES = ['node1', 'node2', 'node3'];
const TIMEOUT = { timeout: 90_000 };
/** Convergence (create, scale, drain) on the sandbox takes about a second; this is the bound, not the wait. */
const CONVERGE_MS = 60_000;

describe(
  'Shoal in the workbench against a 3-node sandbox',
  { ...TIMEOUT, skip: cluster ? false : NO_TEST_CLUSTER },
  () => {
    let session: UiSession;
    let failed = false;
    /** Runs a step; after a failed step the later ones skip (they build on it) instead of timing out. */
    const step =
      (name: string, fn: () => Promise<void>) =>
      async (t: TestContext): Promise<void> => {
        if (failed) {
          t.skip('an earlier step failed');
          return;
        }
        try {
          await screenshotOnFailure(session, name, fn);
        } catch (error) {
          failed = true;
          throw error;
        }
      };

    before(async () => {
      if (!cluster) return;
      session = await openClusterWorkbench(cluster);
      await session.workbench.openViewContainer('Shoal', 'shoal');
      // Wide enough for the descriptions (running/desired, node, image) to show in the screenshots.
      await session.workbench.resizeSideBar(640);
    }, TIMEOUT);

    after(async () => {
      await session?.close();
      if (!cluster) return;
      // Leave the sandbox as found, whatever happened above.
      await docker(cluster.endpoint, ['service', 'rm', SERVICE]).catch(() => undefined);
      for (const node of NODES) {
        await docker(cluster.endpoint, ['node', 'update', '--availability', 'active', node]).catch(
          () => undefined,
        );
      }
    });

    it(
      'shows the three nodes in the Nodes view, ready and active',
      TIMEOUT,
      step('nodes', async () => {
        const wb = session.workbench;
        const nodes = await wb.view('Nodes');
        for (const node of NODES) {
          const description = await wb.waitForRowDescription(wb.treeRow(node, nodes), / tasks?$/);
          // Ready and active are not spelled out; down, drain or pause would lead the description.
          assert.match(description, /^(worker|manager) · [\d.]+ CPUs? · .* · 0 tasks$/, node);
        }
        await wb.statusBarItem(/Shoal 3\/3/).waitFor({ timeout: wb.timeout });
        await wb.screenshot('cluster-1-three-nodes');
      }),
    );

    it(
      'creates a service from the palette; it converges and its tasks appear under it',
      TIMEOUT,
      step('create', async () => {
        const wb = session.workbench;
        await wb.runCommand('Shoal: Create Service…');
        await wb.quickInputTitle('Create Service (1/7)');
        await wb.answerInput(IMAGE);
        await wb.quickInputTitle('Create Service (2/7)');
        assert.equal(await wb.inputValue(), 'web', 'the name suggested from the image');
        await wb.answerInput(SERVICE);
        await wb.quickInputTitle('Create Service (3/7)');
        await wb.pick('Replicated');
        await wb.quickInputTitle('Create Service (4/7)');
        await wb.answerInput('3');
        await wb.quickInputTitle('Create Service (5/7)');
        await wb.screenshot('cluster-2a-create-ports-step');
        await wb.answerInput(''); // published ports: none
        await wb.quickInputTitle('Create Service (6/7)');
        await wb.answerInput(''); // environment: none
        await wb.quickInputTitle('Create Service (7/7)');
        await wb.answerInput(''); // constraints: none
        await wb.notification(`${SERVICE}: 3/3 tasks running.`, CONVERGE_MS);

        const services = await wb.view('Services');
        const row = wb.treeRow(SERVICE, services);
        await wb.waitForRowDescription(row, `replicated 3/3 · ${IMAGE}`);
        await wb.expand(row);
        await wb.waitForTreeChildren('Services', SERVICE, 3, {
          label: /^ui-web\.[123]$/,
          description: /^running · node[123]$/,
        });
        await wb.screenshot('cluster-2b-service-created');
      }),
    );

    it(
      'scales the service from its context menu; its item shows 5/5',
      TIMEOUT,
      step('scale', async () => {
        const wb = session.workbench;
        const services = await wb.view('Services');
        const row = wb.treeRow(SERVICE, services);
        await wb.contextMenu(row, 'Scale Service…');
        await wb.quickInputTitle(`Scale ${SERVICE}`);
        await wb.answerInput('5');
        await wb.notification(`${SERVICE}: 5/5 tasks running.`, CONVERGE_MS);
        await wb.waitForRowDescription(row, `replicated 5/5 · ${IMAGE}`);
        await wb.waitForTreeChildren('Services', SERVICE, 5, {
          label: /^ui-web\.[1-5]$/,
          description: /^running · node[123]$/,
        });
        await wb.screenshot('cluster-3-scaled-to-5');
      }),
    );

    it(
      'drains a node from its context menu; its tasks move to the other nodes',
      TIMEOUT,
      step('drain', async () => {
        const wb = session.workbench;
        const nodes = await wb.view('Nodes');
        const taskCount = async (node: string): Promise<number> =>
          Number(/(\d+) tasks?$/.exec(await wb.treeRowDescription(wb.treeRow(node, nodes)))?.[1] ?? NaN);
        for (const node of NODES) await wb.expand(wb.treeRow(node, nodes));
        const before = await taskCount('node1');
        assert.ok(before > 0, 'spread put no task on node1');
        await wb.waitForTreeChildren('Nodes', 'node1', before, { label: /^ui-web\.\d$/ });

        await wb.contextMenu(wb.treeRow('node1', nodes), 'Drain Node');
        await wb.waitForRowDescription(wb.treeRow('node1', nodes), /^drain · .* · 0 tasks$/, CONVERGE_MS);
        await wb.waitForTreeChildren('Nodes', 'node1', 0);
        // Under the service: five running tasks, none on node1.
        await wb.waitForTreeChildren(
          'Services',
          SERVICE,
          5,
          { label: /^ui-web\.[1-5]$/, description: /^running · node[23]$/ },
          CONVERGE_MS,
        );
        // Under the other nodes: those five tasks.
        await wb.until('node2 and node3 to hold the five tasks', async () => {
          const moved = [
            ...(await wb.treeChildren('Nodes', 'node2')),
            ...(await wb.treeChildren('Nodes', 'node3')),
          ];
          return moved.length === 5 && moved.every((c) => /^ui-web\.[1-5]$/.test(c.label));
        });
        assert.equal((await taskCount('node2')) + (await taskCount('node3')), 5);
        await wb.screenshot('cluster-4-node1-drained');
      }),
    );

    it(
      'shows every task on the cluster map, none on the drained node',
      TIMEOUT,
      step('map', async () => {
        const wb = session.workbench;
        await wb.runCommand('Shoal: Open Cluster Map');
        const map = wb.webview();
        await map
          .locator('#summary', { hasText: '3 nodes · 5 tasks · 1 services' })
          .waitFor({ timeout: wb.timeout });
        const column = (node: string) =>
          map.locator('section.node').filter({ has: map.locator('.hostname', { hasText: node }) });
        const labels = await map.locator('.task .label').allInnerTexts();
        assert.deepEqual(
          labels.map((l) => l.trim()).sort(),
          [1, 2, 3, 4, 5].map((slot) => `${SERVICE}.${slot}`),
        );
        assert.match((await column('node1').getAttribute('class')) ?? '', /\bdrain\b/);
        assert.equal(await column('node1').locator('.task').count(), 0);
        const elsewhere =
          (await column('node2').locator('.task').count()) + (await column('node3').locator('.task').count());
        assert.equal(elsewhere, 5);
        assert.equal(await map.locator('.task .dot.running').count(), 5, 'every task has a running dot');
        await wb.screenshot('cluster-5-map');
      }),
    );

    it(
      'activates the node and removes the service from their context menus; the map follows',
      TIMEOUT,
      step('remove', async () => {
        const wb = session.workbench;
        const nodes = await wb.view('Nodes');
        await wb.contextMenu(wb.treeRow('node1', nodes), 'Activate Node');
        await wb.waitForRowDescription(wb.treeRow('node1', nodes), /^(worker|manager) · /);

        const services = await wb.view('Services');
        await wb.contextMenu(wb.treeRow(SERVICE, services), 'Remove Service');
        await wb.dialogButton(`Remove the service ${SERVICE}?`, 'Remove');
        await wb.notification(`${SERVICE} removed.`, CONVERGE_MS);
        await wb.treeRow('No services', services).waitFor({ timeout: wb.timeout });
        await wb
          .webview()
          .locator('#summary', { hasText: '3 nodes · 0 tasks · 0 services' })
          .waitFor({ timeout: wb.timeout });
        await wb.screenshot('cluster-6-removed');
      }),
    );
  },
);
