// DOM helpers for VS Code 1.100's workbench (code-server in headless Chromium), for UI tests.
// Selectors from shared/reference/vscode-testing.md; no shadow DOM. Every wait has a timeout.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../code-server';

export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'vscode-ui');

const QUICK_INPUT = '.quick-input-widget';
const CONTEXT_MENU = '.context-view.monaco-menu-container .monaco-menu';

/** `[attr="value"]` with the value quoted for CSS. */
function attr(name: string, value: string, op: '=' | '^=' = '='): string {
  return `[${name}${op}${JSON.stringify(value)}]`;
}

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

export class Workbench {
  constructor(
    readonly page: Page,
    readonly timeout = 20_000,
  ) {}

  /** Waits for the workbench and its activity bar. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.activitybar').waitFor({ timeout: this.timeout });
  }

  // ---- command palette and quick input ----

  /**
   * Runs a command from the palette by its title as the palette shows it (e.g. `Shoal: Refresh`): F1, type,
   * wait for the row, Enter. The row must match exactly, so a prefix never runs a neighbouring command.
   */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
    await input.waitFor({ timeout: this.timeout });
    await input.fill(`>${title}`);
    await this.quickPickRow(title).waitFor({ timeout: this.timeout });
    await this.pickFocused(title);
  }

  /** The row of the open quick pick whose label is exactly `label`. */
  quickPickRow(label: string): Locator {
    return this.page
      .locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`)
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(label) }) });
  }

  /** Chooses `label` in an open quick pick (shown by a command): type it to filter, then Enter. */
  async pick(label: string): Promise<void> {
    const input = this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
    await input.waitFor({ timeout: this.timeout });
    await input.fill(label);
    await this.quickPickRow(label).waitFor({ timeout: this.timeout });
    await this.pickFocused(label);
  }

  private async pickFocused(label: string): Promise<void> {
    const input = this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
    const typed = await input.inputValue();
    const row = this.quickPickRow(label);
    // Enter takes the focused row; the filter puts the best match first, but make sure it is ours.
    const focused = await row.evaluate((el) => el.classList.contains('focused')).catch(() => false);
    if (focused) await this.page.keyboard.press('Enter');
    else await row.click();
    await this.quickInputDone(typed);
  }

  /**
   * Waits until the quick input that showed `typed` is gone: hidden, or replaced by the next quick input that
   * the chosen command opened (a new prompt or pick).
   */
  private async quickInputDone(typed: string): Promise<void> {
    const widget = this.page.locator(QUICK_INPUT);
    const input = widget.locator('.quick-input-box input');
    const deadline = Date.now() + this.timeout;
    while (Date.now() < deadline) {
      if (!(await widget.isVisible())) return;
      const value = await input.inputValue({ timeout: 1000 }).catch(() => undefined);
      if (value !== typed) return;
      await this.page.waitForTimeout(50);
    }
    throw new Error(`the quick input still shows ${JSON.stringify(typed)} after ${this.timeout} ms`);
  }

  /** Answers an open input box (`showInputBox`): replaces its text and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator(`${QUICK_INPUT} .quick-input-box input`);
    await input.waitFor({ timeout: this.timeout });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Waits until the open quick input's title is `title` (a multi-step input shows its step: `Create Service
   * (2/7)`), so the next answer goes to the step that asks for it, not to the one just accepted.
   */
  async quickInputTitle(title: string): Promise<void> {
    await this.page
      .locator(`${QUICK_INPUT} .quick-input-title`, { hasText: exactText(title) })
      .waitFor({ timeout: this.timeout });
  }

  /** The text in the open quick input's box (e.g. a suggested value). */
  async inputValue(): Promise<string> {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`).inputValue({ timeout: this.timeout });
  }

  /** The validation or prompt message under an open input box. */
  async inputMessage(): Promise<string> {
    return (await this.page.locator(`${QUICK_INPUT} .quick-input-message`).innerText()).trim();
  }

  /** Closes whatever quick input is open. */
  async escape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  // ---- activity bar, side bar, views ----

  /**
   * The activity-bar entry of a view container. Extension containers are labelled with their title; built-in
   * ones carry their keybinding too (`Explorer (Ctrl+Shift+E)`), so they match by prefix.
   */
  activityBarEntry(title: string, match: 'exact' | 'prefix' = 'exact'): Locator {
    return this.page.locator(
      `.part.activitybar a.action-label${attr('aria-label', title, match === 'exact' ? '=' : '^=')}`,
    );
  }

  async hasActivityBarEntry(title: string, match: 'exact' | 'prefix' = 'exact'): Promise<boolean> {
    return (await this.activityBarEntry(title, match).count()) > 0;
  }

  /** The side-bar pane of a view container (`containerId` as in package.json's `viewsContainers`). */
  sideBar(containerId: string): Locator {
    return this.page.locator(`.part.sidebar ${attr('id', `workbench.view.extension.${containerId}`)}`);
  }

  /**
   * Shows a view container in the side bar: clicks its activity-bar entry unless it is already showing
   * (a second click would hide the side bar), then waits for the container.
   */
  async openViewContainer(title: string, containerId: string): Promise<Locator> {
    const sideBar = this.sideBar(containerId);
    if (!(await sideBar.isVisible())) {
      const entry = this.activityBarEntry(title);
      await entry.waitFor({ timeout: this.timeout });
      await entry.click();
    }
    await sideBar.waitFor({ timeout: this.timeout });
    return sideBar;
  }

  /** Shows the Explorer in the side bar and returns it. */
  async openExplorer(): Promise<Locator> {
    const explorer = this.page.locator('.part.sidebar [id="workbench.view.explorer"]');
    if (!(await explorer.isVisible())) {
      await this.activityBarEntry('Explorer', 'prefix').click();
    }
    await explorer.waitFor({ timeout: this.timeout });
    return explorer;
  }

  /**
   * A view by its name, expanded. Its header exists only when the container shows more than one view; with a
   * single view the container's pane is the view.
   */
  async view(name: string): Promise<Locator> {
    const header = this.page.locator(`.pane-header${attr('aria-label', `${name} Section`)}`);
    await header.waitFor({ timeout: this.timeout });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return this.page.locator('.pane').filter({ has: header });
  }

  // ---- trees ----

  /** Tree rows (`role=treeitem`) within `scope` (a view or side bar; default the whole page). */
  treeRows(scope?: Locator): Locator {
    return (scope ?? this.page.locator('body')).locator('.monaco-list-row[role="treeitem"]');
  }

  /** The tree row whose label (`.label-name`) is exactly `label`. */
  treeRow(label: string, scope?: Locator): Locator {
    return this.treeRows(scope).filter({
      has: this.page.locator('.label-name', { hasText: exactText(label) }),
    });
  }

  /** The labels of the visible rows, in order (a virtualised list renders only what fits). */
  async treeLabels(scope?: Locator): Promise<string[]> {
    const names = await this.treeRows(scope).locator('.label-name').allInnerTexts();
    return names.map((n) => n.trim());
  }

  /** The row's description (the dim text after its label). */
  async treeRowDescription(row: Locator): Promise<string> {
    const d = row.locator('.label-description');
    return (await d.count()) > 0 ? (await d.first().innerText()).trim() : '';
  }

  /** Waits until the row's description contains `text` (or matches it); returns the description. */
  async waitForRowDescription(row: Locator, text: string | RegExp, timeout = this.timeout): Promise<string> {
    const description = row.locator('.label-description', { hasText: text });
    await description.first().waitFor({ timeout });
    return (await description.first().innerText()).trim();
  }

  /**
   * The rows right under the row labelled `parent` in the view `view`, as label and description (as rendered:
   * the list is virtual, so keep the view tall enough).
   */
  async treeChildren(view: string, parent: string): Promise<ChildRow[]> {
    return (await this.page.evaluate(childRowsInPage, { view, parent })) || [];
  }

  /**
   * Waits until there are exactly `count` rows under `parent` (in the view `view`), their labels and
   * descriptions matching `match` when given. Checks the DOM on every frame, with a timeout; returns the rows.
   */
  async waitForTreeChildren(
    view: string,
    parent: string,
    count: number,
    match: { label?: RegExp; description?: RegExp } = {},
    timeout = this.timeout,
  ): Promise<ChildRow[]> {
    const pattern = (r: RegExp | undefined) => (r ? { source: r.source, flags: r.flags } : undefined);
    const args = {
      view,
      parent,
      count,
      label: pattern(match.label),
      description: pattern(match.description),
    };
    try {
      await this.page.waitForFunction(childRowsInPage, args, { timeout });
    } catch (error) {
      const now = await this.treeChildren(view, parent).catch(() => []);
      const wanted = [
        match.label && `labels ${String(match.label)}`,
        match.description && `descriptions ${String(match.description)}`,
      ]
        .filter(Boolean)
        .join(', ');
      throw new Error(
        `${view} view: expected ${count} row(s) under ${parent}${wanted ? ` with ${wanted}` : ''}, found ${JSON.stringify(now)}`,
        { cause: error },
      );
    }
    return this.treeChildren(view, parent);
  }

  /**
   * Re-checks `check` (DOM reads) every 100 ms until it holds; for conditions over several rows that no single
   * selector expresses. Throws after `timeout` naming `what`.
   */
  async until(what: string, check: () => Promise<boolean>, timeout = this.timeout): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Drags the side bar's edge so it is `width` pixels wide (descriptions are cut at the default width). */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (box === null) throw new Error('the side bar is not showing');
    const y = box.y + box.height / 2;
    const edge = box.x + box.width - 1;
    await this.page.mouse.move(edge, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Expands a collapsed row (no-op when expanded or a leaf). */
  async expand(row: Locator): Promise<void> {
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.click();
      await this.page.waitForFunction(
        (el) => el.getAttribute('aria-expanded') === 'true',
        await row.elementHandle(),
        { timeout: this.timeout },
      );
    }
  }

  /** Clicks an inline action (hover icon) of a row by its title, e.g. `Scale`. */
  async rowAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    const action = row.locator(`.actions a.action-label${attr('aria-label', title)}`);
    await action.waitFor({ timeout: this.timeout });
    await action.click();
  }

  /** Clicks a view's title-bar action by its title, e.g. `Refresh`. */
  async viewAction(view: Locator, title: string): Promise<void> {
    await view.hover();
    const action = view.locator(`.pane-header .actions a.action-label${attr('aria-label', title)}`);
    await action.first().waitFor({ timeout: this.timeout });
    await action.first().click();
  }

  // ---- context menus ----

  /** The titles of the context-menu items of `target` (opens and closes the menu). */
  async contextMenuItems(target: Locator): Promise<string[]> {
    await this.openContextMenu(target);
    const labels = await this.page
      .locator(`${CONTEXT_MENU} a.action-menu-item span.action-label`)
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.textContent ?? ''));
    await this.page.keyboard.press('Escape');
    await this.page.locator(CONTEXT_MENU).waitFor({ state: 'hidden', timeout: this.timeout });
    return labels.filter((l) => l !== '');
  }

  /**
   * Runs `item` from the context menu of `target` (a tree row, usually). The item's mouse-up handler is
   * attached 100 ms after the menu renders, so an immediate click is swallowed: hover it (it takes focus)
   * and press Enter instead.
   */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await this.openContextMenu(target);
    const entry = this.page.locator(`${CONTEXT_MENU} a.action-menu-item`).filter({
      has: this.page.locator(`span.action-label${attr('aria-label', item)}`),
    });
    await entry.waitFor({ timeout: this.timeout });
    await entry.hover();
    await this.page.waitForFunction(
      (el) =>
        el !== null &&
        (el.matches(':focus') || el.closest('.action-item')?.classList.contains('focused') === true),
      await entry.elementHandle(),
      { timeout: this.timeout },
    );
    await this.page.keyboard.press('Enter');
    await this.page.locator(CONTEXT_MENU).waitFor({ state: 'hidden', timeout: this.timeout });
  }

  private async openContextMenu(target: Locator): Promise<void> {
    await target.click({ button: 'right' });
    await this.page.locator(CONTEXT_MENU).waitFor({ timeout: this.timeout });
  }

  // ---- notifications ----

  /** Waits for a notification toast whose message matches, fully faded in; returns its message. */
  async notification(message: string | RegExp, timeout = this.timeout): Promise<string> {
    const toast = this.page
      .locator('.notifications-toasts .notification-toast.notification-fade-in-done')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) });
    await toast.first().waitFor({ timeout });
    return (await toast.first().locator('.notification-list-item-message').innerText()).trim();
  }

  /** The messages of the toasts showing now. */
  async notifications(): Promise<string[]> {
    const texts = await this.page
      .locator('.notifications-toasts .notification-toast .notification-list-item-message')
      .allInnerTexts();
    return texts.map((t) => t.trim());
  }

  /** Clicks a button (e.g. `Retry`) on the toast whose message matches. */
  async notificationButton(message: string | RegExp, button: string): Promise<void> {
    const toast = this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) });
    await toast
      .first()
      .locator('.monaco-button', { hasText: exactText(button) })
      .click();
  }

  /** Dismisses every notification. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  // ---- modal dialogs ----

  /** Waits for a modal dialog whose message matches and clicks its button `button`. */
  async dialogButton(message: string | RegExp, button: string): Promise<void> {
    const dialog = this.page
      .locator('.monaco-dialog-box')
      .filter({ has: this.page.locator('.dialog-message-text', { hasText: message }) });
    await dialog.waitFor({ timeout: this.timeout });
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: exactText(button) }).click();
    await dialog.waitFor({ state: 'detached', timeout: this.timeout });
  }

  // ---- webviews ----

  /**
   * The document of the webview showing now: a webview is an iframe (`iframe.webview.ready`) whose own iframe
   * (`#active-frame`) holds the extension's HTML.
   */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  // ---- status bar ----

  /** The status-bar item whose text matches (e.g. `/Shoal/`). */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  // ---- screenshots ----

  /**
   * Moves the mouse to the empty part of the activity bar, so the tooltip of whatever was clicked last does not
   * cover the screenshot, and waits (briefly) for a showing hover to go.
   */
  async clearHover(): Promise<void> {
    const bar = await this.page.locator('.part.activitybar').boundingBox();
    if (bar !== null) await this.page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height * 0.6);
    await this.page
      .locator('.workbench-hover')
      .first()
      .waitFor({ state: 'hidden', timeout: 2000 })
      .catch(() => undefined);
  }

  /** Saves a full-page PNG as test-artifacts/vscode-ui/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    await this.clearHover();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}

/** A tree row under another, as {@link Workbench.treeChildren} reads it. */
export interface ChildRow {
  label: string;
  description: string;
}

