// Runs a throw-away code-server (VS Code 1.100 in a browser) and a headless Debian Chromium for tests.
// Shared by the `@vscode/test-electron` stand-in (code-server-vscode.ts) and the UI tests (ui/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The code-server entry point that `scripts/setup-vscode.sh` installs (or `SHOAL_CODE_SERVER`). */
export function codeServerBinary(): string {
  const explicit = process.env.SHOAL_CODE_SERVER;
  if (explicit) return explicit;
  const cache = process.env.SHOAL_CACHE ?? join(homedir(), '.cache', 'shoal');
  const bin = join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}: run scripts/setup-vscode.sh first`);
  }
  return bin;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
};

/** The environment code-server (and so the extension host) gets: ours, minus the caller's VS Code. */
function serverEnv(tmp: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // A terminal inside VS Code / code-server exports VSCODE_IPC_HOOK_CLI & co., which would make
    // code-server hand its work to that outer instance.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key === 'CODE_SERVER_PARENT_PID')
      continue;
    env[key] = value;
  }
  return { ...env, EXTENSIONS_GALLERY: '{}', TMPDIR: tmp, ...extra };
}

export interface CodeServerOptions {
  /** .vsix files or extension folders to install into the throw-away extensions dir before starting. */
  install?: string[];
  /** Extra environment for code-server and its extension host. */
  env?: NodeJS.ProcessEnv;
  /** Extra user settings (merged over the defaults above). */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's own stdout and stderr so far. */
  log(): string;
  /** Stops code-server's whole process group and removes its directories. Safe to call twice. */
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

// code-server runs in its own process group, so a Ctrl-C in the terminal does not reach it: on a signal, stop
// every server still running (synchronously), then die as the signal would unless someone else handles it.
const emergencyStops = new Set<() => void>();
let signalsHooked = false;
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const stop of emergencyStops) stop();
      emergencyStops.clear();
      if (process.listenerCount(signal) === 1) process.exit(codes[signal]);
    });
  }
}

/** Starts code-server on a free loopback port with throw-away directories, in its own process group. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'shoal-code-server-'));
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const tmp = join(dir, 'tmp');
  for (const d of [join(userDataDir, 'User'), extensionsDir, tmp]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...USER_SETTINGS, ...options.settings }, null, 2),
  );
  const env = serverEnv(tmp, options.env ?? {});
  // Its own config file, so the user's ~/.config/code-server/config.yaml is neither read nor created.
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const logPath = join(dir, 'code-server.log');
  const cleanupDir = (): void => rmSync(dir, { recursive: true, force: true, maxRetries: 5 });

  for (const item of options.install ?? []) {
    const r = spawnSync(bin, [...common, '--install-extension', item], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      cleanupDir();
      throw new Error(`code-server --install-extension ${item} failed:\n${r.stdout}${r.stderr}`);
    }
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const out = openSync(logPath, 'a');
  const child = spawn(
    bin,
    [
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    { env, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) {
    cleanupDir();
    throw new Error('could not start code-server');
  }
  let stopped = false;
  const log = (): string => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  const exitHook = (): void => {
    killGroup(pid, 'SIGKILL');
    cleanupDir();
  };
  process.once('exit', exitHook);
  emergencyStops.add(exitHook);
  hookSignals();
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off('exit', exitHook);
    emergencyStops.delete(exitHook);
    killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    cleanupDir();
  };
  try {
    await waitForHealth(url, child, 30_000);
  } catch (err) {
    const text = log();
    await stop();
    throw new Error(`${(err as Error).message}\n${text}`, { cause: err });
  }
  return { url, port, dir, userDataDir, extensionsDir, log, stop };
}

/** Options for Debian's Chromium in headless mode (playwright-core never downloads a browser here). */
export function chromiumExecutable(): string {
  return process.env.SHOAL_CHROMIUM ?? '/usr/bin/chromium';
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile; `close` also removes the profile. */
export async function launchBrowser(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'shoal-chromium-'));
  const removeProfile = (): void => rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  // Also when the process exits in the middle of a launch (a signal): Playwright kills the browser then.
  process.once('exit', removeProfile);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      headless: true,
      viewport,
      // The callers stop the browser themselves (and remove its profile) on a signal.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    process.off('exit', removeProfile);
    removeProfile();
    throw err;
  }
  let closed = false;
  return {
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      process.off('exit', removeProfile);
      removeProfile();
    },
  };
}
