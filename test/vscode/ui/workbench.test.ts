// UI smoke test: the packaged extension (.vsix) in a real VS Code 1.100 workbench (code-server + headless
// Chromium). Run through scripts/test-vscode.sh, or alone after `npm run package`:
//   node --import tsx --test test/vscode/ui/workbench.test.ts
// Screenshots land in test-artifacts/vscode-ui/.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWorkbench, packageJson, screenshotOnFailure, type UiSession } from './session';

const TIMEOUT = { timeout: 90_000 };

describe('VS Code workbench with the packaged extension', TIMEOUT, () => {
  let session: UiSession;
  const ui = <T>(name: string, fn: () => Promise<T>): Promise<T> => screenshotOnFailure(session, name, fn);

  before(async () => {
    session = await openWorkbench();
  }, TIMEOUT);
  after(async () => {
    await session?.close();
  });

  it('loads the workbench on the workspace folder', TIMEOUT, () =>
    ui('workbench', async () => {
      const wb = session.workbench;
      assert.ok(await wb.hasActivityBarEntry('Explorer', 'prefix'), 'no Explorer entry in the activity bar');
      const explorer = await wb.openExplorer();
      await wb.treeRow('compose.yaml', explorer).waitFor({ timeout: wb.timeout });
    }),
  );

  it('shows the Shoal activity-bar entry', TIMEOUT, async (t) => {
    const container = packageJson().contributes?.viewsContainers?.activitybar?.[0];
    if (container === undefined) {
      const shot = await session.workbench.screenshot('workbench');
      t.skip(`package.json contributes no activity-bar view container yet (screenshot: ${shot})`);
      return;
    }
    await ui('shoal-activity-bar', async () => {
      const wb = session.workbench;
      await wb.activityBarEntry(container.title).waitFor({ timeout: wb.timeout });
      const sideBar = await wb.openViewContainer(container.title, container.id);
      // Activation registers the views' data providers; until then (or if it failed) the views say so.
      await sideBar
        .getByText('There is no data provider registered')
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 });
      await wb.screenshot('shoal-view-container');
    });
  });

  // The helpers themselves, against built-in parts of the workbench (so a failure here is the harness's).
  it('helpers: palette, explorer tree, context menu, quick pick', TIMEOUT, () =>
    ui('helpers', async () => {
      const wb = session.workbench;
      const page = session.page;
      const tab = (label: string) =>
        page.locator(`.tabs-container .tab[aria-label^=${JSON.stringify(label)}]`);

      await wb.runCommand('File: New Untitled Text File');
      await tab('Untitled-1').waitFor({ timeout: wb.timeout });

      const explorer = await wb.openExplorer();
      const row = wb.treeRow('compose.yaml', explorer);
      assert.ok((await wb.contextMenuItems(row)).includes('Open to the Side'));
      await wb.contextMenu(row, 'Open to the Side');
      await tab('compose.yaml').waitFor({ timeout: wb.timeout });

      await wb.runCommand('Preferences: Color Theme');
      await wb.pick('Dark Modern');
      await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: wb.timeout });
      await wb.screenshot('helpers');
    }),
  );
});
