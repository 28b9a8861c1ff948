// DOM helpers beyond workbench.ts for the stack UI test: Explorer folders, modal dialogs, editor tabs and
// text, and the Problems view. VS Code 1.100 in code-server (no shadow DOM); every wait has a timeout.
import type { Locator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

const DIALOG = '.monaco-dialog-box';

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

export class WorkbenchExtras {
  readonly page: Page;

  constructor(readonly wb: Workbench) {
    this.page = wb.page;
  }

  // ---- Explorer ----

  /**
   * Shows the Explorer through the palette: its activity-bar entry cannot be clicked while it carries a badge
   * (`1 unsaved file`), which covers the icon.
   */
  async openExplorer(): Promise<Locator> {
    const explorer = this.page.locator('.part.sidebar [id="workbench.view.explorer"]');
    if (!(await explorer.isVisible())) await this.wb.runCommand('View: Show Explorer');
    await explorer.waitFor({ timeout: this.wb.timeout });
    return explorer;
  }

  /** The row of `file` inside `folder` (a top-level folder of the workspace), expanding the folder first. */
  async explorerFile(folder: string, file: string): Promise<Locator> {
    const explorer = await this.openExplorer();
    const folderRow = this.wb.treeRow(folder, explorer);
    await folderRow.waitFor({ timeout: this.wb.timeout });
    await this.wb.expand(folderRow);
    const row = this.wb.treeRow(file, explorer).and(this.page.locator('[aria-level="2"]'));
    await row.waitFor({ timeout: this.wb.timeout });
    return row;
  }

  /** Opens the context menu of `target`, saves a screenshot of it, and closes it again. */
  async screenshotContextMenu(target: Locator, name: string): Promise<void> {
    const menu = this.page.locator('.context-view.monaco-menu-container .monaco-menu');
    await target.click({ button: 'right' });
    await menu.waitFor({ timeout: this.wb.timeout });
    await this.wb.screenshot(name);
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: this.wb.timeout });
  }

  // ---- quick input ----

  /** The text an open input box holds now (e.g. its default value). */
  async inputValue(): Promise<string> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: this.wb.timeout });
    return input.inputValue();
  }

  // ---- modal dialogs (showInformationMessage / showWarningMessage with modal: true) ----

  /** Waits for a modal dialog whose message matches; returns its message and detail text. */
  async dialog(
    message: string | RegExp,
    timeout = this.wb.timeout,
  ): Promise<{ message: string; detail: string }> {
    const box = this.page.locator(DIALOG).filter({
      has: this.page.locator('.dialog-message-text', { hasText: message }),
    });
    await box.waitFor({ timeout });
    const detailLocator = box.locator('.dialog-message-detail');
    return {
      message: (await box.locator('.dialog-message-text').innerText()).trim(),
      detail: (await detailLocator.count()) > 0 ? (await detailLocator.innerText()).trim() : '',
    };
  }

  /** Clicks a button of the open modal dialog, then waits for the dialog to close. */
  async dialogButton(label: string): Promise<void> {
    const button = this.page.locator(`${DIALOG} .dialog-buttons .monaco-button`, {
      hasText: exactText(label),
    });
    await button.first().waitFor({ timeout: this.wb.timeout });
    await button.first().click();
    await this.page.locator(DIALOG).waitFor({ state: 'hidden', timeout: this.wb.timeout });
  }

  // ---- editors ----

  /** The editor tab whose label starts with `label`. */
  tab(label: string): Locator {
    return this.page.locator(`.tabs-container .tab[aria-label^=${JSON.stringify(label)}]`);
  }

  /** The text of the visible lines of the editor group showing `tabLabel` as its active tab. */
  async editorText(tabLabel: string): Promise<string> {
    const activeTab = this.page.locator(
      `.tabs-container .tab.active[aria-label^=${JSON.stringify(tabLabel)}]`,
    );
    const group = this.page.locator('.editor-group-container').filter({ has: activeTab });
    await group.first().waitFor({ timeout: this.wb.timeout });
    // Monaco reuses line elements in any DOM order: sort them by their position. (Word wrap must be off for
    // one element per line: the stack test's session turns it off.)
    const lines = await group
      .first()
      .locator('.monaco-editor .view-lines .view-line')
      .evaluateAll((els) =>
        els
          .map((el) => ({
            top: Number(/top:\s*(-?[\d.]+)px/.exec(el.getAttribute('style') ?? '')?.[1] ?? 0),
            text: el.textContent ?? '',
          }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
    return lines.join('\n').replace(/\u00a0/g, ' ');
  }

  /**
   * Replaces `length` characters at `line`:`column` (1-based) of the editor showing `tabLabel` with `text`,
   * through Go to Line/Column and the keyboard, as a user would (nothing is saved).
   */
  async typeAt(tabLabel: string, line: number, column: number, length: number, text: string): Promise<void> {
    await this.tab(tabLabel).click();
    const activeTab = this.page.locator(
      `.tabs-container .tab.active[aria-label^=${JSON.stringify(tabLabel)}]`,
    );
    const group = this.page.locator('.editor-group-container').filter({ has: activeTab }).first();
    await group.locator('.monaco-editor .view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: this.wb.timeout });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: this.wb.timeout });
    for (let i = 0; i < length; i++) await this.page.keyboard.press('Shift+ArrowRight');
    await this.page.keyboard.type(text);
  }

  // ---- Problems view ----

  /** The rows of the Problems view (it must be open), as their text. */
  async problems(timeout = this.wb.timeout): Promise<string[]> {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout });
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }
}
