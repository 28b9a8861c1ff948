// One UI-test session: a throw-away code-server with the PACKAGED extension (the .vsix) installed, a headless
// Chromium on the workbench, and the Workbench helpers. Use one session per test file (before/after).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, REPO_ROOT, startCodeServer, type Browser, type CodeServer } from '../code-server';
import { Workbench } from './workbench';

export interface PackageJson {
  name: string;
  publisher: string;
  version: string;
  contributes?: {
    viewsContainers?: { activitybar?: { id: string; title: string }[] };
    views?: Record<string, { id: string; name: string }[]>;
    commands?: { command: string; title: string; category?: string }[];
  };
}

export function packageJson(): PackageJson {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** The .vsix under test: SHOAL_VSIX, else `npm run package`'s shoal-<version>.vsix in the repo root. */
export function vsixPath(): string {
  const path =
    process.env.SHOAL_VSIX ?? join(REPO_ROOT, `${packageJson().name}-${packageJson().version}.vsix`);
  if (!existsSync(path)) throw new Error(`${path} not found: run \`npm run package\` first`);
  return path;
}

export interface UiSessionOptions {
  /** The folder to open (default test/vscode/fixtures/workspace). */
  folder?: string;
  /**
   * Extra environment for code-server and the extension host. SHOAL_HOME: this, else the caller's, else a
   * throw-away directory (removed by `close`), so a UI test never meets a developer's own agent.
   */
  env?: NodeJS.ProcessEnv;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Install the packaged extension (default true). */
  installExtension?: boolean;
}

export interface UiSession {
  readonly server: CodeServer;
  readonly page: Page;
  readonly workbench: Workbench;
  /** Browser console errors seen so far. */
  readonly consoleErrors: string[];
  /** The SHOAL_HOME the extension host sees. */
  readonly shoalHome: string;
  close(): Promise<void>;
}

export const WORKSPACE = join(REPO_ROOT, 'test', 'vscode', 'fixtures', 'workspace');

export async function openWorkbench(options: UiSessionOptions = {}): Promise<UiSession> {
  const pkg = packageJson();
  const install = options.installExtension === false ? [] : [vsixPath()];
  const ownHome =
    options.env?.SHOAL_HOME === undefined && process.env.SHOAL_HOME === undefined
      ? mkdtempSync(join(tmpdir(), 'shoal-ui-home-'))
      : undefined;
  const env = { ...(ownHome === undefined ? {} : { SHOAL_HOME: ownHome }), ...options.env };
  const removeHome = (): void => {
    if (ownHome !== undefined) rmSync(ownHome, { recursive: true, force: true });
  };
  let server: CodeServer;
  try {
    server = await startCodeServer({ install, env, settings: options.settings ?? {} });
  } catch (err) {
    removeHome();
    throw err;
  }
  let browser: Browser | undefined;
  try {
    if (install.length > 0) {
      const id = `${pkg.publisher}.${pkg.name}-${pkg.version}`;
      if (!readdirSync(server.extensionsDir).includes(id)) {
        throw new Error(`${id} is not in the extensions dir after --install-extension`);
      }
    }
    browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    const query = new URLSearchParams({ folder: options.folder ?? WORKSPACE });
    await page.goto(`${server.url}/?${query.toString()}`);
    const workbench = new Workbench(page);
    await workbench.ready();
    const opened = browser;
    return {
      server,
      page,
      workbench,
      consoleErrors,
      shoalHome: env.SHOAL_HOME ?? process.env.SHOAL_HOME ?? '',
      close: async () => {
        await opened.close();
        await server.stop();
        removeHome();
      },
    };
  } catch (err) {
    await browser?.close();
    await server.stop();
    removeHome();
    throw err;
  }
}

/** The sandbox and agent that scripts/test-vscode.sh brought up for this run (as root), if any. */
export interface TestCluster {
  /** Its SHOAL_HOME (sandbox state, agent socket and token). */
  home: string;
  /** `unix://<home>/agent.sock`: the agent, for the extension's setting and for `docker -H`. */
  endpoint: string;
}

export function testCluster(): TestCluster | undefined {
  const home = process.env.SHOAL_TEST_HOME;
  const endpoint = process.env.SHOAL_TEST_ENDPOINT;
  return home && endpoint ? { home, endpoint } : undefined;
}

/** Why engine-backed UI tests skip when {@link testCluster} is undefined (for `describe`'s `skip`). */
export const NO_TEST_CLUSTER =
  'no sandbox and agent (SHOAL_TEST_HOME/SHOAL_TEST_ENDPOINT unset): scripts/test-vscode.sh brings them up as root';

/** A UI session whose extension is connected to the test cluster's agent (SHOAL_HOME and the endpoint setting). */
export function openClusterWorkbench(
  cluster: TestCluster,
  options: UiSessionOptions = {},
): Promise<UiSession> {
  return openWorkbench({
    ...options,
    env: { ...options.env, SHOAL_HOME: cluster.home },
    settings: { 'shoal.agent.endpoint': cluster.endpoint, ...options.settings },
  });
}

/** Runs `fn`; when it throws, saves a screenshot `failed-<name>.png` first (then rethrows). */
export async function screenshotOnFailure<T>(
  session: UiSession,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const path = await session.workbench.screenshot(`failed-${name}`).catch(() => undefined);
    if (path !== undefined) console.error(`screenshot of the failure: ${path}`);
    throw err;
  }
}
