// UI test of stacks: the packaged extension in VS Code 1.100 (code-server + headless Chromium) deploying a
// compose file from the Explorer to a real sandbox, the Services view grouping it, a broken file's diagnostic,
// and Remove Stack. Needs root (a sandbox) unless scripts/test-vscode.sh brought one up (SHOAL_TEST_HOME).
//   npm run --silent package && SHOAL_VSIX=$PWD/shoal-0.1.0.vsix node --import tsx --test test/vscode/ui/stacks.test.ts
// Screenshots of every step land in test-artifacts/vscode-ui/stacks-*.png.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkbenchExtras } from './explorer';
import { openWorkbench, screenshotOnFailure, WORKSPACE, type UiSession } from './session';
import { clusterForUi, type UiCluster } from './stack-cluster';

const TIMEOUT = { timeout: 240_000 };
/** Pulling nothing (the sandbox has the image), 3 tasks start in a few seconds; leave room on a busy machine. */
const CONVERGE_MS = 120_000;

describe('stacks from compose files', TIMEOUT, () => {
  let cluster: UiCluster | undefined;
  let session: UiSession | undefined;
  let x: WorkbenchExtras;
  let workspace: string | undefined;
  const ui = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    if (!session) throw new Error('no session');
    return screenshotOnFailure(session, name, fn);
  };

  before(async () => {
    cluster = await clusterForUi();
    if (!cluster) return;
    // A copy of the workspace: the test edits a compose file (unsaved, and auto-save off for that).
    workspace = mkdtempSync(join(tmpdir(), 'shoal-uistack-ws-'));
    cpSync(WORKSPACE, workspace, { recursive: true });
    session = await openWorkbench({
      folder: workspace,
      env: { SHOAL_HOME: cluster.home },
      settings: {
        'files.autoSave': 'off',
        // One DOM line per document line, for reading editors' text.
        'editor.wordWrap': 'off',
        '[markdown]': { 'editor.wordWrap': 'off' },
      },
    });
    x = new WorkbenchExtras(session.workbench);
  }, TIMEOUT);

  after(async () => {
    // Whatever the test left behind on a shared sandbox goes (the stack may not exist: 404 is fine).
    await cluster?.request('DELETE', '/shoal/stacks/shop').catch(() => undefined);
    await session?.close();
    await cluster?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('connects to the agent', TIMEOUT, async (t) => {
    if (!session) return t.skip('needs root for a sandbox (or SHOAL_TEST_HOME)');
    await ui('stacks-connect', async () => {
      const wb = session!.workbench;
      await wb.openViewContainer('Shoal', 'shoal');
      await wb.statusBarItem(/Shoal \d+\/\d+/).waitFor({ timeout: 60_000 });
    });
  });

  it('deploys shop/docker-compose.yml from the Explorer: preview, confirm, converge', TIMEOUT, async (t) => {
    if (!session) return t.skip('needs root for a sandbox (or SHOAL_TEST_HOME)');
    await ui('stacks-deploy', async () => {
      const wb = session!.workbench;
      const file = await x.explorerFile('shop', 'docker-compose.yml');
      const items = await wb.contextMenuItems(file);
      assert.ok(items.includes('Deploy Stack\u2026'), items.join(', '));
      assert.ok(items.includes('Update Stack from File'), items.join(', '));
      await x.screenshotContextMenu(file, 'stacks-1-explorer-menu');

      await wb.contextMenu(file, 'Deploy Stack\u2026');
      assert.equal(await x.inputValue(), 'shop', 'the default name is the folder name');
      await wb.screenshot('stacks-2-name');
      await wb.answerInput('shop');

      const dialog = await x.dialog(/^Deploy stack shop: 2 to create\?$/, 60_000);
      assert.match(dialog.detail, /docker-compose\.yml/);
      await x.tab('shop.plan.md').waitFor({ timeout: wb.timeout });
      await wb.screenshot('stacks-3-preview-and-confirm');
      await x.dialogButton('Deploy');
      const preview = await x.editorText('shop.plan.md');
      assert.match(preview, /Stack `shop`: deploy preview/);
      assert.match(preview, /To create \(2\)/);
      assert.match(preview, /shop_api/);
      assert.match(preview, /shop_web/);

      await wb.notification(/^Stack shop deployed: 2 services converged\.$/, CONVERGE_MS);
      await wb.screenshot('stacks-4-deployed');

      const sideBar = await wb.openViewContainer('Shoal', 'shoal');
      const services = await wb.view('Services');
      const stack = wb.treeRow('shop', services);
      await stack.waitFor({ timeout: wb.timeout });
      assert.match(await wb.treeRowDescription(stack), /^2 services \u00b7 3\/3 running$/);
      await wb.expand(stack);
      await wb.treeRow('shop_web', services).waitFor({ timeout: wb.timeout });
      await wb.treeRow('shop_api', services).waitFor({ timeout: wb.timeout });
      assert.match(await wb.treeRowDescription(wb.treeRow('shop_web', services)), /^replicated 2\/2/);
      assert.ok(await sideBar.isVisible());
      await wb.screenshot('stacks-5-services-view');
    });
  });

  it(
    "updates the stack from the editor's unsaved text, from the tab's menu, without asking the name",
    TIMEOUT,
    async (t) => {
      if (!session) return t.skip('needs root for a sandbox (or SHOAL_TEST_HOME)');
      await ui('stacks-update', async () => {
        const wb = session!.workbench;
        const page = session!.page;
        await wb.clearNotifications();
        await (await x.explorerFile('shop', 'docker-compose.yml')).click();
        const tab = x.tab('docker-compose.yml');
        await tab.waitFor({ timeout: wb.timeout });
        // Line 6 is `      replicas: 2`: select the 2 (column 17) and type 3, without saving.
        await x.typeAt('docker-compose.yml', 6, 17, 1, '3');
        assert.match(await x.editorText('docker-compose.yml'), /replicas: 3/);
        await page
          .locator('.tabs-container .tab.dirty[aria-label^="docker-compose.yml"]')
          .waitFor({ timeout: wb.timeout });

        await wb.contextMenu(tab, 'Update Stack from File');
        const dialog = await x.dialog(/^Deploy stack shop: 1 to update\?$/, 60_000);
        assert.match(dialog.detail, /unsaved changes included/);
        const preview = await x.editorText('shop.plan.md');
        assert.match(preview, /unsaved changes from the editor/);
        assert.match(preview, /To update \(1\)/);
        assert.match(preview, /Replicas`: 2 \u2192 3/);
        assert.match(preview, /Unchanged \(1\)/);
        await wb.screenshot('stacks-5a-update-unsaved');
        await x.dialogButton('Deploy');
        await wb.notification(/^Stack shop deployed: 1 service converged\.$/, CONVERGE_MS);

        await wb.openViewContainer('Shoal', 'shoal');
        const services = await wb.view('Services');
        assert.match(await wb.treeRowDescription(wb.treeRow('shop_web', services)), /^replicated 3\/3/);
        assert.match(await x.editorText('shop.plan.md'), /^Deployed at /m);
        await wb.screenshot('stacks-5b-updated');

        // Back to the file as on disk, so nothing is left unsaved.
        await tab.click();
        await wb.runCommand('File: Revert File');
        await page
          .locator('.tabs-container .tab.dirty[aria-label^="docker-compose.yml"]')
          .waitFor({ state: 'detached', timeout: wb.timeout });
      });
    },
  );

  it('shows the diagnostic of broken/compose.prod.yml at its line', TIMEOUT, async (t) => {
    if (!session) return t.skip('needs root for a sandbox (or SHOAL_TEST_HOME)');
    await ui('stacks-broken', async () => {
      const wb = session!.workbench;
      await wb.clearNotifications();
      const file = await x.explorerFile('broken', 'compose.prod.yml');
      await wb.contextMenu(file, 'Deploy Stack\u2026');
      assert.equal(await x.inputValue(), 'broken');
      await wb.answerInput('broken');
      const message = await wb.notification(/^Cannot deploy stack broken: compose\.prod\.yml:5:5: /, 60_000);
      assert.match(message, /replica/);
      await wb.screenshot('stacks-6-error-notification');
      await wb.notificationButton(/^Cannot deploy stack broken/, 'Show Problems');
      const problems = await x.problems();
      const row = problems.find((p) => /replica/.test(p));
      assert.ok(row, `no problem about "replica" in: ${problems.join(' | ')}`);
      assert.match(row, /Ln 5, Col 5/);
      await wb.screenshot('stacks-7-problems');

      // Fixing the file and saving re-checks it (a plan, nothing applied): the entry goes away.
      await file.click();
      await x.typeAt('compose.prod.yml', 5, 5, 'replica'.length, 'x-replica');
      await session!.page.keyboard.press('Control+S');
      await session!.page
        .locator('.markers-panel .monaco-list-row', { hasText: 'unknown key "replica"' })
        .waitFor({ state: 'detached', timeout: 60_000 });
      await wb.screenshot('stacks-7b-fixed-and-saved');
    });
  });

  it('removes the stack from its item in the Services view', TIMEOUT, async (t) => {
    if (!session) return t.skip('needs root for a sandbox (or SHOAL_TEST_HOME)');
    await ui('stacks-remove', async () => {
      const wb = session!.workbench;
      await wb.clearNotifications();
      await wb.openViewContainer('Shoal', 'shoal');
      const services = await wb.view('Services');
      const stack = wb.treeRow('shop', services);
      await wb.contextMenu(stack, 'Remove Stack');
      const dialog = await x.dialog(/^Remove the stack shop\?$/);
      assert.match(dialog.detail, /shop_api, shop_web/);
      await wb.screenshot('stacks-8-remove-confirm');
      await x.dialogButton('Remove');
      await wb.notification(/^Stack shop removed: 2 services, \d+ networks?\.$/, CONVERGE_MS);
      await stack.waitFor({ state: 'detached', timeout: wb.timeout });
      await wb.screenshot('stacks-9-removed');
    });
  });
});