/** The little of the DOM that {@link childRowsInPage} uses (this project compiles without the DOM lib). */
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  closest(selector: string): PageElement | null;
}

type PagePattern = { source: string; flags: string } | undefined;

/**
 * Runs in the page (serialised, so self-contained): the rows right under the row labelled `parent` in the
 * view `view`. A tree is a flat list of rows with aria-level; the children are the following rows one level
 * deeper, up to the next row at the parent's level or above. With `count`, it returns false unless the parent
 * is there with exactly that many children, matching `label`/`description` when given (a waitForFunction
 * predicate).
 */
function childRowsInPage(args: {
  view: string;
  parent: string;
  count?: number;
  label?: PagePattern;
  description?: PagePattern;
}): ChildRow[] | false {
  // No local function declarations here: tsx's esbuild would wrap them in a `__name` helper the page lacks.
  const document = (globalThis as unknown as { document: PageElement }).document;
  const header = document.querySelector(`.pane-header[aria-label=${JSON.stringify(`${args.view} Section`)}]`);
  const rows = Array.from(
    header?.closest('.pane')?.querySelectorAll('.monaco-list-row[role="treeitem"]') ?? [],
  )
    .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
    .map((row) => ({
      level: Number(row.getAttribute('aria-level')),
      label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
    }));
  const start = rows.findIndex((row) => row.label === args.parent);
  if (start < 0) return args.count === undefined ? [] : false;
  const level = rows[start]?.level ?? 0;
  const children: ChildRow[] = [];
  for (const row of rows.slice(start + 1)) {
    if (row.level <= level) break;
    if (row.level === level + 1) children.push({ label: row.label, description: row.description });
  }
  if (args.count === undefined) return children;
  const label = args.label ? new RegExp(args.label.source, args.label.flags) : undefined;
  const description = args.description
    ? new RegExp(args.description.source, args.description.flags)
    : undefined;
  const matches =
    children.length === args.count &&
    children.every(
      (c) =>
        (label === undefined || label.test(c.label)) &&
        (description === undefined || description.test(c.description)),
    );
  return matches ? children : false;
}
